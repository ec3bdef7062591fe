"""The fake email provider: every message is accepted and kept in memory."""

from __future__ import annotations

from typing import ClassVar

from huankuan.adapters.channels.base import (
    ChannelAdapter,
    DecisionLookup,
    Delivery,
    InMemoryOutbox,
    OutboundMessage,
)
from huankuan.domain.model import Channel


class FakeEmailChannel(ChannelAdapter):
    channels: ClassVar[frozenset[Channel]] = frozenset({Channel.EMAIL})

    def __init__(self, decisions: DecisionLookup) -> None:
        super().__init__(decisions)
        self.outbox = InMemoryOutbox()

    def _deliver(self, message: OutboundMessage) -> Delivery:
        if message.subject is None:
            raise ValueError(f"{message.action_id}: an email needs a subject")
        number = self.outbox.add(message)
        return Delivery(f"fake-email-{number}", "sent", connected=True)
