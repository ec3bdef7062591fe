"""What a robot conversation reads before it starts: the account's facts (debtor, balance,
contact points, holds in force, case) and the debtor's recent contact history for the gate."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from huankuan.adapters.storage.balances import IMPORTED_TOTAL, STATE_TOTAL
from huankuan.adapters.storage.repositories import to_db_time
from huankuan.adapters.storage.tables import (
    account_states,
    accounts,
    cases,
    contact_attempts,
    contact_points,
    debtors,
    holds,
)
from huankuan.compliance.facts import ContactEvent
from huankuan.compliance.rows import event_from_row, opt_outs
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import NotFound
from huankuan.domain.model import Channel, ContactKind, ContactPoint, ContactRole


class SqlRobotReads:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def account_facts(self, account_id: str, now: datetime) -> AccountFacts:
        query = (
            select(
                accounts.c.account_id,
                accounts.c.debtor_id,
                accounts.c.currency,
                accounts.c.first_due_on,
                debtors.c.name,
                debtors.c.jurisdiction,
                debtors.c.locale,
                debtors.c.timezone,
                STATE_TOTAL.label("state_total"),
                IMPORTED_TOTAL.label("imported_total"),
                account_states.c.oldest_unpaid_due_on,
                account_states.c.account_id.label("has_state"),
                cases.c.case_id,
                cases.c.assigned_to,
            )
            .join(debtors, debtors.c.debtor_id == accounts.c.debtor_id)
            .outerjoin(account_states, account_states.c.account_id == accounts.c.account_id)
            .outerjoin(cases, cases.c.debtor_id == accounts.c.debtor_id)
            .where(accounts.c.account_id == account_id)
        )
        row = self._connection.execute(query).one_or_none()
        if row is None:
            raise NotFound(f"no account {account_id!r}")
        return AccountFacts(
            account_id=row.account_id,
            debtor_id=row.debtor_id,
            debtor_name=row.name,
            jurisdiction=row.jurisdiction,
            locale=row.locale,
            debtor_timezone=row.timezone,
            currency=row.currency,
            amount_due_minor=int(row.state_total if row.has_state else row.imported_total),
            oldest_unpaid_due_on=row.oldest_unpaid_due_on,
            first_due_on=row.first_due_on,
            contact_points=self._contact_points(row.debtor_id),
            hold_types=self._hold_types(row.debtor_id, account_id, now),
            case_id=row.case_id,
            assigned_to=row.assigned_to,
        )

    def _contact_points(self, debtor_id: str) -> tuple[ContactPoint, ...]:
        rows = self._connection.execute(
            select(contact_points)
            .where(contact_points.c.debtor_id == debtor_id)
            .order_by(contact_points.c.contact_id)
        )
        return tuple(_contact_point(row._mapping) for row in rows)

    def _hold_types(self, debtor_id: str, account_id: str, now: datetime) -> frozenset[str]:
        moment = to_db_time(now)
        rows = self._connection.execute(
            select(holds.c.hold_type).where(
                holds.c.debtor_id == debtor_id,
                or_(holds.c.account_id.is_(None), holds.c.account_id == account_id),
                holds.c.starts_at <= moment,
                or_(holds.c.ends_at.is_(None), holds.c.ends_at > moment),
            )
        )
        return frozenset(str(value) for value in rows.scalars())

    def contact_history(
        self, debtor_id: str, since: datetime, until: datetime
    ) -> list[ContactEvent]:
        """Contacts that happened (decision 'allow') before `until`: those since `since`, and
        every one with someone outside the debtor's side (a third party is reached once)."""
        role = contact_attempts.c.contact_role
        debtor_side = [
            ContactRole.SELF.value,
            ContactRole.ATTORNEY.value,
            ContactRole.ESTATE_REPRESENTATIVE.value,
        ]
        stored_role = contact_points.c.role
        query = (
            select(contact_attempts, stored_role.label("stored_role"))
            .outerjoin(contact_points, contact_points.c.contact_id == contact_attempts.c.contact_id)
            .where(
                contact_attempts.c.debtor_id == debtor_id,
                contact_attempts.c.decision == "allow",
                contact_attempts.c.at < to_db_time(until),
                or_(
                    contact_attempts.c.at >= to_db_time(since),
                    and_(role.is_not(None), role.not_in(debtor_side)),
                ),
            )
            .order_by(contact_attempts.c.at)
        )
        return [_history_event(row._mapping) for row in self._connection.execute(query)]

    def sample_account(self, locale_prefix: str) -> str | None:
        """An account of a debtor with the given locale and a usable phone of their own."""
        query = (
            select(accounts.c.account_id)
            .join(debtors, debtors.c.debtor_id == accounts.c.debtor_id)
            .join(contact_points, contact_points.c.debtor_id == debtors.c.debtor_id)
            .where(
                debtors.c.locale.like(f"{locale_prefix}%"),
                contact_points.c.role == ContactRole.SELF.value,
                contact_points.c.kind == ContactKind.PHONE.value,
                contact_points.c.valid.is_(True),
                contact_points.c.consent.is_(True),
            )
            .order_by(accounts.c.account_id)
            .limit(1)
        )
        found = self._connection.execute(query).scalar_one_or_none()
        return None if found is None else str(found)


def channels_opted_out(stored: str | None) -> frozenset[Channel]:
    """The stored opt-outs as channels: "call" is both kinds of call, "all" every channel."""
    names = opt_outs(stored)
    if "all" in names:
        return frozenset(Channel)
    chosen = {channel for channel in Channel if channel.value in names}
    if "call" in names:
        chosen |= {Channel.ROBOT_CALL, Channel.AGENT_CALL}
    return frozenset(chosen)


def _contact_point(row: Any) -> ContactPoint:
    return ContactPoint(
        contact_id=row["contact_id"],
        debtor_id=row["debtor_id"],
        kind=ContactKind(row["kind"]),
        value=row["value"],
        role=ContactRole(row["role"]),
        timezone=row["timezone"],
        valid=bool(row["valid"]),
        consent=bool(row["consent"]),
        opted_out=channels_opted_out(row["opted_out"]),
    )


def _history_event(row: Any) -> ContactEvent:
    values = dict(row)
    values["contact_role"] = values["contact_role"] or values["stored_role"]
    values["debt_ids"] = json.loads(values["debt_ids"] or "[]")
    return event_from_row(values)
