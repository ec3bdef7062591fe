"""The fake dialer: calls are recorded, and each gets the next scripted outcome."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import ClassVar

from huankuan.adapters.channels.base import (
    ChannelAdapter,
    DecisionLookup,
    Delivery,
    InMemoryOutbox,
    OutboundMessage,
)
from huankuan.domain.model import Channel

# outcome → (connected, conversation), as the gate counts them
OUTCOMES: dict[str, tuple[bool, bool]] = {
    "rang_out": (True, False),  # rang or reached voicemail: a placed, connected call
    "answered": (True, True),  # a telephone conversation
    "busy": (False, False),
    "not_in_service": (False, False),
}


class FakeVoiceChannel(ChannelAdapter):
    channels: ClassVar[frozenset[Channel]] = frozenset({Channel.ROBOT_CALL, Channel.AGENT_CALL})

    def __init__(self, decisions: DecisionLookup, outcomes: Iterable[str] = ()) -> None:
        super().__init__(decisions)
        self.outbox = InMemoryOutbox()
        self._script = deque(outcomes)
        unknown = sorted(set(self._script) - set(OUTCOMES))
        if unknown:
            raise ValueError(f"unknown call outcome(s) {unknown}")

    def _deliver(self, message: OutboundMessage) -> Delivery:
        number = self.outbox.add(message)
        outcome = self._script.popleft() if self._script else "rang_out"
        connected, conversation = OUTCOMES[outcome]
        return Delivery(f"fake-call-{number}", outcome, connected, conversation)
