"""`POST /api/cases/{case_id}/portal-links` end to end, in-process over HTTP on SQLite and
PostgreSQL: a link texted to the debtor's own phone (201, the link named by its id, its token
nowhere in the answer), an agent kept to their own cases (403), compliance never acting (403),
the gate's refusal (409 with its rules and next allowed time) and the guard's (409 with its
categories), and bad input (404, 422)."""

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
from tests.robot_support import add_api_user, robot
from tests.workbench_support import CN_NIGHT, FlaggingGuard, cn_case

MINE, THEIRS = "/api/cases/C-D1/portal-links", "/api/cases/C-D2/portal-links"


@pytest.fixture
def api(app: App) -> Iterator[TestClient]:
    app.robot_kit = robot()
    with app.engine.begin() as connection:
        cn_case(connection, 1, "agent1")
        cn_case(connection, 2, "other")
    with TestClient(create_app(app)) as client:
        yield client


@pytest.fixture
def tokens(app: App) -> dict[str, str]:
    roles = ("agent", "supervisor", "compliance")
    return {role: add_api_user(app, f"{role}1", role) for role in roles}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def rows(app: App, table: Any) -> list[dict[str, Any]]:
    with app.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table))]


def test_it_texts_a_link_and_names_it_by_its_id(
    api: TestClient, tokens: dict[str, str], app: App
) -> None:
    response = api.post(MINE, json={"account_id": "A1"}, headers=auth(tokens["agent"]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {
        "link_id",
        "expires_at",
        "message_id",
        "status",
        "decision_id",
        "provider_id",
    }
    assert body["status"] == "sent" and body["expires_at"].startswith("2026-12-01T02:00")
    (link,) = rows(app, portal_links)
    assert (link["link_id"], link["account_id"], link["created_by"]) == (
        body["link_id"],
        "A1",
        "user:agent1",
    )
    (message,) = rows(app, outbound_messages)
    assert message["message_id"] == body["message_id"] and message["template"] == "portal_invite"
    assert "/p/" not in response.text  # the token went to the phone only


def test_it_refuses_another_agents_case_and_compliance(
    api: TestClient, tokens: dict[str, str], app: App
) -> None:
    response = api.post(THEIRS, json={}, headers=auth(tokens["agent"]))
    assert response.status_code == 403 and response.json()["error"] == "PermissionDenied"
    response = api.post(MINE, json={}, headers=auth(tokens["compliance"]))
    assert response.status_code == 403
    assert rows(app, portal_links) == [] and rows(app, outbound_messages) == []
    assert api.post(THEIRS, json={}, headers=auth(tokens["supervisor"])).status_code == 201


def test_it_says_409_when_the_gate_blocks_the_sms(
    api: TestClient, tokens: dict[str, str], app: App, clock: FakeClock
) -> None:
    clock.set(CN_NIGHT)
    response = api.post(MINE, json={}, headers=auth(tokens["agent"]))
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "ContactBlocked" and body["rules"] and body["next_allowed_at"]
    assert rows(app, portal_links) == []
    assert [m["status"] for m in rows(app, outbound_messages)] == ["blocked"]


def test_it_says_409_with_the_explanation_when_the_guard_blocks_the_text(
    api: TestClient, tokens: dict[str, str], app: App
) -> None:
    app.robot_kit = replace(robot(), guard=FlaggingGuard())
    response = api.post(MINE, json={}, headers=auth(tokens["agent"]))
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "ContentBlocked" and body["categories"] == ["harassment"]
    assert body["explanation"]["zh"] and body["explanation"]["en"]
    assert rows(app, portal_links) == []


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (MINE, {"account_id": "A2"}, 404),  # another debtor's account
        ("/api/cases/C-NOPE/portal-links", {}, 404),
        (MINE, {"lang": "fr"}, 422),
        (MINE, {"url": "https://evil.example"}, 422),  # nothing but the account and language
    ],
)
def test_it_refuses_bad_requests(
    api: TestClient, tokens: dict[str, str], app: App, path: str, body: dict[str, Any], status: int
) -> None:
    response = api.post(path, json=body, headers=auth(tokens["agent"]))
    assert response.status_code == status, response.text
    assert rows(app, portal_links) == []
