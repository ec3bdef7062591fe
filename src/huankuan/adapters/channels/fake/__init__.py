"""Every channel's fake, wired to one decision lookup: what tests, the demo and
`huankuan dispatch` send through (there are no real providers yet)."""

from __future__ import annotations

from collections.abc import Iterable

from huankuan.adapters.channels.base import ChannelAdapter, DecisionLookup
from huankuan.adapters.channels.chat import FakeChatChannel
from huankuan.adapters.channels.email import FakeEmailChannel
from huankuan.adapters.channels.letter import FakeLetterChannel
from huankuan.adapters.channels.sms import FakeSmsChannel
from huankuan.adapters.channels.voice import FakeVoiceChannel
from huankuan.domain.model import Channel

FAKE_ADAPTERS: tuple[type[ChannelAdapter], ...] = (
    FakeSmsChannel,
    FakeEmailChannel,
    FakeVoiceChannel,
    FakeChatChannel,
    FakeLetterChannel,
)


def fake_channels(
    decisions: DecisionLookup, call_outcomes: Iterable[str] = ()
) -> dict[Channel, ChannelAdapter]:
    """One fake per channel kind, by the channels each serves."""
    adapters: list[ChannelAdapter] = [
        FakeSmsChannel(decisions),
        FakeEmailChannel(decisions),
        FakeVoiceChannel(decisions, call_outcomes),
        FakeChatChannel(decisions),
        FakeLetterChannel(decisions),
    ]
    return {channel: adapter for adapter in adapters for channel in adapter.channels}
