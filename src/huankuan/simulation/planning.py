"""The simulator's day plan: score, segment and route the overdue accounts through each arm's
strategy (the same code as the daily cycle: `segmentation.with_paths`, `treatment_frame`,
`allocation.allocate`), then apply a stand-in gate.

The stand-in gate is deliberately simple and stated in the assumptions: holds stop contact (a
hardship plan stops calls only), phone channels need a usable phone of the debtor's own (the
emergency-contact location calls aside), calls and messages only inside the jurisdiction's
hours, at most N contacts a day and M calls in 7 days per debtor, most urgent first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from huankuan.domain.ports import Scorer
from huankuan.simulation import behaviour
from huankuan.simulation.assumptions import Assumptions
from huankuan.strategy.allocation import allocate
from huankuan.strategy.experiment import Arm, stable_units
from huankuan.strategy.loader import Strategy
from huankuan.strategy.segmentation import PATH_KEY, with_paths
from huankuan.strategy.selection import treatment_frame

if TYPE_CHECKING:
    from huankuan.simulation.strategy_sim import State

PHONE_CHANNELS = ("sms", "robot_call", "agent_call", "chat")
STOPPING = ("dispute", "complaint_review", "welfare")


def stable_arm_index(
    account_ids: Sequence[str], experiment: str, shares: Sequence[float]
) -> np.ndarray:
    units = stable_units(account_ids, experiment)
    return np.searchsorted(np.cumsum(shares)[:-1], units, side="right")


def bucket_of(days: pl.Expr, strategy: Strategy) -> pl.Expr:
    bands = strategy.bucket_scheme.bands
    bucket: pl.Expr = pl.lit(bands[-1].name)
    for band in reversed(bands[:-1]):
        bucket = pl.when(days <= band.max_days).then(pl.lit(band.name)).otherwise(bucket)
    return bucket


def plan_day(
    state: State,
    static: pl.DataFrame,
    arms: Sequence[Arm],
    arm_of: np.ndarray,
    scorer: Scorer,
    assumptions: Assumptions,
    day: date,
) -> pl.DataFrame:
    scored = _scored_accounts(state, static, arms[0].strategy, scorer, day)
    plans = []
    for index, arm in enumerate(arms):
        members = scored.filter(pl.Series(arm_of[scored["_account"].to_numpy()] == index))
        if members.height:
            plans.append(
                _arm_plan(members, arm, state, assumptions).with_columns(arm=pl.lit(arm.name))
            )
    if not plans:
        return _empty_plan()
    return pl.concat(plans, how="diagonal_relaxed").select(PLAN_COLUMNS)


PLAN_COLUMNS = (
    "_account",
    "persona",
    "channel",
    "send_at",
    "to_self",
    "cost",
    "arm",
    "bucket",
    "priority",
    "template",
)


def _empty_plan() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "_account": pl.UInt32,
            "persona": pl.Int64,
            "channel": pl.String,
            "send_at": pl.Time,
            "to_self": pl.Boolean,
            "cost": pl.Float64,
            "arm": pl.String,
            "bucket": pl.String,
            "priority": pl.Int32,
            "template": pl.String,
        }
    )


def _hold_types(state: State, day: date) -> pl.Series:
    names = list(state.hold_until)
    flags = pl.DataFrame({name: state.on_hold(name, day) for name in names})
    lists = flags.select(
        pl.concat_list([pl.when(pl.col(name)).then(pl.lit(name)) for name in names])
        .list.drop_nulls()
        .alias("hold_types")
    )
    return lists["hold_types"]


def _scored_accounts(
    state: State, static: pl.DataFrame, strategy: Strategy, scorer: Scorer, day: date
) -> pl.DataFrame:
    book = state.book
    days_past_due = book.days_past_due(day)
    frame = static.with_columns(
        pl.Series("days_past_due", days_past_due, dtype=pl.Int32),
        pl.Series("outstanding_minor", book.outstanding),
        pl.Series("instalment_minor", book.instalment),
        pl.Series("scheduled_minor", book.instalment * book.term),
        pl.Series("paid_minor", book.paid),
        pl.Series("recent_payments", state.payments.sum(axis=0).astype(np.int64)),
        pl.Series("usable_self_phones", book.phones),
        pl.Series("broken_promises", state.broken),
        _hold_types(state, day),
    ).filter(pl.col("days_past_due") > 0)
    frame = frame.with_columns(
        bucket_of(pl.col("days_past_due"), strategy).alias("bucket"),
        (pl.col("usable_self_phones") == 0).alias("debtor_unreachable"),
    )
    return scorer.score(frame)


def _arm_plan(
    accounts: pl.DataFrame, arm: Arm, state: State, assumptions: Assumptions
) -> pl.DataFrame:
    strategy = arm.strategy
    routed = with_paths(accounts, strategy)
    treatments = treatment_frame(strategy).drop("bucket", "segment")
    wanted = routed.join(treatments, on=PATH_KEY, how="inner").filter(
        ~pl.col("only_if_unreachable") | pl.col("debtor_unreachable")
    )
    attempts = (
        pl.when(pl.col("contact_role") != "self")
        .then(1)
        .when(pl.col("channel").is_in(PHONE_CHANNELS))
        .then(pl.min_horizontal(pl.col("max_attempts"), pl.col("usable_self_phones")))
        .otherwise(1)
    )
    expanded = (
        wanted.with_columns(attempts.alias("_n"))
        .filter(pl.col("_n") > 0)
        .with_columns(pl.int_ranges(0, pl.col("_n")).alias("_attempt"))
        .explode("_attempt")
        .drop("_n")
    )
    planned = _stand_in_gate(expanded, state, assumptions)
    if strategy.allocation is not None and strategy.allocation.enabled and planned.height:
        planned = _allocated(planned, strategy)
    costs = {name: assumptions.channels[name].cost for name in assumptions.channels}
    return planned.with_columns(
        pl.col("persona_index").alias("persona"),
        (pl.col("contact_role") == "self").alias("to_self"),
        pl.col("channel")
        .replace_strict({c.value: v for c, v in costs.items()}, return_dtype=pl.Float64)
        .alias("cost"),
    )


def _stand_in_gate(actions: pl.DataFrame, state: State, assumptions: Assumptions) -> pl.DataFrame:
    gate = assumptions.gate
    holds = pl.col("hold_types")
    stopped = holds.list.set_intersection(pl.lit(list(STOPPING))).list.len() > 0
    is_call = pl.col("channel").is_in(behaviour.CALL_CHANNELS)
    on_plan = holds.list.contains("hardship_plan") & is_call
    minutes = pl.col("send_at").dt.hour().cast(pl.Int32) * 60 + pl.col("send_at").dt.minute().cast(
        pl.Int32
    )
    inside = pl.lit(True)
    for jurisdiction, (opens, closes) in gate.call_hours.items():
        window = (minutes >= opens.hour * 60 + opens.minute) & (
            minutes < closes.hour * 60 + closes.minute
        )
        inside = pl.when(pl.col("jurisdiction") == jurisdiction).then(window).otherwise(inside)
    phone_ok = ~pl.col("channel").is_in(PHONE_CHANNELS) | inside
    allowed = actions.filter(~stopped & ~on_plan & phone_ok).sort("_account", "priority", "send_at")
    calls_7d = pl.Series("_calls_7d", state.calls.sum(axis=0)).gather(allowed["_account"])
    ranked = allowed.with_columns(calls_7d).with_columns(
        pl.int_range(pl.len()).over("_account").alias("_rank"),
        (is_call.cast(pl.Int64).cum_sum().over("_account")).alias("_call_rank"),
    )
    return ranked.filter(
        (pl.col("_rank") < gate.max_contacts_per_day)
        & (~is_call | (pl.col("_calls_7d") + pl.col("_call_rank") <= gate.max_calls_per_7_days))
    ).drop("_rank", "_call_rank", "_calls_7d")


def _allocated(planned: pl.DataFrame, strategy: Strategy) -> pl.DataFrame:
    assert strategy.allocation is not None
    propensity = pl.col("p_pay_30d") if "p_pay_30d" in planned.columns else pl.col("score") / 1000
    candidates = planned.with_columns(
        pl.format("{}-{}", pl.col("_account"), pl.int_range(pl.len())).alias("action_id"),
        propensity.alias("propensity"),
        pl.col("outstanding_minor").alias("balance_minor"),
        pl.lit("allow").alias("decision"),
    )
    result = allocate(candidates, strategy.allocation)
    return candidates.join(
        result.chosen.select("account_id", "channel"), on=["account_id", "channel"], how="semi"
    )
