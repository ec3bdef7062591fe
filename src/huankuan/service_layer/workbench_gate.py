"""The compliance gate around a person's contacts: which contact point an agent's call or
message uses, the gate's verdict on it now (a preview for listings and case pages, nothing
stored), and the stored decision with its canonical inputs when the contact really happens — the
same proof a robot contact or a dispatched action leaves, replayable by action id.

The attempt is built as dispatch builds a plan item's: the debt is disclosed only to the debtor
themself, so a call to an emergency contact is judged as the location call it must be."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from huankuan.adapters.storage.gate_store import GateDecisionRow
from huankuan.compliance.engine import evaluate, gate_version
from huankuan.compliance.facts import Attempt, ContactEvent, Decision, GateDebtor
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.compliance.proof import canonical_inputs, canonical_json, inputs_hash
from huankuan.dialogue.terms import TERMS_FILE, LenderTerms, load_terms
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import InvalidInput, NotFound
from huankuan.domain.model import Channel, ContactKind, ContactPoint, ContactRole
from huankuan.service_layer.robot_gate import GateCheck
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

# Channels people work from the queue (the others are sent by dispatch or spoken by the robot).
HUMAN_CHANNELS: tuple[Channel, ...] = (Channel.AGENT_CALL,)
# The history a decision needs: the gate's longest window (7 local days) and a margin.
HISTORY_DAYS = 10
STAGE = "agent"


@dataclass(frozen=True, slots=True)
class CaseRules:
    """The rule data agents work under: the gate's profiles and the lender's negotiation
    terms (plan and promise limits come from here, never from the agent)."""

    profiles: Mapping[str, Profile]
    terms: Mapping[str, LenderTerms]

    def profile(self, jurisdiction: str) -> Profile:
        try:
            return self.profiles[jurisdiction]
        except KeyError:
            raise InvalidInput(f"no compliance profile {jurisdiction!r} is loaded") from None

    def lender_terms(self, jurisdiction: str) -> LenderTerms:
        try:
            return self.terms[jurisdiction]
        except KeyError:
            raise InvalidInput(f"no lender terms for profile {jurisdiction!r}") from None


@cache
def packaged_rules(terms_file: Path | None = None) -> CaseRules:
    """Loaded once per process (YAML parsing and validation is not free)."""
    return CaseRules(load_profiles(), load_terms(terms_file or TERMS_FILE))


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact a person means to make now: whom, on which channel, about which debt."""

    facts: AccountFacts
    point: ContactPoint
    channel: Channel
    action_id: str
    at: datetime  # aware
    template: str = ""


def pick_contact(facts: AccountFacts, channel: Channel, contact_id: str | None) -> ContactPoint:
    """The named contact point (it must be the debtor's and fit the channel), else the debtor's
    own one for the channel: a usable one first, else the first (the gate then says why not)."""
    kind = channel.contact_kind
    if contact_id is not None:
        for point in facts.contact_points:
            if point.contact_id == contact_id:
                if point.kind is not kind:
                    raise InvalidInput(
                        f"contact point {contact_id} is a {point.kind.value}, "
                        f"not a {kind.value} for {channel.value}"
                    )
                return point
        raise NotFound(f"no contact point {contact_id!r} for this debtor")
    own = [p for p in facts.contact_points if p.role is ContactRole.SELF and p.kind is kind]
    if not own:
        raise InvalidInput(f"the debtor has no {kind.value} of their own for {channel.value}")
    usable = [point for point in own if point.usable_for(channel)]
    return (usable or own)[0]


def attempt_of(contact: Contact) -> Attempt:
    point = contact.point
    return Attempt(
        channel=contact.channel,
        at=contact.at,
        contact_role=point.role,
        template=contact.template,
        discloses_debt=point.role is ContactRole.SELF,
        contact_timezone=point.timezone,
        contact_valid=point.valid,
        contact_consent=point.consent,
        contact_opted_out=frozenset(channel.value for channel in point.opted_out),
        contact_id=point.contact_id,
        debt_ids=frozenset({contact.facts.account_id}),
    )


def debtor_of(facts: AccountFacts) -> GateDebtor:
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


def preview(uow: SqlUnitOfWork, contact: Contact, profile: Profile) -> Decision:
    """What the gate says about the contact now; nothing is stored (a listing is not a
    contact)."""
    return evaluate(
        attempt_of(contact), history(uow, contact), debtor_of(contact.facts), profile, contact.at
    )


def decide(uow: SqlUnitOfWork, contact: Contact, profile: Profile) -> GateCheck:
    """The gate's decision on a contact that is happening, stored with its canonical inputs
    (in the caller's transaction)."""
    attempt, debtor, seen = attempt_of(contact), debtor_of(contact.facts), history(uow, contact)
    decision = evaluate(attempt, seen, debtor, profile, contact.at)
    text = canonical_json(canonical_inputs(attempt, seen, debtor, profile, contact.at))
    decision_id = f"GD-{uuid.uuid4().hex[:16]}"
    uow.gate_decisions.add(
        GateDecisionRow(
            decision_id=decision_id,
            action_id=contact.action_id,
            debtor_id=contact.facts.debtor_id,
            decided_at=naive(contact.at),
            stage=STAGE,
            profile=profile.label,
            profile_hash=profile.fingerprint,
            gate_version=gate_version(profile),
            decision=decision.decision,
            rules=decision.rules,
            next_allowed_at=None
            if decision.next_allowed_at is None
            else naive(decision.next_allowed_at),
            inputs_hash=inputs_hash(text),
            inputs=text,
        )
    )
    return GateCheck(decision, decision_id)


@dataclass(frozen=True, slots=True)
class Result:
    """What became of a contact, for the history the gate counts next time."""

    outcome: str
    connected: bool
    conversation: bool = False


def record(
    uow: SqlUnitOfWork, contact: Contact, check: GateCheck, result: Result, actor: str
) -> str:
    """The contact attempt (a refused one too: the gate counts only allowed ones)."""
    attempt_id = f"ATT-{uuid.uuid4().hex[:16]}"
    allowed = check.decision.allowed
    uow.contact_attempts.add(
        attempt_id=attempt_id,
        action_id=contact.action_id,
        debtor_id=contact.facts.debtor_id,
        contact_id=contact.point.contact_id,
        channel=contact.channel.value,
        at=naive(contact.at),
        decision=check.decision.decision,
        rules=list(check.decision.rules),
        outcome=result.outcome if allowed else "gate_blocked",
        contact_role=contact.point.role.value,
        direction="outbound",
        connected=result.connected if allowed else None,
        conversation=result.conversation and allowed,
        debt_ids=[contact.facts.account_id],
        decision_id=check.decision_id,
        actor=actor,
    )
    return attempt_id


def history(uow: SqlUnitOfWork, contact: Contact) -> list[ContactEvent]:
    return uow.robot_reads.contact_history(
        contact.facts.debtor_id,
        contact.at - timedelta(days=HISTORY_DAYS),
        contact.at + timedelta(seconds=1),
    )


def blocked_message(what: str, decision: Decision) -> str:
    later = decision.next_allowed_at
    when = f"; allowed again from {later.isoformat()}" if later is not None else ""
    return f"the compliance gate blocks {what} now ({', '.join(decision.rules)}){when}"


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
