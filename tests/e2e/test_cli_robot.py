"""The robot's and the API's commands end to end: `user add`, `token create`, `chat` (stdin as
the borrower) and `simulate conversations` (in-process and through the API)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from huankuan.adapters.clock import SystemClock
from huankuan.adapters.storage.database import make_engine
from huankuan.adapters.storage.tables import conversations, promises, users
from huankuan.bootstrap import App
from huankuan.config import Settings
from huankuan.domain.errors import AuthenticationFailed
from huankuan.entrypoints.cli.main import app
from huankuan.service_layer.auth import authenticate_password, authenticate_token
from tests.robot_support import add_cn_borrower, robot

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", url)
    # 10:00 in Shanghai: inside the contact hours the gate allows.
    monkeypatch.setenv("HUANKUAN_FROZEN_NOW", "2026-11-28T10:00:00+08:00")
    assert runner.invoke(app, ["init"]).exit_code == 0
    return url


def application(url: str) -> App:
    return App(Settings(database_url=url), make_engine(url), SystemClock())


def test_it_adds_a_user_with_a_password_file_and_prints_a_working_token(
    database: str, tmp_path: Path
) -> None:
    secret = tmp_path / "password"
    secret.write_text("a long enough password\n", encoding="utf-8")
    added = runner.invoke(
        app, ["user", "add", "--username", "lin", "--role", "agent", "--password-file", str(secret)]
    )
    assert added.exit_code == 0, added.output
    created = runner.invoke(app, ["token", "create", "--username", "lin"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("hk_") and len(token) > 40
    stored = application(database)
    assert authenticate_token(token, uow=stored.uow()).role.value == "agent"
    principal = authenticate_password("lin", "a long enough password", uow=stored.uow())
    assert principal.username == "lin"
    with pytest.raises(AuthenticationFailed):
        authenticate_password("lin", "a wrong password", uow=stored.uow())
    with stored.engine.connect() as connection:
        (row,) = connection.execute(select(users)).all()
    assert row.password_hash.startswith("$argon2id$") and "long enough" not in row.password_hash


def test_it_prompts_for_the_password_and_refuses_bad_input(database: str) -> None:
    prompted = runner.invoke(
        app,
        ["user", "add", "--username", "mei", "--role", "supervisor"],
        input="another good password\nanother good password\n",
    )
    assert prompted.exit_code == 0, prompted.output
    again = runner.invoke(
        app,
        ["user", "add", "--username", "mei", "--role", "supervisor"],
        input="another good password\nanother good password\n",
    )
    assert again.exit_code == 2 and "already exists" in again.output
    wrong_role = runner.invoke(
        app, ["user", "add", "--username", "kai", "--role", "boss"], input=("x" * 12 + "\n") * 2
    )
    assert wrong_role.exit_code == 2 and "role must be one of" in wrong_role.output
    nobody = runner.invoke(app, ["token", "create", "--username", "nobody"])
    assert nobody.exit_code == 5


def test_it_chats_in_the_terminal_and_records_the_outcome(database: str) -> None:
    stored = application(database)
    with stored.engine.begin() as connection:
        add_cn_borrower(connection)
    robot()  # the session's NLU and guard are warm; the command loads its own
    result = runner.invoke(app, ["chat", "--lang", "zh"], input="是我\n下周五还两千\n是的\n")
    assert result.exit_code == 0, result.output
    assert "robot: 请问您是王芳本人吗？" in result.output
    assert "[outcome] promise_to_pay" in result.output and "(ended: ended)" in result.output
    with stored.engine.connect() as connection:
        assert connection.execute(select(promises.c.amount_minor)).scalar_one() == 200_000
        assert connection.execute(select(conversations.c.created_by)).scalar_one() == "cli:chat"


def test_it_leaves_the_conversation_open_at_the_end_of_input(database: str) -> None:
    with application(database).engine.begin() as connection:
        add_cn_borrower(connection)
    result = runner.invoke(app, ["chat", "--account", "A1"], input="是我\n")
    assert result.exit_code == 0, result.output
    assert "(left open)" in result.output


def test_it_says_so_when_there_is_no_account_to_talk_about(database: str) -> None:
    result = runner.invoke(app, ["chat", "--lang", "en"])
    assert result.exit_code == 5 and "huankuan demo" in result.output


def test_it_simulates_conversations_and_reports_the_safety_checks() -> None:
    result = runner.invoke(app, ["simulate", "conversations", "--n", "18", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "| persona | n | avg turns |" in result.output
    assert "all safety checks hold: yes" in result.output


def test_it_simulates_conversations_through_the_api() -> None:
    result = runner.invoke(
        app, ["simulate", "conversations", "--n", "9", "--lang", "en", "--through-api"]
    )
    assert result.exit_code == 0, result.output
    assert "through the HTTP API" in result.output
    assert "self-harm escalated: 1/1" in result.output
    assert "all safety checks hold: yes" in result.output


def test_it_names_the_rules_when_the_gate_blocks_the_chat(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with application(database).engine.begin() as connection:
        add_cn_borrower(connection)
    monkeypatch.setenv("HUANKUAN_FROZEN_NOW", "2026-11-28T23:30:00+08:00")
    result = runner.invoke(app, ["chat", "--account", "A1"])
    assert result.exit_code == 1
    assert "CN-NIFA-HOURS" in result.output and "allowed again from" in result.output
