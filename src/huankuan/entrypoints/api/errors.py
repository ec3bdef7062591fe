"""The one place the API turns huankuan's errors (domain/errors.py) into HTTP statuses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from huankuan.domain.errors import (
    AuthenticationFailed,
    ComplianceViolation,
    ConcurrentUpdate,
    ContactBlocked,
    ConversationEnded,
    DatabaseMissing,
    HuankuanError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SignatureInvalid,
    TooManyAttempts,
)

log = logging.getLogger("huankuan.api")

# The first matching class wins: subclasses before their bases.
STATUS: list[tuple[type[HuankuanError], int]] = [
    (TooManyAttempts, 429),
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (ContactBlocked, 409),
    (ConversationEnded, 409),
    (ConcurrentUpdate, 409),
    (ComplianceViolation, 409),
    (InvalidInput, 422),
    (DatabaseMissing, 503),
    (HuankuanError, 400),
]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HuankuanError, huankuan_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]


def huankuan_error(request: Request, error: HuankuanError) -> JSONResponse:
    status = next(code for kind, code in STATUS if isinstance(error, kind))
    body: dict[str, Any] = {"detail": str(error), "error": type(error).__name__}
    bearer = status == 401 and not isinstance(error, SignatureInvalid)
    headers = {"WWW-Authenticate": "Bearer"} if bearer else None
    if isinstance(error, ContactBlocked):
        body["rules"] = list(error.rules)
        body["next_allowed_at"] = (
            error.next_allowed_at.isoformat() if error.next_allowed_at is not None else None
        )
    if isinstance(error, ConversationEnded):
        body["reason"] = error.reason
    log.debug("%s %s -> %s %s", request.method, request.url.path, status, type(error).__name__)
    return JSONResponse(body, status_code=status, headers=headers)


def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    """422 with one readable sentence per problem ("body.text: Field required") as well as
    Pydantic's structured list."""
    problems = [
        {"field": ".".join(str(part) for part in item["loc"]), "problem": item["msg"]}
        for item in error.errors()
    ]
    message = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
    return JSONResponse(
        {"detail": message or "invalid request", "error": "InvalidRequest", "errors": problems},
        status_code=422,
    )
