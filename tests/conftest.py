"""Shared fixtures: databases (SQLite and PostgreSQL), clocks and the application."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, create_engine, text

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.database import make_engine
from huankuan.adapters.storage.migrate import upgrade
from huankuan.adapters.storage.tables import metadata
from huankuan.bootstrap import App
from huankuan.config import Settings

# Property tests are deterministic (derandomized) and never fail on a slow, shared CI machine.
settings.register_profile(
    "huankuan", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("huankuan")

POSTGRES_ADMIN_URL = os.environ.get(
    "HUANKUAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
_postgres_problem: str | None = None


def _postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure means: skip the PostgreSQL half, loudly
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__}"
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    problem = _postgres_available()
    if problem:
        pytest.skip(problem)
    name = f"huankuan_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _truncate_all(engine: Engine) -> None:
    names = [table.name for table in reversed(metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                connection.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or the session's PostgreSQL database
    emptied before the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'huankuan.db'}"
        engine = make_engine(url, create_dir=True)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _truncate_all(engine)
    engine.dispose()
    yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))


@pytest.fixture
def app(database_url: str, clock: FakeClock) -> Iterator[App]:
    settings = Settings(
        database_url=database_url,
        today="2026-11-28",
        secret_key="test-secret-key",  # type: ignore[arg-type]
        payment_webhook_secret="test-webhook-secret",  # type: ignore[arg-type]
    )
    engine = make_engine(database_url)
    yield App(settings=settings, engine=engine, clock=clock)
    engine.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly when PostgreSQL was absent, and name every test that was skipped for it."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "PostgreSQL not reachable" in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep(
            "=", f"PostgreSQL is ABSENT: {len(skipped)} tests were skipped", red=True, bold=True
        )
        for report in skipped:
            terminalreporter.write_line(f"skipped (no PostgreSQL): {report.nodeid}")
    browser_skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "Chromium is not installed" in str(report.longrepr)
    ]
    if browser_skipped:
        terminalreporter.write_sep(
            "=",
            f"Chromium is ABSENT: {len(browser_skipped)} browser tests were skipped "
            "(apt-get install -y chromium)",
            red=True,
            bold=True,
        )
