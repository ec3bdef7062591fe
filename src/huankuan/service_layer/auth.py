"""Users, passwords and API tokens. Passwords are kept as Argon2id hashes; an API token is a
random secret shown once, of which only the sha256 is stored (a token has 256 bits of entropy,
so a fast hash is enough, and it lets every request be checked in one indexed look-up)."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from functools import cache

from huankuan.adapters.passwords import hash_password, verify_password
from huankuan.domain import commands
from huankuan.domain.errors import AuthenticationFailed, InvalidInput
from huankuan.domain.users import Principal, Role, User
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

TOKEN_PREFIX = "hk_"
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def add_user(cmd: commands.AddUser, *, uow: SqlUnitOfWork) -> None:
    role = _role(cmd.role)
    if not USERNAME.match(cmd.username):
        raise InvalidInput(
            "a username is 2-64 characters: lower-case letters, digits, '.', '_' or '-'"
        )
    if len(cmd.password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    with uow:
        if uow.users.find(cmd.username) is not None:
            raise InvalidInput(f"user {cmd.username!r} already exists")
        uow.users.add(User(cmd.username, role, hash_password(cmd.password), uow.clock.now()))
        uow.audit.record(
            actor=cmd.actor,
            action="user.added",
            entity_type="user",
            entity_id=cmd.username,
            details={"role": role.value},
        )
        uow.commit()


def create_token(cmd: commands.CreateApiToken, *, uow: SqlUnitOfWork) -> str:
    """A new API token for the user; the return value is the only copy of it."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = uuid.uuid4().hex[:12]
    with uow:
        user = uow.users.get(cmd.username)
        uow.users.add_token(token_id, user.username, token_hash(token), uow.clock.now())
        uow.audit.record(
            actor=cmd.actor,
            action="api_token.created",
            entity_type="user",
            entity_id=user.username,
            details={"token_id": token_id},
        )
        uow.commit()
    return token


def authenticate_token(token: str, *, uow: SqlUnitOfWork) -> Principal:
    with uow:
        user = uow.users.user_for_token(token_hash(token))
    if user is None:
        raise AuthenticationFailed("unknown or revoked API token")
    return user.principal


def authenticate_password(username: str, password: str, *, uow: SqlUnitOfWork) -> Principal:
    """For the pages' login (issue 5). The same answer whether the user or the password is
    wrong."""
    with uow:
        user = uow.users.find(username)
    stored = user.password_hash if user is not None else None
    # An unknown user costs one Argon2 verification too, so timing does not tell them apart.
    matches = verify_password(stored or _decoy_hash(), password)
    if user is None or not user.active or stored is None or not matches:
        raise AuthenticationFailed("wrong username or password")
    return user.principal


@cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _role(name: str) -> Role:
    try:
        return Role(name)
    except ValueError:
        choices = ", ".join(role.value for role in Role)
        raise InvalidInput(f"role must be one of {choices}, got {name!r}") from None
