"""Trained models: the exported WOE scorecard, LightGBM, the model set and the Scorer port."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from huankuan.scoring.features import MODEL_FEATURES
from huankuan.scoring.gbm import GradientBoosted
from huankuan.scoring.models import ModelSet, TrainedScorer
from huankuan.scoring.training import NotEnoughHistory, evaluate, train_model_set
from huankuan.scoring.woe import WoeScorecard

CUTOFFS = [("high", 600), ("medium", 400), ("low", 0)]


def labelled(rows: int = 1600, seed: int = 4) -> pl.DataFrame:
    """Synthetic snapshots: paying falls with days past due and rises with contact."""
    rng = np.random.default_rng(seed)
    data = {name: rng.normal(size=rows) for name in MODEL_FEATURES}
    data["days_past_due"] = rng.integers(1, 180, rows).astype(float)
    data["right_party_rate_90d"] = np.where(rng.random(rows) < 0.2, np.nan, rng.random(rows))
    logit = 1.5 - data["days_past_due"] / 40 + 2 * np.nan_to_num(data["right_party_rate_90d"])
    pays = rng.random(rows) < 1 / (1 + np.exp(-logit))
    rolls = rng.random(rows) < 1 / (1 + np.exp(logit - 0.5))
    as_of = [date(2026, 9, 1) + timedelta(days=7 * int(k)) for k in rng.integers(0, 8, rows)]
    return pl.DataFrame(data).with_columns(
        pl.Series("pays_30d", pays),
        pl.Series("rolls", rolls),
        pl.Series("as_of", as_of),
        pl.format("A{}", pl.int_range(rows)).alias("account_id"),
    )


@pytest.fixture(scope="module")
def models() -> ModelSet:
    return train_model_set(labelled(), version=1)


def test_it_trains_both_kinds_for_both_targets_with_held_out_figures(models: ModelSet) -> None:
    assert set(models.metrics) == {"scorecard/pay_30d", "gbm/pay_30d", "scorecard/roll", "gbm/roll"}
    for figures in models.metrics.values():
        assert figures["auc"] > 0.7  # the signal is strong in this synthetic data
        assert len(figures["reliability"]) == 10
        assert "psi_vs_training" in figures


def test_it_exports_the_scorecard_so_that_json_gives_the_same_probabilities(
    models: ModelSet,
) -> None:
    card = models.targets["pay_30d"].scorecard
    again = WoeScorecard.from_json(card.to_json())
    matrix = labelled(50, seed=9).select(MODEL_FEATURES).to_numpy()
    assert np.allclose(card.probability(matrix), again.probability(matrix))
    # Each feature's contribution is one of its bins' (or the missing bin's).
    days = card.features[MODEL_FEATURES.index("days_past_due")]
    assert len(days.contributions) == len(days.splits) + 1


def test_it_reloads_lightgbm_from_its_text_with_identical_predictions(models: ModelSet) -> None:
    gbm = models.targets["roll"].gbm
    again = GradientBoosted.from_text("roll", gbm.feature_names, gbm.model_text)
    matrix = labelled(50, seed=9).select(MODEL_FEATURES).to_numpy()
    assert np.array_equal(gbm.probability(matrix), again.probability(matrix))


def test_it_scores_through_the_scorer_port_with_segments_and_reasons(models: ModelSet) -> None:
    features = labelled(200, seed=5).drop("pays_30d", "rolls", "as_of")
    scored = TrainedScorer(models, CUTOFFS).score(features)
    assert scored["score"].min() >= 0 and scored["score"].max() <= 1000
    assert set(scored["segment"].unique()) <= {"high", "medium", "low"}
    assert scored.filter(pl.col("score") >= 600)["segment"].unique().to_list() in ([], ["high"])
    assert ((scored["p_pay_30d"] - scored["score"] / 1000).abs() <= 0.0005).all()
    reasons = scored["score_reasons"].to_list()
    assert all(len(r) <= 3 for r in reasons)
    assert all(code in {f.upper() for f in MODEL_FEATURES} for r in reasons for code in r)


def test_it_gives_the_oldest_debts_the_lowest_scores(models: ModelSet) -> None:
    base = labelled(1, seed=6).drop("pays_30d", "rolls", "as_of")
    young = base.with_columns(pl.lit(5.0).alias("days_past_due"))
    old = base.with_columns(pl.lit(170.0).alias("days_past_due"))
    scorer = TrainedScorer(models, CUTOFFS)
    assert scorer.score(young)["score"][0] > scorer.score(old)["score"][0]


def test_it_can_score_with_the_scorecard_as_the_primary_model(models: ModelSet) -> None:
    card = ModelSet(models.version, models.features, models.targets, models.metrics, "scorecard")
    features = labelled(20, seed=7).drop("pays_30d", "rolls", "as_of")
    scored = TrainedScorer(card, CUTOFFS).score(features)
    matrix = features.select(MODEL_FEATURES).to_numpy()
    expected = models.targets["pay_30d"].scorecard.probability(matrix)
    assert np.allclose(scored["p_pay_30d"].to_numpy(), expected)
    assert card.label == "trained-scorecard-v1"


def test_it_evaluates_with_psi_between_the_two_halves_of_the_period(models: ModelSet) -> None:
    evaluation = evaluate(models, labelled(800, seed=8))
    figures = evaluation.figures["gbm/pay_30d"]
    assert figures["auc"] > 0.7 and figures["psi_between_periods"] < 0.1
    assert evaluation.rows == 800 and ".." in evaluation.periods[0]


def test_it_refuses_to_train_on_too_little_history() -> None:
    with pytest.raises(NotEnoughHistory):
        train_model_set(labelled(100), version=1)
