"""Holds: an active hold blocks the channels its profile rule lists, except for the roles and
purposes the rule excepts (the attorney, the estate's representative, the notices a cease
request permits); unknown holds block all."""

from __future__ import annotations

import polars as pl

from huankuan.compliance.profiles import HoldRule, UnrecognisedHoldRule
from huankuan.compliance.rules.base import NEVER, Facts, Outcome, Verdicts, one_of
from huankuan.domain.model import HoldType

KNOWN_HOLD_TYPES = frozenset(hold.value for hold in HoldType)


def scalar(rule: HoldRule, facts: Facts) -> Outcome:
    if rule.hold_type.value not in facts.debtor.hold_types:
        return None
    attempt = facts.attempt
    excepted = attempt.contact_role in rule.except_roles or attempt.purpose in rule.except_purposes
    return "block" if attempt.channel in rule.blocks and not excepted else "apply"


def vector(rule: HoldRule) -> Verdicts:
    active = pl.col("hold_types").list.contains(pl.lit(rule.hold_type.value))
    blocked_channel = pl.col("channel").is_in([channel.value for channel in rule.blocks])
    excepted = one_of("contact_role", [role.value for role in rule.except_roles]) | one_of(
        "purpose", list(rule.except_purposes)
    )
    blocks = active & blocked_channel & ~excepted
    return blocks, active & ~blocks


def scalar_unrecognised(_rule: UnrecognisedHoldRule, facts: Facts) -> Outcome:
    return "block" if facts.debtor.hold_types - KNOWN_HOLD_TYPES else None


def vector_unrecognised(_rule: UnrecognisedHoldRule) -> Verdicts:
    unknown = (
        pl.col("hold_types").list.eval(~pl.element().is_in(sorted(KNOWN_HOLD_TYPES))).list.any()
    )
    return unknown.fill_null(False), NEVER
