"""Signing in to the pages: password check with throttling, page sessions (a random token in
an HttpOnly cookie; only its sha256 is stored), and signing out.

Throttling: `login_max_failures` failures for one username within `login_window_minutes` lock
that username until the window has passed since the oldest of them; one client address gets
four times as many (an office behind one address is not locked out by one person's typos, a
password sprayer still is). Every attempt is stored and audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from huankuan.adapters.storage.web_session_store import SqlWebSessions
from huankuan.config import Settings
from huankuan.domain.errors import AuthenticationFailed, TooManyAttempts
from huankuan.domain.users import Principal, Role
from huankuan.service_layer.auth import authenticate_password
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

CLIENT_FACTOR = 4


@dataclass(frozen=True, slots=True)
class SignedIn:
    principal: Principal
    token: str  # the cookie's value; the only copy
    expires_at: datetime


def sign_in(
    username: str, password: str, *, client: str, uow: SqlUnitOfWork, settings: Settings
) -> SignedIn:
    username = username.strip().lower()
    now = uow.clock.now()
    _check_throttle(username, client, uow=uow, settings=settings, now=now)
    try:
        principal = authenticate_password(username, password, uow=uow)
    except AuthenticationFailed:
        _record(uow, username, client, now, succeeded=False)
        raise
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=settings.session_hours)
    with uow:
        SqlWebSessions(uow.connection).add(session_hash(token), principal.username, now, expires_at)
        _record(uow, username, client, now, succeeded=True)
        uow.commit()
    return SignedIn(principal, token, expires_at)


def session_principal(token: str, *, uow: SqlUnitOfWork) -> Principal:
    """The user a session cookie belongs to; AuthenticationFailed when it is unknown, expired,
    revoked, or the user was deactivated."""
    now = uow.clock.now()
    with uow:
        sessions = SqlWebSessions(uow.connection)
        stored = sessions.find(session_hash(token))
        if stored is None or stored.revoked or stored.expires_at <= now or not stored.active:
            raise AuthenticationFailed("your session has ended: sign in again")
        sessions.touch(session_hash(token), now)
        uow.commit()
    return Principal(stored.username, Role(stored.role))


def sign_out(token: str, *, uow: SqlUnitOfWork) -> None:
    with uow:
        sessions = SqlWebSessions(uow.connection)
        stored = sessions.find(session_hash(token))
        if stored is None:
            return
        sessions.revoke(session_hash(token), uow.clock.now())
        uow.audit.record(
            actor=f"user:{stored.username}",
            action="user.signed_out",
            entity_type="user",
            entity_id=stored.username,
            details={},
        )
        uow.commit()


def session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_throttle(
    username: str, client: str, *, uow: SqlUnitOfWork, settings: Settings, now: datetime
) -> None:
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    with uow:
        sessions = SqlWebSessions(uow.connection)
        by_user, by_client = sessions.recent_failures(username=username, client=client, since=since)
        if by_user < settings.login_max_failures and by_client < (
            settings.login_max_failures * CLIENT_FACTOR
        ):
            return
        oldest = sessions.oldest_failure_since(username=username, client=client, since=since)
        uow.audit.record(
            actor="system",
            action="user.sign_in_throttled",
            entity_type="user",
            entity_id=username,
            details={"client": client, "failures_user": by_user, "failures_client": by_client},
        )
        uow.commit()
    raise TooManyAttempts("too many failed sign-ins: try again later", retry_after=oldest + window)


def _record(
    uow: SqlUnitOfWork, username: str, client: str, now: datetime, *, succeeded: bool
) -> None:
    with uow:
        SqlWebSessions(uow.connection).record_attempt(username, client, now, succeeded)
        uow.audit.record(
            actor=f"user:{username}" if succeeded else "system",
            action="user.signed_in" if succeeded else "user.sign_in_failed",
            entity_type="user",
            entity_id=username,
            details={"client": client},
        )
        uow.commit()
