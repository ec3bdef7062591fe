"""Cookies and CSRF for the pages.

Every page visitor gets a random CSRF seed in an HttpOnly cookie; the token forms carry is the
HMAC of that seed under the server's secret key, so a page on another site can neither read the
seed nor compute the token (signed double-submit). Unsafe requests (POST, PUT, PATCH, DELETE) to
the pages must carry the token as the form field `csrf_token` or the `X-CSRF-Token` header
(htmx sends the header, set once on <body>). The middleware also picks the page language."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huankuan.domain.errors import PermissionDenied
from huankuan.entrypoints.web.i18n import pick_lang

SESSION_COOKIE = "hk_session"
PORTAL_COOKIE = "hk_portal"
CSRF_COOKIE = "hk_csrf"
LANG_COOKIE = "hk_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Paths that are not pages: the JSON API (bearer tokens), static files, the API docs.
NOT_PAGES = ("/api/", "/static/", "/static-offline-docs/", "/docs", "/openapi.json", "/redoc")


class CsrfFailed(PermissionDenied):
    """An unsafe page request without a valid CSRF token."""


def csrf_token(secret: str, seed: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def is_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES)


def cookie_flags(request: Request, secure_setting: bool) -> dict[str, object]:
    """HttpOnly and SameSite=Lax always; Secure over https (or when configured, behind a TLS
    proxy)."""
    secure = secure_setting or request.url.scheme == "https"
    return {"httponly": True, "samesite": "lax", "secure": secure, "path": "/"}


class PageMiddleware:
    """Gives each page request its CSRF token and language (scope state), issuing the seed
    cookie on a visitor's first request."""

    def __init__(self, app: ASGIApp, secret: Callable[[], str], secure: bool) -> None:
        self.app = app
        self._secret = secret
        self._secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_page(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cookies = _cookies(headers.get("cookie", ""))
        seed = cookies.get(CSRF_COOKIE)
        fresh = seed is None or len(seed) < 32
        if fresh:
            seed = secrets.token_urlsafe(32)
        assert seed is not None
        state = scope.setdefault("state", {})
        state["csrf_token"] = csrf_token(self._secret(), seed)
        state["lang"] = pick_lang(cookies.get(LANG_COOKIE), headers.get("accept-language"))
        if not fresh:
            await self.app(scope, receive, send)
            return
        secure = "; Secure" if self._secure or scope.get("scheme") == "https" else ""
        cookie = f"{CSRF_COOKIE}={seed}; Path=/; HttpOnly; SameSite=Lax{secure}"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, sending)


async def check_csrf(request: Request) -> None:
    """A dependency of every page router: refuses unsafe requests without the right token."""
    if request.method not in UNSAFE:
        return
    expected = getattr(request.state, "csrf_token", None)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached by Starlette: the endpoint reads it again
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise CsrfFailed("the form's security token is missing or wrong: reload the page")


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header: treat as no cookies
        return {}
    return {name: morsel.value for name, morsel in jar.items()}
