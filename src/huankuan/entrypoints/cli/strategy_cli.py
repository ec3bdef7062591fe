"""`huankuan strategy …`: check a strategy file, and the champion/challenger report."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from huankuan.entrypoints.cli.main import app, console, handles_errors

strategy_app = typer.Typer(
    help="Collection strategies: validate, champion/challenger report.", no_args_is_help=True
)
app.add_typer(strategy_app, name="strategy")


@strategy_app.command("check")
@handles_errors
def check(file: Annotated[str, typer.Argument(help="Strategy file or packaged name.")]) -> None:
    """Validate a strategy (and its challengers); errors name file, line and field."""
    from huankuan.entrypoints.cli.simulate_cli import strategy_path
    from huankuan.strategy.experiment import load_arms

    arms = load_arms(strategy_path(file))
    champion = arms[0].strategy
    console.print(
        f"{champion.label}: {len(champion.segments)} score segments, {len(champion.rules)} "
        f"rules, {len(champion.paths)} paths, allocation "
        f"{'on' if champion.allocation and champion.allocation.enabled else 'off'}"
    )
    for arm in arms[1:]:
        console.print(f"  challenger {arm.name} ({arm.share:.0%}): {arm.strategy.label}")


@strategy_app.command("report")
@handles_errors
def report(
    experiment: Annotated[str | None, typer.Option(help="Experiment (default: latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recovery, cost and complaints per arm, with 95 % confidence intervals."""
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.strategy_report import experiment_report
    from huankuan.strategy.loader import load_strategy

    application = bootstrap()
    allocation = load_strategy(application.settings.strategy_file).allocation
    try:
        with application.uow() as uow:
            name, arms = experiment_report(uow.connection, experiment, allocation)
    finally:
        application.engine.dispose()
    if as_json:
        typer.echo(json.dumps({"experiment": name, "arms": [_as_dict(a) for a in arms]}))
        return
    table = Table(title=f"Experiment {name} (95 % intervals)")
    for column in (
        "arm",
        "accounts",
        "balance",
        "recovered",
        "recovery rate",
        "Δ vs champion",
        "cost / account",
        "complaint rate",
    ):
        table.add_column(column, justify="right" if column != "arm" else "left")
    for arm in arms:
        table.add_row(
            arm.arm,
            f"{arm.accounts:,}",
            f"{arm.balance:,.2f}",
            f"{arm.recovered:,.2f}",
            str(arm.recovery_rate),
            str(arm.recovery_difference) if arm.recovery_difference else "—",
            str(arm.cost_per_account),
            str(arm.complaint_rate),
        )
    console.print(table)


def _as_dict(arm: object) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(arm)  # type: ignore[call-overload, no-any-return]
