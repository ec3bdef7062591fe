"""Robot conversations over the unit of work: start one on a stored account (after the gate
allows the contact), take a borrower's message, and read the transcript back.

The conversation is its events: every turn's new events are appended, the state is what
replaying them gives, and the outcomes of the turn are written through their handlers in the
same transaction, except the safety outcomes, which are committed first on their own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from huankuan.dialogue.bot import Turn
from huankuan.dialogue.context import LANGS, PROFILES, ConversationContext, Lang
from huankuan.dialogue.policy.decision import Slots
from huankuan.dialogue.terms import LenderTerms
from huankuan.dialogue.tracker import ConversationState, Event, replay
from huankuan.domain import commands
from huankuan.domain.conversations import AccountFacts, Conversation
from huankuan.domain.errors import ContactBlocked, InvalidInput
from huankuan.domain.users import Principal
from huankuan.service_layer.access import authorize_case
from huankuan.service_layer.robot import Robot
from huankuan.service_layer.robot_gate import (
    ContactRequest,
    blocked_message,
    check_contact,
    choose_contact,
    record_contact,
    robot_channel,
)
from huankuan.service_layer.robot_outcomes import OutcomeScene, write_outcomes, write_safety_first
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class Transcript:
    conversation: Conversation
    events: list[Event]

    @property
    def state(self) -> ConversationState:
        return replay(self.events)


def start_conversation(
    cmd: commands.StartConversation,
    *,
    uow: SqlUnitOfWork,
    robot: Robot,
    principal: Principal | None = None,
) -> Turn:
    """Open a conversation on the account: the gate must allow the contact now (else
    ContactBlocked with the rule ids, and no conversation); the robot's first turn is stored."""
    channel = robot_channel(cmd.channel)
    now = uow.clock.now().astimezone(UTC)
    conversation_id = f"CV-{uuid.uuid4().hex[:16]}"
    with uow:
        facts = uow.robot_reads.account_facts(cmd.account_id, now)
        authorize_case(principal, facts.assigned_to, act=True)
        profile, lang = _profile(cmd, facts), _lang(cmd, facts)
        contact = choose_contact(facts, channel)
        request = ContactRequest(
            facts, contact, channel, robot.profiles[profile], conversation_id, now
        )
        check = check_contact(uow, request)
        record_contact(uow, request, check, _attempt_id(conversation_id))
        if not check.decision.allowed:
            _audit_blocked(uow, cmd, facts, check.decision.rules, check.decision_id)
            uow.commit()  # the refusal and its proof are kept
            raise ContactBlocked(
                blocked_message(f"contacting account {facts.account_id}", check.decision),
                check.decision.rules,
                check.decision.next_allowed_at,
            )
        context = build_context(
            facts,
            robot.terms[profile],
            lang=lang,
            profile=profile,
            now=now,
            contact_id=contact.contact_id,
        )
        bot = robot.new_bot()
        turn = bot.start(context, at=now, conversation_id=conversation_id)
        conversation = Conversation(
            conversation_id=conversation_id,
            account_id=facts.account_id,
            debtor_id=facts.debtor_id,
            contact_id=contact.contact_id,
            lang=lang,
            channel=cmd.channel,
            profile=profile,
            state=turn.state,
            created_by=cmd.actor,
            created_at=now,
            updated_at=now,
            ended=turn.ended,
            decision_id=check.decision_id,
        )
        uow.conversations.add(conversation)
        uow.conversations.append(conversation_id, bot.tracker.events, now)
        uow.audit.record(
            actor=cmd.actor,
            action="conversation.started",
            entity_type="account",
            entity_id=facts.account_id,
            details={
                "conversation_id": conversation_id,
                "channel": cmd.channel,
                "lang": lang,
                "profile": profile,
                "decision_id": check.decision_id,
            },
        )
        uow.commit()
    return turn


def handle_message(
    cmd: commands.SendMessage,
    *,
    uow: SqlUnitOfWork,
    robot: Robot,
    principal: Principal | None = None,
) -> Turn:
    """The robot's answer to a borrower's message. A message to an ended conversation raises
    ConversationEnded; two messages racing for the same turn, ConcurrentUpdate."""
    now = uow.clock.now().astimezone(UTC)
    with uow:
        conversation = uow.conversations.get(cmd.conversation_id)
        authorize_case(principal, uow.cases.assignee(conversation.debtor_id), act=True)
        stored = uow.conversations.events(conversation.conversation_id)
    bot = robot.resume(stored)
    turn = bot.handle(cmd.text, at=now)
    events = bot.tracker.events
    context = bot.context
    assert context is not None  # a resumed conversation has its context
    scene = OutcomeScene(conversation, context, events, now, cmd.actor, robot)
    write_safety_first(uow, scene, turn.outcomes)
    with uow:
        uow.conversations.append(conversation.conversation_id, events[len(stored) :], now)
        state = bot.tracker.state
        conversation.state, conversation.ended = state.state, state.ended
        conversation.end_reason, conversation.updated_at = state.end_reason, now
        uow.conversations.save_summary(conversation)
        write_outcomes(uow, scene, turn.outcomes)
        uow.contact_attempts.note(
            _attempt_id(conversation.conversation_id),
            conversation=True,
            outcome=contact_outcome(state),
        )
        uow.audit.record(
            actor=cmd.actor,
            action="conversation.turn",
            entity_type="conversation",
            entity_id=conversation.conversation_id,
            details={
                "seq": [len(stored), len(events) - 1],
                "intent": turn.intent,
                "outcomes": turn.outcome_types(),
                "ended": turn.ended,
            },
        )
        uow.commit()
    return turn


def transcript(
    conversation_id: str, *, uow: SqlUnitOfWork, principal: Principal | None = None
) -> Transcript:
    with uow:
        conversation = uow.conversations.get(conversation_id)
        authorize_case(principal, uow.cases.assignee(conversation.debtor_id), act=False)
        return Transcript(conversation, uow.conversations.events(conversation_id))


def build_context(
    facts: AccountFacts,
    terms: LenderTerms,
    *,
    lang: Lang,
    profile: str,
    now: datetime,
    contact_id: str | None,
) -> ConversationContext:
    """The bot's view of the account: the amount due is the current balance in exact minor
    units, "today" is the debtor's local date, the rest comes from the lender's terms."""
    today = now.astimezone(ZoneInfo(facts.debtor_timezone)).date()
    return ConversationContext(
        debtor_name=facts.debtor_name,
        amount_due_minor=facts.amount_due_minor,
        currency=facts.currency,
        due_date=_due_date(facts, today),
        lender_name=terms.lender_name[lang],
        profile=profile,
        lang=lang,
        today=today,
        complaint_channel=terms.complaint_channel,
        policy=terms.policy,
        reports_to_bureau=terms.reports_to_bureau,
        legal_action_possible=terms.legal_action_possible,
        agency_name=terms.agency_name[lang] if terms.agency_name else None,
        account_id=facts.account_id,
        contact_point_id=contact_id,
    )


def contact_outcome(state: ConversationState) -> str | None:
    """The contact's outcome in the vocabulary the scoring features read."""
    kinds = [str(outcome.get("type")) for outcome in state.outcomes]
    holds = {str(outcome.get("hold_type")) for outcome in state.outcomes}
    for kind in ("promise_to_pay", "plan", "dispute", "callback", "complaint", "wrong_party"):
        if kind in kinds:
            return kind
    if "hardship_plan" in holds:
        return "hardship"
    slots = Slots(state.slots)
    if slots.count("refusals") > 0:
        return "refused"
    return "right_party_contact" if slots.identity_confirmed else None


def _profile(cmd: commands.StartConversation, facts: AccountFacts) -> str:
    profile = cmd.profile or facts.jurisdiction
    if profile not in PROFILES:
        raise InvalidInput(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    return profile


def _lang(cmd: commands.StartConversation, facts: AccountFacts) -> Lang:
    lang = cmd.lang or ("zh" if facts.locale.lower().startswith("zh") else "en")
    if lang not in LANGS:
        raise InvalidInput(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def _due_date(facts: AccountFacts, today: date) -> date:
    due = facts.oldest_unpaid_due_on or facts.first_due_on
    return min(due, today)


def _attempt_id(conversation_id: str) -> str:
    return f"ATT-{conversation_id}"


def _audit_blocked(
    uow: SqlUnitOfWork,
    cmd: commands.StartConversation,
    facts: AccountFacts,
    rules: tuple[str, ...],
    decision_id: str,
) -> None:
    uow.audit.record(
        actor=cmd.actor,
        action="conversation.blocked",
        entity_type="account",
        entity_id=facts.account_id,
        details={"channel": cmd.channel, "rules": list(rules), "decision_id": decision_id},
    )
