"""`huankuan cycle` and `huankuan plan` through the CLI, with the JSON Lines contract exactly."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from huankuan.adapters.storage.database import make_engine
from huankuan.adapters.storage.tables import action_plan
from huankuan.entrypoints.cli.main import app
from tests.factories import add_borrower, add_contact_point

runner = CliRunner()
FIELDS = [
    "action_id",
    "account_id",
    "debtor_id",
    "channel",
    "contact_role",
    "template",
    "scheduled_at",
    "priority",
    "decision",
    "rules",
]


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", database_url)
    monkeypatch.setenv("HUANKUAN_TODAY", "2026-11-28")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        add_borrower(connection, 1, phones=2)  # CN, M3
        add_contact_point(connection, "L1", "D1", kind="address")
        add_borrower(connection, 2, jurisdiction="US-RegF", first_due_on=date(2026, 10, 1))
        add_borrower(connection, 3, first_due_on=date(2026, 12, 1))  # current
    engine.dispose()
    return database_url


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_it_runs_the_cycle_and_prints_the_report(cli_database: str) -> None:
    result = run("cycle", "--date", "2026-11-28")
    assert result.exit_code == 0, result.output
    for text in (
        "Daily cycle 2026-11-28",
        "Accounts by bucket",
        "Treatments by channel",
        "Seconds per step",
        "allowed / blocked",
    ):
        assert text in result.output


def test_it_prints_the_plan_as_json_lines_exactly(cli_database: str) -> None:
    assert run("cycle", "--date", "2026-11-28").exit_code == 0
    result = run("plan", "--date", "2026-11-28", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    engine = make_engine(cli_database)
    with engine.connect() as connection:
        stored = {row.action_id: row for row in connection.execute(select(action_plan))}
    engine.dispose()
    assert lines and len(lines) == len(stored)
    for line in lines:
        assert list(line) == FIELDS
        row = stored[line["action_id"]]
        assert (
            line["account_id"],
            line["debtor_id"],
            line["channel"],
            line["contact_role"],
            line["template"],
            line["priority"],
            line["decision"],
        ) == (
            row.account_id,
            row.debtor_id,
            row.channel,
            row.contact_role,
            row.template,
            row.priority,
            row.decision,
        )
        assert line["rules"] == json.loads(row.rules)
        assert isinstance(line["priority"], int) and line["decision"] in ("allow", "block")
    by_account = {line["account_id"]: line for line in lines}
    assert by_account["A1"]["scheduled_at"].endswith("+08:00")
    assert by_account["A2"]["scheduled_at"].endswith("-05:00")
    assert "A3" not in by_account


def test_it_gives_local_send_times_with_their_offset(cli_database: str) -> None:
    run("cycle", "--date", "2026-11-28")
    lines = [
        json.loads(line)
        for line in run("plan", "--date", "2026-11-28", "--format", "jsonl").output.splitlines()
    ]
    letter = next(line for line in lines if line["channel"] == "letter")
    assert letter["scheduled_at"] == "2026-11-28T09:00:00+08:00"


def test_it_prints_the_plan_as_csv_with_the_same_columns(cli_database: str) -> None:
    run("cycle", "--date", "2026-11-28")
    result = run("plan", "--date", "2026-11-28", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and list(rows[0]) == FIELDS


def test_it_prints_the_first_rows_as_a_table(cli_database: str) -> None:
    run("cycle", "--date", "2026-11-28")
    result = run("plan", "--date", "2026-11-28", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert "Action plan" in result.output and "(first 2)" in result.output


def test_it_says_plainly_when_no_cycle_ran_for_the_date(cli_database: str) -> None:
    result = run("plan", "--date", "2026-11-27", "--format", "jsonl")
    assert result.exit_code == 5
    assert "no cycle has run for 2026-11-27" in result.output


def test_it_refuses_a_future_date_with_exit_code_4(cli_database: str) -> None:
    result = run("cycle", "--date", "2026-11-29")
    assert result.exit_code == 4
    assert "2026-11-29 is in the future (today is 2026-11-28)" in result.output


def test_it_refuses_a_malformed_date(cli_database: str) -> None:
    result = run("cycle", "--date", "28/11/2026")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
