"""The supervisor's API over HTTP on SQLite and PostgreSQL: authentication and roles on every
endpoint (agents 403, compliance read-only), the dashboard, assignment and flag review, and the
422s on malformed input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from huankuan.adapters.storage.gate_store import record_attempt
from huankuan.adapters.storage.tables import account_states, cases, handoffs
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from tests.factories import add_borrower, add_payment
from tests.robot_support import add_api_user

ROLES = ("agent", "supervisor", "compliance", "admin")


def seed(app: App) -> None:
    """D1 (M1, 10 days) and D2 (M3, 70 days) with unassigned cases; a contact and a payment
    on 28 Nov; an urgent hand-off on D1 (a self-harm flag)."""
    with app.engine.begin() as connection:
        for number, bucket, dpd in ((1, "M1", 10), (2, "M3", 70)):
            add_borrower(connection, number)
            connection.execute(insert(cases).values(case_id=f"C-D{number}", debtor_id=f"D{number}"))
            connection.execute(insert(account_states).values(**_state(number, bucket, dpd)))
        record_attempt(
            connection,
            attempt_id="CA1",
            debtor_id="D1",
            contact_id="C1-1",
            channel="agent_call",
            at=datetime(2026, 11, 28, 1),
            decision="allow",
            rules=[],
            outcome="right_party_contact",
            conversation=True,
            actor="user:agent1",
        )
        add_payment(
            connection, "PAY1", "A1", amount_minor=12_345, received_at=datetime(2026, 11, 28)
        )
        connection.execute(
            insert(handoffs).values(
                handoff_id="HO1",
                case_id="C-D1",
                reason="self_harm",
                priority="urgent",
                created_at=datetime(2026, 11, 28, 1),
            )
        )


def _state(number: int, bucket: str, dpd: int) -> dict[str, Any]:
    return {
        "account_id": f"A{number}",
        "business_date": date(2026, 11, 28),
        "days_past_due": dpd,
        "bucket": bucket,
        "segment": "high",
        "fees_minor": 0,
        "penalty_minor": 0,
        "interest_minor": 0,
        "principal_minor": 100_000,
        "score": 500,
        "score_reasons": "[]",
    }


@pytest.fixture
def api(app: App) -> Iterator[TestClient]:
    seed(app)
    with TestClient(create_app(app)) as client:
        yield client


@pytest.fixture
def tokens(app: App) -> dict[str, str]:
    return {role: add_api_user(app, f"{role}1", role) for role in ROLES}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


READS = ["/api/dashboard", "/api/cases/unassigned", "/api/agents", "/api/flags"]
WRITES: list[tuple[str, dict[str, Any]]] = [
    ("/api/cases/C-D1/assign", {"username": "agent1"}),
    ("/api/assignments", {"case_ids": ["C-D1"], "username": "agent1"}),
    ("/api/flags/FLG-x/resolve", {"resolution": "reviewed_ok", "note": "ok"}),
]


def test_it_requires_an_api_token_on_every_endpoint(api: TestClient) -> None:
    calls = [("GET", path, None) for path in READS] + [("POST", p, b) for p, b in WRITES]
    for method, path, body in calls:
        for headers in ({}, auth("hk_not-a-token")):
            response = api.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path)
            assert response.json()["error"] == "AuthenticationFailed"


def test_it_refuses_agents_everything_and_compliance_every_change(
    api: TestClient, tokens: dict[str, str]
) -> None:
    for path in READS:
        assert api.get(path, headers=auth(tokens["agent"])).status_code == 403, path
        assert api.get(path, headers=auth(tokens["compliance"])).status_code == 200, path
    for path, body in WRITES:
        for role in ("agent", "compliance"):
            response = api.post(path, json=body, headers=auth(tokens[role]))
            assert response.status_code == 403, (role, path)


def test_it_serves_the_dashboard_for_a_day(api: TestClient, tokens: dict[str, str]) -> None:
    response = api.get("/api/dashboard?date=2026-11-28&days=3", headers=auth(tokens["supervisor"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["day"] == "2026-11-28" and len(body["trend"]) == 3
    kpis = body["kpis"]
    assert (kpis["contacts"], kpis["right_party_contacts"], kpis["human_contacts"]) == (1, 1, 1)
    assert kpis["right_party_rate"] == 1.0 and kpis["robot_share"] == 0.0
    assert kpis["collected"] == [{"currency": "CNY", "minor": 12_345}]
    default = api.get("/api/dashboard", headers=auth(tokens["admin"])).json()
    assert default["day"] == "2026-11-28" and len(default["trend"]) == 14


@pytest.mark.parametrize(
    "query", ["date=28-11-2026", "date=2026-02-30", "days=0", "days=91", "days=many"]
)
def test_it_refuses_a_malformed_dashboard_query(
    api: TestClient, tokens: dict[str, str], query: str
) -> None:
    response = api.get(f"/api/dashboard?{query}", headers=auth(tokens["supervisor"]))
    assert response.status_code == 422, query


def test_it_lists_and_assigns_cases(api: TestClient, tokens: dict[str, str]) -> None:
    boss = auth(tokens["supervisor"])
    listing = api.get("/api/cases/unassigned", headers=boss).json()
    assert listing["total"] == 2 and [c["case_id"] for c in listing["cases"]] == ["C-D2", "C-D1"]
    assert listing["cases"][0]["debtor_name"] == "D*** D***"
    assert listing["cases"][0]["accounts"][0]["balance"] == {"currency": "CNY", "minor": 100_000}
    m1 = api.get("/api/cases/unassigned?bucket=M1", headers=boss).json()
    assert [c["case_id"] for c in m1["cases"]] == ["C-D1"]
    done = api.post("/api/cases/C-D1/assign", json={"username": "agent1"}, headers=boss)
    assert done.status_code == 200, done.text
    assert done.json() == {
        "case_id": "C-D1",
        "previous": None,
        "assigned_to": "agent1",
        "changed": True,
    }
    bulk = api.post(
        "/api/assignments", json={"case_ids": ["C-D1", "C-D2"], "username": "agent1"}, headers=boss
    )
    assert [a["changed"] for a in bulk.json()["assignments"]] == [False, True]
    assert api.get("/api/cases/unassigned", headers=boss).json()["total"] == 0
    agents = api.get("/api/agents", headers=boss).json()
    assert agents == [{"username": "agent1", "open_cases": 2}]


def test_it_refuses_bad_assignments(api: TestClient, tokens: dict[str, str]) -> None:
    boss = auth(tokens["admin"])
    assert (
        api.post("/api/cases/C-NOPE/assign", json={"username": "agent1"}, headers=boss).status_code
        == 404
    )
    for body in ({"username": "supervisor1"}, {"username": "nobody"}, {}, {"username": ""}):
        response = api.post("/api/cases/C-D1/assign", json=body, headers=boss)
        assert response.status_code == 422, body
    for body in (
        {"case_ids": [], "username": "agent1"},
        {"case_ids": ["C-D1"], "username": "agent1", "extra": 1},
        {"case_ids": "C-D1", "username": "agent1"},
    ):
        assert api.post("/api/assignments", json=body, headers=boss).status_code == 422, body
    missing = {"case_ids": ["C-D1", "C-NOPE"], "username": "agent1"}
    assert api.post("/api/assignments", json=missing, headers=boss).status_code == 404
    assert api.get("/api/cases/unassigned?limit=0", headers=boss).status_code == 422


def test_it_reviews_and_resolves_flags(api: TestClient, tokens: dict[str, str]) -> None:
    boss = auth(tokens["supervisor"])
    page = api.get("/api/flags", headers=boss).json()
    assert page["open_by_kind"] == {"self_harm": 1}
    (flag,) = page["flags"]
    assert (flag["kind"], flag["source_id"], flag["case_id"]) == ("self_harm", "HO1", "C-D1")
    path = f"/api/flags/{flag['flag_id']}/resolve"
    wrong = api.post(path, json={"resolution": "reviewed_ok", "note": "fine"}, headers=boss)
    assert wrong.status_code == 422 and "welfare_followed_up" in wrong.json()["detail"]
    for body in ({"resolution": "meh", "note": "x"}, {"resolution": "reviewed_ok"}, {"note": "x"}):
        assert api.post(path, json=body, headers=boss).status_code == 422, body
    body = {"resolution": "welfare_followed_up", "note": "called; hotline given"}
    done = api.post(path, json=body, headers=boss)
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert api.post(path, json=body, headers=boss).status_code == 409
    resolved = api.get("/api/flags?status=resolved", headers=boss).json()
    assert [f["resolved_by"] for f in resolved["flags"]] == ["user:supervisor1"]
    assert api.get("/api/flags?status=closed", headers=boss).status_code == 422
    unknown = api.post("/api/flags/FLG-x/resolve", json=body, headers=boss)
    assert unknown.status_code == 404
    assert datetime.fromisoformat(done.json()["resolved_at"]).replace(tzinfo=UTC)
