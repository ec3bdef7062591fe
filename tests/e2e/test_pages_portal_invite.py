"""The case page's "send portal link" over HTTP (TestClient) on SQLite and PostgreSQL: the form
for an agent (none for compliance), the link texted and confirmed with a redirect back, the
timeline showing the SMS without the link's token, CSRF and another
agent's case refused, and the gate's and the guard's refusals shown next to the form in the
agent's language, with no link made."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import outbound_messages, portal_links
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from tests.robot_support import robot
from tests.web_support import sign_in
from tests.workbench_support import CN_NIGHT, FlaggingGuard, cn_case

MINE, THEIRS = "/work/cases/C-D1", "/work/cases/C-D2"
FORM = 'action="/work/cases/C-D1/portal-links"'


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    app.robot_kit = robot()
    with app.engine.begin() as connection:
        cn_case(connection, 1, "agent1")
        cn_case(connection, 2, "agent2")
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


def test_it_offers_the_form_to_the_agent_and_not_to_compliance(
    client: TestClient, agent: str, app: App
) -> None:
    page = client.get(MINE)
    assert page.status_code == 200 and FORM in page.text
    assert '<label for="portal-link-account">账户</label>' in page.text
    assert "发送门户链接" in page.text and "72 小时内有效" in page.text
    assert 'value="portal_invite"' not in page.text  # not a template of the message form
    client.cookies.clear()
    sign_in(client, app, "auditor", "compliance")
    assert FORM not in client.get(MINE).text


def test_it_texts_the_link_and_shows_it_in_the_timeline_without_its_token(
    client: TestClient, agent: str, app: App
) -> None:
    response = post(client, f"{MINE}/portal-links", agent, account_id="A1")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/work/cases/C-D1?done=portal-links#done"
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert 'role="status" id="done">门户链接已通过短信发送给债务人本人。' in page.text
    (link,) = rows(app, portal_links)
    assert (link["account_id"], link["created_by"]) == ("A1", "user:agent1")
    (message,) = rows(app, outbound_messages)
    assert message["status"] == "sent" and message["template"] == "portal_invite"
    assert "/p/… " in page.text  # the SMS, without the link's token
    assert page.text.count("/p/") == 1


def test_it_refuses_without_the_csrf_token_and_for_another_agents_case(
    client: TestClient, agent: str, app: App
) -> None:
    response = client.post(f"{MINE}/portal-links", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert post(client, f"{MINE}/portal-links", "forged-token").status_code == 403
    assert post(client, f"{THEIRS}/portal-links", agent).status_code == 403
    assert rows(app, portal_links) == [] and rows(app, outbound_messages) == []


def test_it_shows_the_gates_refusal_next_to_the_form(
    client: TestClient, app: App, clock: FakeClock
) -> None:
    clock.set(CN_NIGHT)
    token = sign_in(client, app, "agent1", "agent")
    response = post(client, f"{MINE}/portal-links", token, account_id="A1")
    assert response.status_code == 409
    refusal = response.text.split('id="refusal-portal-links">', 1)[1].split("</p>", 1)[0]
    assert "合规闸门现在不允许" in refusal and "下次允许时间：2026-11-29 08:00" in refusal
    assert response.text.index("refusal-portal-links") > response.text.index(
        'id="form-portal-link-heading"'
    )
    assert 'role="alert" id="refusal-portal-links"' in response.text
    assert rows(app, portal_links) == []
    assert [m["status"] for m in rows(app, outbound_messages)] == ["blocked"]


def test_it_shows_the_guards_refusal_next_to_the_form_in_the_agents_language(
    client: TestClient, agent: str, app: App
) -> None:
    app.robot_kit = replace(robot(), guard=FlaggingGuard())
    response = post(client, f"{MINE}/portal-links", agent, account_id="A1")
    assert response.status_code == 409
    assert 'id="refusal-portal-links"' in response.text
    assert "骚扰或胁迫借款人" in response.text and "harassment" in response.text
    client.get("/lang/en?next=/work/queue", follow_redirects=False)
    again = post(client, f"{MINE}/portal-links", agent, account_id="A1")
    assert again.status_code == 409 and "harasses or pressures the borrower" in again.text
    assert rows(app, portal_links) == []


def test_it_shows_a_bad_account_as_not_found(client: TestClient, agent: str, app: App) -> None:
    response = post(client, f"{MINE}/portal-links", agent, account_id="A2")
    assert response.status_code == 404
    assert rows(app, portal_links) == []
