"""`huankuan simulate …`: simulated history into the database, and what-if strategy runs."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from huankuan.domain.errors import InvalidInput
from huankuan.entrypoints.cli.main import app, console, handles_errors

simulate_app = typer.Typer(
    help="Simulated borrowers: history for training, what-if strategy runs, conversations.",
    no_args_is_help=True,
)
app.add_typer(simulate_app, name="simulate")

STRATEGIES = Path(__file__).resolve().parents[2] / "strategy" / "strategies"
DEFAULT_PLOT = Path("docs/strategy-sim.png")
SIMULATION_START = "2026-09-01"


def strategy_path(name: str) -> Path:
    """A strategy file, or the name of a packaged one (`default`, `allocated`, …)."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    packaged = STRATEGIES / f"{name}.yaml"
    if not packaged.is_file():
        known = ", ".join(sorted(p.stem for p in STRATEGIES.glob("*.yaml")))
        raise InvalidInput(f"no strategy {name!r}: give a file or one of {known}")
    return packaged


@simulate_app.command("history")
@handles_errors
def history(
    days: Annotated[int, typer.Option(min=31, max=730, help="Days of history.")] = 90,
    accounts: Annotated[int, typer.Option(min=100, help="Accounts to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    until: Annotated[
        str | None, typer.Option(help="Last simulated day, YYYY-MM-DD (default: yesterday).")
    ] = None,
    strategy: Annotated[str | None, typer.Option(help="Strategy run during the history.")] = None,
    assumptions: Annotated[Path | None, typer.Option(help="Assumptions YAML.")] = None,
) -> None:
    """Write a simulated portfolio with its past (payments, contacts, promises…) to an empty
    database, balances as of the last simulated day."""
    from huankuan.adapters.storage.migrate import upgrade
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.cycle import today_for
    from huankuan.service_layer.simulated_history import simulate_history

    application = bootstrap(require_initialised=False)
    upgrade(application.engine)
    try:
        last = _date(until) if until else today_for(application) - timedelta(days=1)
        with console.status(f"simulating {days} days of {accounts:,} accounts…"):
            report = simulate_history(
                application,
                days=days,
                accounts=accounts,
                seed=seed,
                until=last,
                strategy_file=strategy_path(strategy) if strategy else None,
                assumptions_file=assumptions,
            )
    finally:
        application.engine.dispose()
    console.print(f"history {report.first_day} … {report.last_day} ({report.assumptions})")
    table = Table(title="Rows written")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in report.rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    console.print(json.dumps({"history": report.figures.totals()}))


@simulate_app.command("strategy")
@handles_errors
def strategy(
    strategies: Annotated[
        list[str] | None,
        typer.Option("--strategy", help="Strategy file or packaged name; repeat to compare."),
    ] = None,
    days: Annotated[int, typer.Option(min=1, max=365)] = 60,
    accounts: Annotated[int, typer.Option(min=100)] = 100_000,
    seed: Annotated[int, typer.Option()] = 7,
    plot_file: Annotated[Path, typer.Option("--plot", help="PNG to write.")] = DEFAULT_PLOT,
    assumptions: Annotated[Path | None, typer.Option(help="Assumptions YAML.")] = None,
    start: Annotated[
        str, typer.Option(help="First simulated day (fixed by default: runs are reproducible).")
    ] = SIMULATION_START,
) -> None:
    """What-if: run strategies on the same simulated book; recovery curve, cost, contacts and
    complaints side by side, and a PNG plot. One strategy is compared with `default`."""
    from huankuan.simulation.assumptions import load_assumptions
    from huankuan.simulation.comparison import compare_strategies, plot
    from huankuan.strategy.experiment import load_arms

    names = list(strategies or ["default", "allocated"])
    if len(names) == 1 and strategy_path(names[0]) != strategy_path("default"):
        names.insert(0, "default")
    loaded = load_assumptions(assumptions)
    with console.status(f"simulating {len(names)} strategies × {accounts:,} accounts…"):
        comparison = compare_strategies(
            [(Path(name).stem, load_arms(strategy_path(name))) for name in names],
            loaded,
            days=days,
            accounts=accounts,
            seed=seed,
            start=_date(start),
        )
        written = plot(comparison, plot_file)
    console.print(f"plot: {written}")
    render_comparison(comparison)  # its last line is the JSON summary


def render_comparison(comparison: object) -> None:
    from huankuan.simulation.comparison import Comparison

    assert isinstance(comparison, Comparison)
    console.print(
        f"{comparison.accounts:,} simulated accounts, {comparison.days} days, seed "
        f"{comparison.seed}; {comparison.assumptions}"
    )
    points = comparison.curve_points()
    curve = Table(title="Recovery curve (% of the starting balance collected by day N)")
    curve.add_column("strategy")
    for day in points:
        curve.add_column(f"day {day}", justify="right")
    for run in comparison.runs:
        values = run.recovery_curve
        curve.add_row(run.label, *[f"{100 * values[day - 1]:.2f}" for day in points])
    console.print(curve)
    totals = Table(title="Totals")
    rows = comparison.rows()
    for column in rows[0]:
        totals.add_column(column, justify="right" if column != "strategy" else "left")
    for row in rows:
        totals.add_row(*[f"{v:,}" if isinstance(v, int | float) else str(v) for v in row.values()])
    console.print(totals)
    for run in comparison.runs:
        if run.by_arm:
            console.print(f"{run.label} arms: {json.dumps(run.by_arm)}")
    typer.echo(json.dumps({"strategies": rows}))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"expected a date as YYYY-MM-DD, got {text!r}") from None
