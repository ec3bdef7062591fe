"""The recap of an agreement, sent by SMS: screened by the content guard in the conversation,
decided by the gate here (the decision stored as proof), queued in `outbound_messages`, and
sent through the SMS channel port when one is wired; the channel checks the stored decision
again before anything leaves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from huankuan.adapters.channels.base import OutboundMessage
from huankuan.domain.casework import MessageStatus, QueuedMessage
from huankuan.service_layer.outbox import Draft, outbound_message, queued_message
from huankuan.service_layer.robot import ChannelFactory
from huankuan.service_layer.robot_gate import (
    ContactRequest,
    GateCheck,
    check_contact,
    record_contact,
)
from huankuan.service_layer.unit_of_work import SqlUnitOfWork
from huankuan.service_layer.workbench_gate import Contact


@dataclass(frozen=True, slots=True)
class Recap:
    text: str
    template: str  # the response key
    lang: str
    verdict: str  # the content guard's, from the conversation
    categories: tuple[str, ...]
    conversation_id: str


def queue_recap(
    uow: SqlUnitOfWork, request: ContactRequest, recap: Recap, channel: ChannelFactory | None
) -> QueuedMessage:
    check = check_contact(uow, request)
    contact, draft = _contact_and_draft(request, recap)
    message = queued_message(
        contact,
        draft,
        _status(check, recap),
        created_by="robot",
        verdict=recap.verdict,
        categories=recap.categories,
        check=check,
        conversation_id=recap.conversation_id,
    )
    uow.outbox.add(message)
    _audit(uow, message, "message.queued")
    if message.status is MessageStatus.BLOCKED and not check.decision.allowed:
        record_contact(uow, request, check, f"ATT-{uuid.uuid4().hex[:12]}")
    if message.status is MessageStatus.QUEUED and channel is not None:
        _send(uow, request, check, message, channel, outbound_message(contact, draft))
    return message


def _contact_and_draft(request: ContactRequest, recap: Recap) -> tuple[Contact, Draft]:
    """The recap in the outbox's terms: to whom, and what."""
    contact = Contact(
        request.facts,
        request.contact,
        request.channel,
        request.action_id,
        request.at,
        recap.template,
    )
    return contact, Draft(recap.template, recap.lang, recap.text, None)


def _status(check: GateCheck, recap: Recap) -> MessageStatus:
    if recap.verdict != "ok":
        return MessageStatus.BLOCKED
    if check.decision.allowed:
        return MessageStatus.QUEUED
    waiting = check.decision.next_allowed_at is not None
    return MessageStatus.DEFERRED if waiting else MessageStatus.BLOCKED


def _send(
    uow: SqlUnitOfWork,
    request: ContactRequest,
    check: GateCheck,
    message: QueuedMessage,
    channel: ChannelFactory,
    outbound: OutboundMessage,
) -> None:
    delivery = channel(uow.gate_decisions).send(outbound)
    uow.outbox.mark_sent(message.message_id, delivery.provider_id, request.at)
    record_contact(uow, request, check, f"ATT-{uuid.uuid4().hex[:12]}")
    message.status, message.provider_id = MessageStatus.SENT, delivery.provider_id
    _audit(uow, message, "message.sent")


def _audit(uow: SqlUnitOfWork, message: QueuedMessage, action: str) -> None:
    uow.audit.record(
        actor="robot",
        action=action,
        entity_type="account",
        entity_id=message.account_id,
        details={
            "message_id": message.message_id,
            "channel": message.channel,
            "template": message.template,
            "status": message.status.value,
            "content_verdict": message.content_verdict,
            "decision_id": message.decision_id,
        },
    )
