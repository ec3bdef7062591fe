"""`huankuan dispatch`: send the day's allowed actions whose time has come, through the fake
channel adapters, re-checking the compliance gate at send time."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from huankuan.entrypoints.cli.cycle_cli import BusinessDate, parse_business_date
from huankuan.entrypoints.cli.main import app, console, handles_errors

if TYPE_CHECKING:
    from huankuan.service_layer.dispatch import DispatchReport

DEFAULT_MODEL_CACHE = Path("var/cache")


class ChannelName(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    ROBOT_CALL = "robot_call"
    AGENT_CALL = "agent_call"
    LETTER = "letter"
    CHAT = "chat"


@app.command("dispatch")
@handles_errors
def dispatch_command(
    business_date: BusinessDate,
    channel: Annotated[
        ChannelName | None, typer.Option("--channel", help="Only this channel.")
    ] = None,
    model_cache: Annotated[
        Path | None,
        typer.Option("--model-cache", help="Directory caching the content guard's model."),
    ] = None,
) -> None:
    """Send the plan's allowed actions that are due now (gate re-checked, text screened)."""
    from huankuan.bootstrap import bootstrap
    from huankuan.compliance.content import build_guard
    from huankuan.domain.model import Channel
    from huankuan.service_layer.dispatch import dispatch

    day = parse_business_date(business_date)
    guard = build_guard(model_cache or DEFAULT_MODEL_CACHE)
    application = bootstrap()
    try:
        result = dispatch(
            application,
            day,
            guard=guard,
            channel=None if channel is None else Channel(channel.value),
        )
    finally:
        application.engine.dispose()
    render_dispatch_report(result.report)


def render_dispatch_report(report: DispatchReport) -> None:
    table = Table(title=f"Dispatch {report.business_date} at {report.at:%Y-%m-%d %H:%M} UTC")
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (
        ("due actions", report.due),
        ("sent", report.sent),
        ("blocked by the gate at send time", report.blocked_by_gate),
        ("blocked by the content guard", report.blocked_by_content),
        ("not sendable (no template or channel)", report.not_sendable),
        ("expired (the business date is over locally)", report.expired),
    ):
        table.add_row(label, f"{value:,}")
    for channel, count in sorted(report.sent_by_channel.items()):
        table.add_row(f"sent by {channel}", f"{count:,}")
    for rule, count in sorted(report.blocked_by_rule.items(), key=lambda item: -item[1]):
        table.add_row(f"blocked by {rule}", f"{count:,}")
    console.print(table)
