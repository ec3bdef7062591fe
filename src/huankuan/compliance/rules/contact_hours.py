"""Contact hours: only inside a local-time window, in the debtor's and the contact point's zone."""

from __future__ import annotations

import polars as pl

from huankuan.compliance.profiles import ContactHoursRule
from huankuan.compliance.rules.base import NEVER, Facts, Outcome, Verdicts
from huankuan.localtime import micros_of_day


def inside(rule: ContactHoursRule, micros: int) -> bool:
    start, end = micros_of_day(rule.start), micros_of_day(rule.end)
    return start <= micros <= end if rule.end_inclusive else start <= micros < end


def scalar(rule: ContactHoursRule, facts: Facts) -> Outcome:
    if facts.attempt.channel not in rule.channels:
        return None
    if rule.zone == "contact_point":
        if not facts.contact_zone_differs:
            return None
        micros = facts.contact_micros
    else:
        micros = facts.debtor_micros
    # An unknown zone cannot be shown to be a convenient time: block.
    return "block" if micros is None or not inside(rule, micros) else None


def vector(rule: ContactHoursRule) -> Verdicts:
    micros = pl.col("contact_micros" if rule.zone == "contact_point" else "debtor_micros")
    start, end = micros_of_day(rule.start), micros_of_day(rule.end)
    within = (micros >= start) & ((micros <= end) if rule.end_inclusive else (micros < end))
    applicable = pl.col("channel").is_in([channel.value for channel in rule.channels])
    if rule.zone == "contact_point":
        applicable = applicable & pl.col("contact_zone_differs")
    return applicable & ~within.fill_null(False), NEVER
