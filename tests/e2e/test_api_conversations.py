"""The conversation API end to end (DESIGN.md §4.4), in-process over HTTP on SQLite and
PostgreSQL: authentication and roles on every endpoint, the status codes, the transcript with
its verdicts, and simulated borrowers of every persona talking through it in zh and en."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import cases
from huankuan.bootstrap import App
from huankuan.dialogue.tracker import Event, replay
from huankuan.entrypoints.api.app import create_app
from huankuan.entrypoints.api.simulation import ApiLine
from huankuan.simulation.borrowers import CONVERSATION_PERSONAS
from huankuan.simulation.conversations import simulate
from tests.robot_support import CN_NIGHT, add_api_user, add_cn_borrower, robot

ROLES = ("agent", "supervisor", "compliance", "admin")
START = "/api/conversations"


@pytest.fixture
def api(app: App) -> Iterator[TestClient]:
    app.robot_kit = robot()
    with app.engine.begin() as connection:
        add_cn_borrower(connection, 1)
        add_cn_borrower(connection, 2)
    with TestClient(create_app(app)) as client:
        yield client


@pytest.fixture
def tokens(app: App) -> dict[str, str]:
    return {role: add_api_user(app, f"{role}1", role) for role in ROLES}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def start(api: TestClient, token: str, **body: Any) -> Any:
    return api.post(START, json={"account_id": "A1", **body}, headers=auth(token))


def say(api: TestClient, token: str, conversation_id: str, text: str) -> Any:
    return api.post(f"{START}/{conversation_id}/messages", json={"text": text}, headers=auth(token))


@pytest.fixture
def conversation_id(api: TestClient, tokens: dict[str, str]) -> str:
    response = start(api, tokens["supervisor"])
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def endpoints(conversation_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("POST", START, {"account_id": "A1"}),
        ("POST", f"{START}/{conversation_id}/messages", {"text": "是我"}),
        ("GET", f"{START}/{conversation_id}", None),
    ]


def test_it_requires_an_api_token_on_every_endpoint(api: TestClient, conversation_id: str) -> None:
    for method, path, body in endpoints(conversation_id):
        for headers in ({}, auth("hk_not-a-token"), {"Authorization": "Basic dXNlcjpwdw=="}):
            response = api.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.headers["www-authenticate"] == "Bearer"
            assert response.json()["error"] == "AuthenticationFailed"


def test_it_refuses_roles_and_cases_that_are_not_theirs(
    api: TestClient, app: App, tokens: dict[str, str], conversation_id: str
) -> None:
    """Compliance staff read but never act; an agent reaches only cases assigned to them."""
    compliance, agent = tokens["compliance"], tokens["agent"]
    for method, path, body in endpoints(conversation_id):
        response = api.request(method, path, json=body, headers=auth(agent))
        assert response.status_code == 403, (method, path)
    assert start(api, compliance).status_code == 403
    assert say(api, compliance, conversation_id, "是我").status_code == 403
    assert api.get(f"{START}/{conversation_id}", headers=auth(compliance)).status_code == 200
    with app.engine.begin() as connection:
        connection.execute(
            insert(cases).values(case_id="CASE-D1", debtor_id="D1", assigned_to="agent1")
        )
    assert say(api, agent, conversation_id, "是我").status_code == 200
    assert api.get(f"{START}/{conversation_id}", headers=auth(agent)).status_code == 200


def test_it_starts_a_conversation_with_the_robots_opening(
    api: TestClient, tokens: dict[str, str]
) -> None:
    response = start(api, tokens["admin"], lang="zh")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "state", "messages", "ended"}
    assert body["state"] == "verify_identity" and body["ended"] is False
    assert [message["role"] for message in body["messages"]] == ["robot", "robot"]
    assert "王芳" in body["messages"][1]["text"]
    assert body["messages"][0]["at"] == "2026-11-28T02:00:00+00:00"


def test_it_answers_each_message_in_the_documented_shape(
    api: TestClient, tokens: dict[str, str], conversation_id: str
) -> None:
    token = tokens["supervisor"]
    assert say(api, token, conversation_id, "是我").status_code == 200
    response = say(api, token, conversation_id, "下周五还两千")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "state",
        "messages",
        "intent",
        "amount",
        "date",
        "outcomes",
        "handoff",
        "ended",
    }
    assert (body["intent"], body["amount"], body["date"]) == ("promise_to_pay", 2000, "2026-12-04")
    assert body["state"] == "confirm_promise" and body["handoff"] is False
    final = say(api, token, conversation_id, "是的").json()
    assert final["ended"] is True
    assert [o["type"] for o in final["outcomes"]] == ["promise_to_pay", "recap"]
    assert final["outcomes"][0]["amount_minor"] == 200_000


def test_it_refuses_a_message_to_an_ended_conversation(
    api: TestClient, tokens: dict[str, str], conversation_id: str
) -> None:
    token = tokens["supervisor"]
    ended = say(api, token, conversation_id, "我真的不想活了").json()
    assert ended["ended"] is True and ended["handoff"] is True
    response = say(api, token, conversation_id, "你好")
    assert response.status_code == 409
    assert response.json()["reason"] == "self_harm"


def test_it_says_404_for_what_does_not_exist(api: TestClient, tokens: dict[str, str]) -> None:
    token = tokens["admin"]
    assert api.get(f"{START}/CV-nope", headers=auth(token)).status_code == 404
    assert say(api, token, "CV-nope", "hi").status_code == 404
    response = api.post(START, json={"account_id": "A404"}, headers=auth(token))
    assert response.status_code == 404 and "A404" in response.json()["detail"]


MALFORMED = [
    (START, {}, "body.account_id"),
    (START, {"account_id": "A1", "lang": "fr"}, "body.lang"),
    (START, {"account_id": "A1", "channel": "fax"}, "body.channel"),
    (START, {"account_id": "A1", "profile": "EU-GDPR"}, "body.profile"),
    (START, {"account_id": "A1", "colour": "red"}, "body.colour"),
    (f"{START}/CV-1/messages", {}, "body.text"),
    (f"{START}/CV-1/messages", {"text": 42}, "body.text"),
    (f"{START}/CV-1/messages", {"text": "x" * 2001}, "body.text"),
]


def test_it_explains_a_malformed_body(api: TestClient, tokens: dict[str, str]) -> None:
    for path, body, field in MALFORMED:
        response = api.post(path, json=body, headers=auth(tokens["supervisor"]))
        assert response.status_code == 422, (path, body)
        detail = response.json()
        assert detail["detail"].startswith(field + ": "), detail
        assert detail["errors"][0]["field"] == field


def test_it_blocks_a_contact_outside_the_gates_hours(
    api: TestClient, tokens: dict[str, str], clock: FakeClock
) -> None:
    clock.set(CN_NIGHT)
    response = start(api, tokens["supervisor"])
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "ContactBlocked" and body["rules"] == ["CN-NIFA-HOURS"]
    assert body["next_allowed_at"].startswith("2026-11-29T00:00:00")  # 08:00 in Shanghai


def test_it_gives_the_whole_transcript_with_every_verdict(
    api: TestClient, tokens: dict[str, str], conversation_id: str
) -> None:
    token = tokens["supervisor"]
    say(api, token, conversation_id, "是我")
    say(api, token, conversation_id, "我在录音，我要投诉你们")
    response = api.get(f"{START}/{conversation_id}", headers=auth(token))
    assert response.status_code == 200
    body = response.json()
    robot_lines = [line for line in body["transcript"] if line["role"] == "robot"]
    borrower_lines = [line for line in body["transcript"] if line["role"] == "borrower"]
    assert [line["text"] for line in borrower_lines] == ["是我", "我在录音，我要投诉你们"]
    assert robot_lines and all(
        line["verdict"] == "ok" and line["sent"] and line["screened_by"] == "content_guard"
        for line in robot_lines
    )
    events = [Event.from_dict(raw) for raw in body["events"]]
    assert [event.seq for event in events] == list(range(len(events)))
    state = replay(events)
    assert (state.state, state.ended) == (body["state"], body["ended"])
    assert [o["type"] for o in body["outcomes"]] == ["complaint"]


def test_it_describes_itself_in_openapi(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    assert {"/api/conversations", "/api/conversations/{conversation_id}/messages"} <= set(
        schema["paths"]
    )
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert api.get("/docs").status_code == 200


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_it_holds_every_safety_rule_for_simulated_borrowers_through_the_api(
    app: App, api: TestClient, tokens: dict[str, str], clock: FakeClock, lang: str
) -> None:
    report = simulate(
        len(CONVERSATION_PERSONAS),
        seed=5,
        lang=lang,  # type: ignore[arg-type]
        lines=lambda: ApiLine(api, tokens["supervisor"], app, clock),
    )
    assert all(figures.conversations == 1 for figures in report.personas.values())
    assert report.safe, report.table()
    assert report.personas["wrong_number"].rate("wrong_party") == 1.0
    assert report.personas["self_harm_risk"].rate("hold:welfare") == 1.0
    assert report.personas["disputer"].rate("dispute") == 1.0
