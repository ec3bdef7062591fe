"""A trained model set and the Scorer that uses it in place of the rule scorecard.

One version holds, for each target (`pay_30d`: pays within 30 days; `roll`: moves to a worse
bucket within 30 days), a WOE scorecard and a LightGBM model. The scorer's `score` is
round(1000 × P(pay within 30 days)) from the primary kind (LightGBM unless the version says
otherwise); `p_pay_30d` and `p_roll` are added as columns; reason codes always come from the
scorecard (the features that lost the most points against their best bin), so every score is
explained in the same terms whichever model produced it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from huankuan.scoring.features import NEVER_DAYS, derived_features
from huankuan.scoring.gbm import GradientBoosted
from huankuan.scoring.woe import WoeScorecard

Kind = Literal["gbm", "scorecard"]
TARGETS = ("pay_30d", "roll")
KINDS: tuple[Kind, ...] = ("scorecard", "gbm")
REASONS = 3
# A reason is given only when the feature lost at least this much log-odds (≈ 6 points).
REASON_THRESHOLD = 0.15


@dataclass(frozen=True)
class TargetModels:
    scorecard: WoeScorecard
    gbm: GradientBoosted

    def probability(self, kind: Kind, matrix: np.ndarray) -> np.ndarray:
        model = self.gbm if kind == "gbm" else self.scorecard
        return model.probability(matrix)


@dataclass(frozen=True)
class ModelSet:
    version: int
    features: tuple[str, ...]
    targets: Mapping[str, TargetModels]
    metrics: Mapping[str, Mapping[str, object]]  # "<kind>/<target>" → figures
    primary: Kind = "gbm"

    @property
    def label(self) -> str:
        return f"trained-{self.primary}-v{self.version}"


# The history columns the scorer joins on (features.build_features names them so).
WINDOW_COLUMNS = tuple(
    f"{count}_{days}d"
    for count in (
        "payments",
        "amount_minor",
        "promises",
        "promises_kept",
        "promises_broken",
        "attempts",
        "right_party",
        "sms",
        "sms_responded",
        "calls",
        "calls_answered",
        "complaints",
    )
    for days in (30, 90)
)
DAYS_SINCE_COLUMNS = ("days_since_payment", "days_since_contact", "days_since_right_party_contact")


class TrainedScorer:
    """The Scorer port over a model set. `history` (one row per account: `account_id`, `locale`,
    `days_past_due_30d_ago` and the windowed history columns of `features.build_features`) is
    joined on; accounts without history get the values of an account with none."""

    def __init__(
        self,
        models: ModelSet,
        segment_cutoffs: Sequence[tuple[str, int]],
        history: pl.DataFrame | None = None,
    ) -> None:
        self.models, self.cutoffs = models, list(segment_cutoffs)
        self.history = history
        self.name = models.label

    def score(self, features: pl.DataFrame) -> pl.DataFrame:
        full = self._with_model_features(features)
        matrix = full.select(pl.col(list(self.models.features)).cast(pl.Float64)).to_numpy()
        pay, roll = self.models.targets["pay_30d"], self.models.targets["roll"]
        contributions = pay.scorecard.contributions(matrix)  # reasons, whatever the kind
        if self.models.primary == "gbm":
            rows = np.ascontiguousarray(matrix)
            p_pay, p_roll = pay.gbm.probability(rows), roll.gbm.probability(rows)
        else:
            p_pay = pay.scorecard.probability_from(contributions)
            p_roll = roll.scorecard.probability(matrix)
        score = np.clip(np.rint(p_pay * 1000), 0, 1000).astype(np.int32)
        scored = features.with_columns(
            pl.Series("score", score, dtype=pl.Int32),
            pl.Series("p_pay_30d", p_pay),
            pl.Series("p_roll", p_roll),
            _reason_codes(pay.scorecard, contributions).alias("score_reasons"),
        )
        return scored.with_columns(_segment_expression(self.cutoffs).alias("segment"))

    def _with_model_features(self, features: pl.DataFrame) -> pl.DataFrame:
        present = set(features.columns)
        if set(self.models.features) <= present:  # already model features (tests, benchmarks)
            return features
        history = self.history if self.history is not None else _no_history()
        wanted = [c for c in history.columns if c == "account_id" or c not in present]
        joined = features.join(
            history.select(wanted), on="account_id", how="left", maintain_order="left"
        )
        return joined.with_columns(_defaults(joined.columns)).with_columns(derived_features())


def _no_history() -> pl.DataFrame:
    return pl.DataFrame(schema={"account_id": pl.String})


def _defaults(columns: Sequence[str]) -> list[pl.Expr]:
    """An account without history: no events, `NEVER_DAYS` since each, and 30 days ago it was
    30 days less overdue (nothing paid since); the language from the jurisdiction."""
    fills: list[pl.Expr] = []
    for name in columns:
        if name.startswith("days_since_"):
            fills.append(pl.col(name).fill_null(NEVER_DAYS))
        elif name.endswith(("_30d", "_90d")):
            fills.append(pl.col(name).fill_null(0))
    missing_windows = [pl.lit(0).alias(name) for name in WINDOW_COLUMNS if name not in set(columns)]
    missing_days = [
        pl.lit(NEVER_DAYS).alias(name) for name in DAYS_SINCE_COLUMNS if name not in set(columns)
    ]
    extra = []
    if "days_past_due_30d_ago" not in columns:
        extra.append((pl.col("days_past_due") - 30).clip(0, None).alias("days_past_due_30d_ago"))
    else:
        extra.append(
            pl.col("days_past_due_30d_ago").fill_null((pl.col("days_past_due") - 30).clip(0, None))
        )
    if "locale" not in columns and "jurisdiction" not in columns:
        extra.append(pl.lit("").alias("locale"))
    elif "locale" not in columns:
        extra.append(
            pl.when(pl.col("jurisdiction") == "CN-NIFA")
            .then(pl.lit("zh_CN"))
            .otherwise(pl.lit("en_US"))
            .alias("locale")
        )
    return fills + missing_windows + missing_days + extra


def _reason_codes(scorecard: WoeScorecard, contributions: np.ndarray) -> pl.Series:
    """The REASONS features that lost the most log-odds, strongest first, as upper-case codes.

    Each row's reasons become one integer key (feature indices in base n + 1, n = "none"), and
    the lists are joined from a table of the keys that occur: no per-row list building."""
    lost = scorecard.shortfall(contributions)
    count = lost.shape[1]
    top = np.argpartition(-lost, REASONS - 1, axis=1)[:, :REASONS]
    order = np.take_along_axis(top, np.argsort(-np.take_along_axis(lost, top, 1), 1), 1)
    strength = np.take_along_axis(lost, order, axis=1)
    codes = np.where(strength >= REASON_THRESHOLD, order, count)
    keys = (codes * (count + 1) ** np.arange(REASONS - 1, -1, -1)).sum(axis=1)
    names = [name.upper() for name in scorecard.feature_names]
    table = pl.DataFrame(
        {
            "_key": np.unique(keys),
            "reasons": [
                [
                    names[int(k) // (count + 1) ** p % (count + 1)]
                    for p in range(REASONS - 1, -1, -1)
                    if int(k) // (count + 1) ** p % (count + 1) < count
                ]
                for k in np.unique(keys)
            ],
        },
        schema={"_key": pl.Int64, "reasons": pl.List(pl.String)},
    )
    frame = pl.DataFrame({"_key": keys.astype(np.int64)})
    return frame.join(table, on="_key", how="left", maintain_order="left")["reasons"]


def _segment_expression(cutoffs: Sequence[tuple[str, int]]) -> pl.Expr:
    expression: pl.Expr = pl.lit(cutoffs[-1][0])
    for name, minimum in reversed(cutoffs[:-1]):
        expression = pl.when(pl.col("score") >= minimum).then(pl.lit(name)).otherwise(expression)
    return expression
