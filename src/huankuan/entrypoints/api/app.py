"""The API application factory. Pages (issue 5) and further routers plug into the same app:

    app = create_app(bootstrap())          # uvicorn runs it: `huankuan serve`
    app.include_router(...)                # more resources, the web pages

Every endpoint is authenticated (an API token, `Authorization: Bearer …`); the OpenAPI
description is at /openapi.json and its pages at /docs."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huankuan.bootstrap import App
from huankuan.entrypoints.api.errors import install_error_handlers
from huankuan.entrypoints.api.log_masking import PersonalDataFilter
from huankuan.entrypoints.api.routers import (
    cases,
    compliance,
    conversations,
    payments,
    portal,
    supervision,
)
from huankuan.entrypoints.web.app import install_web

log = logging.getLogger("huankuan.api")


def create_app(
    application: App, *, preload_robot: bool = False, freeze_startup: bool = False
) -> FastAPI:
    """The FastAPI app over `application` (its database, clock and robot). `preload_robot`
    loads the NLU and the guard at start-up rather than on the first conversation;
    `freeze_startup` (a long-running server) freezes what start-up built out of the garbage
    collector."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if preload_robot:
            application.robot()
        if freeze_startup:
            # What exists now (modules, the robot's models, rule files) lives as long as the
            # server: freezing it keeps it out of the cyclic collector's full passes, which
            # otherwise stall a request by ~150 ms every few dozen (benchmarks/web.py). Not in
            # tests, where many apps come and go and frozen garbage would never be freed.
            gc.collect()
            gc.freeze()
        yield

    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from the installed package
    # (mounted at /static-offline-docs), never from a CDN.
    api = FastAPIOffline(
        title="huankuan",
        summary="Compliance-first debt collection: cases, actions, promises, robot conversations, "
        "payments; the pages (agent workbench, supervisor, compliance, borrower portal).",
        version="0.1.0",
        lifespan=lifespan,
    )
    api.state.huankuan = application
    install_error_handlers(api)
    # supervision before cases: its /api/cases/unassigned must win over /api/cases/{case_id}.
    for module in (conversations, supervision, cases, compliance, payments, portal):
        api.include_router(module.router)
    install_web(api, application)
    api.add_middleware(RequestLog)
    if not any(isinstance(f, PersonalDataFilter) for f in log.filters):
        log.addFilter(PersonalDataFilter())
    return api


class RequestLog:
    """One line per request (method, path, status, time); personal data masked by the filter.
    A plain ASGI middleware: BaseHTTPMiddleware would cost a task and a stream per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [0]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            log.info("%s %s -> %d (%.1f ms)", scope["method"], scope["path"], status[0], elapsed)
