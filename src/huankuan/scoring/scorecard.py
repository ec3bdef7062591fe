"""The default, transparent rule scorecard (the Scorer port): points per factor, base 500.

Score = 500 + the points below, clamped to 0..1000 (higher = likelier to pay). Each non-zero
factor gives a reason code; reasons are listed strongest first (largest |points|, then in the
order of this table).

| factor | value | points | reason code |
|---|---|---|---|
| days past due | 0 | +100 | CURRENT |
| | 1–15 | +80 | DPD_1_15 |
| | 16–30 | +40 | DPD_16_30 |
| | 31–60 | −20 | DPD_31_60 |
| | 61–90 | −80 | DPD_61_90 |
| | 91–180 | −160 | DPD_OVER_90 |
| | over 180 | −240 | DPD_OVER_180 |
| outstanding ÷ instalment | under 1.5 | +60 | SMALL_BALANCE |
| | 1.5 to under 3.5 | +20 | MODERATE_BALANCE |
| | 3.5 to under 6.5 | 0 | |
| | 6.5 or more (or a balance with no instalment) | −60 | LARGE_BALANCE |
| share of the schedule paid | under 5 % | −60 | LITTLE_REPAID |
| | 5 % to under 20 % | 0 | |
| | 20 % to under 50 % | +30 | PARTLY_REPAID |
| | 50 % or more | +80 | MOSTLY_REPAID |
| payments received in the last 30 days | 1 | +100 | RECENT_PAYMENT |
| | 2 or more | +150 | RECENT_PAYMENTS |
| usable own phones (valid, consented) | 0 | −150 | NO_USABLE_PHONE |
| | 2 or more | +20 | SEVERAL_PHONES |
| broken promises to pay (ever) | 1 | −80 | BROKEN_PROMISE |
| | 2 or more | −160 | REPEATED_BROKEN_PROMISES |

`score_one` is the scalar reference; `RuleScorecard.score` computes the same over a frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

import polars as pl

BASE_POINTS = 500
FEATURES = (
    "days_past_due",
    "outstanding_minor",
    "instalment_minor",
    "scheduled_minor",
    "paid_minor",
    "recent_payments",
    "usable_self_phones",
    "broken_promises",
)


@dataclass(frozen=True)
class Band:
    """`points` (and `code`) when the factor's value is below `below` (None = any value)."""

    below: float | None
    points: int
    code: str = ""


@dataclass(frozen=True)
class Factor:
    name: str
    bands: tuple[Band, ...]  # checked in order; the first match wins


FACTORS: tuple[Factor, ...] = (
    Factor(
        "days_past_due",
        (
            Band(1, 100, "CURRENT"),
            Band(16, 80, "DPD_1_15"),
            Band(31, 40, "DPD_16_30"),
            Band(61, -20, "DPD_31_60"),
            Band(91, -80, "DPD_61_90"),
            Band(181, -160, "DPD_OVER_90"),
            Band(None, -240, "DPD_OVER_180"),
        ),
    ),
    Factor(
        "balance_ratio",
        (
            Band(1.5, 60, "SMALL_BALANCE"),
            Band(3.5, 20, "MODERATE_BALANCE"),
            Band(6.5, 0),
            Band(None, -60, "LARGE_BALANCE"),
        ),
    ),
    Factor(
        "paid_share",
        (
            Band(0.05, -60, "LITTLE_REPAID"),
            Band(0.2, 0),
            Band(0.5, 30, "PARTLY_REPAID"),
            Band(None, 80, "MOSTLY_REPAID"),
        ),
    ),
    Factor(
        "recent_payments",
        (Band(1, 0), Band(2, 100, "RECENT_PAYMENT"), Band(None, 150, "RECENT_PAYMENTS")),
    ),
    Factor(
        "usable_self_phones",
        (Band(1, -150, "NO_USABLE_PHONE"), Band(2, 0), Band(None, 20, "SEVERAL_PHONES")),
    ),
    Factor(
        "broken_promises",
        (Band(1, 0), Band(2, -80, "BROKEN_PROMISE"), Band(None, -160, "REPEATED_BROKEN_PROMISES")),
    ),
)


def derived(features: Mapping[str, int]) -> dict[str, float]:
    """The factor values from the raw features (ratios guarded against zero instalments)."""
    instalment, scheduled = features["instalment_minor"], features["scheduled_minor"]
    return {
        "days_past_due": features["days_past_due"],
        "balance_ratio": (
            features["outstanding_minor"] / instalment
            if instalment > 0
            else (float("inf") if features["outstanding_minor"] > 0 else 0.0)
        ),
        "paid_share": features["paid_minor"] / scheduled if scheduled > 0 else 0.0,
        "recent_payments": features["recent_payments"],
        "usable_self_phones": features["usable_self_phones"],
        "broken_promises": features["broken_promises"],
    }


def band_index(factor: Factor, value: float) -> int:
    return next(
        index for index, band in enumerate(factor.bands) if band.below is None or value < band.below
    )


def combine(indices: Sequence[int]) -> tuple[int, list[str]]:
    """(score, reason codes strongest first) for one band per factor."""
    total, reasons = BASE_POINTS, []
    for order, (factor, index) in enumerate(zip(FACTORS, indices, strict=True)):
        band = factor.bands[index]
        total += band.points
        if band.points:
            reasons.append((-abs(band.points), order, band.code))
    return max(0, min(1000, total)), [code for *_, code in sorted(reasons)]


def score_one(features: Mapping[str, int]) -> tuple[int, list[str]]:
    """The scalar reference: (score, reason codes strongest first)."""
    values = derived(features)
    return combine([band_index(factor, values[factor.name]) for factor in FACTORS])


def segment_for(score: int, cutoffs: Sequence[tuple[str, int]]) -> str:
    return next(name for name, minimum in cutoffs if score >= minimum)


class RuleScorecard:
    """Scores a frame of features; segments by the strategy's cut-offs (highest first).

    Each factor's band is found with one expression per factor; the bands combine into one
    key, and every possible key's score, reasons and segment (a few thousand) is worked out
    once with `combine` and joined on.
    """

    name = "rule-scorecard-1"

    def __init__(self, segment_cutoffs: Sequence[tuple[str, int]]) -> None:
        self.cutoffs = list(segment_cutoffs)
        self._table = self._outcomes()

    def _outcomes(self) -> pl.DataFrame:
        rows = []
        for key, indices in enumerate(product(*(range(len(f.bands)) for f in FACTORS))):
            score, reasons = combine(indices)
            rows.append((key, score, reasons, segment_for(score, self.cutoffs)))
        return pl.DataFrame(
            rows,
            orient="row",
            schema={
                "_score_key": pl.Int64(),
                "score": pl.Int32(),
                "score_reasons": pl.List(pl.String()),
                "segment": pl.String(),
            },
        )

    def score(self, features: pl.DataFrame) -> pl.DataFrame:
        key: pl.Expr = pl.lit(0, pl.Int64)
        for factor in FACTORS:  # mixed radix, first factor most significant (as `product`)
            key = key * len(factor.bands) + _band_expression(factor)
        keyed = features.with_columns(_derived_expressions()).with_columns(key.alias("_score_key"))
        return keyed.join(self._table, on="_score_key", how="left", maintain_order="left").drop(
            "_score_key", "balance_ratio", "paid_share"
        )


def _derived_expressions() -> list[pl.Expr]:
    instalment, scheduled = pl.col("instalment_minor"), pl.col("scheduled_minor")
    return [
        pl.when(instalment > 0)
        .then(pl.col("outstanding_minor") / instalment)
        .when(pl.col("outstanding_minor") > 0)
        .then(float("inf"))
        .otherwise(0.0)
        .alias("balance_ratio"),
        pl.when(scheduled > 0)
        .then(pl.col("paid_minor") / scheduled)
        .otherwise(0.0)
        .alias("paid_share"),
    ]


def _band_expression(factor: Factor) -> pl.Expr:
    value = pl.col(factor.name)
    index: pl.Expr = pl.lit(len(factor.bands) - 1, pl.Int64)
    for position in reversed(range(len(factor.bands) - 1)):
        below = factor.bands[position].below
        assert below is not None
        index = pl.when(value < below).then(pl.lit(position, pl.Int64)).otherwise(index)
    return index
