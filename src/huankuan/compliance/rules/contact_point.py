"""The contact point itself: valid, consented, and not opted out of the channel."""

from __future__ import annotations

import polars as pl

from huankuan.compliance.profiles import ConsentRule, InvalidContactRule, OptOutRule
from huankuan.compliance.rules.base import NEVER, Facts, Outcome, Verdicts
from huankuan.domain.model import Channel

CALLS = frozenset({Channel.ROBOT_CALL, Channel.AGENT_CALL})


def opted_out(channel: Channel, opt_outs: frozenset[str]) -> bool:
    """Opt-outs name channels; "call" covers both kinds of call and "all" every channel."""
    return (
        channel.value in opt_outs or "all" in opt_outs or (channel in CALLS and "call" in opt_outs)
    )


def scalar_opt_out(_rule: OptOutRule, facts: Facts) -> Outcome:
    attempt = facts.attempt
    return "block" if opted_out(attempt.channel, attempt.contact_opted_out) else None


def vector_opt_out(_rule: OptOutRule) -> Verdicts:
    names = pl.col("opted_out")
    is_call = pl.col("channel").is_in([channel.value for channel in CALLS])
    blocked = (
        names.list.contains(pl.col("channel"))
        | names.list.contains(pl.lit("all"))
        | (is_call & names.list.contains(pl.lit("call")))
    )
    return blocked.fill_null(False), NEVER


def scalar_consent(rule: ConsentRule, facts: Facts) -> Outcome:
    attempt = facts.attempt
    return "block" if attempt.channel in rule.channels and not attempt.contact_consent else None


def vector_consent(rule: ConsentRule) -> Verdicts:
    applicable = pl.col("channel").is_in([channel.value for channel in rule.channels])
    return applicable & ~pl.col("contact_consent"), NEVER


def scalar_invalid(_rule: InvalidContactRule, facts: Facts) -> Outcome:
    return None if facts.attempt.contact_valid else "block"


def vector_invalid(_rule: InvalidContactRule) -> Verdicts:
    return ~pl.col("contact_valid"), NEVER
