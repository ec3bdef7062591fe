"""The borrower portal's JSON API over HTTP on SQLite and PostgreSQL: operators create and revoke
links (agents only for their cases), a borrower verifies a link into a session cookie, and the
session reaches that debtor's accounts, payments and conversations and nobody else's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from huankuan.adapters.storage.tables import cases, portal_links, promises, repayment_plans
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from huankuan.entrypoints.web.security import PORTAL_COOKIE
from tests.portal_support import CN_DUE, DATE_OF_BIRTH, add_borrowers, rows
from tests.robot_support import add_api_user, robot

ROLES = ("agent", "supervisor", "compliance", "admin")


@pytest.fixture
def api(app: App) -> Iterator[TestClient]:
    app.robot_kit = robot()
    add_borrowers(app, 1, 2)
    with TestClient(create_app(app)) as client:
        yield client


@pytest.fixture
def staff(app: App, api: TestClient) -> dict[str, dict[str, str]]:
    """Bearer headers per role (on the API with its borrowers D1/A1 and D2/A2)."""
    return {
        role: {"Authorization": f"Bearer {add_api_user(app, f'{role}1', role)}"} for role in ROLES
    }


def new_link(api: TestClient, headers: dict[str, str], account_id: str = "A1") -> Any:
    return api.post("/api/portal/links", json={"account_id": account_id}, headers=headers)


def borrower(app: App, staff: dict[str, dict[str, str]], account_id: str) -> TestClient:
    """A separate client (its own cookie jar) verified on a new link for the account."""
    client = TestClient(create_app(app))
    link = new_link(client, staff["supervisor"], account_id).json()
    token = link["url"].rsplit("/p/", 1)[1]
    verified = client.post(
        "/api/portal/session",
        json={"token": token, "method": "date_of_birth", "answer": DATE_OF_BIRTH},
    )
    assert verified.status_code == 200, verified.text
    return client


def test_it_creates_links_for_operators_on_their_own_cases(
    api: TestClient, app: App, staff: dict[str, dict[str, str]]
) -> None:
    created = new_link(api, staff["supervisor"])
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {"link_id", "url", "expires_at"}
    assert body["url"].startswith("http://127.0.0.1:8000/p/")
    assert body["expires_at"].startswith("2026-12-01T02:00:00")
    assert new_link(api, staff["compliance"]).status_code == 403
    assert new_link(api, staff["agent"]).status_code == 403  # not assigned to agent1
    with app.engine.begin() as connection:
        connection.execute(
            insert(cases).values(case_id="CASE-D1", debtor_id="D1", assigned_to="agent1")
        )
    assert new_link(api, staff["agent"]).status_code == 201
    assert new_link(api, staff["agent"], "A2").status_code == 403
    assert new_link(api, staff["admin"], "A404").status_code == 404
    assert api.post("/api/portal/links", json={"account_id": "A1"}).status_code == 401


def test_it_verifies_a_link_into_an_httponly_session_cookie(
    api: TestClient, staff: dict[str, dict[str, str]]
) -> None:
    link = new_link(api, staff["admin"]).json()
    token = link["url"].rsplit("/p/", 1)[1]
    wrong = api.post(
        "/api/portal/session",
        json={"token": token, "method": "national_id_last4", "answer": "0000"},
    )
    assert wrong.status_code == 401 and "4 tries left" in wrong.json()["detail"]
    assert PORTAL_COOKIE not in wrong.cookies
    right = api.post(
        "/api/portal/session",
        json={"token": token, "method": "national_id_last4", "answer": "IDD1"},
    )
    assert right.status_code == 200, right.text
    cookie = right.headers["set-cookie"].lower()
    assert cookie.startswith(f"{PORTAL_COOKIE}=") and "httponly" in cookie
    assert "samesite=lax" in cookie and "max-age=1800" in cookie
    assert right.json()["lang"] == "zh"
    (account,) = api.get("/api/portal/accounts").json()
    assert (account["account_id"], account["currency"], account["outstanding_minor"]) == (
        "A1",
        "CNY",
        CN_DUE,
    )
    assert account["pay_options"] == [{"key": "full", "amount_minor": CN_DUE}]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"token": "forged.token.value", "method": "date_of_birth", "answer": DATE_OF_BIRTH},
        {"token": "x" * 20},
    ],
)
def test_it_refuses_missing_and_forged_links(api: TestClient, body: dict[str, str]) -> None:
    response = api.post("/api/portal/session", json=body)
    assert response.status_code == 401
    assert response.json()["error"] == "LinkUnusable"


def test_it_ends_the_session_when_the_link_is_revoked(
    app: App, api: TestClient, staff: dict[str, dict[str, str]]
) -> None:
    client = borrower(app, staff, "A1")
    assert client.get("/api/portal/accounts").status_code == 200
    (link_id,) = [row.link_id for row in rows(app, portal_links)]
    assert (
        api.delete(f"/api/portal/links/{link_id}", headers=staff["compliance"]).status_code == 403
    )
    assert api.delete(f"/api/portal/links/{link_id}", headers=staff["admin"]).status_code == 204
    assert client.get("/api/portal/accounts").status_code == 401


def test_it_refuses_the_portal_api_without_a_valid_session(api: TestClient) -> None:
    assert api.get("/api/portal/accounts").status_code == 401
    api.cookies.set(PORTAL_COOKIE, "forged-session")
    assert api.get("/api/portal/accounts").status_code == 401


def test_it_records_a_promise_and_explains_a_refusal(
    app: App, staff: dict[str, dict[str, str]]
) -> None:
    client = borrower(app, staff, "A1")
    low = client.post(
        "/api/portal/accounts/A1/promises", json={"amount_minor": 1_000, "due_on": "2026-12-01"}
    )
    assert low.status_code == 422
    assert low.json()["problem"] == "amount_too_low"
    assert low.json()["counter"]["amount_minor"] == 105_200
    ok = client.post(
        "/api/portal/accounts/A1/promises", json={"amount_minor": 105_200, "due_on": "2026-12-01"}
    )
    assert ok.status_code == 201 and ok.json()["promise_id"].startswith("PTP-")
    assert len(rows(app, promises)) == 1


def test_it_offers_plans_and_records_only_a_policy_offer(
    app: App, staff: dict[str, dict[str, str]]
) -> None:
    client = borrower(app, staff, "A1")
    offers = client.get("/api/portal/accounts/A1/plans").json()
    assert [offer["key"] for offer in offers] == ["plan-3", "plan-6", "settlement-0"]
    assert offers[0]["amount_minor"] == 52_600 and offers[0]["instalment_minor"] == 157_800
    refused = client.post("/api/portal/accounts/A1/plans", json={"key": "plan-24"})
    assert refused.status_code == 422 and refused.json()["problem"] == "unknown_offer"
    free = client.post("/api/portal/accounts/A1/plans", json={"key": "plan-3", "amount_minor": 1})
    assert free.status_code == 422  # nothing but the key is accepted
    chosen = client.post("/api/portal/accounts/A1/plans", json={"key": "plan-6"})
    assert chosen.status_code == 201
    assert len(rows(app, repayment_plans)) == 1


def test_it_takes_only_json_from_the_borrower(app: App, staff: dict[str, dict[str, str]]) -> None:
    """A form posted from another site cannot act with the borrower's cookie."""
    client = borrower(app, staff, "A1")
    response = client.post("/api/portal/accounts/A1/plans", data={"key": "plan-3"})
    assert response.status_code == 403
    assert rows(app, repayment_plans) == []


def test_it_disputes_and_sets_contact_preferences(
    app: App, staff: dict[str, dict[str, str]]
) -> None:
    client = borrower(app, staff, "A1")
    disputed = client.post(
        "/api/portal/accounts/A1/disputes", json={"reason": "wrong_amount", "note": "fees"}
    )
    assert disputed.status_code == 201 and disputed.json()["dispute_id"].startswith("DSP-")
    stopped = client.post("/api/portal/contact-preferences", json={"choice": "stop_calls"})
    assert stopped.status_code == 200
    assert stopped.json() == {
        "choice": "stop_calls",
        "how": "opt_out",
        "contact_points": 1,
        "hold_id": None,
    }
    bad = client.post("/api/portal/contact-preferences", json={"choice": "stop_everything"})
    assert bad.status_code == 422


def test_it_chats_with_the_robot_as_the_borrower_sees_it(
    app: App, staff: dict[str, dict[str, str]]
) -> None:
    client = borrower(app, staff, "A1")
    started = client.post("/api/portal/conversations", json={})
    assert started.status_code == 201, started.text
    conversation_id = started.json()["id"]
    answer = client.post(
        f"/api/portal/conversations/{conversation_id}/messages", json={"text": "是我"}
    )
    assert answer.status_code == 200 and answer.json()["messages"]
    transcript = client.get(f"/api/portal/conversations/{conversation_id}").json()
    assert set(transcript) == {"id", "state", "ended", "lines"}
    assert {line["role"] for line in transcript["lines"]} == {"robot", "borrower"}
    assert all(set(line) == {"role", "text", "at"} for line in transcript["lines"])


def test_it_keeps_one_borrower_out_of_anothers_data(
    app: App, staff: dict[str, dict[str, str]]
) -> None:
    """B's session tries every way into A's account, payment and conversation: all 404, nothing
    written, and its own listing shows only B's account."""
    alice, bob = borrower(app, staff, "A1"), borrower(app, staff, "A2")
    paid = alice.post("/api/portal/accounts/A1/payments", json={"option": "full"})
    assert paid.status_code == 201, paid.text
    intent_id = paid.json()["intent_id"]
    chat = alice.post("/api/portal/conversations", json={}).json()["id"]
    attempts = [
        ("GET", "/api/portal/accounts/A1/plans", None),
        ("POST", "/api/portal/accounts/A1/plans", {"key": "plan-3"}),
        (
            "POST",
            "/api/portal/accounts/A1/promises",
            {"amount_minor": 200_000, "due_on": "2026-12-01"},
        ),
        ("POST", "/api/portal/accounts/A1/payments", {"option": "full"}),
        ("POST", "/api/portal/accounts/A1/disputes", {"reason": "other"}),
        ("GET", f"/api/portal/payments/{intent_id}", None),
        ("POST", "/api/portal/conversations", {"account_id": "A1"}),
        ("POST", f"/api/portal/conversations/{chat}/messages", {"text": "是我"}),
        ("GET", f"/api/portal/conversations/{chat}", None),
    ]
    for method, path, body in attempts:
        response = bob.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert "A1" not in response.text or "no account 'A1'" in response.text
    assert [account["account_id"] for account in bob.get("/api/portal/accounts").json()] == ["A2"]
    assert alice.get(f"/api/portal/payments/{intent_id}").status_code == 200
    assert rows(app, promises) == [] and rows(app, repayment_plans) == []
