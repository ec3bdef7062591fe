"""An agent's SMS or email to the debtor, from a template (zh/en, adapters/channels/templates)
or as free text. The content guard screens the text first: a violation is refused with a
bilingual explanation of its categories, and kept as a blocked message (what was attempted, by
whom). Clean text then needs the gate's approval for the channel now — the decision stored as
proof — and leaves through the channel adapter, which checks that stored decision itself, the
way dispatch sends. One transaction; the refusals are committed before they are raised."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from huankuan.adapters.channels.base import ChannelAdapter, DecisionLookup
from huankuan.adapters.channels.fake import fake_channels
from huankuan.adapters.channels.templates import carries_link, language_of, render
from huankuan.compliance.facts import screening_context
from huankuan.dialogue.guard import ContentGuard
from huankuan.domain import commands
from huankuan.domain.casework import MessageStatus
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import ContactBlocked, ContentBlocked, NotFound
from huankuan.domain.model import Channel
from huankuan.domain.money import Money
from huankuan.domain.users import Principal
from huankuan.service_layer.agent_actions import (
    audit_case,
    authorized_case,
    case_facts,
    refusal,
    utc_now,
)
from huankuan.service_layer.outbox import Draft, outbound_message, queued_message
from huankuan.service_layer.robot_gate import (
    ContactResult,
    GateCheck,
    blocked_message,
    gate_attempt,
    gate_debtor,
)
from huankuan.service_layer.unit_of_work import SqlUnitOfWork
from huankuan.service_layer.workbench_gate import (
    CaseRules,
    Contact,
    decide,
    pick_contact,
    record,
    request_of,
)

ChannelFactory = Callable[[DecisionLookup], Mapping[Channel, ChannelAdapter]]
MESSAGE_CHANNELS = {"sms": Channel.SMS, "email": Channel.EMAIL}
MAX_MESSAGE = 1000
FREE_TEXT = "agent_free_text"  # the template name a free-text message is stored under
# What each content-guard category means, for the agent whose text it refused.
CATEGORY_TEXT: dict[str, tuple[str, str]] = {
    "threat_violence": ("threatens violence or harm", "以暴力或人身伤害相威胁"),
    "profanity_insult": ("insults or swears", "含辱骂或侮辱性语言"),
    "impersonation_authority": (
        "pretends to be a court, the police, a lawyer or another authority",
        "冒充法院、公安、律师或其他机关人员",
    ),
    "false_legal_consequence": (
        "claims legal or credit consequences that are not true for this account",
        "声称对本账户不实的法律或征信后果",
    ),
    "third_party_disclosure": (
        "discloses the debt to someone other than the debtor",
        "向债务人以外的人透露债务",
    ),
    "harassment": ("harasses or pressures the borrower", "骚扰或胁迫借款人"),
    "deceptive_amount": (
        "states an amount, fee or rate that is not what is owed",
        "所述金额、费用或利率与实际应还不符",
    ),
}


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: str
    status: str  # "sent"
    decision_id: str
    provider_id: str


def send_message(
    cmd: commands.SendCaseMessage,
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    rules: CaseRules,
    guard: ContentGuard,
    channels: ChannelFactory = fake_channels,
) -> SentMessage:
    channel = _channel(cmd)
    now = utc_now(uow)
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        facts = case_facts(uow, case, cmd.account_id, now)
        draft = _draft(cmd, facts, channel)
        point = pick_contact(facts, channel, None)
        contact = Contact(
            facts, point, channel, f"MSG-{uuid.uuid4().hex[:16]}", now, draft.template
        )
        doing = f"sending {channel.value} to the debtor"
        check = clear_to_send(uow, contact, draft, cmd.actor, rules, guard, doing)
        provider_id = deliver(uow, contact, draft, check, cmd.actor, channels)
        uow.commit()
    return SentMessage(contact.action_id, MessageStatus.SENT.value, check.decision_id, provider_id)


def clear_to_send(
    uow: SqlUnitOfWork,
    contact: Contact,
    draft: Draft,
    actor: str,
    rules: CaseRules,
    guard: ContentGuard,
    doing: str,
) -> GateCheck:
    """The content guard, then the gate (`doing` says what for): a refusal by either keeps the
    blocked message, commits (what was attempted, and by whom, is kept) and is raised."""
    categories = screen(guard, draft, contact, rules)
    if categories:
        keep(uow, contact, draft, actor, MessageStatus.BLOCKED, categories=categories)
        uow.commit()
        raise content_blocked(categories)
    check = decide(uow, contact, rules.profile(contact.facts.jurisdiction))
    if not check.decision.allowed:
        keep(uow, contact, draft, actor, MessageStatus.BLOCKED, check=check)
        record(uow, contact, check, ContactResult("gate_blocked", connected=False), actor)
        uow.commit()
        raise ContactBlocked(
            blocked_message(doing, check.decision),
            check.decision.rules,
            check.decision.next_allowed_at,
        )
    return check


def content_blocked(categories: tuple[str, ...]) -> ContentBlocked:
    """The refusal of a text the guard flagged, explained category by category."""
    english = "; ".join(CATEGORY_TEXT.get(c, (c, c))[0] for c in categories)
    chinese = "；".join(CATEGORY_TEXT.get(c, (c, c))[1] for c in categories)
    explanation = {
        "en": f"Not sent: the text {english} ({', '.join(categories)}). Rewrite it and send again.",
        "zh": f"未发送：该内容{chinese}（{', '.join(categories)}）。请修改后重新发送。",
    }
    return ContentBlocked(f"{explanation['en']} / {explanation['zh']}", categories, explanation)


def _channel(cmd: commands.SendCaseMessage) -> Channel:
    channel = MESSAGE_CHANNELS.get(cmd.channel)
    if channel is None:
        raise refusal(f"channel must be sms or email, got {cmd.channel!r}", "渠道须为短信或邮件")
    if (cmd.template is None) == (cmd.text is None or not cmd.text.strip()):
        raise refusal("give either a template or a text", "请选择模板或填写自由文本（二选一）")
    if cmd.lang is not None and cmd.lang not in ("zh", "en"):
        raise refusal(f"lang must be zh or en, got {cmd.lang!r}", "语言须为 zh 或 en")
    if cmd.template is not None and carries_link(cmd.template):
        raise refusal(
            f"the template {cmd.template} carries a portal link: use the send portal link action",
            f"模板 {cmd.template} 含门户链接：请使用“发送门户链接”",
        )
    return channel


def _draft(cmd: commands.SendCaseMessage, facts: AccountFacts, channel: Channel) -> Draft:
    lang = cmd.lang or language_of(facts.locale)
    if cmd.template is not None:
        try:
            rendered = render(
                cmd.template,
                lang,
                channel,
                name=facts.debtor_name,
                amount=Money(facts.amount_due_minor, facts.currency),
                reference=facts.account_id,
            )
        except NotFound as error:
            raise refusal(
                str(error), f"没有适用于{channel.value}的{lang}模板 {cmd.template}"
            ) from None
        return Draft(cmd.template, lang, rendered.text, rendered.subject)
    text, subject = (cmd.text or "").strip(), (cmd.subject or "").strip() or None
    if len(text) > MAX_MESSAGE:
        raise refusal(
            f"the text is longer than {MAX_MESSAGE} characters", f"内容超过 {MAX_MESSAGE} 字"
        )
    if channel is Channel.EMAIL and subject is None:
        raise refusal("an email needs a subject", "邮件须填写主题")
    return Draft(FREE_TEXT, lang, text, subject if channel is Channel.EMAIL else None)


def screen(
    guard: ContentGuard, draft: Draft, contact: Contact, rules: CaseRules
) -> tuple[str, ...]:
    """Screened with what is true of this account: who reads it, what is due, and whether the
    lender really reports to the credit bureau."""
    facts = contact.facts
    context: dict[str, object] = {
        **screening_context(
            gate_attempt(request_of(contact, rules.profile(facts.jurisdiction))),
            gate_debtor(facts),
            facts.amount_due_minor,
        ),
        "reports_to_bureau": rules.lender_terms(facts.jurisdiction).reports_to_bureau,
    }
    texts = [text for text in (draft.subject, draft.screened_text) if text]
    found = {c for text in texts for c in guard.screen(text, draft.lang, context).categories}
    return tuple(sorted(found))


def keep(
    uow: SqlUnitOfWork,
    contact: Contact,
    draft: Draft,
    actor: str,
    status: MessageStatus,
    *,
    categories: tuple[str, ...] = (),
    check: GateCheck | None = None,
) -> None:
    verdict = "violation" if categories else "ok"
    message = queued_message(
        contact,
        draft,
        status,
        created_by=actor,
        verdict=verdict,
        categories=categories,
        check=check,
    )
    uow.outbox.add(message)
    details: dict[str, object] = {
        "message_id": message.message_id,
        "channel": message.channel,
        "template": message.template,
        "status": status.value,
        "content_verdict": message.content_verdict,
        "content_categories": list(categories),
        "decision_id": message.decision_id,
    }
    if check is not None and not check.decision.allowed:
        details["rules"] = list(check.decision.rules)
    action = "message.queued" if status is MessageStatus.QUEUED else "message.blocked"
    audit_case(uow, actor, action, message.account_id, details)


def deliver(
    uow: SqlUnitOfWork,
    contact: Contact,
    draft: Draft,
    check: GateCheck,
    actor: str,
    channels: ChannelFactory,
) -> str:
    """Keep the message as queued, send it, and record the contact; the provider's id."""
    keep(uow, contact, draft, actor, MessageStatus.QUEUED, check=check)
    adapter = channels(uow.gate_decisions)[contact.channel]
    # The adapter checks the stored decision itself.
    delivery = adapter.send(outbound_message(contact, draft))
    now: datetime = contact.at
    uow.outbox.mark_sent(contact.action_id, delivery.provider_id, now)
    result = ContactResult(delivery.outcome, delivery.connected, delivery.conversation)
    record(uow, contact, check, result, actor)
    audit_case(
        uow,
        actor,
        "message.sent",
        contact.facts.account_id,
        {"message_id": contact.action_id, "provider_id": delivery.provider_id},
    )
    return delivery.provider_id
