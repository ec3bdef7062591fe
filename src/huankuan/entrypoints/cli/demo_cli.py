"""`huankuan demo`: the README's first command, end to end on the embedded default."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from huankuan.entrypoints.cli.main import app, console, handles_errors


@app.command()
@handles_errors
def demo(
    accounts: Annotated[int, typer.Option(min=1, help="Sample portfolio size.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed of the sample.")] = 42,
    business_date: Annotated[
        str | None, typer.Option("--date", help="Business date (default: today, UTC).")
    ] = None,
    workdir: Annotated[Path, typer.Option(help="Where the sample files are written.")] = Path(
        "var"
    ),
) -> None:
    """Create the database, generate and import a sample portfolio, run the daily cycle."""
    from huankuan.adapters.storage.migrate import upgrade
    from huankuan.bootstrap import bootstrap
    from huankuan.entrypoints.cli.cycle_cli import render_cycle_report
    from huankuan.service_layer.cycle import run_cycle
    from huankuan.service_layer.ingest import import_file
    from huankuan.simulation.portfolio import generate_portfolio

    on = date.fromisoformat(business_date) if business_date else datetime.now(UTC).date()
    timings: list[tuple[str, float]] = []

    def step(label: str, started: float) -> None:
        timings.append((label, time.perf_counter() - started))

    started = time.perf_counter()
    application = bootstrap(require_initialised=False)
    upgrade(application.engine)
    step("init database", started)
    console.print(f"database: {application.engine.url.render_as_string(hide_password=True)}")

    started = time.perf_counter()
    sample_dir = workdir / "sample"
    with console.status(f"generating {accounts:,} sample accounts..."):
        generate_portfolio(
            sample_dir,
            accounts=accounts,
            seed=seed,
            locale="mixed",
            fmt="csv",
            dirty=False,
            as_of=on,
        )
    step(f"generate sample ({accounts:,} accounts)", started)

    for kind in ("accounts", "contacts", "payments"):
        started = time.perf_counter()
        with console.status(f"importing {kind}..."):
            report = import_file(application, kind, sample_dir / f"{kind}.csv")
        step(f"import {kind} ({report.rows:,} rows, {report.rejected} rejected)", started)

    started = time.perf_counter()
    with console.status(f"running the daily cycle for {on}..."):
        cycle_report = run_cycle(application, on)
    step("daily cycle", started)

    render_cycle_report(cycle_report, console)
    table = Table(title="Time per step")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    for label, seconds in timings:
        table.add_row(label, f"{seconds:.2f}")
    console.print(table)
