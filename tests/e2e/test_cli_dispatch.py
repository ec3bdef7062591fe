"""`huankuan dispatch` and `huankuan compliance replay` through the CLI."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from huankuan.adapters.storage.database import make_engine
from huankuan.adapters.storage.tables import contact_attempts, gate_decisions
from huankuan.entrypoints.cli.main import app
from tests.factories import add_borrower, add_contact_point

runner = CliRunner()
# The content guard's trained model, shared by the test session (keyed by the corpus's hash).
MODEL_CACHE = Path(tempfile.gettempdir()) / "huankuan-test-content-cache"


@pytest.fixture
def planned(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", database_url)
    monkeypatch.setenv("HUANKUAN_TODAY", "2026-11-28")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        add_borrower(connection, 1, phones=1)  # CN, M3
        add_contact_point(connection, "L1", "D1", kind="address")
        add_borrower(connection, 2, jurisdiction="US-RegF", first_due_on=date(2026, 11, 1))
    engine.dispose()
    result = runner.invoke(app, ["cycle", "--date", "2026-11-28"])
    assert result.exit_code == 0, result.output
    return database_url


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def dispatch(monkeypatch: pytest.MonkeyPatch, now: str, *options: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HUANKUAN_FROZEN_NOW", now)
    return run("dispatch", "--date", "2026-11-28", "--model-cache", str(MODEL_CACHE), *options)


def stored(url: str, table, *columns):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(*[table.c[name] for name in columns])).all()
    engine.dispose()
    return rows


def test_it_dispatches_due_actions_and_replays_every_decision(
    planned: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 22:30 in Shanghai (the 21:30 robot call is now too late), 09:30 in New York.
    result = dispatch(monkeypatch, "2026-11-28T14:30:00+00:00")
    assert result.exit_code == 0, result.output
    assert "Dispatch 2026-11-28" in result.output and "blocked by CN-NIFA-HOURS" in result.output
    sent = stored(planned, contact_attempts, "decision")
    assert {row.decision for row in sent} == {"allow", "block"}
    action_ids = sorted({row.action_id for row in stored(planned, gate_decisions, "action_id")})
    for action_id in action_ids:
        replay = run("compliance", "replay", action_id)
        assert replay.exit_code == 0, replay.output
        assert "same answer" in replay.output and "intact" in replay.output
    as_json = run("compliance", "replay", action_ids[0], "--json")
    assert json.loads(as_json.stdout.splitlines()[0])["same"] is True


def test_it_sends_only_the_channel_asked_for(planned: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = dispatch(monkeypatch, "2026-11-28T14:30:00+00:00", "--channel", "sms")
    assert result.exit_code == 0, result.output
    assert {row.channel for row in stored(planned, contact_attempts, "channel")} == {"sms"}


def test_replay_says_when_the_stored_inputs_were_tampered_with(
    planned: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert dispatch(monkeypatch, "2026-11-28T14:30:00+00:00").exit_code == 0
    [(decision_id, action_id, inputs)] = stored(
        planned, gate_decisions, "decision_id", "action_id", "inputs"
    )[:1]
    engine = make_engine(planned)
    with engine.begin() as connection:
        connection.execute(
            update(gate_decisions)
            .where(gate_decisions.c.decision_id == decision_id)
            .values(inputs=inputs.replace('"unreachable":false', '"unreachable":true'))
        )
    engine.dispose()
    replay = run("compliance", "replay", action_id)
    assert replay.exit_code == 1
    assert "MISMATCH" in replay.output and "tampered" in replay.output


def test_replay_of_an_action_never_dispatched_is_not_found(planned: str) -> None:
    replay = run("compliance", "replay", "20261128-A1-1")
    assert replay.exit_code == 5
    assert "no stored gate decision" in replay.output
