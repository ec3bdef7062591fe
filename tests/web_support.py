"""Helpers for page tests over HTTP (TestClient): users signed in through the real form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.service_layer.auth import add_user

PASSWORD = "page-test-password"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient) -> str:
    """A valid CSRF token for this client (GET /login sets the seed cookie)."""
    match = _TOKEN.search(client.get("/login").text)
    assert match, "the sign-in page carries a CSRF token"
    return match.group(1)


def ensure_user(app: App, username: str, role: str) -> None:
    with app.uow() as uow:
        if uow.users.find(username) is not None:
            return
    add_user(commands.AddUser(username=username, role=role, password=PASSWORD), uow=app.uow())


def sign_in(client: TestClient, app: App, username: str, role: str) -> str:
    """Create the user (if needed), sign in through the form; returns the CSRF token."""
    ensure_user(app, username, role)
    token = csrf(client)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return token
