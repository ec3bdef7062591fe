"""Puts the pages on the API's FastAPI app: static files (the vendored htmx, CSS), the page
routers with CSRF protection on every unsafe request, the CSRF/language middleware, and error
pages for page requests (the JSON API keeps its JSON errors)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from huankuan.bootstrap import App
from huankuan.domain.errors import HuankuanError, InvalidInput
from huankuan.entrypoints.api import errors as api_errors
from huankuan.entrypoints.web.errors import page_error, page_http_error
from huankuan.entrypoints.web.routes import auth, compliance, portal, supervisor, workbench
from huankuan.entrypoints.web.security import PageMiddleware, check_csrf, is_page

STATIC = Path(__file__).with_name("static")
PAGE_ROUTERS = (auth, workbench, supervisor, compliance, portal)


def install_web(api: FastAPI, application: App) -> None:
    api.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGE_ROUTERS:
        api.include_router(module.router, dependencies=[Depends(check_csrf)])
    api.add_middleware(
        PageMiddleware,
        secret=lambda: application.secret("secret_key"),
        secure=application.settings.secure_cookies,
    )
    api.add_exception_handler(HuankuanError, _huankuan_error)  # type: ignore[arg-type]
    api.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]


def _huankuan_error(request: Request, error: HuankuanError) -> Response:
    if is_page(request.url.path):
        return page_error(request, error)
    return api_errors.huankuan_error(request, error)


def _validation_error(request: Request, error: RequestValidationError) -> Response:
    if is_page(request.url.path):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc'][1:])}: {item['msg']}" for item in error.errors()
        )
        return page_error(request, InvalidInput(problems or "invalid request"))
    return api_errors.validation_error(request, error)


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    if is_page(request.url.path):
        return page_http_error(request, error)
    return await http_exception_handler(request, error)
