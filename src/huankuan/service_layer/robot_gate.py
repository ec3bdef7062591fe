"""The compliance gate around one contact made now — by the robot, or by an agent (the
workbench builds on this module): which contact point a conversation uses, the gate's verdict
(a preview for listings, or a decision stored with its canonical inputs, as every real
attempt's is), the contact attempt the gate counts next time, and when a callback may happen.

The debt is disclosed only to the debtor themself: a contact to anyone else is judged as the
location call it must be."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from huankuan.adapters.storage.gate_store import GateDecisionRow
from huankuan.compliance.engine import evaluate, gate_version, next_allowed_at
from huankuan.compliance.facts import Attempt, ContactEvent, Decision, GateDebtor
from huankuan.compliance.profiles import Profile
from huankuan.compliance.proof import canonical_inputs, canonical_json, inputs_hash
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import InvalidInput
from huankuan.domain.model import Channel, ContactKind, ContactPoint, ContactRole
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

# The robot's conversation channels as the gate knows them.
ROBOT_CHANNELS: dict[str, Channel] = {
    "chat": Channel.CHAT,
    "voice": Channel.ROBOT_CALL,
    "sms": Channel.SMS,
}
# The history a decision needs: the gate's longest window (7 local days) and a margin.
HISTORY_DAYS = 10
STAGE = "conversation"


def robot_channel(name: str) -> Channel:
    try:
        return ROBOT_CHANNELS[name]
    except KeyError:
        choices = ", ".join(ROBOT_CHANNELS)
        raise InvalidInput(f"channel must be one of {choices}, got {name!r}") from None


def choose_contact(facts: AccountFacts, channel: Channel) -> ContactPoint:
    """The debtor's own phone the robot uses: a usable one first, else the first one (the gate
    then says why it may not be used)."""
    phones = [
        point
        for point in facts.contact_points
        if point.role is ContactRole.SELF and point.kind is ContactKind.PHONE
    ]
    if not phones:
        raise InvalidInput(f"account {facts.account_id} has no phone of the debtor's own")
    usable = [point for point in phones if point.usable_for(channel)]
    return (usable or phones)[0]


@dataclass(frozen=True, slots=True)
class GateCheck:
    decision: Decision
    decision_id: str


@dataclass(frozen=True, slots=True)
class ContactRequest:
    """One contact the robot or an agent wants to make now (or at `at`)."""

    facts: AccountFacts
    contact: ContactPoint
    channel: Channel
    profile: Profile
    action_id: str
    at: datetime  # aware
    template: str = "robot_conversation"


def preview(uow: SqlUnitOfWork, request: ContactRequest) -> Decision:
    """What the gate says about the contact now; nothing is stored (a listing is not a
    contact)."""
    history = contact_history(uow, request.facts.debtor_id, request.at)
    return evaluate(
        gate_attempt(request), history, gate_debtor(request.facts), request.profile, request.at
    )


def check_contact(uow: SqlUnitOfWork, request: ContactRequest, *, stage: str = STAGE) -> GateCheck:
    """Decide the contact and store the decision with its inputs (in the caller's
    transaction); `stage` says who made it ("conversation": the robot; "agent")."""
    attempt = gate_attempt(request)
    debtor = gate_debtor(request.facts)
    history = contact_history(uow, request.facts.debtor_id, request.at)
    decision = evaluate(attempt, history, debtor, request.profile, request.at)
    decision_id = f"GD-{uuid.uuid4().hex[:16]}"
    text = canonical_json(canonical_inputs(attempt, history, debtor, request.profile, request.at))
    uow.gate_decisions.add(
        GateDecisionRow(
            decision_id=decision_id,
            action_id=request.action_id,
            debtor_id=request.facts.debtor_id,
            decided_at=_naive(request.at),
            stage=stage,
            profile=request.profile.label,
            profile_hash=request.profile.fingerprint,
            gate_version=gate_version(request.profile),
            decision=decision.decision,
            rules=decision.rules,
            next_allowed_at=_naive_or_none(decision.next_allowed_at),
            inputs_hash=inputs_hash(text),
            inputs=text,
        )
    )
    return GateCheck(decision, decision_id)


@dataclass(frozen=True, slots=True)
class ContactResult:
    """What became of an allowed contact, for the history the gate counts next time."""

    outcome: str | None = None
    connected: bool = True
    conversation: bool = False


def record_contact(
    uow: SqlUnitOfWork,
    request: ContactRequest,
    check: GateCheck,
    attempt_id: str,
    *,
    result: ContactResult | None = None,
    actor: str = "robot",
) -> None:
    """The contact attempt (refused ones too: the gate counts only allowed ones)."""
    add_attempt(
        uow,
        attempt_id=attempt_id,
        action_id=request.action_id,
        facts=request.facts,
        point=request.contact,
        channel=request.channel,
        at=request.at,
        check=check,
        result=result or ContactResult(),
        actor=actor,
    )


def add_attempt(
    uow: SqlUnitOfWork,
    *,
    attempt_id: str,
    action_id: str,
    facts: AccountFacts,
    point: ContactPoint,
    channel: Channel,
    at: datetime,
    check: GateCheck,
    result: ContactResult,
    actor: str,
) -> None:
    """One contact attempt row: a refused one is `gate_blocked` and never connected; `result`
    says what became of an allowed one."""
    allowed = check.decision.allowed
    uow.contact_attempts.add(
        attempt_id=attempt_id,
        action_id=action_id,
        debtor_id=facts.debtor_id,
        contact_id=point.contact_id,
        channel=channel.value,
        at=_naive(at),
        decision=check.decision.decision,
        rules=list(check.decision.rules),
        outcome=result.outcome if allowed else "gate_blocked",
        contact_role=point.role.value,
        direction="outbound",
        connected=result.connected and allowed,
        conversation=result.conversation and allowed,
        debt_ids=[facts.account_id],
        decision_id=check.decision_id,
        actor=actor,
    )


def callback_time(
    uow: SqlUnitOfWork, request: ContactRequest, day: date | None, clock: str | None
) -> datetime | None:
    """The first instant at or after the borrower's requested local date and time (or the
    next day when no date was given) that the gate allows; None when waiting never helps."""
    zone = ZoneInfo(request.facts.debtor_timezone)
    local_now = request.at.astimezone(zone)
    wanted_day = day or (local_now.date() + timedelta(days=1))
    wanted_clock = time.fromisoformat(clock) if clock else time(0, 0)
    wanted = datetime.combine(wanted_day, wanted_clock, tzinfo=zone).astimezone(UTC)
    start = max(wanted, request.at)
    history = contact_history(uow, request.facts.debtor_id, start)
    return next_allowed_at(
        gate_attempt(request), history, gate_debtor(request.facts), request.profile, start
    )


def blocked_message(what: str, decision: Decision) -> str:
    """The refusal a ContactBlocked carries: what was blocked, the rule ids, and from when."""
    later = decision.next_allowed_at
    when = f"; allowed again from {later.isoformat()}" if later is not None else ""
    return f"the compliance gate blocks {what} now ({', '.join(decision.rules)}){when}"


def gate_attempt(request: ContactRequest) -> Attempt:
    contact = request.contact
    return Attempt(
        channel=request.channel,
        at=request.at,
        contact_role=contact.role,
        template=request.template,
        discloses_debt=contact.role is ContactRole.SELF,
        contact_timezone=contact.timezone,
        contact_valid=contact.valid,
        contact_consent=contact.consent,
        contact_opted_out=frozenset(channel.value for channel in contact.opted_out),
        contact_id=contact.contact_id,
        debt_ids=frozenset({request.facts.account_id}),
    )


def gate_debtor(facts: AccountFacts) -> GateDebtor:
    reachable = any(
        point.role is ContactRole.SELF
        and point.kind is ContactKind.PHONE
        and point.valid
        and point.consent
        for point in facts.contact_points
    )
    return GateDebtor(
        timezone=facts.debtor_timezone, hold_types=facts.hold_types, unreachable=not reachable
    )


def contact_history(uow: SqlUnitOfWork, debtor_id: str, at: datetime) -> list[ContactEvent]:
    return uow.robot_reads.contact_history(
        debtor_id, at - timedelta(days=HISTORY_DAYS), at + timedelta(seconds=1)
    )


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _naive_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else _naive(moment)
