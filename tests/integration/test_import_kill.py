"""An import killed with SIGKILL half-way leaves the database exactly as before (SQLite)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.database import make_engine
from huankuan.adapters.storage.migrate import upgrade
from huankuan.bootstrap import App
from huankuan.config import Settings
from huankuan.service_layer.ingest import import_file
from huankuan.simulation.portfolio import generate_portfolio

ACCOUNTS = 60_000  # enough for about a second of writing: time to kill it mid-way
IMPORTER = """
import sys
from datetime import UTC, datetime
from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.database import make_engine
from huankuan.bootstrap import App
from huankuan.config import Settings
from huankuan.service_layer.ingest import import_file

url, path = sys.argv[1], sys.argv[2]
app = App(Settings(database_url=url), make_engine(url),
          FakeClock(datetime(2026, 11, 28, tzinfo=UTC)))
import_file(app, "accounts", path, progress=lambda message: print(message, flush=True))
print("done", flush=True)
"""
TABLES = ("debtors", "cases", "accounts", "holds", "audit_log")


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        counts = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in TABLES
        }
        counts["integrity"] = connection.execute(text("PRAGMA integrity_check")).scalar_one()
    engine.dispose()
    return counts


def _kill_while_writing(process: subprocess.Popen[str], wal: Path) -> None:
    """Wait for the storing step, then for its first pages in the WAL, then SIGKILL."""
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("storing"):
            break
    else:
        pytest.fail(f"the import ended before storing: {process.wait()}")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 512 * 1024:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    assert process.wait(timeout=10) == -signal.SIGKILL, "the import finished before the kill"


def test_it_leaves_the_database_unchanged_when_killed_mid_import(tmp_path: Path) -> None:
    generate_portfolio(tmp_path / "sample", accounts=ACCOUNTS, seed=4, as_of=date(2026, 11, 28))
    database = tmp_path / "huankuan.db"
    url = f"sqlite:///{database}"
    engine = make_engine(url, create_dir=True)
    upgrade(engine)
    engine.dispose()
    path = tmp_path / "sample" / "accounts.csv"

    process = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, url, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        _kill_while_writing(process, database.with_name(database.name + "-wal"))
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()

    assert _counts(url) == dict.fromkeys(TABLES, 0) | {"integrity": "ok"}
    app = App(
        Settings(database_url=url), make_engine(url), FakeClock(datetime(2026, 11, 28, tzinfo=UTC))
    )
    report = import_file(app, "accounts", path)
    app.engine.dispose()
    assert report.inserted == ACCOUNTS
    assert _counts(url)["accounts"] == ACCOUNTS
