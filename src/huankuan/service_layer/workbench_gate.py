"""The compliance gate around a person's contacts: which contact point an agent's call or
message uses, the gate's verdict on it now (a preview for listings and case pages, nothing
stored), and the stored decision with its canonical inputs when the contact really happens — the
same proof a robot contact or a dispatched action leaves, replayable by action id. The gate
work itself is robot_gate's, shared with the robot."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from huankuan.compliance.facts import Decision
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.dialogue.terms import TERMS_FILE, LenderTerms, load_terms
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import InvalidInput, NotFound
from huankuan.domain.model import Channel, ContactPoint, ContactRole
from huankuan.service_layer import robot_gate
from huankuan.service_layer.robot_gate import ContactRequest, ContactResult, GateCheck
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

# Channels people work from the queue (the others are sent by dispatch or spoken by the robot).
HUMAN_CHANNELS: tuple[Channel, ...] = (Channel.AGENT_CALL,)
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


def request_of(contact: Contact, profile: Profile) -> ContactRequest:
    return ContactRequest(
        facts=contact.facts,
        contact=contact.point,
        channel=contact.channel,
        profile=profile,
        action_id=contact.action_id,
        at=contact.at,
        template=contact.template,
    )


def preview(uow: SqlUnitOfWork, contact: Contact, profile: Profile) -> Decision:
    """What the gate says about the contact now; nothing is stored (a listing is not a
    contact)."""
    return robot_gate.preview(uow, request_of(contact, profile))


def decide(uow: SqlUnitOfWork, contact: Contact, profile: Profile) -> GateCheck:
    """The gate's decision on a contact that is happening, stored with its canonical inputs
    (in the caller's transaction)."""
    return robot_gate.check_contact(uow, request_of(contact, profile), stage=STAGE)


def record(
    uow: SqlUnitOfWork, contact: Contact, check: GateCheck, result: ContactResult, actor: str
) -> str:
    """The contact attempt (a refused one too: the gate counts only allowed ones)."""
    attempt_id = f"ATT-{uuid.uuid4().hex[:16]}"
    robot_gate.add_attempt(
        uow,
        attempt_id=attempt_id,
        action_id=contact.action_id,
        facts=contact.facts,
        point=contact.point,
        channel=contact.channel,
        at=contact.at,
        check=check,
        result=result,
        actor=actor,
    )
    return attempt_id
