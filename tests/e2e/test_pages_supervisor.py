"""The supervisor's pages over HTTP on SQLite and PostgreSQL: who may see them (signed out →
sign-in, agents and compliance → 403), the dashboard with its charts, assignment and flag
resolution through the forms (CSRF required), in Chinese and English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from huankuan.adapters.storage.tables import cases, flag_reviews
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from huankuan.service_layer.flags import sync_flags
from tests.supervision_support import SupervisionData, seed_supervision
from tests.web_support import ensure_user, sign_in

PAGES = ("/supervisor", "/supervisor/assign", "/supervisor/flags")


@pytest.fixture
def data(app: App) -> SupervisionData:
    seeded = seed_supervision(app, decisions=False)
    for agent in ("agent1", "agent2"):
        ensure_user(app, agent, "agent")
    return seeded


@pytest.fixture
def client(app: App, data: SupervisionData) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as test_client:
        yield test_client


def assignee(app: App, case_id: str) -> str | None:
    with app.engine.connect() as connection:
        return connection.execute(
            select(cases.c.assigned_to).where(cases.c.case_id == case_id)
        ).scalar_one()


def test_it_sends_a_signed_out_visitor_to_sign_in(client: TestClient) -> None:
    for path in PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["agent", "compliance"])
def test_it_refuses_agents_and_compliance_staff(client: TestClient, app: App, role: str) -> None:
    sign_in(client, app, f"{role}9", role)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "text/html" in response.headers["content-type"]


def test_it_shows_the_days_kpis_and_charts(client: TestClient, app: App) -> None:
    sign_in(client, app, "boss", "supervisor")
    response = client.get("/supervisor?date=2026-11-28&days=7")
    assert response.status_code == 200
    html = response.text
    assert "主管看板" in html and 'id="kpi-contacts"' in html
    assert html.count('role="img"') >= 6
    contacts_chart = html[html.index('id="chart-contacts"') :]
    contacts_chart = contacts_chart[: contacts_chart.index("</svg>")]
    assert contacts_chart.count('class="bar-group"') == 7
    assert '<title id="chart-contacts-title">每日联系次数</title>' in html
    assert 'id="chart-collected-CNY"' in html and 'id="chart-collected-USD"' in html
    assert "¥500.00" in html  # the day's collection, exact


@pytest.mark.parametrize("query", ["date=28.11.2026", "days=0", "days=many"])
def test_it_refuses_a_malformed_dashboard_query(client: TestClient, app: App, query: str) -> None:
    sign_in(client, app, "boss", "supervisor")
    assert client.get(f"/supervisor?{query}").status_code == 422


def test_it_speaks_english_on_request(client: TestClient, app: App) -> None:
    sign_in(client, app, "boss", "admin")
    client.cookies.set("hk_lang", "en")
    html = client.get("/supervisor").text
    assert "Supervisor dashboard" in html and "Contacts per day" in html
    assert "Case assignment" in client.get("/supervisor/assign").text
    assert "Flag review" in client.get("/supervisor/flags").text


def test_it_assigns_cases_through_the_form(
    client: TestClient, app: App, data: SupervisionData
) -> None:
    token = sign_in(client, app, "boss", "supervisor")
    page = client.get("/supervisor/assign?bucket=M1")
    assert page.status_code == 200
    listed = set(re.findall(r'name="case_ids" value="([^"]+)"', page.text))
    assert listed == {"SV-CASE-1", "SV-CASE-4"}
    form = {"csrf_token": token, "username": "agent2", "case_ids": ["SV-CASE-1", "SV-CASE-4"]}
    done = client.post("/supervisor/assign", data=form, follow_redirects=False)
    assert done.status_code == 303 and "done=2" in done.headers["location"]
    assert assignee(app, "SV-CASE-1") == assignee(app, "SV-CASE-4") == "agent2"
    theirs = client.get("/supervisor/assign?assignee=agent2")
    assert "SV-CASE-1" in theirs.text and "agent2 的案件" in theirs.text


def test_it_reassigns_with_htmx_and_shows_the_result_in_place(client: TestClient, app: App) -> None:
    token = sign_in(client, app, "boss", "supervisor")
    form = {"csrf_token": token, "username": "agent1", "case_ids": "SV-CASE-2"}
    partial = client.post("/supervisor/assign", data=form, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<section id="cases"')
    assert "已将 1 个案件分配给 agent1" in partial.text
    assert assignee(app, "SV-CASE-2") == "agent1"
    form["username"] = "agent2"
    client.post("/supervisor/assign", data=form, headers={"HX-Request": "true"})
    assert assignee(app, "SV-CASE-2") == "agent2"


def test_it_refuses_an_assignment_without_csrf_or_selection(client: TestClient, app: App) -> None:
    token = sign_in(client, app, "boss", "supervisor")
    bare = {"username": "agent1", "case_ids": "SV-CASE-1"}
    assert client.post("/supervisor/assign", data=bare).status_code == 403
    assert assignee(app, "SV-CASE-1") is None
    nothing = client.post("/supervisor/assign", data={"csrf_token": token, "username": "agent1"})
    assert nothing.status_code == 422 and "请至少选择一个案件" in nothing.text
    bad = {"csrf_token": token, "username": "boss", "case_ids": "SV-CASE-1"}
    refused = client.post("/supervisor/assign", data=bad)
    assert refused.status_code == 422 and "not an agent" in refused.text


def test_it_resolves_flags_through_the_form(client: TestClient, app: App) -> None:
    token = sign_in(client, app, "boss", "supervisor")
    page = client.get("/supervisor/flags")
    assert page.status_code == 200 and "自伤风险" in page.text and "李*" in page.text
    with app.engine.connect() as connection:
        flags = dict(
            connection.execute(select(flag_reviews.c.source_id, flag_reviews.c.flag_id)).all()
        )
    self_harm, message = flags["SV-HO-1"], flags["SV-MSG-1"]
    path = f"/supervisor/flags/{self_harm}/resolve"
    assert (
        client.post(path, data={"resolution": "welfare_followed_up", "note": "x"}).status_code
        == 403
    )
    wrong = client.post(path, data={"csrf_token": token, "resolution": "reviewed_ok", "note": "ok"})
    assert wrong.status_code == 422 and "welfare_followed_up" in wrong.text
    form = {"csrf_token": token, "resolution": "welfare_followed_up", "note": "called, safe"}
    assert client.post(path, data=form, follow_redirects=False).status_code == 303
    htmx = client.post(
        f"/supervisor/flags/{message}/resolve",
        data={"csrf_token": token, "resolution": "coached_agent", "note": "talked to agent2"},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200 and "标记已处理" in htmx.text and "<form" not in htmx.text
    resolved = client.get("/supervisor/flags?status=resolved").text
    assert "called, safe" in resolved and "talked to agent2" in resolved


def test_it_shows_a_refused_resolution_in_place_for_htmx(client: TestClient, app: App) -> None:
    token = sign_in(client, app, "boss", "supervisor")
    sync_flags(uow=app.uow())
    with app.engine.connect() as connection:
        flag_id = (
            connection.execute(
                select(flag_reviews.c.flag_id).where(flag_reviews.c.kind == "content_guard")
            )
            .scalars()
            .first()
        )
    response = client.post(
        f"/supervisor/flags/{flag_id}/resolve",
        data={"csrf_token": token, "resolution": "false_positive", "note": "   "},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'role="alert"' in response.text
    assert "<form" in response.text  # the form is still there to try again
