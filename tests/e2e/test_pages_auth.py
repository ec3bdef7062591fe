"""Signing in to the pages over HTTP: cookies, CSRF, throttling, sessions, redirects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import audit_log, web_sessions
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from tests.web_support import PASSWORD, csrf, ensure_user, sign_in


@pytest.fixture
def client(app: App) -> TestClient:
    return TestClient(create_app(app))


def _post_login(client: TestClient, token: str, username: str, password: str, **extra: str):
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, **extra},
        follow_redirects=False,
    )


def test_it_sends_a_signed_out_visitor_to_the_sign_in_page(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


def test_it_sets_an_httponly_samesite_session_cookie_and_lands_by_role(
    client: TestClient, app: App
) -> None:
    ensure_user(app, "sup1", "supervisor")
    response = _post_login(client, csrf(client), "sup1", PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/supervisor"
    cookie = response.headers["set-cookie"].lower()
    assert "hk_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http in the test; https sets Secure


def test_it_marks_cookies_secure_when_configured_behind_https(app: App) -> None:
    app.settings.secure_cookies = True
    client = TestClient(create_app(app))
    ensure_user(app, "agent1", "agent")
    response = _post_login(client, csrf(client), "agent1", PASSWORD)
    assert "secure" in response.headers["set-cookie"].lower()


def test_it_refuses_a_sign_in_without_the_csrf_token(client: TestClient, app: App) -> None:
    ensure_user(app, "agent1", "agent")
    client.get("/login")
    response = client.post(
        "/login", data={"username": "agent1", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "hk_session" not in response.headers.get("set-cookie", "")


def test_it_refuses_a_csrf_token_minted_for_another_visitor(client: TestClient, app: App) -> None:
    ensure_user(app, "agent1", "agent")
    other = TestClient(create_app(app))
    stolen = csrf(other)
    client.get("/login")
    assert _post_login(client, stolen, "agent1", PASSWORD).status_code == 403


def test_it_gives_the_same_answer_for_an_unknown_user_and_a_wrong_password(
    client: TestClient, app: App
) -> None:
    ensure_user(app, "agent1", "agent")
    token = csrf(client)
    wrong_password = _post_login(client, token, "agent1", "nope-nope-nope")
    unknown_user = _post_login(client, token, "nobody", "nope-nope-nope")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert "用户名或密码错误" in wrong_password.text and "用户名或密码错误" in unknown_user.text


def test_it_locks_a_username_after_five_failures_until_the_window_passes(
    client: TestClient, app: App, clock: FakeClock
) -> None:
    ensure_user(app, "agent1", "agent")
    token = csrf(client)
    for _ in range(5):
        assert _post_login(client, token, "agent1", "wrong-wrong-wrong").status_code == 401
    locked = _post_login(client, token, "agent1", PASSWORD)
    assert locked.status_code == 429, "even the right password is refused while locked"
    assert "登录失败次数过多" in locked.text
    clock.advance(timedelta(minutes=16))
    assert _post_login(client, token, "agent1", PASSWORD).status_code == 303
    with app.engine.connect() as connection:
        actions = connection.execute(select(audit_log.c.action)).scalars().all()
    assert actions.count("user.sign_in_failed") == 5
    assert "user.sign_in_throttled" in actions and "user.signed_in" in actions


def test_it_ends_the_session_on_sign_out_so_the_old_cookie_is_useless(
    client: TestClient, app: App
) -> None:
    token = sign_in(client, app, "agent1", "agent")
    old_cookie = client.cookies.get("hk_session")
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    with app.engine.connect() as connection:
        revoked = connection.execute(select(web_sessions.c.revoked_at)).scalar_one()
    assert revoked is not None
    replay = TestClient(create_app(app), cookies={"hk_session": old_cookie or ""})
    assert replay.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_it_expires_a_session_after_the_configured_hours(
    client: TestClient, app: App, clock: FakeClock
) -> None:
    sign_in(client, app, "agent1", "agent")
    assert client.get("/", follow_redirects=False).headers["location"] == "/work/queue"
    clock.advance(timedelta(hours=app.settings.session_hours, seconds=1))
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_it_never_redirects_off_site_after_sign_in(client: TestClient, app: App) -> None:
    ensure_user(app, "agent1", "agent")
    token = csrf(client)
    for target in ("https://evil.example/x", "//evil.example/x", "javascript:alert(1)"):
        response = _post_login(client, token, "agent1", PASSWORD, next=target)
        assert response.headers["location"] == "/work/queue"
    response = _post_login(client, token, "agent1", PASSWORD, next="/work/cases/C-1")
    assert response.headers["location"] == "/work/cases/C-1"


def test_it_shows_the_pages_in_the_language_chosen(client: TestClient) -> None:
    assert "登录" in client.get("/login").text
    client.get("/lang/en?next=/login")
    page = client.get("/login").text
    assert "Sign in" in page and '<html lang="en">' in page


def test_it_picks_english_from_the_browser_when_nothing_was_chosen(client: TestClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in page
