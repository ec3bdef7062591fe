from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from huankuan.adapters.clock import SystemClock
from huankuan.adapters.storage.audit import SqlAuditLog
from huankuan.adapters.storage.database import make_engine
from huankuan.entrypoints.cli.main import app

runner = CliRunner()


@pytest.fixture
def initialised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", url)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return url


def test_it_reports_an_intact_chain(initialised: str) -> None:
    engine = make_engine(initialised)
    with engine.begin() as connection:
        log = SqlAuditLog(connection, SystemClock())
        log.record(actor="a", action="x", entity_type="t", entity_id="1", details={})
        log.record(actor="a", action="y", entity_type="t", entity_id="2", details={})
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "2 rows verified" in result.output


def test_it_exits_non_zero_naming_the_tampered_row(initialised: str) -> None:
    engine = make_engine(initialised)
    with engine.begin() as connection:
        log = SqlAuditLog(connection, SystemClock())
        for n in range(3):
            log.record(actor="a", action="x", entity_type="t", entity_id=str(n), details={"n": n})
        connection.execute(text("UPDATE audit_log SET details = '{\"n\": 9}' WHERE seq = 3"))
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "row 3" in result.output


def test_it_fails_plainly_without_a_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 3
    assert "huankuan init" in result.output
