"""Training and evaluation over labelled snapshots (pure: frames in, models and figures out).

A labelled snapshot is a feature row of one account on one day (`as_of`) with its outcomes
over the next 30 days: `pays_30d` (any payment) and `rolls` (a worse bucket 30 days later).
Training is out-of-time: the latest snapshot dates (about a quarter of the rows) are held out,
both model kinds are fitted on the earlier ones for both targets, and the held-out figures are
the ones stored with the version. Stability is the PSI of the primary model's P(pay) between
the training period and the held-out period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from huankuan.scoring import metrics
from huankuan.scoring.features import MODEL_FEATURES
from huankuan.scoring.gbm import train_gbm
from huankuan.scoring.models import KINDS, ModelSet, TargetModels
from huankuan.scoring.woe import train_scorecard

LABELS = {"pay_30d": "pays_30d", "roll": "rolls"}
HOLDOUT_SHARE = 0.25
MIN_ROWS = 200


class NotEnoughHistory(ValueError):
    """Too few labelled rows, or only one outcome, to train or evaluate."""


@dataclass(frozen=True)
class Split:
    train: pl.DataFrame
    test: pl.DataFrame
    cutoff: Any  # the first held-out as_of date


def out_of_time_split(labelled: pl.DataFrame, share: float = HOLDOUT_SHARE) -> Split:
    dates = labelled.group_by("as_of").len().sort("as_of", descending=True)
    held, cutoff = 0, None
    for as_of, count in dates.iter_rows():
        if cutoff is not None and held >= share * labelled.height:
            break
        held += count
        cutoff = as_of
    train = labelled.filter(pl.col("as_of") < cutoff)
    test = labelled.filter(pl.col("as_of") >= cutoff)
    if train.height < MIN_ROWS or test.height == 0:
        raise NotEnoughHistory(
            f"{labelled.height} labelled rows over {dates.height} snapshot dates: need at least "
            f"{MIN_ROWS} before the held-out period (simulate or import more history)"
        )
    return Split(train, test, cutoff)


def _xy(frame: pl.DataFrame, label: str) -> tuple[np.ndarray, np.ndarray]:
    matrix = frame.select(pl.col(list(MODEL_FEATURES)).cast(pl.Float64)).to_numpy()
    labels = frame[label].cast(pl.Int8).to_numpy()
    if labels.min(initial=1) == labels.max(initial=0):
        raise NotEnoughHistory(f"every row has {label} = {labels[0] if labels.size else '-'}")
    return matrix, labels


def train_model_set(labelled: pl.DataFrame, version: int) -> ModelSet:
    split = out_of_time_split(labelled)
    targets, figures = {}, {}
    for target, label in LABELS.items():
        x_train, y_train = _xy(split.train, label)
        models = TargetModels(
            scorecard=train_scorecard(x_train, y_train, MODEL_FEATURES, target),
            gbm=train_gbm(x_train, y_train, MODEL_FEATURES, target),
        )
        targets[target] = models
        x_test, y_test = _xy(split.test, label)
        for kind in KINDS:
            figures[f"{kind}/{target}"] = _figures(
                models.probability(kind, x_test),
                y_test,
                models.probability(kind, x_train),
                rows_train=split.train.height,
                cutoff=str(split.cutoff),
            )
    return ModelSet(version=version, features=MODEL_FEATURES, targets=targets, metrics=figures)


def _figures(
    predicted: np.ndarray,
    actual: np.ndarray,
    reference: np.ndarray | None = None,
    **extra: Any,
) -> dict[str, Any]:
    table = metrics.reliability_table(predicted, actual)
    stability = (
        {}
        if reference is None
        else {"psi_vs_training": round(metrics.psi(reference, predicted), 4)}
    )
    return {
        **metrics.summary(predicted, actual),
        **stability,
        "reliability": [
            [round(b.mean_predicted, 4), round(b.observed_rate, 4), b.count] for b in table
        ],
        **extra,
    }


@dataclass(frozen=True)
class Evaluation:
    figures: Mapping[str, Mapping[str, Any]]  # "<kind>/<target>" → summary and reliability
    periods: tuple[str, str]  # the two halves compared by PSI
    rows: int


def evaluate(models: ModelSet, labelled: pl.DataFrame) -> Evaluation:
    """Discrimination and calibration on `labelled`; PSI between its earlier and later half
    (by snapshot date)."""
    if labelled.height == 0:
        raise NotEnoughHistory("no labelled snapshots to evaluate on")
    labelled = labelled.sort("as_of", maintain_order=True)
    dates = sorted(labelled["as_of"].unique().to_list())
    middle = dates[len(dates) // 2] if len(dates) > 1 else dates[0]
    early = labelled.filter(pl.col("as_of") < middle)
    figures = {}
    for target, label in LABELS.items():
        matrix, actual = _xy(labelled, label)
        model = models.targets[target]
        for kind in KINDS:
            predicted = model.probability(kind, matrix)
            reference = predicted[: early.height] if early.height else predicted
            later = predicted[early.height :] if early.height else predicted
            figures[f"{kind}/{target}"] = _figures(predicted, actual) | {
                "psi_between_periods": round(metrics.psi(reference, later), 4)
            }
    return Evaluation(
        figures=figures,
        periods=(f"{dates[0]}..{middle}", f"{middle}..{dates[-1]}"),
        rows=labelled.height,
    )
