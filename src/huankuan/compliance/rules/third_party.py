"""Anyone but the debtor and those who stand for them (their attorney, the estate's
representative): which roles, for what purpose, never told of the debt, when, and how often."""

from __future__ import annotations

import polars as pl

from huankuan.compliance.facts import DEBTOR_SIDE
from huankuan.compliance.profiles import (
    ContactRefusedRule,
    ThirdPartyDisclosureRule,
    ThirdPartyOnceRule,
    ThirdPartyPurposeRule,
    ThirdPartyRolesRule,
    ThirdPartyUnreachableRule,
)
from huankuan.compliance.rules.base import NEVER, Facts, Outcome, Verdicts, one_of
from huankuan.domain.model import ContactRole

NOT_SELF = pl.col("contact_role") != ContactRole.SELF.value
THIRD_PARTY = ~pl.col("contact_role").is_in(sorted(role.value for role in DEBTOR_SIDE))
THIRD_PARTY_CONTACTS = "_third_party_contacts"


def third_party(facts: Facts) -> bool:
    return facts.attempt.contact_role not in DEBTOR_SIDE


def scalar_roles(rule: ThirdPartyRolesRule, facts: Facts) -> Outcome:
    role = facts.attempt.contact_role
    return "block" if role is not ContactRole.SELF and role not in rule.allowed_roles else None


def vector_roles(rule: ThirdPartyRolesRule) -> Verdicts:
    allowed = one_of("contact_role", [role.value for role in rule.allowed_roles])
    return NOT_SELF & ~allowed, NEVER


def scalar_disclosure(_rule: ThirdPartyDisclosureRule, facts: Facts) -> Outcome:
    if not third_party(facts):
        return None
    return "block" if facts.attempt.discloses_debt else "apply"


def vector_disclosure(_rule: ThirdPartyDisclosureRule) -> Verdicts:
    discloses = pl.col("discloses_debt")
    return THIRD_PARTY & discloses, THIRD_PARTY & ~discloses


def scalar_purpose(rule: ThirdPartyPurposeRule, facts: Facts) -> Outcome:
    if not third_party(facts):
        return None
    attempt = facts.attempt
    permitted = attempt.template in rule.templates or attempt.purpose in rule.purposes
    return "apply" if permitted else "block"


def vector_purpose(rule: ThirdPartyPurposeRule) -> Verdicts:
    permitted = one_of("template", list(rule.templates)) | one_of("purpose", list(rule.purposes))
    return THIRD_PARTY & ~permitted, THIRD_PARTY & permitted


def scalar_unreachable(rule: ThirdPartyUnreachableRule, facts: Facts) -> Outcome:
    if facts.attempt.contact_role not in rule.roles:
        return None
    return "apply" if facts.debtor.unreachable else "block"


def vector_unreachable(rule: ThirdPartyUnreachableRule) -> Verdicts:
    in_roles = one_of("contact_role", [role.value for role in rule.roles])
    unreachable = pl.col("debtor_unreachable")
    return in_roles & ~unreachable, in_roles & unreachable


def scalar_once(_rule: ThirdPartyOnceRule, facts: Facts) -> Outcome:
    """Outbound contacts that reached the same third party before (at any time)."""
    if not third_party(facts):
        return None
    person = facts.attempt.person
    earlier = any(
        event.person == person and event.direction == "outbound" and event.connected
        for event, _ in facts.earlier_contacts()
    )
    return "block" if earlier else None


def counter_once(_rule: ThirdPartyOnceRule) -> tuple[str, pl.Expr]:
    reached = (
        (pl.col("e_person") == pl.col("person"))
        & (pl.col("e_direction") == "outbound")
        & pl.col("e_connected")
    )
    return THIRD_PARTY_CONTACTS, reached


def vector_once(_rule: ThirdPartyOnceRule) -> Verdicts:
    return THIRD_PARTY & (pl.col(THIRD_PARTY_CONTACTS) > 0), NEVER


def scalar_refused(rule: ContactRefusedRule, facts: Facts) -> Outcome:
    attempt = facts.attempt
    return "block" if attempt.contact_refused and attempt.channel in rule.channels else None


def vector_refused(rule: ContactRefusedRule) -> Verdicts:
    applicable = one_of("channel", [channel.value for channel in rule.channels])
    return applicable & pl.col("contact_refused"), NEVER
