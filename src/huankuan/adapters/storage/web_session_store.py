"""Page sessions (only the sha256 of each session token is stored) and sign-in attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, select, update

from huankuan.adapters.storage.repositories import from_db_time, to_db_time
from huankuan.adapters.storage.tables import login_attempts, users, web_sessions


@dataclass(frozen=True, slots=True)
class StoredSession:
    username: str
    role: str
    active: bool
    expires_at: datetime  # aware UTC
    revoked: bool
    lang: str


class SqlWebSessions:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, session_hash: str, username: str, now: datetime, expires_at: datetime) -> None:
        self._connection.execute(
            insert(web_sessions).values(
                session_hash=session_hash,
                username=username,
                created_at=to_db_time(now),
                last_seen_at=to_db_time(now),
                expires_at=to_db_time(expires_at),
            )
        )

    def find(self, session_hash: str) -> StoredSession | None:
        row = self._connection.execute(
            select(
                web_sessions.c.username,
                users.c.role,
                users.c.active,
                web_sessions.c.expires_at,
                web_sessions.c.revoked_at,
                web_sessions.c.lang,
            )
            .join(users, users.c.username == web_sessions.c.username)
            .where(web_sessions.c.session_hash == session_hash)
        ).one_or_none()
        if row is None:
            return None
        expires_at = from_db_time(row.expires_at)
        assert expires_at is not None
        return StoredSession(
            row.username, row.role, row.active, expires_at, row.revoked_at is not None, row.lang
        )

    def touch(self, session_hash: str, now: datetime) -> None:
        self._connection.execute(
            update(web_sessions)
            .where(web_sessions.c.session_hash == session_hash)
            .values(last_seen_at=to_db_time(now))
        )

    def revoke(self, session_hash: str, now: datetime) -> None:
        self._connection.execute(
            update(web_sessions)
            .where(
                and_(
                    web_sessions.c.session_hash == session_hash, web_sessions.c.revoked_at.is_(None)
                )
            )
            .values(revoked_at=to_db_time(now))
        )

    def record_attempt(self, username: str, client: str, now: datetime, succeeded: bool) -> None:
        self._connection.execute(
            insert(login_attempts).values(
                username=username, client=client, at=to_db_time(now), succeeded=succeeded
            )
        )

    def recent_failures(self, *, username: str, client: str, since: datetime) -> tuple[int, int]:
        """Failures since `since` for this username and for this client address. Only
        failures after the last success of that username count against the username."""
        last_success = self._connection.execute(
            select(func.max(login_attempts.c.at)).where(
                login_attempts.c.username == username, login_attempts.c.succeeded
            )
        ).scalar_one_or_none()
        floor = to_db_time(since)
        floor_user = max(floor, last_success) if last_success is not None else floor
        failed = ~login_attempts.c.succeeded
        by_user = self._connection.execute(
            select(func.count()).where(
                login_attempts.c.username == username, failed, login_attempts.c.at > floor_user
            )
        ).scalar_one()
        by_client = self._connection.execute(
            select(func.count()).where(
                login_attempts.c.client == client, failed, login_attempts.c.at > floor
            )
        ).scalar_one()
        return int(by_user), int(by_client)

    def oldest_failure_since(self, *, username: str, client: str, since: datetime) -> datetime:
        """When the oldest failure in the window was: the lock lifts a window after it."""
        oldest = self._connection.execute(
            select(func.min(login_attempts.c.at)).where(
                (login_attempts.c.username == username) | (login_attempts.c.client == client),
                ~login_attempts.c.succeeded,
                login_attempts.c.at > to_db_time(since),
            )
        ).scalar_one_or_none()
        moment = from_db_time(oldest)
        return moment if moment is not None else since
