"""The agent's "send portal link" on SQLite and PostgreSQL: a new portal link texted to the
debtor's own phone through the content guard, the gate's stored decision and the channel
adapter, in the debtor's language; the token reaches the phone only (the kept message has the
address without it, the audit log and the answer name the link by its id), and the borrower
can open the link it carries. Refused by the gate or the guard: the blocked message is kept,
and no link exists. Another agent's case, another debtor's account, a debtor without a phone of
their own and a failing gateway leave nothing behind."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import delete, select

from huankuan.adapters.channels.base import ChannelAdapter, DecisionLookup, Delivery
from huankuan.adapters.channels.fake import fake_channels
from huankuan.adapters.channels.sms import FakeSmsChannel
from huankuan.adapters.clock import FakeClock
from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.adapters.storage.tables import (
    audit_log,
    contact_attempts,
    contact_points,
    gate_decisions,
    outbound_messages,
    portal_links,
)
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import (
    ContactBlocked,
    ContentBlocked,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from huankuan.domain.model import Channel
from huankuan.domain.users import Principal, Role
from huankuan.service_layer.agent_messages import ChannelFactory, send_message
from huankuan.service_layer.portal_access import check_link, verify
from huankuan.service_layer.portal_invite import PortalInvite, send_portal_link
from tests.robot_support import US_MORNING
from tests.workbench_support import (
    CN_NIGHT,
    FlaggingGuard,
    cn_case,
    rules,
    rules_guard,
    us_case,
)

AGENT = Principal("agent1", Role.AGENT)
TOKEN = re.compile(r"/p/([A-Za-z0-9_.\-]+)")
WRITTEN = (portal_links, outbound_messages, gate_decisions, contact_attempts, audit_log)


class Channels:
    """The fake channels, kept so a test can see what left."""

    def __init__(self) -> None:
        self.made: list[Mapping[Channel, ChannelAdapter]] = []

    def __call__(self, decisions: DecisionLookup) -> Mapping[Channel, ChannelAdapter]:
        self.made.append(fake_channels(decisions))
        return self.made[-1]

    def sent(self) -> list[Any]:
        return [m for adapters in self.made for m in adapters[Channel.SMS].outbox.sent]  # type: ignore[attr-defined]


@pytest.fixture
def case_id(app: App) -> str:
    with app.engine.begin() as connection:
        cn_case(connection, 2, "agent2")
        return cn_case(connection, 1, "agent1")


def tokens(app: App) -> PortalTokens:
    return PortalTokens(app.secret("secret_key"), app.clock)


def invite(
    app: App,
    case_id: str,
    channels: ChannelFactory | None = None,
    *,
    principal: Principal = AGENT,
    guard: Any = None,
    **fields: Any,
) -> PortalInvite:
    return send_portal_link(
        commands.SendPortalLink(case_id=case_id, actor=principal.actor, **fields),
        uow=app.uow(),
        principal=principal,
        rules=rules(),
        guard=guard or rules_guard(),
        settings=app.settings,
        tokens=tokens(app),
        channels=channels or Channels(),
    )


def rows(app: App, table: Any) -> list[dict[str, Any]]:
    with app.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table))]


def nothing_written(app: App) -> bool:
    return all(rows(app, table) == [] for table in WRITTEN)


def test_it_texts_a_new_link_to_the_debtors_own_phone(app: App, case_id: str) -> None:
    channels = Channels()
    sent = invite(app, case_id, channels)
    (delivered,) = channels.sent()
    assert (delivered.address, delivered.contact_id, delivered.template, delivered.lang) == (
        "phone:C1-1",
        "C1-1",
        "portal_invite",
        "zh",
    )
    assert delivered.text.startswith("王芳您好") and "账户A1" in delivered.text
    assert f"{app.settings.public_url}/p/" in delivered.text
    token = TOKEN.findall(delivered.text)[0]
    assert check_link(token, uow=app.uow(), settings=app.settings, tokens=tokens(app)) == (
        sent.link_id
    )

    (link,) = rows(app, portal_links)
    assert (link["link_id"], link["account_id"], link["debtor_id"], link["created_by"]) == (
        sent.link_id,
        "A1",
        "D1",
        "user:agent1",
    )
    (message,) = rows(app, outbound_messages)
    assert (message["message_id"], message["status"], message["created_by"]) == (
        sent.message_id,
        "sent",
        "user:agent1",
    )
    assert (message["template"], message["contact_id"], message["content_verdict"]) == (
        "portal_invite",
        "C1-1",
        "ok",
    )
    (decision,) = rows(app, gate_decisions)
    assert (decision["decision_id"], decision["decision"], decision["action_id"]) == (
        sent.decision_id,
        "allow",
        sent.message_id,
    )
    (attempt,) = rows(app, contact_attempts)
    assert (attempt["channel"], attempt["decision"], attempt["actor"]) == (
        "sms",
        "allow",
        "user:agent1",
    )
    audit = rows(app, audit_log)
    assert [row["action"] for row in audit] == [
        "portal.link_created",
        "message.queued",
        "message.sent",
        "portal.link_sent",
    ]
    assert {row["actor"] for row in audit} == {"user:agent1"}
    assert json.loads(audit[-1]["details"]) == {
        "case_id": case_id,
        "link_id": sent.link_id,
        "message_id": sent.message_id,
        "decision_id": sent.decision_id,
        "contact_id": "C1-1",
    }
    assert sent.status == "sent" and sent.provider_id == message["provider_id"]


def test_it_keeps_the_token_on_the_phone_only(app: App, case_id: str) -> None:
    channels = Channels()
    sent = invite(app, case_id, channels)
    token = TOKEN.findall(channels.sent()[0].text)[0]
    (message,) = rows(app, outbound_messages)
    assert token not in message["text"]
    assert f"{app.settings.public_url}/p/… " in message["text"]
    assert sent.link_id not in message["text"]  # nothing random is screened (see the module)
    assert message["text"].replace("/p/…", f"/p/{token}") == channels.sent()[0].text
    for table in WRITTEN:
        assert token not in repr(rows(app, table)), table.name
    assert token not in repr(sent)


def test_it_opens_the_portal_for_the_borrower_with_the_link_it_sent(app: App, case_id: str) -> None:
    channels = Channels()
    sent = invite(app, case_id, channels)
    token = TOKEN.findall(channels.sent()[0].text)[0]
    session = verify(
        token,
        "date_of_birth",
        "1990-03-07",
        uow=app.uow(),
        settings=app.settings,
        tokens=tokens(app),
    )
    assert session.scope.link_id == sent.link_id and session.scope.account_ids == ("A1",)


def test_it_writes_in_the_debtors_language_or_the_one_asked_for(app: App, clock: FakeClock) -> None:
    clock.set(US_MORNING)
    with app.engine.begin() as connection:
        case_id = us_case(connection, 3, "agent1")
    channels = Channels()
    invite(app, case_id, channels)
    invite(app, case_id, channels, lang="zh")
    english, chinese = channels.sent()
    assert english.lang == "en" and english.text.startswith("Hi John Smith")
    assert "personal link" in english.text and "Reply STOP" in english.text
    assert chinese.lang == "zh" and "专属链接" in chinese.text
    assert len(rows(app, portal_links)) == 2  # a new link each time


def test_it_keeps_the_refusal_but_makes_no_link_when_the_gate_blocks(
    app: App, case_id: str, clock: FakeClock
) -> None:
    clock.set(CN_NIGHT)
    channels = Channels()
    with pytest.raises(ContactBlocked) as blocked:
        invite(app, case_id, channels)
    assert blocked.value.rules and blocked.value.next_allowed_at is not None
    assert channels.sent() == [] and rows(app, portal_links) == []
    (message,) = rows(app, outbound_messages)
    assert (message["status"], message["template"], message["created_by"]) == (
        "blocked",
        "portal_invite",
        "user:agent1",
    )
    assert message["next_allowed_at"] is not None and "/p/… " in message["text"]
    (decision,) = rows(app, gate_decisions)
    assert decision["decision"] == "block"
    (attempt,) = rows(app, contact_attempts)
    assert (attempt["decision"], attempt["outcome"]) == ("block", "gate_blocked")
    assert [row["action"] for row in rows(app, audit_log)] == ["message.blocked"]


def test_it_keeps_the_refusal_but_makes_no_link_when_the_guard_blocks(
    app: App, case_id: str
) -> None:
    channels, guard = Channels(), FlaggingGuard()
    with pytest.raises(ContentBlocked) as refused:
        invite(app, case_id, channels, guard=guard)
    assert refused.value.categories == ("harassment",)
    assert "骚扰" in refused.value.explanation["zh"]
    assert "harasses" in refused.value.explanation["en"]
    (screened,) = guard.screened
    assert screened == rows(app, outbound_messages)[0]["text"]  # as kept: without the token
    assert "/p/… " in screened
    assert channels.sent() == [] and rows(app, portal_links) == []
    (message,) = rows(app, outbound_messages)
    assert (message["status"], message["content_verdict"]) == ("blocked", "violation")
    assert json.loads(message["content_categories"]) == ["harassment"]
    assert rows(app, gate_decisions) == [] and rows(app, contact_attempts) == []
    assert [row["action"] for row in rows(app, audit_log)] == ["message.blocked"]


@pytest.mark.parametrize(
    ("principal", "case", "error"),
    [
        (AGENT, "C-D2", PermissionDenied),  # another agent's case
        (Principal("auditor", Role.COMPLIANCE), "C-D1", PermissionDenied),  # never acts
        (AGENT, "C-NOPE", NotFound),
    ],
)
def test_it_refuses_who_may_not_send_and_writes_nothing(
    app: App, case_id: str, principal: Principal, case: str, error: type[Exception]
) -> None:
    channels = Channels()
    with pytest.raises(error):
        invite(app, case, channels, principal=principal)
    assert channels.sent() == [] and nothing_written(app)


def test_it_sends_a_supervisor_a_link_for_any_case(app: App, case_id: str) -> None:
    boss = Principal("supervisor1", Role.SUPERVISOR)
    sent = invite(app, "C-D2", principal=boss)
    (link,) = rows(app, portal_links)
    assert link["link_id"] == sent.link_id and link["created_by"] == "user:supervisor1"


@pytest.mark.parametrize(
    ("fields", "error", "says"),
    [
        ({"account_id": "A2"}, NotFound, "has no account"),  # another debtor's account
        ({"lang": "fr"}, InvalidInput, "lang must be zh or en"),
    ],
)
def test_it_refuses_a_bad_request_and_writes_nothing(
    app: App, case_id: str, fields: dict[str, Any], error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        invite(app, case_id, **fields)
    assert nothing_written(app)


def test_it_refuses_a_debtor_without_a_phone_of_their_own(app: App, case_id: str) -> None:
    with app.engine.begin() as connection:
        connection.execute(delete(contact_points).where(contact_points.c.debtor_id == "D1"))
    with pytest.raises(
        InvalidInput, match="no phone of their own to send the link to / 债务人没有本人手机号"
    ):
        invite(app, case_id)
    assert nothing_written(app)


class BrokenGateway(FakeSmsChannel):
    """Fails after the gate approved and the link and the message were written."""

    def _deliver(self, message: Any) -> Delivery:
        raise RuntimeError("the SMS gateway is down")


def test_it_keeps_nothing_half_written_when_sending_fails(app: App, case_id: str) -> None:
    def broken(decisions: DecisionLookup) -> Mapping[Channel, ChannelAdapter]:
        return {Channel.SMS: BrokenGateway(decisions)}

    with pytest.raises(RuntimeError, match="gateway is down"):
        invite(app, case_id, broken)
    assert nothing_written(app)


def test_it_leaves_the_invitation_out_of_the_plain_message_action(app: App, case_id: str) -> None:
    """Its template needs a link, which only this action makes."""
    with pytest.raises(InvalidInput, match="carries a portal link"):
        send_message(
            commands.SendCaseMessage(case_id, "sms", template="portal_invite", actor=AGENT.actor),
            uow=app.uow(),
            principal=AGENT,
            rules=rules(),
            guard=rules_guard(),
            channels=Channels(),
        )
    assert nothing_written(app)
