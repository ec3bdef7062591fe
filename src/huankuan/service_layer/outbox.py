"""An outbound text as `outbound_messages` keeps it and as its channel adapter receives it: the
same for an agent's message, a portal invite and the robot's recap."""

from __future__ import annotations

from dataclasses import dataclass

from huankuan.adapters.channels.base import OutboundMessage
from huankuan.domain.casework import MessageStatus, QueuedMessage
from huankuan.service_layer.robot_gate import GateCheck
from huankuan.service_layer.workbench_gate import Contact


@dataclass(frozen=True, slots=True)
class Draft:
    """A message ready to screen and send. `kept` is the text screened and kept in
    `outbound_messages` when it must differ from what is sent: a portal link's token is sent to
    the debtor, never stored (the kept text has the address without it)."""

    template: str
    lang: str
    text: str
    subject: str | None
    kept: str | None = None

    @property
    def screened_text(self) -> str:
        return self.text if self.kept is None else self.kept

    @property
    def stored_text(self) -> str:
        body = self.screened_text
        return body if self.subject is None else f"{self.subject}\n\n{body}"


def queued_message(
    contact: Contact,
    draft: Draft,
    status: MessageStatus,
    *,
    created_by: str,
    verdict: str,
    categories: tuple[str, ...] = (),
    check: GateCheck | None = None,
    conversation_id: str | None = None,
) -> QueuedMessage:
    """The message to keep: the content guard's `verdict` (with its `categories`) and, once
    the gate has been asked, its decision."""
    return QueuedMessage(
        message_id=contact.action_id,
        account_id=contact.facts.account_id,
        debtor_id=contact.facts.debtor_id,
        channel=contact.channel.value,
        lang=draft.lang,
        template=draft.template,
        text=draft.stored_text,
        content_verdict=verdict,
        created_at=contact.at,
        status=status,
        content_categories=categories,
        contact_id=contact.point.contact_id,
        conversation_id=conversation_id,
        decision_id=None if check is None else check.decision_id,
        next_allowed_at=None if check is None else check.decision.next_allowed_at,
        created_by=created_by,
    )


def outbound_message(contact: Contact, draft: Draft) -> OutboundMessage:
    """What the channel adapter sends: the text with anything kept back from storage."""
    return OutboundMessage(
        action_id=contact.action_id,
        channel=contact.channel,
        contact_id=contact.point.contact_id,
        address=contact.point.value,
        text=draft.text,
        subject=draft.subject,
        template=draft.template,
        lang=draft.lang,
    )
