"""Getting into the borrower portal: operators (or the system) create a signed, expiring link for
an account; the borrower opens it and proves who they are with a second factor (date of birth
or the last four characters of the national ID); too many wrong answers lock the link. A
verified link gives a portal session that reaches that debtor's accounts and nothing else.

What an unusable link says is only why it is unusable (invalid, expired, revoked, locked):
never whose it was. Every creation, revocation, failure, lock and verification is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.adapters.storage.portal_store import PortalStore
from huankuan.config import Settings
from huankuan.domain.errors import AuthenticationFailed, LinkUnusable, NotFound
from huankuan.domain.portal import (
    PortalLink,
    PortalScope,
    WrongSecondFactor,
    second_factor_matches,
)
from huankuan.domain.users import Principal
from huankuan.service_layer.access import authorize_case
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

# A portal session lasts this long (never beyond the link's own expiry): a phone left on a
# table should not stay signed in to someone's debts all day.
SESSION_MINUTES = 30
PORTAL_PATH = "/p/"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    link: PortalLink
    token: str  # the secret part of the URL; shown once, never stored or audited
    url: str


@dataclass(frozen=True, slots=True)
class PortalSession:
    cookie: str  # the signed session value for the portal cookie
    scope: PortalScope


def create_link(
    account_id: str,
    *,
    uow: SqlUnitOfWork,
    settings: Settings,
    tokens: PortalTokens,
    actor: str,
    principal: Principal | None = None,
) -> IssuedLink:
    """A new link for the account's debtor (an agent only for a case assigned to them)."""
    now = uow.clock.now()
    with uow:
        store = PortalStore(uow.connection)
        debtor_id = store.debtor_of_account(account_id)
        authorize_case(principal, uow.cases.assignee(debtor_id), act=True)
        link = new_link(debtor_id, account_id, settings=settings, actor=actor, now=now)
        store_link(uow, link)
        uow.commit()
    return issue(link, settings=settings, tokens=tokens)


def new_link(
    debtor_id: str, account_id: str, *, settings: Settings, actor: str, now: datetime
) -> PortalLink:
    """A link not stored yet (the caller stores it with `store_link` in its transaction, e.g.
    only once the SMS that carries it is allowed)."""
    return PortalLink(
        link_id=f"PL-{uuid.uuid4().hex[:20]}",
        debtor_id=debtor_id,
        account_id=account_id,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(hours=settings.portal_link_hours),
    )


def store_link(uow: SqlUnitOfWork, link: PortalLink) -> None:
    """The link and its audit row, in the caller's open transaction (the token is neither)."""
    PortalStore(uow.connection).add_link(link)
    uow.audit.record(
        actor=link.created_by,
        action="portal.link_created",
        entity_type="account",
        entity_id=link.account_id,
        details={"link_id": link.link_id, "expires_at": link.expires_at.isoformat()},
    )


def issue(link: PortalLink, *, settings: Settings, tokens: PortalTokens) -> IssuedLink:
    """The link's token and URL (computed, never stored)."""
    token = tokens.link_token(link.link_id)
    return IssuedLink(link, token, portal_url(settings, token))


def portal_url(settings: Settings, token: str) -> str:
    return settings.public_url.rstrip("/") + PORTAL_PATH + token


def revoke_link(
    link_id: str, *, uow: SqlUnitOfWork, actor: str, principal: Principal | None = None
) -> None:
    """The link stops working at once, and so does every session opened with it."""
    with uow:
        store = PortalStore(uow.connection)
        link = store.get_link(link_id)
        if link is None:
            raise NotFound(f"no portal link {link_id!r}")
        authorize_case(principal, uow.cases.assignee(link.debtor_id), act=True)
        if link.revoked_at is None:
            store.revoke(link_id, uow.clock.now())
            uow.audit.record(
                actor=actor,
                action="portal.link_revoked",
                entity_type="account",
                entity_id=link.account_id,
                details={"link_id": link_id},
            )
        uow.commit()


def check_link(token: str, *, uow: SqlUnitOfWork, settings: Settings, tokens: PortalTokens) -> str:
    """The link id of a usable link (the landing page then asks for the second factor);
    LinkUnusable with the reason otherwise."""
    with uow:
        return _usable_link(token, uow, settings, tokens).link_id


def verify(
    token: str,
    method: str,
    answer: str,
    *,
    uow: SqlUnitOfWork,
    settings: Settings,
    tokens: PortalTokens,
) -> PortalSession:
    """The borrower's second factor: right → a portal session; wrong → AuthenticationFailed
    (the failure is counted and kept even though the request fails), and the attempt that
    reaches `portal_max_attempts` locks the link."""
    now = uow.clock.now()
    with uow:
        link = _usable_link(token, uow, settings, tokens)
        store = PortalStore(uow.connection)
        secrets = store.debtor_secrets(link.debtor_id)
        if not second_factor_matches(
            method,
            answer,
            date_of_birth=secrets.date_of_birth,
            national_id=secrets.national_id,
        ):
            failures = _record_failure(uow, store, link, method, settings.portal_max_attempts)
            uow.commit()
            left = settings.portal_max_attempts - failures
            if left <= 0:
                raise LinkUnusable("locked")
            raise WrongSecondFactor(left)
        store.mark_verified(link.link_id, now)
        uow.audit.record(
            actor=link.actor,
            action="portal.verified",
            entity_type="account",
            entity_id=link.account_id,
            details={"link_id": link.link_id, "method": method},
        )
        scope = _scope(store, link, now + timedelta(minutes=SESSION_MINUTES))
        uow.commit()
    return PortalSession(tokens.session_value(link.link_id, scope.expires_at), scope)


def open_scope(cookie: str | None, *, uow: SqlUnitOfWork, tokens: PortalTokens) -> PortalScope:
    """What a portal session cookie may reach, checked against the link now: a link revoked,
    locked or expired since ends its sessions too."""
    claim = tokens.read_session(cookie)
    now = uow.clock.now()
    with uow:
        store = PortalStore(uow.connection)
        link = store.get_link(claim.link_id)
        if link is None or link.verified_at is None:
            raise AuthenticationFailed("the portal session is not valid: open your link again")
        problem = link.problem(now)
        if problem is not None:
            raise LinkUnusable(problem)
        return _scope(store, link, min(claim.expires_at, link.expires_at))


def _usable_link(
    token: str, uow: SqlUnitOfWork, settings: Settings, tokens: PortalTokens
) -> PortalLink:
    link_id = tokens.read_link_token(token, settings.portal_link_hours * 3600)
    link = PortalStore(uow.connection).get_link(link_id)
    if link is None:
        raise LinkUnusable("invalid")
    problem = link.problem(uow.clock.now())
    if problem is not None:
        raise LinkUnusable(problem)
    return link


def _record_failure(
    uow: SqlUnitOfWork, store: PortalStore, link: PortalLink, method: str, limit: int
) -> int:
    failures = store.count_failure(link.link_id)
    uow.audit.record(
        actor=link.actor,
        action="portal.verify_failed",
        entity_type="account",
        entity_id=link.account_id,
        details={"link_id": link.link_id, "method": method, "failures": failures},
    )
    if failures >= limit:
        store.lock(link.link_id, uow.clock.now())
        uow.audit.record(
            actor="system",
            action="portal.link_locked",
            entity_type="account",
            entity_id=link.account_id,
            details={"link_id": link.link_id, "failures": failures},
        )
    return failures


def _scope(store: PortalStore, link: PortalLink, expires_at: datetime) -> PortalScope:
    secrets = store.debtor_secrets(link.debtor_id)
    return PortalScope(
        link_id=link.link_id,
        debtor_id=link.debtor_id,
        link_account_id=link.account_id,
        account_ids=store.account_ids(link.debtor_id),
        locale=secrets.locale,
        jurisdiction=secrets.jurisdiction,
        expires_at=min(expires_at, link.expires_at),
    )
