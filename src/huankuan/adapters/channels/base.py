"""The channel port: the small base class every channel adapter (sms/, email/, voice/, chat/,
letter/) extends.

`ChannelAdapter.send` is the only way out, and it refuses — `ComplianceViolation` — any message
without a stored gate decision that approves exactly that action: the same action id, channel
and contact point, decision "allow". The decision is looked up in the store the adapter was
given (the `gate_decisions` table in production), never taken from the caller, so no code path
can send around the gate. Subclasses implement `_deliver` only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Protocol

from huankuan.domain.errors import ComplianceViolation
from huankuan.domain.model import Channel


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One planned action, rendered and screened, ready for its channel."""

    action_id: str
    channel: Channel
    contact_id: str
    address: str  # the phone number, email address or postal address
    text: str
    subject: str | None = None
    template: str = ""
    lang: str = "zh"


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """What the adapter checks of a stored gate decision."""

    decision_id: str
    action_id: str
    decision: str  # "allow" | "block"
    channel: str
    contact_id: str | None


class DecisionLookup(Protocol):
    def decision_for(self, action_id: str) -> StoredDecision | None:
        """The latest stored gate decision on a real attempt of this action, if any."""
        ...


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a channel reports back: enough for the history the gate counts."""

    provider_id: str
    outcome: str  # sent, delivered, rang_out, answered, busy, opened…
    connected: bool  # False: the contact did not connect (busy, not in service, bounced)
    conversation: bool = False  # someone spoke with the person


class ChannelAdapter(ABC):
    channels: ClassVar[frozenset[Channel]]

    def __init__(self, decisions: DecisionLookup) -> None:
        self._decisions = decisions

    def send(self, message: OutboundMessage) -> Delivery:
        if message.channel not in self.channels:
            raise ValueError(f"{type(self).__name__} does not send {message.channel.value}")
        self.check_approved(message)
        return self._deliver(message)

    def check_approved(self, message: OutboundMessage) -> StoredDecision:
        decision = self._decisions.decision_for(message.action_id)
        if decision is None:
            raise ComplianceViolation(f"{message.action_id}: no stored gate decision; not sent")
        if decision.decision != "allow":
            raise ComplianceViolation(
                f"{message.action_id}: the stored gate decision {decision.decision_id} blocks it"
            )
        same = (decision.action_id, decision.channel, decision.contact_id) == (
            message.action_id,
            message.channel.value,
            message.contact_id,
        )
        if not same:
            raise ComplianceViolation(
                f"{message.action_id}: gate decision {decision.decision_id} approved "
                f"{decision.channel} to {decision.contact_id}, not this message"
            )
        return decision

    @abstractmethod
    def _deliver(self, message: OutboundMessage) -> Delivery: ...


class InMemoryOutbox:
    """The fakes' outbox: what was sent, in order (tests and the demo read it)."""

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    def add(self, message: OutboundMessage) -> int:
        self.sent.append(message)
        return len(self.sent)
