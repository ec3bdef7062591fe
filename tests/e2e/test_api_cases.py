"""The workbench API end to end, in-process over HTTP on SQLite and PostgreSQL: authentication
and roles on every endpoint, an agent kept to their own cases, the status codes (401, 403, 404,
409, 422), and an agent's day: the queue, a call logged, a promise, the timeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import audit_log, contact_attempts, promises
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from tests.robot_support import add_api_user, robot
from tests.workbench_support import CN_NIGHT, add_cycle_run, add_plan_item, cn_case

ROLES = ("agent", "supervisor", "compliance", "admin")
MINE, THEIRS = "/api/cases/C-D1", "/api/cases/C-D2"


@pytest.fixture
def api(app: App) -> Iterator[TestClient]:
    app.robot_kit = robot()
    with app.engine.begin() as connection:
        cn_case(connection, 1, "agent1")
        cn_case(connection, 2, "other")
        add_plan_item(connection, "P-1", 1, priority=20)
        add_cycle_run(connection)
    with TestClient(create_app(app)) as client:
        yield client


@pytest.fixture
def tokens(app: App) -> dict[str, str]:
    return {role: add_api_user(app, f"{role}1", role) for role in ROLES}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def actions(case: str) -> list[tuple[str, dict[str, Any]]]:
    """Every action endpoint with a body that is valid when the gate allows."""
    return [
        (f"{case}/outcomes", {"outcome": "no_answer"}),
        (f"{case}/promises", {"account_id": "A1", "amount_minor": 200_000, "due_on": "2026-12-01"}),
        (f"{case}/plans", {"account_id": "A1", "kind": "instalments", "term": 3}),
        (f"{case}/disputes", {"account_id": "A1", "reason": "fees", "written": False}),
        (f"{case}/complaints", {"channel": "phone", "summary": "too many calls"}),
        (f"{case}/holds", {"hold_type": "welfare", "reason": "hardship"}),
        (f"{case}/messages", {"channel": "sms", "template": "reminder_due"}),
        (f"{case}/notes", {"body": "called"}),
    ]


def endpoints() -> list[tuple[str, str, dict[str, Any] | None]]:
    reads: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/api/cases", None),
        ("GET", MINE, None),
        ("GET", "/api/accounts/A1", None),
        ("GET", "/api/queue", None),
        ("POST", f"{MINE}/reveal", {"reason": "check"}),
    ]
    return reads + [("POST", path, body) for path, body in actions(MINE)]


def test_it_requires_an_api_token_on_every_endpoint(api: TestClient) -> None:
    for method, path, body in endpoints():
        for headers in ({}, auth("hk_not-a-token")):
            response = api.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.json()["error"] == "AuthenticationFailed"


def test_it_keeps_an_agent_to_their_own_cases(api: TestClient, tokens: dict[str, str]) -> None:
    agent = auth(tokens["agent"])
    listed = api.get("/api/cases", headers=agent).json()
    assert [case["case_id"] for case in listed] == ["C-D1"]
    for method, path, body in [
        ("GET", THEIRS, None),
        ("GET", "/api/accounts/A2", None),
        ("POST", f"{THEIRS}/reveal", {}),
        *(("POST", path, body) for path, body in actions(THEIRS)),
    ]:
        response = api.request(method, path, json=body, headers=agent)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"] == "PermissionDenied"


def test_it_lets_compliance_read_but_never_act(
    api: TestClient, tokens: dict[str, str], app: App
) -> None:
    auditor = auth(tokens["compliance"])
    assert api.get(THEIRS, headers=auditor).status_code == 200
    assert len(api.get("/api/cases", headers=auditor).json()) == 2
    for path, body in actions(MINE):
        response = api.post(path, json=body, headers=auditor)
        assert response.status_code == 403, (path, response.text)
    with app.engine.connect() as connection:
        assert connection.execute(select(contact_attempts)).first() is None


def test_it_says_404_for_what_does_not_exist(api: TestClient, tokens: dict[str, str]) -> None:
    boss = auth(tokens["supervisor"])
    assert api.get("/api/cases/C-NOPE", headers=boss).status_code == 404
    assert api.get("/api/accounts/NOPE", headers=boss).status_code == 404
    assert api.post("/api/cases/C-NOPE/notes", json={"body": "x"}, headers=boss).status_code == 404
    wrong_account = {"account_id": "A2", "amount_minor": 200_000, "due_on": "2026-12-01"}
    response = api.post(f"{MINE}/promises", json=wrong_account, headers=boss)
    assert response.status_code == 404  # another debtor's account is not this case's


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        (
            "promises",
            {"account_id": "A1", "amount_minor": 200_000, "due_on": "2027-01-01"},
            "on or before 2026-12-05",
        ),
        (
            "promises",
            {"account_id": "A1", "amount_minor": 1.5, "due_on": "2026-12-01"},
            "amount_minor",
        ),
        ("promises", {"account_id": "A1", "due_on": "2026-12-01"}, "amount_minor: Field required"),
        ("plans", {"account_id": "A1", "kind": "instalments", "term": 24}, "2 to 6"),
        ("outcomes", {"outcome": "great"}, "outcome must be one of"),
        ("holds", {"hold_type": "holiday", "reason": "x"}, "hold_type must be one of"),
        ("messages", {"channel": "sms"}, "either a template or a text"),
        ("notes", {"body": ""}, "body"),
        ("notes", {"body": "x", "extra": 1}, "extra"),
    ],
)
def test_it_says_422_with_the_problem_for_bad_input(
    api: TestClient, tokens: dict[str, str], path: str, body: dict[str, Any], says: str
) -> None:
    response = api.post(f"{MINE}/{path}", json=body, headers=auth(tokens["agent"]))
    assert response.status_code == 422, response.text
    assert says in response.json()["detail"]


def test_it_says_409_when_the_gate_blocks_a_call(
    api: TestClient, tokens: dict[str, str], clock: FakeClock
) -> None:
    clock.set(CN_NIGHT)
    response = api.post(
        f"{MINE}/outcomes", json={"outcome": "no_answer"}, headers=auth(tokens["agent"])
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "ContactBlocked" and body["rules"] and body["next_allowed_at"]


def test_it_says_409_with_the_explanation_when_the_guard_blocks_a_message(
    api: TestClient, tokens: dict[str, str]
) -> None:
    response = api.post(
        f"{MINE}/messages",
        json={"channel": "sms", "text": "再不还钱就打断你的腿"},
        headers=auth(tokens["agent"]),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "ContentBlocked" and body["categories"] == ["threat_violence"]
    assert body["explanation"]["zh"] and body["explanation"]["en"]


def test_it_masks_the_case_and_audits_a_reveal(
    api: TestClient, tokens: dict[str, str], app: App
) -> None:
    agent = auth(tokens["agent"])
    case = api.get(MINE, headers=agent).json()
    assert case["debtor"]["name"] == "王*" and case["debtor"]["masked"] is True
    assert case["accounts"][0]["total"] == {"minor": 526_000, "currency": "CNY"}
    assert case["call_verdicts"][0]["decision"] == "allow"
    revealed = api.post(f"{MINE}/reveal", json={"reason": "verify"}, headers=agent).json()
    assert revealed["name"] == "王芳" and revealed["national_id"] == "110101199003070001"
    with app.engine.connect() as connection:
        query = select(audit_log).where(audit_log.c.action == "personal_data.revealed")
        (row,) = connection.execute(query).all()
    assert row.actor == "user:agent1" and row.entity_id == "D1"


def test_it_works_an_agents_day_through_the_api(
    api: TestClient, tokens: dict[str, str], app: App
) -> None:
    agent = auth(tokens["agent"])
    queue = api.get("/api/queue", headers=agent).json()
    assert queue["business_date"] == "2026-11-28" and queue["blocked_count"] == 0
    (item,) = queue["ready"]
    assert (item["action_id"], item["case_id"], item["decision"]) == ("P-1", "C-D1", "allow")
    logged = api.post(
        f"{MINE}/outcomes",
        json={"outcome": "promise_to_pay", "action_id": "P-1", "note": "pays Tuesday"},
        headers=agent,
    )
    assert logged.status_code == 201, logged.text
    promised = api.post(
        f"{MINE}/promises",
        json={"account_id": "A1", "amount_minor": 200_000, "due_on": "2026-12-01"},
        headers=agent,
    )
    assert promised.status_code == 201, promised.text
    sent = api.post(
        f"{MINE}/messages", json={"channel": "sms", "template": "reminder_due"}, headers=agent
    )
    assert sent.status_code == 201 and sent.json()["status"] == "sent"
    assert api.get("/api/queue", headers=agent).json()["ready"] == []
    timeline = api.get(MINE, headers=agent).json()["timeline"]
    kinds = [entry["kind"] for entry in timeline]
    assert {"promise", "note", "contact_attempt", "message"} <= set(kinds)
    promise = next(entry for entry in timeline if entry["kind"] == "promise")
    assert promise["entity_id"] == promised.json()["id"] and promise["status"] == "open"
    with app.engine.connect() as connection:
        assert connection.execute(select(promises)).first() is not None
