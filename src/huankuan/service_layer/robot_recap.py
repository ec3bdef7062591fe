"""The recap of an agreement, sent by SMS: screened by the content guard in the conversation,
decided by the gate here (the decision stored as proof), queued in `outbound_messages`, and
sent through the SMS channel port when one is wired; the channel checks the stored decision
again before anything leaves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from huankuan.adapters.channels.base import OutboundMessage
from huankuan.domain.casework import MessageStatus, QueuedMessage
from huankuan.service_layer.robot import ChannelFactory
from huankuan.service_layer.robot_gate import (
    ContactRequest,
    GateCheck,
    check_contact,
    record_contact,
)
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


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
    message = QueuedMessage(
        message_id=request.action_id,
        account_id=request.facts.account_id,
        debtor_id=request.facts.debtor_id,
        channel=request.channel.value,
        lang=recap.lang,
        template=recap.template,
        text=recap.text,
        content_verdict=recap.verdict,
        created_at=request.at,
        status=_status(check, recap),
        content_categories=recap.categories,
        contact_id=request.contact.contact_id,
        conversation_id=recap.conversation_id,
        decision_id=check.decision_id,
        next_allowed_at=check.decision.next_allowed_at,
        created_by="robot",
    )
    uow.outbox.add(message)
    _audit(uow, message, "message.queued")
    if message.status is MessageStatus.BLOCKED and not check.decision.allowed:
        record_contact(uow, request, check, f"ATT-{uuid.uuid4().hex[:12]}")
    if message.status is MessageStatus.QUEUED and channel is not None:
        _send(uow, request, check, message, channel)
    return message


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
) -> None:
    adapter = channel(uow.gate_decisions)
    delivery = adapter.send(
        OutboundMessage(
            action_id=message.message_id,
            channel=request.channel,
            contact_id=request.contact.contact_id,
            address=request.contact.value,
            text=message.text,
            template=message.template,
            lang=message.lang,
        )
    )
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
