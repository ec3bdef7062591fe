"""Command handlers: one small function per command; each audits what it changed."""

from __future__ import annotations

import uuid

from huankuan.domain import commands
from huankuan.domain.model import Hold, PromiseToPay
from huankuan.domain.money import Money
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


def record_promise(cmd: commands.RecordPromise, *, uow: SqlUnitOfWork, currency: str) -> str:
    promise = PromiseToPay(
        promise_id=f"PTP-{uuid.uuid4().hex[:12]}", account_id=cmd.account_id,
        amount=Money(cmd.amount_minor, currency), promised_on=cmd.promised_on, due_on=cmd.due_on,
    )
    with uow:
        uow.promises.add(promise)
        uow.audit.record(actor=cmd.actor, action="promise.recorded", entity_type="account",
                         entity_id=cmd.account_id,
                         details={"promise_id": promise.promise_id, "amount_minor": cmd.amount_minor,
                                  "currency": currency, "due_on": cmd.due_on.isoformat()})
        uow.commit()
    return promise.promise_id


def place_hold(cmd: commands.PlaceHold, *, uow: SqlUnitOfWork) -> str:
    hold = Hold(
        hold_id=f"H-{uuid.uuid4().hex[:12]}", debtor_id=cmd.debtor_id, hold_type=cmd.hold_type,
        starts_at=cmd.starts_at, reason=cmd.reason, ends_at=cmd.ends_at, account_id=cmd.account_id,
    )
    with uow:
        uow.holds.add(hold)
        uow.audit.record(actor=cmd.actor, action="hold.placed", entity_type="debtor",
                         entity_id=cmd.debtor_id,
                         details={"hold_id": hold.hold_id, "type": cmd.hold_type.value,
                                  "reason": cmd.reason})
        uow.commit()
    return hold.hold_id


def lift_hold(cmd: commands.LiftHold, *, uow: SqlUnitOfWork) -> None:
    with uow:
        hold = uow.holds.get(cmd.hold_id)
        uow.holds.end(cmd.hold_id, cmd.at)
        uow.audit.record(actor=cmd.actor, action="hold.lifted", entity_type="debtor",
                         entity_id=hold.debtor_id, details={"hold_id": cmd.hold_id})
        uow.commit()
