"""Reads and writes of the agent workbench: the day's human-channel plan items of an agent's
cases, everything a case page shows (debtor, accounts, the rows its timeline is made of), and the
two rows only agents write (case notes, and outbound messages with their author).

Rows come back as plain mappings with stored times (naive UTC); the service layer shapes them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, case, exists, func, insert, select

from huankuan.adapters.storage.repositories import to_db_time
from huankuan.adapters.storage.tables import (
    account_states,
    accounts,
    action_plan,
    audit_log,
    case_notes,
    cases,
    complaints,
    contact_attempts,
    contact_points,
    conversations,
    cycle_runs,
    debtors,
    disputes,
    handoffs,
    holds,
    outbound_messages,
    payments,
    plan_instalments,
    promises,
    repayment_plans,
)
from huankuan.domain.errors import NotFound

Row = dict[str, Any]
# Enough history for a case page; older rows stay in the database and the audit log.
TIMELINE_LIMIT = 200


def _rows(result: Iterable[Any]) -> list[Row]:
    return [dict(row._mapping) for row in result]


class SqlWorkbenchStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _one(self, query: Select[Any], missing: str) -> Row:
        """The one row the query finds; NotFound(`missing`) when there is none."""
        found = self._connection.execute(query).one_or_none()
        if found is None:
            raise NotFound(missing)
        return dict(found._mapping)

    # -- the queue ------------------------------------------------------------------------------
    def latest_business_date(self) -> date | None:
        """The business date of the latest completed daily cycle (None: no cycle yet)."""
        found = self._connection.execute(
            select(func.max(cycle_runs.c.business_date)).where(cycle_runs.c.status == "completed")
        ).scalar_one_or_none()
        if isinstance(found, str):  # SQLite may hand back the ISO text of an aggregate
            return date.fromisoformat(found)
        return found

    def queue_rows(self, business_date: date, username: str, channels: Sequence[str]) -> list[Row]:
        """The day's plan items on `channels` for the cases assigned to `username` that nobody
        has worked yet (no allowed contact attempt carries their action id), most urgent
        first (a lower priority number is more urgent), then by scheduled time."""
        done = exists().where(
            contact_attempts.c.action_id == action_plan.c.action_id,
            contact_attempts.c.decision == "allow",
        )
        query = (
            select(
                action_plan,
                cases.c.case_id,
                debtors.c.name.label("debtor_name"),
                debtors.c.jurisdiction,
            )
            .join(cases, cases.c.debtor_id == action_plan.c.debtor_id)
            .join(debtors, debtors.c.debtor_id == action_plan.c.debtor_id)
            .where(
                action_plan.c.business_date == business_date,
                action_plan.c.channel.in_(list(channels)),
                cases.c.assigned_to == username,
                ~done,
            )
            .order_by(action_plan.c.priority, action_plan.c.scheduled_at, action_plan.c.action_id)
        )
        return _rows(self._connection.execute(query))

    def open_handoffs(self, username: str) -> list[Row]:
        """Unresolved hand-offs (the robot's, the safety protocol's) on the user's cases,
        urgent ones first, then the oldest."""
        urgent_first = case((handoffs.c.priority == "urgent", 0), else_=1)
        query = (
            select(handoffs, debtors.c.name.label("debtor_name"))
            .join(cases, cases.c.case_id == handoffs.c.case_id)
            .join(debtors, debtors.c.debtor_id == cases.c.debtor_id)
            .where(cases.c.assigned_to == username, handoffs.c.resolved_at.is_(None))
            .order_by(urgent_first, handoffs.c.created_at, handoffs.c.handoff_id)
        )
        return _rows(self._connection.execute(query))

    def plan_item(self, action_id: str) -> Row | None:
        found = self._connection.execute(
            select(action_plan).where(action_plan.c.action_id == action_id)
        ).one_or_none()
        return None if found is None else dict(found._mapping)

    # -- cases ----------------------------------------------------------------------------------
    def case(self, case_id: str) -> Row:
        return self._one(select(cases).where(cases.c.case_id == case_id), f"no case {case_id!r}")

    def case_of_account(self, account_id: str) -> Row:
        """The case of the account's debtor (NotFound: no such account, or no case for it)."""
        query = (
            select(cases)
            .join(accounts, accounts.c.debtor_id == cases.c.debtor_id)
            .where(accounts.c.account_id == account_id)
        )
        return self._one(query, f"no account {account_id!r}")

    def cases(self, assigned_to: str | None, limit: int, offset: int) -> list[Row]:
        """Cases with their debtor and how many accounts they hold, by case id; `assigned_to`
        None: every case."""
        count = (
            select(func.count())
            .where(accounts.c.debtor_id == cases.c.debtor_id)
            .scalar_subquery()
            .label("account_count")
        )
        query = (
            select(cases, debtors.c.name.label("debtor_name"), debtors.c.jurisdiction, count)
            .join(debtors, debtors.c.debtor_id == cases.c.debtor_id)
            .order_by(cases.c.case_id)
            .limit(limit)
            .offset(offset)
        )
        if assigned_to is not None:
            query = query.where(cases.c.assigned_to == assigned_to)
        return _rows(self._connection.execute(query))

    # -- the debtor and the accounts ------------------------------------------------------------
    def debtor(self, debtor_id: str) -> Row:
        query = select(debtors).where(debtors.c.debtor_id == debtor_id)
        return self._one(query, f"no debtor {debtor_id!r}")

    def contact_points(self, debtor_id: str) -> list[Row]:
        query = (
            select(contact_points)
            .where(contact_points.c.debtor_id == debtor_id)
            .order_by(contact_points.c.contact_id)
        )
        return _rows(self._connection.execute(query))

    def accounts(self, debtor_id: str) -> list[Row]:
        """Each account with its latest cycle state (the `state_*` columns are null before the
        first cycle: the imported balances are then the balance)."""
        state = account_states.c
        query = (
            select(
                accounts,
                state.business_date.label("state_business_date"),
                state.days_past_due,
                state.bucket,
                state.segment,
                state.oldest_unpaid_due_on,
                state.principal_minor.label("state_principal_minor"),
                state.interest_minor.label("state_interest_minor"),
                state.penalty_minor.label("state_penalty_minor"),
                state.fees_minor.label("state_fees_minor"),
            )
            .outerjoin(account_states, state.account_id == accounts.c.account_id)
            .where(accounts.c.debtor_id == debtor_id)
            .order_by(accounts.c.account_id)
        )
        return _rows(self._connection.execute(query))

    # -- what the timeline is made of -----------------------------------------------------------
    def attempts(self, debtor_id: str) -> list[Row]:
        query = (
            select(contact_attempts)
            .where(contact_attempts.c.debtor_id == debtor_id)
            .order_by(contact_attempts.c.at.desc(), contact_attempts.c.attempt_id)
            .limit(TIMELINE_LIMIT)
        )
        return _rows(self._connection.execute(query))

    def payments(self, account_ids: Sequence[str]) -> list[Row]:
        return self._by_accounts(payments, payments.c.received_at, account_ids)

    def promises(self, account_ids: Sequence[str]) -> list[Row]:
        return self._by_accounts(promises, promises.c.promised_on, account_ids)

    def disputes(self, account_ids: Sequence[str]) -> list[Row]:
        return self._by_accounts(disputes, disputes.c.opened_at, account_ids)

    def plans(self, account_ids: Sequence[str]) -> list[Row]:
        """Plans with their instalment count and total (down payment plus instalments)."""
        counted = (
            select(
                plan_instalments.c.plan_id,
                func.count().label("instalment_count"),
                func.sum(plan_instalments.c.amount_minor).label("instalments_minor"),
            )
            .group_by(plan_instalments.c.plan_id)
            .subquery()
        )
        query = (
            select(repayment_plans, counted.c.instalment_count, counted.c.instalments_minor)
            .outerjoin(counted, counted.c.plan_id == repayment_plans.c.plan_id)
            .where(repayment_plans.c.account_id.in_(list(account_ids)))
            .order_by(repayment_plans.c.created_at.desc())
            .limit(TIMELINE_LIMIT)
        )
        return _rows(self._connection.execute(query))

    def complaints(self, debtor_id: str) -> list[Row]:
        return self._by_debtor(complaints, complaints.c.opened_at, debtor_id)

    def holds(self, debtor_id: str) -> list[Row]:
        return self._by_debtor(holds, holds.c.starts_at, debtor_id)

    def messages(self, debtor_id: str) -> list[Row]:
        return self._by_debtor(outbound_messages, outbound_messages.c.created_at, debtor_id)

    def recorded_at(self, action: str, entity_ids: Sequence[str], key: str) -> dict[str, datetime]:
        """When each record was made, from the audit log (rows that keep only a date, such as
        promises, get their instant from here): `details[key]` → the audit row's time."""
        query = select(audit_log.c.at, audit_log.c.details).where(
            audit_log.c.action == action, audit_log.c.entity_id.in_(list(entity_ids))
        )
        found: dict[str, datetime] = {}
        for at, details in self._connection.execute(query):
            record_id = json.loads(details).get(key)
            if isinstance(record_id, str):
                found[record_id] = at
        return found

    def conversation_ids(self, debtor_id: str) -> list[str]:
        query = (
            select(conversations.c.conversation_id)
            .where(conversations.c.debtor_id == debtor_id)
            .order_by(conversations.c.created_at.desc())
            .limit(TIMELINE_LIMIT)
        )
        return [str(value) for value in self._connection.execute(query).scalars()]

    def notes(self, case_id: str) -> list[Row]:
        query = (
            select(case_notes)
            .where(case_notes.c.case_id == case_id)
            .order_by(case_notes.c.created_at.desc())
            .limit(TIMELINE_LIMIT)
        )
        return _rows(self._connection.execute(query))

    def _by_accounts(self, table: Any, order: Any, account_ids: Sequence[str]) -> list[Row]:
        query = (
            select(table)
            .where(table.c.account_id.in_(list(account_ids)))
            .order_by(order.desc())
            .limit(TIMELINE_LIMIT)
        )
        return _rows(self._connection.execute(query))

    def _by_debtor(self, table: Any, order: Any, debtor_id: str) -> list[Row]:
        query = (
            select(table)
            .where(table.c.debtor_id == debtor_id)
            .order_by(order.desc())
            .limit(TIMELINE_LIMIT)
        )
        return _rows(self._connection.execute(query))

    # -- writes ---------------------------------------------------------------------------------
    def add_note(
        self, *, note_id: str, case_id: str, author: str, body: str, created_at: datetime
    ) -> None:
        self._connection.execute(
            insert(case_notes).values(
                note_id=note_id,
                case_id=case_id,
                author=author,
                body=body,
                created_at=to_db_time(created_at),
            )
        )
