from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from huankuan.adapters.storage.audit import SqlAuditLog, verify_chain
from huankuan.adapters.storage.database import make_engine, require_schema
from huankuan.bootstrap import App
from huankuan.domain.errors import DatabaseMissing


def test_it_says_plainly_when_the_sqlite_database_is_missing(tmp_path) -> None:
    with pytest.raises(DatabaseMissing, match="run `huankuan init` first"):
        make_engine(f"sqlite:///{tmp_path / 'absent.db'}")


def test_it_says_plainly_when_the_database_was_never_initialised(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}", create_dir=True)
    with pytest.raises(DatabaseMissing, match="not initialised"):
        require_schema(engine)


def test_it_detects_an_edited_audit_row(app: App) -> None:
    with app.engine.begin() as connection:
        log = SqlAuditLog(connection, app.clock)
        for index in range(3):
            log.record(
                actor="tester",
                action="thing.done",
                entity_type="thing",
                entity_id=str(index),
                details={"n": index},
            )
    with app.engine.begin() as connection:
        assert verify_chain(connection).ok
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
        report = verify_chain(connection)
    assert not report.ok and report.first_bad_seq == 2


def test_it_detects_a_deleted_audit_row(app: App) -> None:
    with app.engine.begin() as connection:
        log = SqlAuditLog(connection, app.clock)
        for index in range(3):
            log.record(
                actor="tester",
                action="thing.done",
                entity_type="thing",
                entity_id=str(index),
                details={"at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        connection.execute(text("DELETE FROM audit_log WHERE seq = 2"))
        report = verify_chain(connection)
    assert not report.ok and report.first_bad_seq == 2
