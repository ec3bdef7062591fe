"""`huankuan simulate conversations`: simulated borrowers of every persona against the robot,
in-process or through the HTTP API, with the outcome rates per persona and the safety checks."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from huankuan.domain.errors import InvalidInput
from huankuan.entrypoints.cli.main import console, handles_errors
from huankuan.entrypoints.cli.simulate_cli import simulate_app
from huankuan.simulation.conversations import RobotLine, SimulationReport

if TYPE_CHECKING:
    from huankuan.bootstrap import App
    from huankuan.dialogue.context import Lang

SIMULATOR = "simulator"


@simulate_app.command("conversations")
@handles_errors
def conversations(
    n: Annotated[int, typer.Option("--n", min=1, help="Conversations to simulate.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    lang: Annotated[str | None, typer.Option(help="zh or en (default: both, alternating).")] = None,
    through_api: Annotated[
        bool,
        typer.Option(
            "--through-api",
            help="Drive the personas through the HTTP API (in-process) against a database.",
        ),
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(help="With --through-api: this (migrated) database, else a scratch SQLite."),
    ] = None,
) -> None:
    """Outcome rates per persona and the safety checks: no disclosure to a wrong party, every
    self-harm escalated, no blocked sentence sent. Exit code 1 when a safety check fails."""
    from huankuan.simulation.conversations import simulate

    if lang not in (None, "zh", "en"):
        raise InvalidInput(f"lang must be zh or en, got {lang!r}")
    fixed = cast("Lang | None", lang)
    started = time.perf_counter()
    if through_api:
        with api_lines(database_url) as lines:
            report = simulate(n, seed, fixed, lines=lines)
    else:
        with console.status("loading the robot..."):
            from huankuan.dialogue.nlu import NluPipeline

            nlu = NluPipeline.load()
        report = simulate(n, seed, fixed, nlu=nlu)
    _print(report, time.perf_counter() - started, through_api)
    if not report.safe:
        raise typer.Exit(1)


@contextmanager
def api_lines(database_url: str | None) -> Iterator[Callable[[], RobotLine]]:
    """New `ApiLine`s on one in-process API, over `database_url` or a scratch SQLite file."""
    from fastapi.testclient import TestClient

    from huankuan.adapters.clock import FakeClock
    from huankuan.adapters.storage.database import make_engine
    from huankuan.adapters.storage.migrate import upgrade
    from huankuan.bootstrap import App
    from huankuan.config import load_settings
    from huankuan.entrypoints.api.app import create_app
    from huankuan.entrypoints.api.simulation import ApiLine
    from huankuan.service_layer.robot import Robot

    with tempfile.TemporaryDirectory(prefix="huankuan-sim-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'simulation.db'}"
        engine = make_engine(url, create_dir=database_url is None)
        upgrade(engine)
        clock = FakeClock(datetime.now(UTC))
        with console.status("loading the robot..."):
            robot = Robot.packaged()
        application = App(load_settings(database_url=url), engine, clock, robot_kit=robot)
        tag = uuid.uuid4().hex[:6]
        token = _simulator_token(application, tag)
        try:
            with TestClient(create_app(application)) as client:
                yield lambda: ApiLine(client, token, application, clock, tag)
        finally:
            engine.dispose()


def _simulator_token(application: App, tag: str) -> str:
    import secrets

    from huankuan.domain import commands
    from huankuan.service_layer.auth import add_user, create_token

    username = f"{SIMULATOR}-{tag}"
    add_user(
        commands.AddUser(username, "supervisor", secrets.token_urlsafe(24), actor="simulator"),
        uow=application.uow(),
    )
    return create_token(commands.CreateApiToken(username, "simulator"), uow=application.uow())


def _print(report: SimulationReport, seconds: float, through_api: bool) -> None:
    how = "through the HTTP API" if through_api else "in-process"
    console.print(
        f"{report.conversations:,} simulated conversations {how} (seed {report.seed}) "
        f"in {seconds:.1f} s",
        highlight=False,
    )
    console.print(report.table(), markup=False, highlight=False)
