"""Rule mechanisms by kind: the code behind the rules a profile lists as data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from huankuan.compliance import profiles as p
from huankuan.compliance.rules import contact_hours, contact_point, frequency, holds, third_party
from huankuan.compliance.rules.base import (
    CounterCheck,
    Facts,
    Outcome,
    ReleaseCheck,
    ReleaseDays,
    ScalarCheck,
    VectorCheck,
    Verdicts,
)


@dataclass(frozen=True)
class Mechanism:
    scalar: ScalarCheck
    vector: VectorCheck
    release: ReleaseCheck | None = None  # None: a block by this kind does not end with time
    counter: CounterCheck | None = None  # set for the kinds that read the history
    release_days: ReleaseDays | None = None  # history kinds that wait out, for the batch


MECHANISMS: dict[type, Mechanism] = {
    p.ContactHoursRule: Mechanism(
        contact_hours.scalar, contact_hours.vector, release=contact_hours.release
    ),
    p.HoldRule: Mechanism(holds.scalar, holds.vector),
    p.UnrecognisedHoldRule: Mechanism(holds.scalar_unrecognised, holds.vector_unrecognised),
    p.OptOutRule: Mechanism(contact_point.scalar_opt_out, contact_point.vector_opt_out),
    p.ConsentRule: Mechanism(contact_point.scalar_consent, contact_point.vector_consent),
    p.InvalidContactRule: Mechanism(contact_point.scalar_invalid, contact_point.vector_invalid),
    p.ThirdPartyRolesRule: Mechanism(third_party.scalar_roles, third_party.vector_roles),
    p.ThirdPartyDisclosureRule: Mechanism(
        third_party.scalar_disclosure, third_party.vector_disclosure
    ),
    p.ThirdPartyPurposeRule: Mechanism(third_party.scalar_purpose, third_party.vector_purpose),
    p.ThirdPartyUnreachableRule: Mechanism(
        third_party.scalar_unreachable, third_party.vector_unreachable
    ),
    p.ThirdPartyOnceRule: Mechanism(
        third_party.scalar_once, third_party.vector_once, counter=third_party.counter_once
    ),
    p.ContactRefusedRule: Mechanism(third_party.scalar_refused, third_party.vector_refused),
    p.ContactFrequencyRule: Mechanism(
        frequency.scalar_frequency,
        frequency.vector_frequency,
        release=frequency.release_frequency,
        counter=frequency.counter_frequency,
        release_days=frequency.release_days_frequency,
    ),
    p.AfterConversationRule: Mechanism(
        frequency.scalar_conversation,
        frequency.vector_conversation,
        release=frequency.release_conversation,
        counter=frequency.counter_conversation,
        release_days=frequency.release_days_conversation,
    ),
}


def scalar_outcome(rule: p.Rule, facts: Facts) -> Outcome:
    return MECHANISMS[type(rule)].scalar(rule, facts)


def vector_verdicts(rule: p.Rule) -> Verdicts:
    return MECHANISMS[type(rule)].vector(rule)


def release_at(rule: p.Rule, facts: Facts) -> datetime | None:
    release = MECHANISMS[type(rule)].release
    return None if release is None else release(rule, facts)


def history_counter(rule: p.Rule) -> tuple[str, pl.Expr] | None:
    counter = MECHANISMS[type(rule)].counter
    return None if counter is None else counter(rule)


def history_release_days(rule: p.Rule) -> tuple[str, pl.Expr] | None:
    release_days = MECHANISMS[type(rule)].release_days
    return None if release_days is None else release_days(rule)


def waits_out(rule: p.Rule) -> bool:
    """A block by this rule ends by itself with time (so next_allowed_at is meaningful)."""
    return MECHANISMS[type(rule)].release is not None
