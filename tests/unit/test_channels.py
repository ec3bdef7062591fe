"""Every channel adapter refuses a message without a stored gate decision approving exactly that
action, and sends (into its fake outbox) when there is one."""

from __future__ import annotations

import pytest

from huankuan.adapters.channels.base import ChannelAdapter, OutboundMessage, StoredDecision
from huankuan.adapters.channels.fake import FAKE_ADAPTERS, fake_channels
from huankuan.adapters.channels.voice import FakeVoiceChannel
from huankuan.domain.errors import ComplianceViolation
from huankuan.domain.model import Channel


class InMemoryDecisions:
    """The decision lookup's fake: the latest decision by action id (gate_decisions' role)."""

    def __init__(self, *decisions: StoredDecision, under: str | None = None) -> None:
        self.decisions = {under or decision.action_id: decision for decision in decisions}

    def decision_for(self, action_id: str) -> StoredDecision | None:
        return self.decisions.get(action_id)


def message(adapter: type[ChannelAdapter], action_id: str = "20261128-A1-1") -> OutboundMessage:
    channel = sorted(adapter.channels)[0]
    return OutboundMessage(
        action_id=action_id,
        channel=channel,
        contact_id="C1-1",
        address="+8613800000000",
        text="您好，您的账户A1本期账单已到期。",
        subject="提醒" if channel is Channel.EMAIL else None,
    )


def approval(sent: OutboundMessage, **changes: str | None) -> StoredDecision:
    fields = {
        "decision_id": "GD-1",
        "action_id": sent.action_id,
        "decision": "allow",
        "channel": sent.channel.value,
        "contact_id": sent.contact_id,
        **changes,
    }
    return StoredDecision(**fields)  # type: ignore[arg-type]


def outbox(adapter: ChannelAdapter) -> list[OutboundMessage]:
    return adapter.outbox.sent  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("kind", FAKE_ADAPTERS, ids=lambda kind: kind.__name__)
def test_it_refuses_a_message_without_a_stored_decision(kind: type[ChannelAdapter]) -> None:
    adapter = kind(InMemoryDecisions())
    with pytest.raises(ComplianceViolation, match="no stored gate decision"):
        adapter.send(message(kind))
    assert outbox(adapter) == []


@pytest.mark.parametrize("kind", FAKE_ADAPTERS, ids=lambda kind: kind.__name__)
def test_it_refuses_a_message_the_stored_decision_blocks(kind: type[ChannelAdapter]) -> None:
    sent = message(kind)
    adapter = kind(InMemoryDecisions(approval(sent, decision="block")))
    with pytest.raises(ComplianceViolation, match="blocks it"):
        adapter.send(sent)
    assert outbox(adapter) == []


@pytest.mark.parametrize("kind", FAKE_ADAPTERS, ids=lambda kind: kind.__name__)
@pytest.mark.parametrize(
    "changes",
    [{"contact_id": "C1-2"}, {"channel": "a-channel-it-does-not-serve"}, {"action_id": "X-9"}],
    ids=["other contact point", "other channel", "other action"],
)
def test_it_refuses_an_approval_of_another_action(
    kind: type[ChannelAdapter], changes: dict[str, str]
) -> None:
    sent = message(kind)
    adapter = kind(InMemoryDecisions(approval(sent, **changes), under=sent.action_id))
    with pytest.raises(ComplianceViolation, match="not this message"):
        adapter.send(sent)
    assert outbox(adapter) == []


@pytest.mark.parametrize("kind", FAKE_ADAPTERS, ids=lambda kind: kind.__name__)
def test_it_sends_a_message_approved_by_its_stored_decision(kind: type[ChannelAdapter]) -> None:
    sent = message(kind)
    adapter = kind(InMemoryDecisions(approval(sent)))
    delivery = adapter.send(sent)
    assert outbox(adapter) == [sent]
    assert delivery.provider_id.startswith("fake-")


def test_it_gives_every_channel_an_adapter() -> None:
    assert set(fake_channels(InMemoryDecisions())) == set(Channel)


def test_it_refuses_a_channel_the_adapter_does_not_serve() -> None:
    sent = message(FakeVoiceChannel)
    adapter = fake_channels(InMemoryDecisions(approval(sent)))[Channel.SMS]
    with pytest.raises(ValueError, match="does not send"):
        adapter.send(sent)


def test_it_plays_scripted_call_outcomes() -> None:
    sent = message(FakeVoiceChannel)
    voice = FakeVoiceChannel(InMemoryDecisions(approval(sent)), ["answered", "busy"])
    answered, busy, default = (voice.send(sent) for _ in range(3))
    assert (answered.connected, answered.conversation) == (True, True)
    assert (busy.connected, busy.conversation) == (False, False)
    assert (default.outcome, default.connected) == ("rang_out", True)
