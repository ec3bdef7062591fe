"""Who may use the system: users with one role each, and the principal a request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"  # works the cases assigned to them
    SUPERVISOR = "supervisor"  # steers the floor: every case
    COMPLIANCE = "compliance"  # audits: reads everything, changes nothing
    ADMIN = "admin"  # everything, including users


# Roles that may act on a case (start a robot conversation, send it messages); compliance
# staff only read.
OPERATOR_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
READER_ROLES = frozenset(Role)
# Roles that see every case; an agent sees only the cases assigned to them.
ALL_CASES_ROLES = frozenset({Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated user a request or command acts as."""

    username: str
    role: Role

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"user:{self.username}"

    def sees_every_case(self) -> bool:
        return self.role in ALL_CASES_ROLES


@dataclass(slots=True)
class User:
    username: str
    role: Role
    password_hash: str | None  # argon2id, never the password
    created_at: datetime  # aware UTC
    active: bool = True

    @property
    def principal(self) -> Principal:
        return Principal(self.username, self.role)
