"""How often: caps on contacts within a window of local calendar days, and the quiet days after
a telephone conversation. Days are the debtor's local calendar days; the attempt's own day is
the last day of its window, and a conversation's day is day 1 of its quiet period."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from huankuan.compliance.facts import ContactEvent
from huankuan.compliance.profiles import AfterConversationRule, ContactFrequencyRule
from huankuan.compliance.rules.base import NEVER, Facts, Outcome, Verdicts, one_of


def _debts(facts: Facts) -> list[str | None]:
    """The debts an attempt is judged for: each of its own, or every debt at once."""
    debts: list[str | None] = [*sorted(facts.attempt.debt_ids)]
    return debts or [None]


# ------------------------------------------------------------------------- frequency caps
def _counted(rule: ContactFrequencyRule, facts: Facts, event: ContactEvent) -> bool:
    if event.direction != "outbound" or event.channel not in rule.channels:
        return False
    if rule.counts == "connected":
        if not event.connected:
            return False
    elif event.conversation:
        return False
    if rule.per == "number":
        return event.number == facts.attempt.number
    return event.person == facts.attempt.person


def _counted_days(rule: ContactFrequencyRule, facts: Facts, debt: str | None) -> list[date]:
    """The local days of the counted contacts in the attempt's window, oldest first."""
    return sorted(
        facts.day - timedelta(days=days_ago)
        for event, days_ago in facts.earlier_contacts()
        if 0 <= days_ago < rule.window_days
        and _counted(rule, facts, event)
        and (rule.per != "person_and_debt" or event.concerns(debt))
    )


def scalar_frequency(rule: ContactFrequencyRule, facts: Facts) -> Outcome:
    if facts.attempt.channel not in rule.channels:
        return None
    for debt in _debts(facts):
        if len(_counted_days(rule, facts, debt)) >= rule.max_contacts:
            return "block"
    return None


def release_frequency(rule: ContactFrequencyRule, facts: Facts) -> datetime | None:
    """The day enough of the oldest counted contacts have left the window, for every debt."""
    latest = facts.day
    for debt in _debts(facts):
        days = _counted_days(rule, facts, debt)
        if len(days) >= rule.max_contacts:
            leaving = days[len(days) - rule.max_contacts]
            latest = max(latest, leaving + timedelta(days=rule.window_days))
    return facts.local_midnight(latest) if latest > facts.day else None


def frequency_column(rule: ContactFrequencyRule) -> str:
    channels = "-".join(sorted(channel.value for channel in rule.channels))
    return f"_contacts_{rule.per}_{rule.counts}_{rule.window_days}d_{channels}"


def counter_frequency(rule: ContactFrequencyRule) -> tuple[str, pl.Expr]:
    counted = (
        (pl.col("e_direction") == "outbound")
        & one_of("e_channel", [channel.value for channel in rule.channels])
        & (pl.col("days_ago") >= 0)
        & (pl.col("days_ago") < rule.window_days)
    )
    if rule.counts == "connected":
        counted = counted & pl.col("e_connected")
    else:
        counted = counted & ~pl.col("e_conversation")
    if rule.per == "number":
        counted = counted & (pl.col("e_number") == pl.col("number"))
    else:
        counted = counted & (pl.col("e_person") == pl.col("person"))
    if rule.per == "person_and_debt":
        counted = counted & DEBT_MATCHES
    return frequency_column(rule), counted


def release_days_frequency(rule: ContactFrequencyRule) -> tuple[str, pl.Expr]:
    """Days after the row's local day at which the rule releases it: the oldest of the
    `max_contacts` most recent counted contacts leaves the window (as `release_frequency`)."""
    _, counted = counter_frequency(rule)
    oldest_kept = pl.col("days_ago").filter(counted).bottom_k(rule.max_contacts).max()
    return f"{frequency_column(rule)}_release_{rule.max_contacts}", rule.window_days - oldest_kept


def vector_frequency(rule: ContactFrequencyRule) -> Verdicts:
    applicable = one_of("channel", [channel.value for channel in rule.channels])
    return applicable & (pl.col(frequency_column(rule)) >= rule.max_contacts), NEVER


# The contact concerns the plan row's debt (a contact or row without debts concerns every debt).
DEBT_MATCHES = (
    pl.col("account_id").is_null()
    | (pl.col("e_debt_ids").list.len() == 0)
    | pl.col("e_debt_ids").list.contains(pl.col("account_id"))
)


# ------------------------------------------------------------------- after a conversation
def _conversation_days(rule: AfterConversationRule, facts: Facts, debt: str | None) -> list[date]:
    person = facts.attempt.person
    return sorted(
        facts.day - timedelta(days=days_ago)
        for event, days_ago in facts.earlier_contacts()
        if 0 <= days_ago < rule.window_days
        and event.is_call
        and event.conversation
        and event.person == person
        and (rule.per != "person_and_debt" or event.concerns(debt))
    )


def scalar_conversation(rule: AfterConversationRule, facts: Facts) -> Outcome:
    if facts.attempt.channel not in rule.channels:
        return None
    if any(_conversation_days(rule, facts, debt) for debt in _debts(facts)):
        return "block"
    return None


def release_conversation(rule: AfterConversationRule, facts: Facts) -> datetime | None:
    """Day `window_days + 1` counted from the latest conversation's day (day 1)."""
    latest = facts.day
    for debt in _debts(facts):
        days = _conversation_days(rule, facts, debt)
        if days:
            latest = max(latest, days[-1] + timedelta(days=rule.window_days))
    return facts.local_midnight(latest) if latest > facts.day else None


def conversation_column(rule: AfterConversationRule) -> str:
    return f"_conversations_{rule.per}_{rule.window_days}d"


def counter_conversation(rule: AfterConversationRule) -> tuple[str, pl.Expr]:
    spoke = (
        pl.col("e_channel").is_in(["robot_call", "agent_call"])
        & pl.col("e_conversation")
        & (pl.col("e_person") == pl.col("person"))
        & (pl.col("days_ago") >= 0)
        & (pl.col("days_ago") < rule.window_days)
    )
    if rule.per == "person_and_debt":
        spoke = spoke & DEBT_MATCHES
    return conversation_column(rule), spoke


def release_days_conversation(rule: AfterConversationRule) -> tuple[str, pl.Expr]:
    """Days after the row's local day at which the quiet days after the latest conversation
    end (as `release_conversation`)."""
    _, spoke = counter_conversation(rule)
    latest = pl.col("days_ago").filter(spoke).min()
    return f"{conversation_column(rule)}_release", rule.window_days - latest


def vector_conversation(rule: AfterConversationRule) -> Verdicts:
    applicable = one_of("channel", [channel.value for channel in rule.channels])
    return applicable & (pl.col(conversation_column(rule)) > 0), NEVER
