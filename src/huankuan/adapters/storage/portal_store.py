"""The borrower portal's SQL: its links (with the failed-attempt counter and the lock), the
second factor of a link's debtor, and what the portal shows about the debtor's own accounts
(pending payments, the open promise, the active plan). Runs inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from huankuan.adapters.storage.repositories import from_db_time, to_db_time
from huankuan.adapters.storage.tables import (
    account_states,
    accounts,
    contact_points,
    conversations,
    debtors,
    disputes,
    payments,
    plan_instalments,
    portal_links,
    promises,
    repayment_plans,
)
from huankuan.compliance.rows import opt_outs
from huankuan.domain.errors import NotFound
from huankuan.domain.portal import PortalLink


@dataclass(frozen=True, slots=True)
class DebtorSecrets:
    """What the second factor is checked against; never shown."""

    date_of_birth: date | None
    national_id: str
    locale: str
    jurisdiction: str


@dataclass(frozen=True, slots=True)
class AccountStanding:
    account_id: str
    product: str
    currency: str
    balance_as_of: date
    days_past_due: int | None  # None until the daily cycle has run on the account
    bucket: str | None


@dataclass(frozen=True, slots=True)
class OpenPromise:
    promise_id: str
    amount_minor: int
    currency: str
    due_on: date


@dataclass(frozen=True, slots=True)
class ActivePlan:
    plan_id: str
    kind: str  # "instalments" | "settlement"
    currency: str
    created_at: datetime  # aware UTC
    discount_minor: int
    schedule: tuple[tuple[date, int], ...]  # (due_on, amount_minor): the down payment first


class PortalStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- links ---------------------------------------------------------------------------

    def add_link(self, link: PortalLink) -> None:
        self._connection.execute(
            insert(portal_links).values(
                link_id=link.link_id,
                debtor_id=link.debtor_id,
                account_id=link.account_id,
                created_by=link.created_by,
                created_at=to_db_time(link.created_at),
                expires_at=to_db_time(link.expires_at),
                failed_attempts=0,
            )
        )

    def get_link(self, link_id: str) -> PortalLink | None:
        row = self._connection.execute(
            select(portal_links).where(portal_links.c.link_id == link_id)
        ).one_or_none()
        return None if row is None else _link(row._mapping)

    def count_failure(self, link_id: str) -> int:
        """One more wrong second factor; the new count (incremented in the database, so two
        guesses at once both count)."""
        self._connection.execute(
            update(portal_links)
            .where(portal_links.c.link_id == link_id)
            .values(failed_attempts=portal_links.c.failed_attempts + 1)
        )
        return int(
            self._connection.execute(
                select(portal_links.c.failed_attempts).where(portal_links.c.link_id == link_id)
            ).scalar_one()
        )

    def lock(self, link_id: str, at: datetime) -> None:
        self._set(link_id, locked_at=to_db_time(at))

    def mark_verified(self, link_id: str, at: datetime) -> None:
        self._set(link_id, verified_at=to_db_time(at), failed_attempts=0)

    def revoke(self, link_id: str, at: datetime) -> None:
        self._set(link_id, revoked_at=to_db_time(at))

    def _set(self, link_id: str, **values: Any) -> None:
        self._connection.execute(
            update(portal_links).where(portal_links.c.link_id == link_id).values(**values)
        )

    # -- the debtor ----------------------------------------------------------------------

    def debtor_secrets(self, debtor_id: str) -> DebtorSecrets:
        row = self._connection.execute(
            select(
                debtors.c.date_of_birth,
                debtors.c.national_id,
                debtors.c.locale,
                debtors.c.jurisdiction,
            ).where(debtors.c.debtor_id == debtor_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"no debtor {debtor_id!r}")
        return DebtorSecrets(row.date_of_birth, row.national_id, row.locale, row.jurisdiction)

    def account_ids(self, debtor_id: str) -> tuple[str, ...]:
        rows = self._connection.execute(
            select(accounts.c.account_id)
            .where(accounts.c.debtor_id == debtor_id)
            .order_by(accounts.c.account_id)
        )
        return tuple(str(value) for value in rows.scalars())

    def debtor_of_account(self, account_id: str) -> str:
        found = self._connection.execute(
            select(accounts.c.debtor_id).where(accounts.c.account_id == account_id)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound(f"no account {account_id!r}")
        return str(found)

    # -- what the portal shows -----------------------------------------------------------

    def standing(self, account_id: str) -> AccountStanding:
        row = self._connection.execute(
            select(
                accounts.c.account_id,
                accounts.c.product,
                accounts.c.currency,
                accounts.c.balance_as_of,
                account_states.c.days_past_due,
                account_states.c.bucket,
            )
            .outerjoin(account_states, account_states.c.account_id == accounts.c.account_id)
            .where(accounts.c.account_id == account_id)
        ).one()
        return AccountStanding(
            row.account_id,
            row.product,
            row.currency,
            row.balance_as_of,
            row.days_past_due,
            row.bucket,
        )

    def pending_payments_minor(self, account_id: str) -> int:
        """Payments received but not yet allocated by the daily cycle (so not yet inside the
        balance the portal reads)."""
        total = self._connection.execute(
            select(func.coalesce(func.sum(payments.c.amount_minor), 0)).where(
                payments.c.account_id == account_id, payments.c.status == "pending"
            )
        ).scalar_one()
        return int(total)

    def paid_since(self, account_id: str, since: datetime) -> int:
        total = self._connection.execute(
            select(func.coalesce(func.sum(payments.c.amount_minor), 0)).where(
                payments.c.account_id == account_id,
                payments.c.received_at >= to_db_time(since),
            )
        ).scalar_one()
        return int(total)

    def open_promise(self, account_id: str) -> OpenPromise | None:
        row = self._connection.execute(
            select(promises)
            .where(promises.c.account_id == account_id, promises.c.status == "open")
            .order_by(promises.c.due_on.desc(), promises.c.promise_id)
            .limit(1)
        ).one_or_none()
        if row is None:
            return None
        return OpenPromise(row.promise_id, int(row.amount_minor), row.currency, row.due_on)

    def active_plan(self, account_id: str) -> ActivePlan | None:
        row = self._connection.execute(
            select(repayment_plans)
            .where(repayment_plans.c.account_id == account_id, repayment_plans.c.status == "active")
            .order_by(repayment_plans.c.created_at.desc(), repayment_plans.c.plan_id)
            .limit(1)
        ).one_or_none()
        if row is None:
            return None
        items = self._connection.execute(
            select(plan_instalments.c.due_on, plan_instalments.c.amount_minor)
            .where(plan_instalments.c.plan_id == row.plan_id)
            .order_by(plan_instalments.c.seq)
        )
        down = (row.down_payment_due_on or row.created_at.date(), int(row.down_payment_minor))
        schedule = (down, *((item.due_on, int(item.amount_minor)) for item in items))
        return ActivePlan(
            plan_id=row.plan_id,
            kind=row.kind,
            currency=row.currency,
            created_at=from_db_time(row.created_at),  # type: ignore[arg-type]
            discount_minor=int(row.discount_minor),
            schedule=tuple(item for item in schedule if item[1] > 0),
        )

    def open_dispute_id(self, account_id: str) -> str | None:
        """A dispute on the account not yet verified, if there is one."""
        found = self._connection.execute(
            select(disputes.c.dispute_id)
            .where(disputes.c.account_id == account_id, disputes.c.verified_at.is_(None))
            .order_by(disputes.c.opened_at, disputes.c.dispute_id)
            .limit(1)
        ).scalar_one_or_none()
        return None if found is None else str(found)

    # -- contact preferences -------------------------------------------------------------

    def opt_out(self, debtor_id: str, kinds: tuple[str, ...], channel: str) -> list[str]:
        """Add `channel` to the opt-outs of the debtor's own contact points of `kinds`; the ids
        of the points changed (already opted-out ones are left as they are)."""
        rows = self._connection.execute(
            select(contact_points.c.contact_id, contact_points.c.opted_out).where(
                contact_points.c.debtor_id == debtor_id,
                contact_points.c.role == "self",
                contact_points.c.kind.in_(kinds),
            )
        ).all()
        changed = []
        for row in rows:
            names = opt_outs(row.opted_out)
            if channel in names:
                continue
            self._connection.execute(
                update(contact_points)
                .where(contact_points.c.contact_id == row.contact_id)
                .values(opted_out=";".join(sorted(names | {channel})))
            )
            changed.append(str(row.contact_id))
        return changed

    def opted_out_channels(self, debtor_id: str) -> frozenset[str]:
        rows = self._connection.execute(
            select(contact_points.c.opted_out).where(
                contact_points.c.debtor_id == debtor_id, contact_points.c.role == "self"
            )
        ).scalars()
        return frozenset(name for stored in rows for name in opt_outs(stored))

    # -- the portal's own conversations -------------------------------------------------

    def conversation_ids(self, actor: str) -> list[str]:
        rows = self._connection.execute(
            select(conversations.c.conversation_id)
            .where(conversations.c.created_by == actor)
            .order_by(conversations.c.created_at, conversations.c.conversation_id)
        )
        return [str(value) for value in rows.scalars()]


def _link(row: Any) -> PortalLink:
    return PortalLink(
        link_id=row["link_id"],
        debtor_id=row["debtor_id"],
        account_id=row["account_id"],
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        expires_at=from_db_time(row["expires_at"]),  # type: ignore[arg-type]
        failed_attempts=int(row["failed_attempts"]),
        locked_at=from_db_time(row["locked_at"]),
        verified_at=from_db_time(row["verified_at"]),
        revoked_at=from_db_time(row["revoked_at"]),
    )
