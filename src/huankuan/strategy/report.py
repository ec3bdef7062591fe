"""The champion/challenger report: recovery, cost and complaints per arm, with 95 % intervals.

Per account: `balance_minor` at assignment, `recovered_minor` paid since, `cost` of the actions
the gate allowed for it (major units, from the strategy's channel economics) and `complained`
(any complaint since). Per arm: the recovery rate Σ recovered / Σ balance (a ratio estimator,
its interval by linearisation), the mean cost per account (normal interval), the complaint
rate (Wilson interval), and each challenger's recovery-rate difference from the champion
(intervals combined as independent samples).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

Z95 = 1.959964


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.4g} [{self.low:.4g}, {self.high:.4g}]"


@dataclass(frozen=True)
class ArmFigures:
    arm: str
    accounts: int
    balance: float  # major units
    recovered: float
    recovery_rate: Interval
    cost_per_account: Interval
    complaint_rate: Interval
    recovery_difference: Interval | None  # against the champion


def ratio_interval(numerator: pl.Series, denominator: pl.Series) -> Interval:
    n = numerator.len()
    total = float(denominator.cast(pl.Float64).sum())
    if n == 0 or total == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    rate = float(numerator.cast(pl.Float64).sum()) / total
    residual = numerator.cast(pl.Float64) - rate * denominator.cast(pl.Float64)
    spread = _std(residual) if n > 1 else 0.0
    error = spread * math.sqrt(n) / total
    return Interval(rate, rate - Z95 * error, rate + Z95 * error)


def _std(values: pl.Series) -> float:
    spread = values.cast(pl.Float64).std()
    return float(spread) if isinstance(spread, int | float) else 0.0


def mean_interval(values: pl.Series) -> Interval:
    n = values.len()
    if n == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    mean = float(values.cast(pl.Float64).mean() or 0.0)  # type: ignore[arg-type]
    error = (_std(values) / math.sqrt(n)) if n > 1 else 0.0
    return Interval(mean, mean - Z95 * error, mean + Z95 * error)


def wilson_interval(successes: int, n: int) -> Interval:
    if n == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def arm_report(per_account: pl.DataFrame, champion: str = "champion") -> list[ArmFigures]:
    """Figures per arm (champion first), from one row per assigned account."""
    arms = sorted(per_account["arm"].unique().to_list(), key=lambda a: (a != champion, a))
    figures, base = [], None
    for arm in arms:
        rows = per_account.filter(pl.col("arm") == arm)
        rate = ratio_interval(rows["recovered_minor"], rows["balance_minor"])
        difference = None
        if base is not None and not math.isnan(rate.value):
            delta = rate.value - base.value
            half = math.hypot(rate.high - rate.value, base.high - base.value)
            difference = Interval(delta, delta - half, delta + half)
        if arm == champion:
            base = rate
        figures.append(
            ArmFigures(
                arm=arm,
                accounts=rows.height,
                balance=float(rows["balance_minor"].sum()) / 100,
                recovered=float(rows["recovered_minor"].sum()) / 100,
                recovery_rate=rate,
                cost_per_account=mean_interval(rows["cost"]),
                complaint_rate=wilson_interval(int(rows["complained"].sum()), rows.height),
                recovery_difference=difference,
            )
        )
    return figures
