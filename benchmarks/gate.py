"""Throughput of the compliance gate: decisions per second of the batch form on one core, over a
synthetic day's plan whose debtors have a contact history, plus the scalar form for scale.

    .venv/bin/python -m benchmarks.gate [--actions 200000] [--runs 5]

Prints a line to paste into BENCHMARKS.md. One core: POLARS_MAX_THREADS=1 is set before Polars
loads. The plan mixes CN-NIFA (70 %) and US-RegF debtors over several zones, every channel and
role, some holds and opt-outs; each debtor has about three contacts in the past eight days
(calls, some connected, some conversations, some texts), so the history rules do real work.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"

import argparse
import platform
import statistics
import time
from datetime import UTC, datetime

import polars as pl

from huankuan.compliance.batch import ProfileGate
from huankuan.compliance.engine import evaluate
from huankuan.compliance.facts import ACTION_SCHEMA, HISTORY_SCHEMA
from huankuan.compliance.rows import attempt_from_row, debtor_from_row, events_by_debtor

DAY = datetime(2026, 11, 28)
CN_ZONES = ["Asia/Shanghai", "Asia/Urumqi"]
US_ZONES = ["America/New_York", "America/Chicago", "America/Phoenix", "Pacific/Honolulu"]
LOCAL_SLOTS = [9 * 60 + 30, 10 * 60 + 30, 11 * 60, 14 * 60, 15 * 60, 21 * 60 + 30]  # minutes


def _draw(index: pl.Expr, stream: int) -> pl.Expr:
    return (index.hash(7_000 + stream) % 1_000_000).cast(pl.Float64) / 1_000_000


def _pick(draw: pl.Expr, options: list[object]) -> pl.Expr:
    return pl.lit(pl.Series(options)).gather((draw * len(options)).floor().cast(pl.Int64))


def synthetic_plan(actions: int) -> pl.DataFrame:
    """`actions` planned actions, two per debtor, scheduled at local slots (as UTC)."""
    row = pl.int_range(actions, dtype=pl.Int64)
    debtor = row // 2
    cn = _draw(debtor, 1) < 0.7
    frame = pl.select(
        pl.format("20261128-A{}-{}", debtor, row % 2 + 1).alias("action_id"),
        pl.when(cn).then(pl.lit("CN-NIFA")).otherwise(pl.lit("US-RegF")).alias("jurisdiction"),
        pl.format("D{}", debtor).alias("debtor_id"),
        pl.format("A{}", debtor).alias("account_id"),
        pl.when(cn)
        .then(_pick(_draw(debtor, 2), CN_ZONES))
        .otherwise(_pick(_draw(debtor, 2), US_ZONES))
        .alias("debtor_timezone"),
        _pick(
            _draw(row, 3), ["sms", "robot_call", "robot_call", "agent_call", "email", "letter"]
        ).alias("channel"),
        pl.when(_draw(row, 4) < 0.05)
        .then(pl.lit("emergency_contact"))
        .otherwise(pl.lit("self"))
        .alias("contact_role"),
        _pick(_draw(row, 5), LOCAL_SLOTS).alias("_minutes"),
        (_draw(row, 6) < 0.03).alias("_held"),
        (_draw(row, 7) < 0.02).alias("_opted_out"),
    )
    offsets = {zone: _offset_minutes(zone) for zone in CN_ZONES + US_ZONES}
    return frame.with_columns(
        pl.when(pl.col("contact_role") == "self")
        .then(pl.format("C{}-1", pl.col("debtor_id").str.slice(1)))
        .otherwise(pl.format("K{}", pl.col("debtor_id").str.slice(1)))
        .alias("contact_id"),
        pl.lit(None, pl.String).alias("contact_timezone"),
        (
            pl.lit(DAY)
            + pl.duration(
                minutes=pl.col("_minutes")
                - pl.col("debtor_timezone").replace_strict(offsets, return_dtype=pl.Int64)
            )
        ).alias("scheduled_at"),
        pl.when(pl.col("contact_role") == "self")
        .then(pl.lit("reminder_due"))
        .otherwise(pl.lit("location_inquiry"))
        .alias("template"),
        (pl.col("contact_role") == "self").alias("discloses_debt"),
        pl.lit(True).alias("contact_valid"),
        pl.lit(True).alias("contact_consent"),
        pl.when(pl.col("_opted_out"))
        .then(pl.lit("sms"))
        .otherwise(pl.lit(""))
        .alias("contact_opted_out"),
        pl.when(pl.col("_held"))
        .then(pl.lit(["hardship_plan"]))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("hold_types"),
        (_draw(pl.col("debtor_id").hash(), 8) < 0.1).alias("debtor_unreachable"),
    ).select(list(ACTION_SCHEMA))


def _offset_minutes(zone: str) -> int:
    from zoneinfo import ZoneInfo

    offset = DAY.replace(tzinfo=ZoneInfo(zone)).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


def synthetic_history(debtors: int, per_debtor: int = 3) -> pl.DataFrame:
    """About `per_debtor` contacts per debtor over the eight days before the plan's day."""
    row = pl.int_range(debtors * per_debtor, dtype=pl.Int64)
    debtor = row // per_debtor
    connected = _draw(row, 12) < 0.8
    return pl.select(
        pl.format("D{}", debtor).alias("debtor_id"),
        pl.format("C{}-1", debtor).alias("contact_id"),
        pl.lit("self").alias("contact_role"),
        (pl.lit(DAY) - pl.duration(minutes=(_draw(row, 11) * 8 * 1440).cast(pl.Int64))).alias("at"),
        _pick(_draw(row, 13), ["agent_call", "robot_call", "robot_call", "sms"]).alias("channel"),
        pl.when(_draw(row, 14) < 0.1)
        .then(pl.lit("inbound"))
        .otherwise(pl.lit("outbound"))
        .alias("direction"),
        connected.alias("connected"),
        (connected & (_draw(row, 15) < 0.1)).alias("conversation"),
        pl.concat_list(pl.format("A{}", debtor)).alias("debt_ids"),
    ).select(list(HISTORY_SCHEMA))


def measure_batch(
    gate: ProfileGate, plan: pl.DataFrame, history: pl.DataFrame, runs: int
) -> list[float]:
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        decided = gate.evaluate_plan(plan, history)
        rates.append(decided.height / (time.perf_counter() - started))
    return rates


def measure_scalar(gate: ProfileGate, plan: pl.DataFrame, history: pl.DataFrame, n: int) -> float:
    rows = plan.head(n).iter_rows(named=True)
    debtors = plan.head(n)["debtor_id"].to_list()
    events = events_by_debtor(history.filter(pl.col("debtor_id").is_in(debtors)))
    cases = [
        (attempt_from_row(row), events.get(row["debtor_id"], []), debtor_from_row(row), row)
        for row in rows
    ]
    started = time.perf_counter()
    for attempt, past, debtor, row in cases:
        assert attempt.at is not None
        evaluate(attempt, past, debtor, gate.profiles[row["jurisdiction"]], attempt.at)
    return len(cases) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    gate = ProfileGate.from_directory()
    plan = synthetic_plan(args.actions)
    history = synthetic_history(args.actions // 2)
    gate.evaluate_plan(plan.head(1000), history.head(3000))  # warm caches (zones, imports)
    rates = measure_batch(gate, plan, history, args.runs)
    blocked = gate.evaluate_plan(plan, history)["decision"].eq("block").mean()
    scalar = measure_scalar(gate, plan, history, 5_000)
    median = statistics.median(rates)
    print(
        f"| compliance gate, batch (`evaluate_plan`), {args.actions:,} actions + "
        f"{history.height:,} past contacts, 1 core | {median:,.0f} decisions/s "
        f"(median of {args.runs}; min {min(rates):,.0f}, max {max(rates):,.0f}); "
        f"{blocked:.0%} blocked; scalar `evaluate` {scalar:,.0f}/s | "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"Polars {pl.__version__}, {datetime.now(UTC):%Y-%m-%d} |"
    )


if __name__ == "__main__":
    main()
