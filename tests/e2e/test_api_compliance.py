"""The compliance role's API over HTTP on SQLite and PostgreSQL: tokens and roles on every
endpoint (agents 403; compliance may read and replay), a decision looked up and replayed, the
audit chain's status and the complaints register, and 422 on malformed queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from huankuan.adapters.storage.tables import complaints
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from tests.robot_support import add_api_user, add_cn_borrower, robot

ROLES = ("agent", "supervisor", "compliance", "admin")


@pytest.fixture
def api(app: App) -> Iterator[TestClient]:
    app.robot_kit = robot()
    with app.engine.begin() as connection:
        add_cn_borrower(connection, 1)
        connection.execute(
            insert(complaints).values(
                complaint_id="CMP1",
                debtor_id="D1",
                opened_at=datetime(2026, 11, 25, 2),
                channel="call",
                summary="王芳: too many calls",
            )
        )
    with TestClient(create_app(app)) as client:
        yield client


@pytest.fixture
def tokens(app: App) -> dict[str, str]:
    return {role: add_api_user(app, f"{role}1", role) for role in ROLES}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def conversation_id(api: TestClient, tokens: dict[str, str]) -> str:
    """A robot conversation the gate allowed: its decision is stored under its id."""
    started = api.post(
        "/api/conversations", json={"account_id": "A1"}, headers=auth(tokens["supervisor"])
    )
    assert started.status_code == 201, started.text
    return str(started.json()["id"])


def calls(ident: str) -> list[tuple[str, str]]:
    base = "/api/compliance"
    return [
        ("GET", f"{base}/decisions"),
        ("GET", f"{base}/decisions/{ident}"),
        ("POST", f"{base}/decisions/{ident}/replay"),
        ("GET", f"{base}/audit-chain"),
        ("GET", f"{base}/complaints"),
    ]


def test_it_requires_a_token_and_refuses_agents(
    api: TestClient, tokens: dict[str, str], conversation_id: str
) -> None:
    for method, path in calls(conversation_id):
        assert api.request(method, path).status_code == 401, path
        assert api.request(method, path, headers=auth("hk_nope")).status_code == 401, path
        assert api.request(method, path, headers=auth(tokens["agent"])).status_code == 403, path
        for role in ("compliance", "supervisor", "admin"):
            response = api.request(method, path, headers=auth(tokens[role]))
            assert response.status_code == 200, (role, path, response.text)


def test_it_shows_a_decision_with_its_inputs_and_replays_it(
    api: TestClient, tokens: dict[str, str], conversation_id: str
) -> None:
    auditor = auth(tokens["compliance"])
    body = api.get(f"/api/compliance/decisions/{conversation_id}", headers=auditor).json()
    (decision,) = body["decisions"]
    assert decision["action_id"] == conversation_id and decision["decision"] == "allow"
    assert decision["inputs"]["attempt"]["channel"] == "chat"
    by_id = api.get(f"/api/compliance/decisions/{decision['decision_id']}", headers=auditor)
    assert by_id.json()["decisions"] == [decision]
    replayed = api.post(
        f"/api/compliance/decisions/{decision['decision_id']}/replay", headers=auditor
    )
    (replay,) = replayed.json()["replays"]
    assert replay["ok"] and replay["same"] and replay["replayed_decision"] == "allow"
    assert replay["decision"]["decision_id"] == decision["decision_id"]
    missing = api.get("/api/compliance/decisions/GD-nope", headers=auditor)
    assert missing.status_code == 404
    assert api.post("/api/compliance/decisions/GD-nope/replay", headers=auditor).status_code == 404


def test_it_lists_recent_decisions_by_filter(
    api: TestClient, tokens: dict[str, str], conversation_id: str
) -> None:
    auditor = auth(tokens["compliance"])
    listed = api.get("/api/compliance/decisions?decision=allow", headers=auditor).json()
    assert listed["total"] == 1 and listed["decisions"][0]["action_id"] == conversation_id
    blocks = api.get("/api/compliance/decisions?decision=block&stage=conversation", headers=auditor)
    assert blocks.json() == {"total": 0, "decisions": []}


@pytest.mark.parametrize(
    "query",
    ["decision=maybe", "stage=later", "limit=0", "limit=501", "offset=-1", "rule="],
)
def test_it_refuses_malformed_decision_queries(
    api: TestClient, tokens: dict[str, str], query: str
) -> None:
    response = api.get(f"/api/compliance/decisions?{query}", headers=auth(tokens["compliance"]))
    assert response.status_code == 422, query


def test_it_reports_the_audit_chain(
    api: TestClient, tokens: dict[str, str], conversation_id: str
) -> None:
    chain = api.get("/api/compliance/audit-chain", headers=auth(tokens["compliance"])).json()
    assert chain["ok"] is True and chain["rows"] >= 1 and chain["first_bad_seq"] is None
    assert chain["by_action"]["conversation.started"] == 1


def test_it_serves_the_complaints_register_masked(api: TestClient, tokens: dict[str, str]) -> None:
    auditor = auth(tokens["compliance"])
    register = api.get("/api/compliance/complaints", headers=auditor).json()
    assert (register["open"], register["resolved"]) == (1, 0)
    (entry,) = register["complaints"]
    assert entry["debtor_name"] == "王*" and entry["summary"] == "王*: too many calls"
    assert (entry["status"], entry["age_days"]) == ("open", 3)
    resolved = api.get("/api/compliance/complaints?status=resolved", headers=auditor).json()
    assert resolved["complaints"] == []
    bad = api.get("/api/compliance/complaints?status=closed", headers=auditor)
    assert bad.status_code == 422
