"""The fake SMS gateway: every message is accepted and kept in memory."""

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


class FakeSmsChannel(ChannelAdapter):
    channels: ClassVar[frozenset[Channel]] = frozenset({Channel.SMS})

    def __init__(self, decisions: DecisionLookup) -> None:
        super().__init__(decisions)
        self.outbox = InMemoryOutbox()

    def _deliver(self, message: OutboundMessage) -> Delivery:
        number = self.outbox.add(message)
        return Delivery(f"fake-sms-{number}", "sent", connected=True)
