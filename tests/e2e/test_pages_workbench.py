"""The workbench pages over HTTP (TestClient) on SQLite and PostgreSQL: sign-in required, an
agent kept to their own cases, CSRF on every form, the queue and its htmx partial, the case page
masked with an audited reveal, actions that redirect back on success and show the refusal in
place (the content guard's explanation, the policy's limit, the gate's next allowed time)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import (
    audit_log,
    case_notes,
    contact_attempts,
    outbound_messages,
    promises,
)
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from tests.robot_support import robot
from tests.web_support import sign_in
from tests.workbench_support import CN_NIGHT, add_cycle_run, add_plan_item, cn_case

MINE, THEIRS = "/work/cases/C-D1", "/work/cases/C-D2"


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    app.robot_kit = robot()
    with app.engine.begin() as connection:
        cn_case(connection, 1, "agent1")
        cn_case(connection, 2, "agent2")
        add_plan_item(connection, "P-1", 1, priority=20)
        add_plan_item(connection, "P-2", 2, priority=10)
        add_cycle_run(connection)
    with TestClient(create_app(app)) as test_client:
        yield test_client


@pytest.fixture
def agent(client: TestClient, app: App) -> str:
    """agent1 signed in; returns the CSRF token."""
    return sign_in(client, app, "agent1", "agent")


def post(client: TestClient, path: str, token: str, **fields: Any) -> Any:
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def rows(app: App, table: Any) -> list[dict[str, Any]]:
    with app.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table))]


def test_it_sends_the_signed_out_to_the_sign_in_page(client: TestClient) -> None:
    for path in ("/work/queue", "/work/queue/items", MINE):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")
    response = client.get("/work/queue/items", headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")


def test_it_shows_my_queue_with_only_my_cases(client: TestClient, agent: str) -> None:
    page = client.get("/work/queue")
    assert page.status_code == 200
    assert 'href="/work/cases/C-D1?action=P-1"' in page.text
    assert "C-D2" not in page.text
    assert 'hx-trigger="every 30s"' in page.text
    partial = client.get("/work/queue/items", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="queue-items"')
    assert "<html" not in partial.text


def test_it_refuses_another_agents_case(client: TestClient, agent: str, app: App) -> None:
    assert client.get(THEIRS).status_code == 403
    assert post(client, f"{THEIRS}/notes", agent, body="hi").status_code == 403
    assert post(client, f"{THEIRS}/reveal", agent).status_code == 403
    assert client.get("/work/cases/C-NOPE").status_code == 404
    assert rows(app, case_notes) == []


def test_it_refuses_a_form_without_its_csrf_token(client: TestClient, agent: str, app: App) -> None:
    response = client.post(f"{MINE}/notes", data={"body": "hi"}, follow_redirects=False)
    assert response.status_code == 403
    response = post(client, f"{MINE}/notes", "forged-token", body="hi")
    assert response.status_code == 403
    assert rows(app, case_notes) == []


def test_it_lets_compliance_read_a_case_but_not_act(client: TestClient, app: App) -> None:
    token = sign_in(client, app, "auditor", "compliance")
    page = client.get(THEIRS)
    assert page.status_code == 200 and 'action="/work/cases/C-D2/notes"' not in page.text
    assert post(client, f"{THEIRS}/notes", token, body="hi").status_code == 403
    assert client.get("/work/queue").status_code == 403


def test_it_shows_the_case_masked_and_reveals_it_with_an_audit_row(
    client: TestClient, agent: str, app: App
) -> None:
    page = client.get(MINE)
    assert page.status_code == 200
    assert "王*" in page.text and "王芳" not in page.text
    assert "110101199003070001" not in page.text and "**************0001" in page.text
    assert "¥5,260.00" in page.text
    revealed = client.post(
        f"{MINE}/reveal",
        data={"reason": "identity check"},
        headers={"HX-Request": "true", "X-CSRF-Token": agent},
    )
    assert revealed.status_code == 200 and "<html" not in revealed.text
    assert "王芳" in revealed.text and "110101199003070001" in revealed.text
    actions = [row["action"] for row in rows(app, audit_log)]
    assert "personal_data.revealed" in actions


def test_it_logs_an_outcome_and_a_promise_and_shows_them(
    client: TestClient, agent: str, app: App
) -> None:
    logged = post(
        client,
        f"{MINE}/outcomes",
        agent,
        account_id="A1",
        outcome="promise_to_pay",
        action_id="P-1",
        note="pays on Tuesday",
    )
    assert logged.status_code == 303
    assert logged.headers["location"] == "/work/cases/C-D1?done=outcomes#done"
    promised = post(
        client, f"{MINE}/promises", agent, account_id="A1", amount="2,000", due_on="2026-12-01"
    )
    assert promised.status_code == 303
    (promise,) = rows(app, promises)
    assert promise["amount_minor"] == 200_000
    page = client.get("/work/cases/C-D1?done=promises")
    assert "承诺还款已记录" in page.text
    assert "¥2,000.00" in page.text and "pays on Tuesday" in page.text
    assert rows(app, contact_attempts)[0]["actor"] == "user:agent1"
    assert "C-D1" not in client.get("/work/queue").text  # the worked item left the queue


def test_it_shows_the_guards_explanation_next_to_the_message_form(
    client: TestClient, agent: str, app: App
) -> None:
    response = post(
        client, f"{MINE}/messages", agent, channel="sms", template="", text="再不还钱就打断你的腿"
    )
    assert response.status_code == 409
    assert 'id="refusal-messages"' in response.text
    assert "以暴力或人身伤害相威胁" in response.text and "threat_violence" in response.text
    assert "再不还钱就打断你的腿" in response.text  # the agent's text is kept for rewriting
    (message,) = rows(app, outbound_messages)
    assert message["status"] == "blocked" and message["created_by"] == "user:agent1"
    english = client.get("/lang/en?next=/work/queue", follow_redirects=False)
    assert english.status_code in (302, 303, 307)
    again = post(client, f"{MINE}/messages", agent, channel="sms", text="I will hurt you")
    assert again.status_code == 409 and "violence" in again.text


def test_it_shows_the_policy_limit_next_to_the_promise_form(
    client: TestClient, agent: str, app: App
) -> None:
    response = post(
        client, f"{MINE}/promises", agent, account_id="A1", amount="100", due_on="2026-12-01"
    )
    assert response.status_code == 422
    assert 'id="refusal-promises"' in response.text
    assert "承诺金额不得低于 1,052.00元" in response.text
    bad = post(
        client, f"{MINE}/promises", agent, account_id="A1", amount="abc", due_on="2026-12-01"
    )
    assert bad.status_code == 422 and "须为 CNY 金额" in bad.text
    assert rows(app, promises) == []


def test_it_shows_when_the_gate_allows_a_call_again(
    client: TestClient, app: App, clock: FakeClock
) -> None:
    clock.set(CN_NIGHT)
    token = sign_in(client, app, "agent1", "agent")
    response = post(client, f"{MINE}/outcomes", token, account_id="A1", outcome="no_answer")
    assert response.status_code == 409
    assert 'id="refusal-outcomes"' in response.text
    assert "合规闸门现在不允许" in response.text
    assert "下次允许时间：2026-11-29 08:00" in response.text


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("plans", {"account_id": "A1", "kind": "instalments", "term": "3"}),
        ("notes", {"body": "called twice"}),
        ("disputes", {"account_id": "A1", "reason": "fees", "written": "yes"}),
        ("complaints", {"channel": "phone", "summary": "rude caller"}),
        ("holds", {"hold_type": "welfare", "reason": "distress", "days": "30"}),
        ("messages", {"channel": "sms", "template": "reminder_due"}),
    ],
)
def test_it_redirects_back_after_each_action(
    client: TestClient, agent: str, action: str, fields: dict[str, str]
) -> None:
    response = post(client, f"{MINE}/{action}", agent, **fields)
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and 'id="done"' in page.text
