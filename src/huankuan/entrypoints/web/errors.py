"""Errors on the pages: the same classes as the API (domain/errors.py) and the same statuses,
shown as a page in the user's language; a page that needs a session sends the browser to the
sign-in page (htmx requests get an HX-Redirect)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from huankuan.domain.errors import AuthenticationFailed, HuankuanError, TooManyAttempts
from huankuan.entrypoints.api.errors import STATUS
from huankuan.entrypoints.web.security import PORTAL_COOKIE, CsrfFailed
from huankuan.entrypoints.web.templating import TEMPLATES, render


def page_error(request: Request, error: HuankuanError) -> Response:
    status = next(code for kind, code in STATUS if isinstance(error, kind))
    if isinstance(error, AuthenticationFailed) and not isinstance(error, TooManyAttempts):
        return _to_sign_in(request)
    key = "csrf_failed" if isinstance(error, CsrfFailed) else f"error_{status}"
    return render(
        request,
        _error_template(request),
        {"status": status, "message_key": key, "detail": str(error)},
        status_code=status,
    )


def page_http_error(request: Request, error: StarletteHTTPException) -> Response:
    status = error.status_code if error.status_code in (401, 403, 404, 409, 422, 429) else 500
    if error.status_code == 405:
        status = 404
    return render(
        request,
        _error_template(request),
        {"status": status, "message_key": f"error_{status}", "detail": ""},
        status_code=error.status_code,
    )


def _to_sign_in(request: Request) -> Response:
    portal = request.url.path.startswith("/p/")
    target = "/p/expired" if portal else "/login?next=" + quote(request.url.path, safe="/")
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    if request.method == "GET":
        response = RedirectResponse(target, status_code=303)
        if portal:
            response.delete_cookie(PORTAL_COOKIE, path="/")
        return response
    return render(
        request,
        _error_template(request),
        {"status": 401, "message_key": "error_401", "detail": ""},
        status_code=401,
    )


def _error_template(request: Request) -> str:
    """The borrower portal has its own frame (no staff navigation)."""
    if request.url.path.startswith("/p/") and (TEMPLATES / "portal" / "error.html").exists():
        return "portal/error.html"
    return "errors/error.html"
