"""`huankuan cycle` (run the daily cycle) and `huankuan plan` (show the day's action plan)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from huankuan.domain.errors import InvalidInput
from huankuan.domain.money import CURRENCY_EXPONENTS, Money
from huankuan.entrypoints.cli.main import app, console, handles_errors

if TYPE_CHECKING:
    from huankuan.service_layer.cycle import CycleReport

JSONL_CHUNK = 100_000


class PlanFormat(StrEnum):
    TABLE = "table"
    JSONL = "jsonl"
    CSV = "csv"


def parse_business_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--date must be a date as YYYY-MM-DD, got {text!r}") from None


BusinessDate = Annotated[str, typer.Option("--date", help="Business date, YYYY-MM-DD.")]


@app.command()
@handles_errors
def cycle(business_date: BusinessDate) -> None:
    """Run the daily cycle for a business date: payments, promises, buckets, scores, the plan."""
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.cycle import run_cycle

    business_day = parse_business_date(business_date)
    application = bootstrap()
    try:
        report = run_cycle(application, business_day)
    finally:
        application.engine.dispose()
    render_cycle_report(report, console)


@app.command()
@handles_errors
def plan(
    business_date: BusinessDate,
    output: Annotated[PlanFormat, typer.Option("--format", help="table, jsonl or csv.")] = (
        PlanFormat.TABLE
    ),
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows for --format table.")] = 20,
) -> None:
    """Print the action plan of a business date, each action with its gate decision."""
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.plan_view import day_plan

    business_day = parse_business_date(business_date)
    application = bootstrap()
    try:
        frame = day_plan(application, business_day)
    finally:
        application.engine.dispose()
    if output is PlanFormat.JSONL:
        for start in range(0, frame.height, JSONL_CHUNK):
            sys.stdout.write(frame.slice(start, JSONL_CHUNK).write_ndjson())
    elif output is PlanFormat.CSV:
        sys.stdout.write(frame.with_columns(pl.col("rules").list.join(";")).write_csv())
    else:
        _render_plan_table(frame, limit, console)


def _render_plan_table(frame: pl.DataFrame, limit: int, out: Console) -> None:
    shown = f" (first {limit})" if frame.height > limit else ""
    table = Table(title=f"Action plan — {frame.height:,} actions{shown}")
    # Every action is on the business date in the debtor's zone: show the local clock time.
    for header, options in (
        ("local time", {"no_wrap": True}),
        ("prio", {"justify": "right"}),
        ("account", {"no_wrap": True}),
        ("channel", {"no_wrap": True}),
        ("to", {}),
        ("template", {"overflow": "fold"}),
        ("decision", {"no_wrap": True}),
        ("rules", {"overflow": "fold"}),
    ):
        table.add_column(header, **options)
    for row in frame.head(limit).iter_rows(named=True):
        decision = "[green]allow[/]" if row["decision"] == "allow" else "[red]block[/]"
        scheduled = str(row["scheduled_at"])
        table.add_row(
            scheduled[11:16] + scheduled[19:],
            str(row["priority"]),
            row["account_id"],
            row["channel"],
            row["contact_role"],
            row["template"],
            decision,
            ", ".join(row["rules"]),
        )
    out.print(table)


def render_cycle_report(report: CycleReport, out: Console) -> None:
    """The cycle's summary as Rich tables (the demo reuses this)."""
    summary = Table(
        title=f"Daily cycle {report.business_date}" + (" (re-run)" if report.rerun else ""),
        show_header=False,
    )
    summary.add_column("what")
    summary.add_column("value", justify="right")
    amounts = (
        ", ".join(
            str(Money(minor, currency))
            if currency in CURRENCY_EXPONENTS
            else f"{minor:,} {currency} (minor units)"
            for currency, minor in report.amount_allocated.items()
        )
        or "—"
    )
    for label, value in (
        ("accounts", f"{report.accounts:,}"),
        ("payments allocated", f"{report.payments_allocated:,}"),
        ("amount allocated", amounts),
        ("promises kept / broken", f"{report.promises_kept:,} / {report.promises_broken:,}"),
        ("actions planned", f"{report.actions_planned:,}"),
        ("allowed / blocked by the gate", f"{report.allowed:,} / {report.blocked:,}"),
        ("strategy", report.strategy),
        ("gate", report.gate_version),
        ("scorer", report.scorer),
    ):
        summary.add_row(label, value)
    out.print(summary)
    out.print(_pairs("Accounts by bucket", "bucket", report.accounts_by_bucket.items()))
    out.print(_pairs("Treatments by channel", "channel", report.treatments_by_channel.items()))
    if report.blocked_by_rule:
        out.print(_pairs("Blocked by rule (top)", "rule", report.blocked_by_rule))
    _render_strategy_extras(report.strategy_extras, out)
    seconds = [(step, f"{value:.2f}") for step, value in report.step_seconds.items()]
    seconds.append(("total", f"{sum(report.step_seconds.values()):.2f}"))
    out.print(_pairs("Seconds per step", "step", seconds))


def _pairs(title: str, key: str, rows: Iterable[tuple[str, object]]) -> Table:
    table = Table(title=title)
    table.add_column(key)
    table.add_column("count" if key != "step" else "seconds", justify="right")
    for name, value in rows:
        table.add_row(str(name), f"{value:,}" if isinstance(value, int) else str(value))
    return table


def _render_strategy_extras(extras: dict[str, object], out: Console) -> None:
    """Champion/challenger arm sizes and the allocation's value against the ladder."""
    arms = extras.get("arms")
    if isinstance(arms, dict):
        out.print(_pairs("Accounts by arm", "arm", arms.items()))
    allocation = extras.get("allocation")
    if isinstance(allocation, dict):
        out.print(
            f"allocation ({allocation['solver']}): expected value {allocation['expected_value']:,} "
            f"(bound {allocation['upper_bound']:,}, gap ≤ {allocation['gap']:.1%}) vs the bucket "
            f"ladder {allocation['ladder_expected_value']:,}; "
            f"{allocation['groups_chosen']:,} of {allocation['groups_considered']:,} "
            "treatments kept"
        )
