"""Shared helpers for the gate's unit tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from huankuan.compliance.engine import evaluate
from huankuan.compliance.facts import Attempt, ContactEvent, Decision, GateDebtor
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.domain.model import Channel

PROFILES = load_profiles()
US = PROFILES["US-RegF"]
CN = PROFILES["CN-NIFA"]
CN_STRICT = PROFILES["CN-strict"]
US_MA = PROFILES["US-MA"]


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
    history: Sequence[ContactEvent] = (),
    flags: frozenset[str] = frozenset(),
    timezones: tuple[str, ...] = (),
    **attempt: object,
) -> Decision:
    debtor = GateDebtor(
        timezone=zone, hold_types=holds, unreachable=unreachable, flags=flags, timezones=timezones
    )
    return evaluate(Attempt(channel=channel, at=at, **attempt), history, debtor, profile, at)  # type: ignore[arg-type]
