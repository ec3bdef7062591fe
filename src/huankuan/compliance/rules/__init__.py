"""Rule mechanisms by kind: the code behind the rules a profile lists as data."""

from __future__ import annotations

from huankuan.compliance import profiles as p
from huankuan.compliance.rules import contact_hours, contact_point, holds, third_party
from huankuan.compliance.rules.base import Facts, Outcome, ScalarCheck, VectorCheck, Verdicts

MECHANISMS: dict[type, tuple[ScalarCheck, VectorCheck]] = {
    p.ContactHoursRule: (contact_hours.scalar, contact_hours.vector),
    p.HoldRule: (holds.scalar, holds.vector),
    p.UnrecognisedHoldRule: (holds.scalar_unrecognised, holds.vector_unrecognised),
    p.OptOutRule: (contact_point.scalar_opt_out, contact_point.vector_opt_out),
    p.ConsentRule: (contact_point.scalar_consent, contact_point.vector_consent),
    p.InvalidContactRule: (contact_point.scalar_invalid, contact_point.vector_invalid),
    p.ThirdPartyRolesRule: (third_party.scalar_roles, third_party.vector_roles),
    p.ThirdPartyDisclosureRule: (third_party.scalar_disclosure, third_party.vector_disclosure),
    p.ThirdPartyPurposeRule: (third_party.scalar_purpose, third_party.vector_purpose),
    p.ThirdPartyUnreachableRule: (third_party.scalar_unreachable, third_party.vector_unreachable),
}


def scalar_outcome(rule: p.Rule, facts: Facts) -> Outcome:
    return MECHANISMS[type(rule)][0](rule, facts)


def vector_verdicts(rule: p.Rule) -> Verdicts:
    return MECHANISMS[type(rule)][1](rule)


def waits_out(rule: p.Rule) -> bool:
    """A block by this rule ends by itself with time (so next_allowed_at is meaningful)."""
    return isinstance(rule, p.ContactHoursRule)
