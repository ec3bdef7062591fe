"""Shared helpers for the gate's unit tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from huankuan.compliance.engine import evaluate
from huankuan.compliance.facts import Attempt, Decision, GateDebtor
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.domain.model import Channel

PROFILES = load_profiles()
US = PROFILES["US-RegF"]
CN = PROFILES["CN-NIFA"]


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def decide(
    profile: Profile,
    at: datetime,
    *,
    zone: str,
    channel: Channel = Channel.AGENT_CALL,
    holds: frozenset[str] = frozenset(),
    unreachable: bool = False,
    **attempt: object,
) -> Decision:
    debtor = GateDebtor(timezone=zone, hold_types=holds, unreachable=unreachable)
    return evaluate(Attempt(channel=channel, at=at, **attempt), debtor, profile, at)  # type: ignore[arg-type]
