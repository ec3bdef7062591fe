"""Repositories of the case work a conversation records: cases, hand-offs, callbacks, outbound
messages, repayment plans, disputes, complaints, and contact points marked invalid."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from huankuan.adapters.storage.gate_store import record_attempt
from huankuan.adapters.storage.repositories import from_db_time, to_db_time
from huankuan.adapters.storage.tables import (
    callbacks,
    cases,
    complaints,
    contact_attempts,
    contact_points,
    disputes,
    handoffs,
    outbound_messages,
    plan_instalments,
    repayment_plans,
)
from huankuan.domain.casework import Callback, Handoff, HandoffPriority, QueuedMessage
from huankuan.domain.errors import NotFound
from huankuan.domain.model import Complaint, Dispute, RepaymentPlan


def _naive(moment: datetime | None) -> datetime | None:
    return None if moment is None else to_db_time(moment)


class CaseRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def case_of(self, debtor_id: str) -> str:
        """The debtor's case id, opening the case when the debtor has none yet."""
        found = self._connection.execute(
            select(cases.c.case_id).where(cases.c.debtor_id == debtor_id)
        ).scalar_one_or_none()
        if found is not None:
            return str(found)
        case_id = f"CASE-{debtor_id}"
        self._connection.execute(insert(cases).values(case_id=case_id, debtor_id=debtor_id))
        return case_id

    def assignee(self, debtor_id: str) -> str | None:
        """Who the debtor's case is assigned to (None: nobody, or no case yet)."""
        found = self._connection.execute(
            select(cases.c.assigned_to).where(cases.c.debtor_id == debtor_id)
        ).scalar_one_or_none()
        return None if found is None else str(found)


class ContactAttemptRepository:
    """Contact attempts (what the gate counts); rows are written by `gate_store.record_attempt`."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, **values: Any) -> None:
        record_attempt(self._connection, **values)

    def note(self, attempt_id: str, *, conversation: bool, outcome: str | None) -> None:
        """Someone spoke (a conversation took place) and what came of it so far."""
        self._connection.execute(
            update(contact_attempts)
            .where(contact_attempts.c.attempt_id == attempt_id)
            .values(conversation=conversation, outcome=outcome)
        )


class HandoffRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, handoff: Handoff) -> None:
        self._connection.execute(
            insert(handoffs).values(
                handoff_id=handoff.handoff_id,
                case_id=handoff.case_id,
                account_id=handoff.account_id,
                conversation_id=handoff.conversation_id,
                reason=handoff.reason,
                priority=handoff.priority.value,
                details=handoff.details,
                created_at=to_db_time(handoff.created_at),
                resolved_at=_naive(handoff.resolved_at),
            )
        )

    def for_case(self, case_id: str) -> list[Handoff]:
        rows = self._connection.execute(
            select(handoffs).where(handoffs.c.case_id == case_id).order_by(handoffs.c.created_at)
        )
        return [_handoff(row._mapping) for row in rows]

    def exists(self, conversation_id: str, reason: str) -> bool:
        found = self._connection.execute(
            select(handoffs.c.handoff_id).where(
                handoffs.c.conversation_id == conversation_id, handoffs.c.reason == reason
            )
        ).first()
        return found is not None


def _handoff(row: Any) -> Handoff:
    return Handoff(
        handoff_id=row["handoff_id"],
        case_id=row["case_id"],
        reason=row["reason"],
        priority=HandoffPriority(row["priority"]),
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        account_id=row["account_id"],
        conversation_id=row["conversation_id"],
        details=row["details"],
        resolved_at=from_db_time(row["resolved_at"]),
    )


class CallbackRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, callback: Callback) -> None:
        self._connection.execute(
            insert(callbacks).values(
                callback_id=callback.callback_id,
                account_id=callback.account_id,
                debtor_id=callback.debtor_id,
                contact_id=callback.contact_id,
                conversation_id=callback.conversation_id,
                channel=callback.channel,
                requested_date=callback.requested_date,
                requested_time=callback.requested_time,
                scheduled_at=_naive(callback.scheduled_at),
                status=callback.status,
                created_at=to_db_time(callback.created_at),
            )
        )


class OutboxRepository:
    """Outbound messages: queued, sent, deferred or blocked, with verdict and gate decision."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, message: QueuedMessage) -> None:
        self._connection.execute(
            insert(outbound_messages).values(
                message_id=message.message_id,
                account_id=message.account_id,
                debtor_id=message.debtor_id,
                contact_id=message.contact_id,
                conversation_id=message.conversation_id,
                channel=message.channel,
                lang=message.lang,
                template=message.template,
                text=message.text,
                content_verdict=message.content_verdict,
                content_categories=json.dumps(list(message.content_categories)),
                decision_id=message.decision_id,
                status=message.status.value,
                next_allowed_at=_naive(message.next_allowed_at),
                provider_id=message.provider_id,
                created_at=to_db_time(message.created_at),
                sent_at=_naive(message.sent_at),
                created_by=message.created_by,
            )
        )

    def mark_sent(self, message_id: str, provider_id: str, at: datetime) -> None:
        self._connection.execute(
            update(outbound_messages)
            .where(outbound_messages.c.message_id == message_id)
            .values(status="sent", provider_id=provider_id, sent_at=to_db_time(at))
        )


class PlanRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self,
        plan: RepaymentPlan,
        *,
        kind: str,
        down_payment_due_on: date | None,
        agreed_on: date | None,
        created_at: datetime,
    ) -> None:
        self._connection.execute(
            insert(repayment_plans).values(
                plan_id=plan.plan_id,
                account_id=plan.account_id,
                currency=plan.down_payment.currency,
                down_payment_minor=plan.down_payment.minor,
                discount_minor=plan.discount.minor,
                status="active",
                created_at=to_db_time(created_at),
                kind=kind,
                down_payment_due_on=down_payment_due_on,
                agreed_on=agreed_on,
            )
        )
        rows = [
            {
                "plan_id": plan.plan_id,
                "seq": seq,
                "due_on": item.due_on,
                "amount_minor": item.amount.minor,
            }
            for seq, item in enumerate(plan.instalments, start=1)
        ]
        if rows:
            self._connection.execute(insert(plan_instalments), rows)


class DisputeRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, dispute: Dispute) -> None:
        self._connection.execute(
            insert(disputes).values(
                dispute_id=dispute.dispute_id,
                account_id=dispute.account_id,
                opened_at=to_db_time(dispute.opened_at),
                reason=dispute.reason,
                written=dispute.written,
                verified_at=_naive(dispute.verified_at),
            )
        )


class ComplaintRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, complaint: Complaint) -> None:
        self._connection.execute(
            insert(complaints).values(
                complaint_id=complaint.complaint_id,
                debtor_id=complaint.debtor_id,
                opened_at=to_db_time(complaint.opened_at),
                channel=complaint.channel,
                summary=complaint.summary,
                resolved_at=_naive(complaint.resolved_at),
            )
        )


class ContactPointRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def mark_invalid(self, contact_id: str, reason: str) -> str:
        """Mark the contact point invalid for collection; returns its debtor id."""
        debtor_id = self._connection.execute(
            select(contact_points.c.debtor_id).where(contact_points.c.contact_id == contact_id)
        ).scalar_one_or_none()
        if debtor_id is None:
            raise NotFound(f"no contact point {contact_id!r}")
        self._connection.execute(
            update(contact_points)
            .where(contact_points.c.contact_id == contact_id)
            .values(valid=False, invalid_reason=reason)
        )
        return str(debtor_id)
