"""The compliance role's page over HTTP on SQLite and PostgreSQL: who may see it, a decision
looked up and replayed (CSRF required), the audit chain's status (intact, then broken) and the
complaints register with debtors masked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from huankuan.adapters.storage.tables import audit_log
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from tests.supervision_support import SupervisionData, seed_supervision
from tests.web_support import sign_in


@pytest.fixture
def data(app: App) -> SupervisionData:
    return seed_supervision(app)


@pytest.fixture
def client(app: App, data: SupervisionData) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as test_client:
        yield test_client


def test_it_sends_a_signed_out_visitor_to_sign_in(client: TestClient) -> None:
    response = client.get("/compliance", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_it_refuses_agents(client: TestClient, app: App, data: SupervisionData) -> None:
    token = sign_in(client, app, "agent9", "agent")
    assert client.get("/compliance").status_code == 403
    replay = f"/compliance/decisions/{data.decision_ids[0]}/replay"
    assert client.post(replay, data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("role", ["compliance", "supervisor", "admin"])
def test_it_shows_the_audit_views(client: TestClient, app: App, role: str) -> None:
    sign_in(client, app, f"{role}9", role)
    page = client.get("/compliance")
    assert page.status_code == 200
    html = page.text
    assert 'id="chain-status">完整' in html
    assert "SV-CMP-1" in html and "王*: calls at 21:50, too late" in html and "王芳" not in html
    assert "未结 2 件" in html
    assert html.count("SV-ACT-") >= 2  # the recent decisions


def test_it_looks_up_a_decision_and_replays_it(
    client: TestClient, app: App, data: SupervisionData
) -> None:
    token = sign_in(client, app, "audrey", "compliance")
    allowed, blocked = data.decision_ids
    page = client.get(f"/compliance?lookup={blocked}")
    assert page.status_code == 200
    assert f"决定 {blocked}" in page.text and "CN-NIFA" in page.text
    assert "&#34;timezone&#34;: &#34;Asia/Shanghai&#34;" in page.text  # the inputs, escaped
    by_action = client.get("/compliance?lookup=SV-ACT-1")
    assert f"决定 {allowed}" in by_action.text
    replay = f"/compliance/decisions/{blocked}/replay"
    assert client.post(replay).status_code == 403  # no CSRF token
    done = client.post(replay, data={"csrf_token": token})
    assert done.status_code == 200 and "重放一致" in done.text
    htmx = client.post(replay, data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "重放一致" in htmx.text and "<html" not in htmx.text
    with app.engine.connect() as connection:
        replays = connection.execute(
            select(audit_log.c.actor).where(audit_log.c.action == "gate_decision.replayed")
        ).scalars()
        assert list(replays) == ["user:audrey", "user:audrey"]


def test_it_says_when_nothing_matches(client: TestClient, app: App) -> None:
    sign_in(client, app, "audrey", "compliance")
    missing = client.get("/compliance?lookup=GD-nope")
    assert missing.status_code == 404 and "没有找到编号为 GD-nope 的合规决定" in missing.text
    blocks = client.get("/compliance?decision=block&rule=CN-NIFA-NOPE")
    assert blocks.status_code == 200 and "没有符合条件的合规决定" in blocks.text
    assert client.get("/compliance?decision=maybe").status_code == 422
    resolved = client.get("/compliance?complaints=resolved")
    assert "没有投诉" in resolved.text


def test_it_shows_a_broken_audit_chain(client: TestClient, app: App) -> None:
    sign_in(client, app, "audrey", "compliance")
    with app.engine.begin() as connection:
        first = connection.execute(select(audit_log.c.seq).order_by(audit_log.c.seq)).first()
        assert first is not None
        connection.execute(
            update(audit_log).where(audit_log.c.seq == first.seq).values(details="{}")
        )
    html = client.get("/compliance").text
    assert 'id="chain-status">已损坏' in html and f"首个异常行:#{first.seq}" in html


def test_it_speaks_english_on_request(client: TestClient, app: App) -> None:
    sign_in(client, app, "audrey", "compliance")
    client.cookies.set("hk_lang", "en")
    html = client.get("/compliance").text
    assert "Compliance audit" in html and "Complaints register" in html and ">intact<" in html
