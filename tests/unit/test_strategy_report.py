"""The champion/challenger report's figures and their 95 % intervals."""

from __future__ import annotations

import polars as pl

from huankuan.strategy.report import arm_report, mean_interval, ratio_interval, wilson_interval


def test_it_gives_a_wilson_interval_inside_zero_and_one() -> None:
    interval = wilson_interval(0, 50)
    assert interval.value == 0 and interval.low == 0 and 0 < interval.high < 0.1
    assert wilson_interval(5, 100).low < 0.05 < wilson_interval(5, 100).high


def test_it_estimates_recovery_as_a_ratio_with_a_narrowing_interval() -> None:
    small = ratio_interval(pl.Series([10, 0, 30, 20]), pl.Series([100, 100, 100, 100]))
    assert small.value == 0.15 and small.low < 0.15 < small.high
    big = ratio_interval(pl.Series([10, 0, 30, 20] * 100), pl.Series([100] * 400))
    assert big.high - big.low < (small.high - small.low) / 5


def test_it_compares_each_challenger_with_the_champion() -> None:
    rows = pl.DataFrame(
        {
            "arm": ["champion"] * 200 + ["cheap"] * 200,
            "balance_minor": [10_000] * 400,
            "recovered_minor": [2_000, 0] * 100 + [1_000, 0] * 100,
            "cost": [4.0] * 200 + [1.0] * 200,
            "complained": [False] * 399 + [True],
        }
    )
    champion, cheap = arm_report(rows)
    assert champion.arm == "champion" and champion.recovery_difference is None
    assert champion.recovery_rate.value == 0.1 and cheap.recovery_rate.value == 0.05
    assert cheap.recovery_difference is not None
    assert cheap.recovery_difference.high < 0  # significantly worse at recovering
    assert cheap.cost_per_account.value == 1.0 and champion.cost_per_account.low == 4.0
    assert cheap.complaint_rate.value == 1 / 200
    assert (
        mean_interval(pl.Series([], dtype=pl.Float64)).value
        != mean_interval(pl.Series([1.0])).value
    )
