"""Model quality figures: AUC, KS, Gini, calibration and PSI on hand-checkable data."""

from __future__ import annotations

import math

import numpy as np

from huankuan.scoring import metrics


def test_it_gives_a_perfect_ranking_an_auc_of_one_and_a_reversed_one_zero() -> None:
    assert metrics.auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert metrics.auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0


def test_it_shares_ties_between_the_classes() -> None:
    assert metrics.auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]) == 0.5
    # One positive above one negative, one tie: (1 + 0.5) / 2.
    assert metrics.auc([0.7, 0.3, 0.3], [1, 0, 1]) == 0.75


def test_it_returns_nan_when_only_one_class_is_present() -> None:
    assert math.isnan(metrics.auc([0.1, 0.2], [1, 1]))
    assert math.isnan(metrics.ks([0.1, 0.2], [0, 0]))


def test_it_measures_ks_as_the_largest_gap_between_the_classes() -> None:
    assert metrics.ks([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert metrics.ks([0.5] * 4, [0, 1, 0, 1]) == 0.0


def test_it_derives_gini_from_auc() -> None:
    p, y = [0.2, 0.6, 0.4, 0.9], [0, 1, 0, 1]
    assert metrics.gini(p, y) == 2 * metrics.auc(p, y) - 1


def test_it_bins_predictions_into_equal_count_reliability_rows() -> None:
    p = np.linspace(0.05, 0.95, 100)
    y = (np.arange(100) % 2).astype(int)
    table = metrics.reliability_table(p, y, bins=4)
    assert [row.count for row in table] == [25, 25, 25, 25]
    assert table[0].mean_predicted < table[-1].mean_predicted
    assert all(0.4 <= row.observed_rate <= 0.6 for row in table)


def test_it_finds_no_shift_between_identical_samples_and_a_large_one_between_apart_samples() -> (
    None
):
    rng = np.random.default_rng(1)
    base = rng.normal(size=5000)
    assert metrics.psi(base, base) == 0.0
    assert metrics.psi(base, rng.normal(size=5000)) < 0.05
    assert metrics.psi(base, rng.normal(loc=1.5, size=5000)) > 0.25


def test_it_summarises_a_model_in_rounded_figures() -> None:
    summary = metrics.summary([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    assert summary["auc"] == 0.75 and summary["gini"] == 0.5
    assert summary["base_rate"] == 0.5 and summary["rows"] == 4
