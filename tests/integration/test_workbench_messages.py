"""An agent's SMS and email on SQLite and PostgreSQL: a template sent through the channel adapter
behind the gate's stored decision; free text the content guard refuses, explained in both
languages and kept as a blocked message; a message the gate blocks; and bad requests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import select

from huankuan.adapters.channels.base import (
    ChannelAdapter,
    DecisionLookup,
    Delivery,
    OutboundMessage,
)
from huankuan.adapters.channels.fake import fake_channels
from huankuan.adapters.channels.sms import FakeSmsChannel
from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import (
    audit_log,
    contact_attempts,
    gate_decisions,
    outbound_messages,
)
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import ContactBlocked, ContentBlocked, InvalidInput
from huankuan.domain.model import Channel
from huankuan.domain.users import Principal, Role
from huankuan.service_layer.agent_messages import ChannelFactory, SentMessage, send_message
from tests.workbench_support import CN_NIGHT, cn_case, rules, rules_guard

AGENT = Principal("agent1", Role.AGENT)


class Channels:
    """The fake channels, kept so a test can see what left."""

    def __init__(self) -> None:
        self.made: list[Mapping[Channel, ChannelAdapter]] = []

    def __call__(self, decisions: DecisionLookup) -> Mapping[Channel, ChannelAdapter]:
        self.made.append(fake_channels(decisions))
        return self.made[-1]

    def sent(self, channel: Channel) -> list[Any]:
        return [m for adapters in self.made for m in adapters[channel].outbox.sent]  # type: ignore[attr-defined]


@pytest.fixture
def case_id(app: App) -> str:
    with app.engine.begin() as connection:
        return cn_case(connection, 1, "agent1")


def send(
    app: App, case_id: str, channels: ChannelFactory | None = None, **fields: Any
) -> SentMessage:
    return send_message(
        commands.SendCaseMessage(case_id=case_id, actor=AGENT.actor, **fields),
        uow=app.uow(),
        principal=AGENT,
        rules=rules(),
        guard=rules_guard(),
        channels=channels or Channels(),
    )


def rows(app: App, table: Any) -> list[dict[str, Any]]:
    with app.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table))]


def test_it_sends_a_template_through_the_gate_and_the_adapter(app: App, case_id: str) -> None:
    channels = Channels()
    sent = send(app, case_id, channels, channel="sms", template="reminder_due")
    (delivered,) = channels.sent(Channel.SMS)
    assert delivered.address == "phone:C1-1" and "5,260.00元" in delivered.text
    (message,) = rows(app, outbound_messages)
    assert (message["status"], message["created_by"], message["content_verdict"]) == (
        "sent",
        "user:agent1",
        "ok",
    )
    assert message["decision_id"] == sent.decision_id and message["provider_id"]
    (decision,) = rows(app, gate_decisions)
    assert (decision["decision"], decision["stage"], decision["action_id"]) == (
        "allow",
        "agent",
        sent.message_id,
    )
    (attempt,) = rows(app, contact_attempts)
    assert (attempt["channel"], attempt["decision"], attempt["actor"]) == (
        "sms",
        "allow",
        "user:agent1",
    )
    actions = [row["action"] for row in rows(app, audit_log)]
    assert actions == ["message.queued", "message.sent"]


def test_it_sends_a_free_text_email_with_its_subject(app: App, case_id: str) -> None:
    channels = Channels()
    send(
        app,
        case_id,
        channels,
        channel="email",
        text="您好，关于您的还款计划，请回复本邮件。",
        subject="还款计划",
    )
    (delivered,) = channels.sent(Channel.EMAIL)
    assert delivered.subject == "还款计划" and delivered.address == "wang1@example.cn"
    assert rows(app, outbound_messages)[0]["template"] == "agent_free_text"


def test_it_refuses_a_threat_and_explains_why_in_both_languages(app: App, case_id: str) -> None:
    channels = Channels()
    with pytest.raises(ContentBlocked) as refused:
        send(app, case_id, channels, channel="sms", text="再不还钱就打断你的腿")
    assert refused.value.categories == ("threat_violence",)
    assert "violence" in refused.value.explanation["en"]
    assert "威胁" in refused.value.explanation["zh"]
    assert channels.sent(Channel.SMS) == []
    (message,) = rows(app, outbound_messages)
    assert (message["status"], message["content_verdict"], message["created_by"]) == (
        "blocked",
        "violation",
        "user:agent1",
    )
    assert json.loads(message["content_categories"]) == ["threat_violence"]
    assert rows(app, gate_decisions) == [] and rows(app, contact_attempts) == []
    assert [row["action"] for row in rows(app, audit_log)] == ["message.blocked"]


def test_it_keeps_a_message_the_gate_blocks(app: App, case_id: str, clock: FakeClock) -> None:
    clock.set(CN_NIGHT)
    channels = Channels()
    with pytest.raises(ContactBlocked) as blocked:
        send(app, case_id, channels, channel="sms", template="reminder_due")
    assert blocked.value.next_allowed_at is not None
    assert channels.sent(Channel.SMS) == []
    (message,) = rows(app, outbound_messages)
    assert message["status"] == "blocked" and message["next_allowed_at"] is not None
    (attempt,) = rows(app, contact_attempts)
    assert attempt["decision"] == "block"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"channel": "fax", "text": "hi"}, "channel must be sms or email"),
        ({"channel": "sms"}, "either a template or a text"),
        ({"channel": "sms", "template": "reminder_due", "text": "hi"}, "either a template"),
        ({"channel": "sms", "template": "no_such_template"}, "no zh template"),
        ({"channel": "sms", "template": "reminder_email"}, "no zh template"),
        ({"channel": "email", "text": "您好"}, "an email needs a subject"),
        ({"channel": "sms", "text": "x" * 1001}, "longer than 1000"),
    ],
)
def test_it_refuses_a_bad_message_and_writes_nothing(
    app: App, case_id: str, fields: dict[str, Any], problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        send(app, case_id, **fields)
    assert rows(app, outbound_messages) == [] and rows(app, audit_log) == []


class BrokenGateway(FakeSmsChannel):
    """Fails after the gate approved and the message row was written."""

    def _deliver(self, message: OutboundMessage) -> Delivery:
        raise RuntimeError("the SMS gateway is down")


def test_it_keeps_nothing_half_written_when_sending_fails(app: App, case_id: str) -> None:
    def broken(decisions: DecisionLookup) -> Mapping[Channel, ChannelAdapter]:
        return {Channel.SMS: BrokenGateway(decisions)}

    with pytest.raises(RuntimeError, match="gateway is down"):
        send(app, case_id, broken, channel="sms", template="reminder_due")
    for table in (outbound_messages, gate_decisions, contact_attempts, audit_log):
        assert rows(app, table) == [], table.name
