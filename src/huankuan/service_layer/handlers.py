"""Command handlers: one small function per command; each audits what it changed."""

from __future__ import annotations

import uuid

from huankuan.domain import commands
from huankuan.domain.casework import Callback, Handoff, HandoffPriority
from huankuan.domain.model import (
    Complaint,
    Dispute,
    Hold,
    Instalment,
    PromiseToPay,
    RepaymentPlan,
)
from huankuan.domain.money import Money
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


def record_promise(cmd: commands.RecordPromise, *, uow: SqlUnitOfWork, currency: str) -> str:
    promise = PromiseToPay(
        promise_id=f"PTP-{uuid.uuid4().hex[:12]}",
        account_id=cmd.account_id,
        amount=Money(cmd.amount_minor, currency),
        promised_on=cmd.promised_on,
        due_on=cmd.due_on,
    )
    with uow:
        uow.promises.add(promise)
        uow.audit.record(
            actor=cmd.actor,
            action="promise.recorded",
            entity_type="account",
            entity_id=cmd.account_id,
            details={
                "promise_id": promise.promise_id,
                "amount_minor": cmd.amount_minor,
                "currency": currency,
                "due_on": cmd.due_on.isoformat(),
            },
        )
        uow.commit()
    return promise.promise_id


def place_hold(cmd: commands.PlaceHold, *, uow: SqlUnitOfWork) -> str:
    hold = Hold(
        hold_id=f"H-{uuid.uuid4().hex[:12]}",
        debtor_id=cmd.debtor_id,
        hold_type=cmd.hold_type,
        starts_at=cmd.starts_at,
        reason=cmd.reason,
        ends_at=cmd.ends_at,
        account_id=cmd.account_id,
    )
    with uow:
        uow.holds.add(hold)
        uow.audit.record(
            actor=cmd.actor,
            action="hold.placed",
            entity_type="debtor",
            entity_id=cmd.debtor_id,
            details={"hold_id": hold.hold_id, "type": cmd.hold_type.value, "reason": cmd.reason},
        )
        uow.commit()
    return hold.hold_id


def lift_hold(cmd: commands.LiftHold, *, uow: SqlUnitOfWork) -> None:
    with uow:
        hold = uow.holds.get(cmd.hold_id)
        uow.holds.end(cmd.hold_id, cmd.at)
        uow.audit.record(
            actor=cmd.actor,
            action="hold.lifted",
            entity_type="debtor",
            entity_id=hold.debtor_id,
            details={"hold_id": cmd.hold_id},
        )
        uow.commit()


def record_plan(cmd: commands.RecordPlan, *, uow: SqlUnitOfWork) -> str:
    """A repayment plan: the down payment, the instalments and any discount, as agreed."""
    plan = RepaymentPlan(
        plan_id=f"PLAN-{uuid.uuid4().hex[:12]}",
        account_id=cmd.account_id,
        down_payment=Money(cmd.down_payment_minor, cmd.currency),
        instalments=[Instalment(day, Money(minor, cmd.currency)) for day, minor in cmd.instalments],
        discount=Money(cmd.discount_minor, cmd.currency),
    )
    with uow:
        uow.plans.add(
            plan,
            kind=cmd.kind,
            down_payment_due_on=cmd.down_payment_due_on,
            agreed_on=cmd.agreed_on,
            created_at=uow.clock.now(),
        )
        uow.audit.record(
            actor=cmd.actor,
            action="plan.recorded",
            entity_type="account",
            entity_id=cmd.account_id,
            details={
                "plan_id": plan.plan_id,
                "kind": cmd.kind,
                "down_payment_minor": cmd.down_payment_minor,
                "instalments": len(cmd.instalments),
                "total_minor": plan.total.minor,
                "discount_minor": cmd.discount_minor,
                "currency": cmd.currency,
            },
        )
        uow.commit()
    return plan.plan_id


def open_dispute(cmd: commands.OpenDispute, *, uow: SqlUnitOfWork) -> str:
    dispute = Dispute(
        dispute_id=f"DSP-{uuid.uuid4().hex[:12]}",
        account_id=cmd.account_id,
        opened_at=uow.clock.now(),
        reason=cmd.reason,
        written=cmd.written,
    )
    with uow:
        uow.disputes.add(dispute)
        uow.audit.record(
            actor=cmd.actor,
            action="dispute.opened",
            entity_type="account",
            entity_id=cmd.account_id,
            details={"dispute_id": dispute.dispute_id, "written": cmd.written},
        )
        uow.commit()
    return dispute.dispute_id


def open_complaint(cmd: commands.OpenComplaint, *, uow: SqlUnitOfWork) -> str:
    complaint = Complaint(
        complaint_id=f"CMP-{uuid.uuid4().hex[:12]}",
        debtor_id=cmd.debtor_id,
        opened_at=uow.clock.now(),
        channel=cmd.channel,
        summary=cmd.summary,
    )
    with uow:
        uow.complaints.add(complaint)
        uow.audit.record(
            actor=cmd.actor,
            action="complaint.opened",
            entity_type="debtor",
            entity_id=cmd.debtor_id,
            details={"complaint_id": complaint.complaint_id, "channel": cmd.channel},
        )
        uow.commit()
    return complaint.complaint_id


def hand_off(cmd: commands.HandOff, *, uow: SqlUnitOfWork) -> str:
    """Queue the debtor's case for a human (opening the case if it has none yet)."""
    priority = HandoffPriority(cmd.priority)
    with uow:
        handoff = Handoff(
            handoff_id=f"HO-{uuid.uuid4().hex[:12]}",
            case_id=uow.cases.case_of(cmd.debtor_id),
            reason=cmd.reason,
            priority=priority,
            created_at=uow.clock.now(),
            account_id=cmd.account_id,
            conversation_id=cmd.conversation_id,
            details=cmd.details,
        )
        uow.handoffs.add(handoff)
        uow.audit.record(
            actor=cmd.actor,
            action="case.handed_off",
            entity_type="case",
            entity_id=handoff.case_id,
            details={
                "handoff_id": handoff.handoff_id,
                "priority": priority.value,
                "reason": cmd.reason,
                "conversation_id": cmd.conversation_id,
            },
        )
        uow.commit()
    return handoff.handoff_id


def schedule_callback(cmd: commands.ScheduleCallback, *, uow: SqlUnitOfWork) -> str:
    callback = Callback(
        callback_id=f"CB-{uuid.uuid4().hex[:12]}",
        account_id=cmd.account_id,
        debtor_id=cmd.debtor_id,
        channel=cmd.channel,
        created_at=uow.clock.now(),
        contact_id=cmd.contact_id,
        conversation_id=cmd.conversation_id,
        requested_date=cmd.requested_date,
        requested_time=cmd.requested_time,
        scheduled_at=cmd.scheduled_at,
        status="scheduled" if cmd.scheduled_at is not None else "unschedulable",
    )
    with uow:
        uow.callbacks.add(callback)
        uow.audit.record(
            actor=cmd.actor,
            action="callback.scheduled",
            entity_type="account",
            entity_id=cmd.account_id,
            details={
                "callback_id": callback.callback_id,
                "scheduled_at": cmd.scheduled_at.isoformat() if cmd.scheduled_at else None,
            },
        )
        uow.commit()
    return callback.callback_id


def mark_contact_invalid(cmd: commands.MarkContactInvalid, *, uow: SqlUnitOfWork) -> None:
    with uow:
        debtor_id = uow.contact_points.mark_invalid(cmd.contact_id, cmd.reason)
        uow.audit.record(
            actor=cmd.actor,
            action="contact_point.invalidated",
            entity_type="debtor",
            entity_id=debtor_id,
            details={"contact_id": cmd.contact_id, "reason": cmd.reason},
        )
        uow.commit()
