"""Every HTTP endpoint authenticates: walks the app's routes, so a new endpoint is covered the
day it is added. The JSON API answers 401 without (or with a bad) bearer token; a staff page
sends a signed-out browser to the sign-in page (401 for a form post); a portal page needs the
borrower's verified portal session. The few public endpoints are listed here, with why."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from tests.web_support import csrf

PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/login"): "the sign-in page",
    ("POST", "/login"): "signing in",
    ("POST", "/logout"): "signing out ends only the session the cookie names",
    ("GET", "/lang/{code}"): "the language switch (a cookie, no data)",
    ("GET", "/docs"): "the OpenAPI pages (the description, no data)",
    ("GET", "/docs/oauth2-redirect"): "part of the OpenAPI pages",
    ("GET", "/openapi.json"): "the OpenAPI description (no data)",
    ("GET", "/redoc"): "the OpenAPI description as ReDoc",
    ("GET", "/p/expired"): "the portal's 'link expired or session ended' page (no data)",
    ("GET", "/p/{token}"): "a portal link's landing page: the verify form (no data until verified)",
    ("POST", "/p/{token}/verify"): "the portal's second-factor check (throttled per link)",
    ("POST", "/api/payments/webhook"): "authenticated by the provider's HMAC signature instead",
}
PARAM = re.compile(r"{([^}:]+)(:[^}]+)?}")


def _routes() -> list[tuple[str, str]]:
    from datetime import UTC, datetime

    from huankuan.adapters.clock import FakeClock
    from huankuan.config import Settings

    application = App(Settings(secret_key="k"), None, FakeClock(datetime(2026, 1, 1, tzinfo=UTC)))  # type: ignore[arg-type]
    found: list[tuple[str, str]] = []
    pending = list(create_app(application).routes)
    while pending:
        route = pending.pop(0)
        # FastAPI 0.165 keeps an included router as one entry; its routes are inside. (We
        # include routers without a prefix: their routes carry full paths.)
        included = getattr(route, "original_router", None)
        if included is not None:
            pending += included.routes
        elif isinstance(route, APIRoute) or (isinstance(route, Route) and route.methods):
            found += [(method, route.path) for method in sorted(route.methods - {"HEAD"})]
    return found


ROUTES = _routes()


def _url(path: str) -> str:
    return PARAM.sub("x1", path)


@pytest.fixture
def client(app: App) -> TestClient:
    return TestClient(create_app(app), follow_redirects=False)


def test_it_lists_every_public_endpoint_it_knows_of() -> None:
    """A public endpoint that no longer exists is a stale entry: the list stays exact."""
    stale = set(PUBLIC) - set(ROUTES)
    assert not stale, f"no longer routes: {sorted(stale)}"


@pytest.mark.parametrize(
    ("method", "path"),
    [r for r in ROUTES if r[1].startswith("/api/") and r not in PUBLIC],
    ids=lambda value: str(value),
)
def test_it_refuses_the_api_without_a_valid_bearer_token(
    client: TestClient, method: str, path: str
) -> None:
    anonymous = client.request(method, _url(path), json={})
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers.get("www-authenticate") == "Bearer"
    forged = client.request(
        method, _url(path), json={}, headers={"Authorization": "Bearer hk_not-a-real-token"}
    )
    assert forged.status_code == 401, forged.text


@pytest.mark.parametrize(
    ("method", "path"),
    [r for r in ROUTES if not r[1].startswith(("/api/", "/p/")) and r not in PUBLIC],
    ids=lambda value: str(value),
)
def test_it_sends_a_signed_out_visitor_of_a_staff_page_to_sign_in(
    client: TestClient, method: str, path: str
) -> None:
    if method == "GET":
        response = client.get(_url(path))
        assert response.status_code == 303, response.text
        assert response.headers["location"].startswith("/login?next=")
        return
    token = csrf(client)
    response = client.request(method, _url(path), data={"csrf_token": token})
    assert response.status_code == 401, response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [r for r in ROUTES if r[1].startswith("/p/") and r not in PUBLIC],
    ids=lambda value: str(value),
)
def test_it_keeps_portal_pages_behind_a_verified_portal_session(
    client: TestClient, method: str, path: str
) -> None:
    if method == "GET":
        response = client.get(_url(path))
        assert response.status_code in (303, 401, 404), response.text
        if response.status_code == 303:
            assert response.headers["location"].startswith("/p/")
        return
    token = csrf(client)
    response = client.request(method, _url(path), data={"csrf_token": token})
    assert response.status_code in (401, 404), response.text


def test_it_refuses_the_payment_webhook_without_a_signature(client: TestClient) -> None:
    if ("POST", "/api/payments/webhook") not in ROUTES:
        pytest.skip("no webhook route yet")
    response = client.post("/api/payments/webhook", content=b'{"type": "payment.succeeded"}')
    assert response.status_code in (400, 401)
