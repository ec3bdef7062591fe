"""The fake chat push: every opening message is accepted and kept in memory."""

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


class FakeChatChannel(ChannelAdapter):
    channels: ClassVar[frozenset[Channel]] = frozenset({Channel.CHAT})

    def __init__(self, decisions: DecisionLookup) -> None:
        super().__init__(decisions)
        self.outbox = InMemoryOutbox()

    def _deliver(self, message: OutboundMessage) -> Delivery:
        number = self.outbox.add(message)
        return Delivery(f"fake-chat-{number}", "delivered", connected=True)
