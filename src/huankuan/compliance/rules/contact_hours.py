"""Contact hours: only inside a local-time window, in every zone the debtor may be in (their own
and any other candidate) and, when it differs, in the contact point's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from huankuan.compliance.profiles import ContactHoursRule
from huankuan.compliance.rules.base import NEVER, Facts, Outcome, Verdicts
from huankuan.localtime import local_to_utc, micros_of_day, utc_to_local, zone


def inside(rule: ContactHoursRule, micros: int) -> bool:
    start, end = micros_of_day(rule.start), micros_of_day(rule.end)
    return start <= micros <= end if rule.end_inclusive else start <= micros < end


def scalar(rule: ContactHoursRule, facts: Facts) -> Outcome:
    if facts.attempt.channel not in rule.channels:
        return None
    if rule.zone == "contact_point":
        if not facts.contact_zone_differs:
            return None
        clocks: tuple[int | None, ...] = (facts.contact_micros,)
    else:
        clocks = facts.zone_micros
    # An unknown zone cannot be shown to be a convenient time: block.
    return None if all(m is not None and inside(rule, m) for m in clocks) else "block"


def release(rule: ContactHoursRule, facts: Facts) -> datetime | None:
    """The next opening after `facts.at` at which the window holds in all the rule's zones.

    The intersection of daily windows starts at some zone's window start, so those are the
    only candidates; windows of 13 hours or more always overlap within a day or two.
    """
    if rule.zone == "contact_point":
        zones: tuple[str | None, ...] = (facts.attempt.contact_timezone,)
    else:
        zones = facts.debtor.candidate_zones
    candidates = set()
    for zone_name in zones:
        if zone_name is None or zone(zone_name) is None:
            return None
        local = utc_to_local(facts.at.replace(tzinfo=None), zone_name)
        assert local is not None
        for offset in range(-1, 3):
            day = local.date() + timedelta(days=offset)
            start = local_to_utc(datetime.combine(day, rule.start), zone_name)
            if start is not None and start.replace(tzinfo=UTC) > facts.at:
                candidates.add(start.replace(tzinfo=UTC))
    for candidate in sorted(candidates):
        if scalar(rule, facts.moved(candidate)) is None:
            return candidate
    return None


def vector(rule: ContactHoursRule) -> Verdicts:
    micros = pl.col("contact_micros" if rule.zone == "contact_point" else "debtor_micros")
    start, end = micros_of_day(rule.start), micros_of_day(rule.end)
    within = (micros >= start) & ((micros <= end) if rule.end_inclusive else (micros < end))
    applicable = pl.col("channel").is_in([channel.value for channel in rule.channels])
    if rule.zone == "contact_point":
        applicable = applicable & pl.col("contact_zone_differs")
    return applicable & ~within.fill_null(False), NEVER
