"""Pages: signing in and out, the language switch, and the start page (by role)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from huankuan.domain.errors import AuthenticationFailed, TooManyAttempts
from huankuan.entrypoints.web.deps import PageApp, PageUser, client_address, home_for
from huankuan.entrypoints.web.i18n import LANGS
from huankuan.entrypoints.web.security import LANG_COOKIE, SESSION_COOKIE, cookie_flags
from huankuan.entrypoints.web.templating import local_time, render
from huankuan.service_layer.web_auth import sign_in, sign_out

router = APIRouter(include_in_schema=False)


@router.get("/")
def start(principal: PageUser) -> RedirectResponse:
    return RedirectResponse(home_for(principal), status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    notice = request.query_params.get("notice")
    return render(
        request, "auth/login.html", {"next": _safe_next(next), "error": None, "notice": notice}
    )


@router.post("/login")
def login(
    request: Request,
    application: PageApp,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=512)] = "",
) -> Response:
    lang = request.state.lang
    if not username.strip() or not password:
        return _login_error(request, next, "login_missing", {}, 422)
    try:
        signed_in = sign_in(
            username,
            password,
            client=client_address(request),
            uow=application.uow(),
            settings=application.settings,
        )
    except TooManyAttempts as error:
        when = local_time(error.retry_after, "Asia/Shanghai" if lang == "zh" else "UTC")
        return _login_error(request, next, "login_throttled", {"time": when}, 429)
    except AuthenticationFailed:
        return _login_error(request, next, "login_failed", {}, 401)
    target = _safe_next(next) or home_for(signed_in.principal)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        max_age=application.settings.session_hours * 3600,
        **cookie_flags(request, application.settings.secure_cookies),  # type: ignore[arg-type]
    )
    return response


@router.post("/logout")
def logout(request: Request, application: PageApp) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sign_out(token, uow=application.uow())
    response = RedirectResponse("/login?notice=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, application: PageApp, next: str = "/") -> Response:
    response = RedirectResponse(_safe_next(next) or "/", status_code=303)
    if code in LANGS:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            **cookie_flags(request, application.settings.secure_cookies),  # type: ignore[arg-type]
        )
    return response


def _login_error(
    request: Request, next: str, key: str, values: dict[str, str], status: int
) -> Response:
    return render(
        request,
        "auth/login.html",
        {"next": _safe_next(next), "error": (key, values), "notice": None},
        status_code=status,
    )


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no host, no "//evil"): an open redirect otherwise."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return ""
    return target
