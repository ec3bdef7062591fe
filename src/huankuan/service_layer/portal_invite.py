"""The agent's "send portal link": a new borrower-portal link (service_layer/portal_access.py)
for one of the case's accounts, sent by SMS to the debtor's own phone exactly as an agent's SMS
is sent (service_layer/agent_messages.py). The text is the `portal_invite` template in the
debtor's language (adapters/channels/templates); the content guard screens it; the gate must
allow the SMS now (its decision stored as proof); the channel adapter checks that stored
decision itself; the message is kept in `outbound_messages` with `created_by = user:<name>`.
One transaction, audited.

The link exists only if its SMS leaves: a refusal by the guard (ContentBlocked) or the gate
(ContactBlocked) keeps the blocked message and its proof — what was attempted, by whom — but
no link. The link's token is the borrower's key, so it goes to the debtor's phone and nowhere
else: the kept message (which the case's timeline shows) has the address without it
(`https://…/p/…`), and the audit log and the answer name the link by its id. That kept text is
what the guard screens: the token is an opaque signed value we made, not words anyone wrote —
and random letters and digits do look like slang to a guard now and then ("…25b…"), so
screening them would refuse an invitation at random."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from huankuan.adapters.channels.fake import fake_channels
from huankuan.adapters.channels.templates import language_of, render
from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.config import Settings
from huankuan.dialogue.guard import ContentGuard
from huankuan.domain import commands
from huankuan.domain.casework import MessageStatus
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import InvalidInput
from huankuan.domain.model import Channel, ContactPoint
from huankuan.domain.money import Money
from huankuan.domain.portal import PortalLink
from huankuan.domain.users import Principal
from huankuan.service_layer.agent_actions import (
    audit_case,
    authorized_case,
    case_facts,
    refusal,
    utc_now,
)
from huankuan.service_layer.agent_messages import ChannelFactory, clear_to_send, deliver
from huankuan.service_layer.outbox import Draft
from huankuan.service_layer.portal_access import issue, new_link, portal_url, store_link
from huankuan.service_layer.unit_of_work import SqlUnitOfWork
from huankuan.service_layer.workbench_gate import (
    CaseRules,
    Contact,
    pick_contact,
)

TEMPLATE = "portal_invite"
HIDDEN = "…"  # what the kept text has where the token was


@dataclass(frozen=True, slots=True)
class PortalInvite:
    """What was sent: the link by its id (never its token) and the SMS that carried it."""

    link_id: str
    expires_at: datetime  # aware UTC
    message_id: str
    status: str  # "sent"
    decision_id: str
    provider_id: str


def send_portal_link(
    cmd: commands.SendPortalLink,
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    rules: CaseRules,
    guard: ContentGuard,
    settings: Settings,
    tokens: PortalTokens,
    channels: ChannelFactory = fake_channels,
) -> PortalInvite:
    if cmd.lang is not None and cmd.lang not in ("zh", "en"):
        raise refusal(f"lang must be zh or en, got {cmd.lang!r}", "语言须为 zh 或 en")
    now = utc_now(uow)
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        facts = case_facts(uow, case, cmd.account_id, now)
        point = _own_phone(facts)
        link = new_link(
            facts.debtor_id, facts.account_id, settings=settings, actor=cmd.actor, now=now
        )
        draft = _draft(facts, link, cmd.lang or language_of(facts.locale), settings, tokens)
        contact = Contact(facts, point, Channel.SMS, f"MSG-{uuid.uuid4().hex[:16]}", now, TEMPLATE)
        doing = "sending the debtor a portal link by sms"
        check = clear_to_send(uow, contact, draft, cmd.actor, rules, guard, doing)
        store_link(uow, link)  # only now: a refused invitation leaves no link
        provider_id = deliver(uow, contact, draft, check, cmd.actor, channels)
        audit_case(
            uow,
            cmd.actor,
            "portal.link_sent",
            facts.account_id,
            {
                "case_id": cmd.case_id,
                "link_id": link.link_id,
                "message_id": contact.action_id,
                "decision_id": check.decision_id,
                "contact_id": point.contact_id,
            },
        )
        uow.commit()
    return PortalInvite(
        link_id=link.link_id,
        expires_at=link.expires_at,
        message_id=contact.action_id,
        status=MessageStatus.SENT.value,
        decision_id=check.decision_id,
        provider_id=provider_id,
    )


def _own_phone(facts: AccountFacts) -> ContactPoint:
    """The debtor's own phone (a usable one first; the gate says why another is not)."""
    try:
        return pick_contact(facts, Channel.SMS, None)
    except InvalidInput:
        raise refusal(
            "the debtor has no phone of their own to send the link to",
            "债务人没有本人手机号，无法发送链接",
        ) from None


def _draft(
    facts: AccountFacts, link: PortalLink, lang: str, settings: Settings, tokens: PortalTokens
) -> Draft:
    """The SMS as sent (with the link's token) and as kept and screened (without it)."""

    def text(url: str) -> str:
        return render(
            TEMPLATE,
            lang,
            Channel.SMS,
            name=facts.debtor_name,
            amount=Money(facts.amount_due_minor, facts.currency),
            reference=facts.account_id,
            url=url,
        ).text

    sent = text(issue(link, settings=settings, tokens=tokens).url)
    kept = text(portal_url(settings, HIDDEN))
    return Draft(TEMPLATE, lang, sent, None, kept=kept)
