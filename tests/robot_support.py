"""Shared helpers for the robot's storage, API and CLI tests: the session's robot (the trained NLU
pipeline and the real content guard), accounts to talk about, and clocks in contact hours."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Connection

from huankuan.adapters.channels.sms import FakeSmsChannel
from huankuan.bootstrap import App
from huankuan.dialogue.terms import load_terms
from huankuan.domain import commands
from huankuan.service_layer.auth import create_token
from huankuan.service_layer.robot import Robot
from tests.factories import add_borrower
from tests.nlu_support import trained_pipeline
from tests.unit.dialogue_support import real_guard

# 10:00 in Shanghai (Saturday 28 Nov 2026) and 10:00 in New York: inside both profiles' hours.
CN_MORNING = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
US_MORNING = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
# 23:30 in Shanghai: outside CN-NIFA's 08:00-22:00.
CN_NIGHT = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)


@cache
def robot() -> Robot:
    return Robot(
        nlu=trained_pipeline(),
        guard=real_guard(),
        terms=load_terms(),
        recap_channel=FakeSmsChannel,
    )


def add_cn_borrower(connection: Connection, number: int = 1) -> str:
    """Debtor D<n> (CN-NIFA, zh_CN, Asia/Shanghai) with account A<n>: ¥5,260.00 due, one phone."""
    add_borrower(connection, number, debtor={"name": "王芳"})
    return f"A{number}"


def add_us_borrower(connection: Connection, number: int = 2) -> str:
    """Debtor D<n> (US-RegF, en_US, New York) with account A<n>: $5,260.00 due, one phone."""
    add_borrower(connection, number, jurisdiction="US-RegF", debtor={"name": "John Smith"})
    return f"A{number}"


@cache
def _password_hash() -> str:
    from huankuan.adapters.passwords import hash_password

    return hash_password("correct horse battery staple")


def add_api_user(app: App, username: str, role: str) -> str:
    """A user with the role and a fresh API token (the password hash is computed once per
    session: Argon2 is slow on purpose)."""
    from huankuan.domain.users import Role, User

    with app.uow() as uow:
        uow.users.add(User(username, Role(role), _password_hash(), app.clock.now()))
        uow.commit()
    return create_token(commands.CreateApiToken(username), uow=app.uow())
