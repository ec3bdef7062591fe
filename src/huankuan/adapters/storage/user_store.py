"""Users and their API tokens (only the tokens' sha256 is stored)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from huankuan.adapters.storage.repositories import from_db_time, to_db_time
from huankuan.adapters.storage.tables import api_tokens, users
from huankuan.domain.errors import NotFound
from huankuan.domain.users import Role, User


class SqlUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, user: User) -> None:
        self._connection.execute(
            insert(users).values(
                username=user.username,
                role=user.role.value,
                password_hash=user.password_hash,
                active=user.active,
                created_at=to_db_time(user.created_at),
            )
        )

    def find(self, username: str) -> User | None:
        row = self._connection.execute(
            select(users).where(users.c.username == username)
        ).one_or_none()
        if row is None:
            return None
        return User(
            username=row.username,
            role=Role(row.role),
            password_hash=row.password_hash,
            created_at=from_db_time(row.created_at),  # type: ignore[arg-type]
            active=bool(row.active),
        )

    def get(self, username: str) -> User:
        user = self.find(username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        return user

    def add_token(self, token_id: str, username: str, token_hash: str, at: datetime) -> None:
        self._connection.execute(
            insert(api_tokens).values(
                token_id=token_id,
                username=username,
                token_hash=token_hash,
                created_at=to_db_time(at),
            )
        )

    def user_for_token(self, token_hash: str) -> User | None:
        """The active user holding this unrevoked token, if any."""
        username = self._connection.execute(
            select(api_tokens.c.username).where(
                api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None)
            )
        ).scalar_one_or_none()
        if username is None:
            return None
        user = self.find(str(username))
        return user if user is not None and user.active else None
