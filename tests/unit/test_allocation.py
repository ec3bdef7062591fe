"""Allocation under capacity: value model, constraints, the stated bound, the ladder."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from huankuan.strategy.allocation import allocate, ladder, treatment_groups
from huankuan.strategy.extensions import Allocation, Capacity

CHANNELS = ["sms", "robot_call", "agent_call"]
BUCKETS = ["M1", "M2", "M3", "M4+"]


def allocation(solver: str = "lagrangian", **capacity: float) -> Allocation:
    limits = {"agent_minutes": 400.0, "robot_lines": 60.0, "sms": 100.0, **capacity}
    return Allocation(
        capacity=Capacity(**limits),
        per_debtor_daily_limit=2,
        solver=solver,  # type: ignore[arg-type]
    )


def candidates(accounts: int = 200, seed: int = 1) -> pl.DataFrame:
    """Each account offered SMS, a robot call and an agent call, all allowed by the gate."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(accounts):
        p, balance = float(rng.uniform(0.05, 0.95)), int(rng.integers(50_000, 2_000_000))
        bucket = BUCKETS[int(rng.integers(0, 4))]
        for channel in CHANNELS:
            rows.append(
                {
                    "action_id": f"X{i}-{channel}",
                    "account_id": f"A{i}",
                    "debtor_id": f"D{i // 2}",  # two accounts per debtor
                    "channel": channel,
                    "bucket": bucket,
                    "propensity": p,
                    "balance_minor": balance,
                    "hold_types": [],
                    "decision": "allow",
                }
            )
    return pl.DataFrame(rows, schema_overrides={"hold_types": pl.List(pl.String)})


def used(result_chosen: pl.DataFrame, channel: str) -> int:
    return int((result_chosen["channel"] == channel).sum())


def test_it_values_a_treatment_as_uplift_times_balance_minus_cost() -> None:
    groups = treatment_groups(candidates(1), allocation())
    agent = groups.filter(pl.col("channel") == "agent_call").row(0, named=True)
    p = agent["propensity"]
    assert agent["uplift"] == pytest.approx(0.6 * p * (1 - p))
    assert agent["value"] == pytest.approx(agent["uplift"] * agent["balance_minor"] / 100 - 4.0)
    assert agent["units"] == 8


def test_it_respects_every_capacity_and_the_per_debtor_limit() -> None:
    result = allocate(candidates(), allocation())
    assert used(result.chosen, "agent_call") * 8 <= 400
    assert used(result.chosen, "robot_call") <= 60 and used(result.chosen, "sms") <= 100
    assert result.chosen.group_by("debtor_id").len()["len"].max() <= 2  # type: ignore[operator]
    assert result.used["agent_minutes"] <= 400


def test_it_never_allocates_what_the_gate_blocked_or_a_hold_stops() -> None:
    rows = candidates(20).with_columns(
        pl.when(pl.col("account_id") == "A0")
        .then(pl.lit("block"))
        .otherwise(pl.col("decision"))
        .alias("decision"),
        pl.when(pl.col("account_id") == "A1")
        .then(pl.lit(["dispute"]))
        .when(pl.col("account_id") == "A2")
        .then(pl.lit(["hardship_plan"]))
        .otherwise(pl.col("hold_types"))
        .alias("hold_types"),
    )
    chosen = allocate(rows, allocation(agent_minutes=10_000, robot_lines=10_000)).chosen
    assert "A0" not in chosen["account_id"] and "A1" not in chosen["account_id"]
    assert set(chosen.filter(pl.col("account_id") == "A2")["channel"]) <= {"sms"}


def test_it_stays_within_its_stated_bound_of_the_exact_optimum() -> None:
    rows = candidates(120, seed=3)
    greedy = allocate(rows, allocation(agent_minutes=200, robot_lines=30, sms=40))
    exact = allocate(rows, allocation("exact", agent_minutes=200, robot_lines=30, sms=40))
    assert exact.expected_value <= greedy.upper_bound + 1e-6
    assert greedy.expected_value >= exact.expected_value * (1 - greedy.gap) - 1e-6
    assert greedy.expected_value >= 0.95 * exact.expected_value


def test_it_beats_the_naive_bucket_ladder_under_the_same_capacity() -> None:
    rows = candidates()
    optimised, naive = allocate(rows, allocation()), ladder(rows, allocation())
    assert naive.solver == "ladder"
    assert optimised.expected_value > naive.expected_value
    assert used(naive.chosen, "agent_call") * 8 <= 400


def test_it_chooses_nothing_without_capacity_for_paid_channels() -> None:
    result = allocate(candidates(30), allocation(agent_minutes=0, robot_lines=0, sms=0))
    assert result.chosen.is_empty() and result.expected_value == 0
