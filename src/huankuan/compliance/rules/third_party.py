"""Anyone but the debtor: which roles, for what purpose, never told of the debt, and when."""

from __future__ import annotations

import polars as pl

from huankuan.compliance.profiles import (
    ThirdPartyDisclosureRule,
    ThirdPartyPurposeRule,
    ThirdPartyRolesRule,
    ThirdPartyUnreachableRule,
)
from huankuan.compliance.rules.base import NEVER, Facts, Outcome, Verdicts
from huankuan.domain.model import ContactRole

NOT_SELF = pl.col("contact_role") != ContactRole.SELF.value


def scalar_roles(rule: ThirdPartyRolesRule, facts: Facts) -> Outcome:
    role = facts.attempt.contact_role
    return "block" if role is not ContactRole.SELF and role not in rule.allowed_roles else None


def vector_roles(rule: ThirdPartyRolesRule) -> Verdicts:
    allowed = pl.col("contact_role").is_in([role.value for role in rule.allowed_roles])
    return NOT_SELF & ~allowed, NEVER


def scalar_disclosure(_rule: ThirdPartyDisclosureRule, facts: Facts) -> Outcome:
    if facts.attempt.contact_role is ContactRole.SELF:
        return None
    return "block" if facts.attempt.discloses_debt else "apply"


def vector_disclosure(_rule: ThirdPartyDisclosureRule) -> Verdicts:
    discloses = pl.col("discloses_debt")
    return NOT_SELF & discloses, NOT_SELF & ~discloses


def scalar_purpose(rule: ThirdPartyPurposeRule, facts: Facts) -> Outcome:
    if facts.attempt.contact_role is ContactRole.SELF:
        return None
    return "apply" if facts.attempt.template in rule.templates else "block"


def vector_purpose(rule: ThirdPartyPurposeRule) -> Verdicts:
    permitted = pl.col("template").is_in(list(rule.templates))
    return NOT_SELF & ~permitted, NOT_SELF & permitted


def scalar_unreachable(rule: ThirdPartyUnreachableRule, facts: Facts) -> Outcome:
    if facts.attempt.contact_role not in rule.roles:
        return None
    return "apply" if facts.debtor.unreachable else "block"


def vector_unreachable(rule: ThirdPartyUnreachableRule) -> Verdicts:
    in_roles = pl.col("contact_role").is_in([role.value for role in rule.roles])
    unreachable = pl.col("debtor_unreachable")
    return in_roles & ~unreachable, in_roles & unreachable
