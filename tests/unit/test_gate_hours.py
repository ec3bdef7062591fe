"""Contact hours under US-RegF (08:00–21:00, both ends allowed) and CN-NIFA (08:00 until before
22:00), in the debtor's zone and, when it differs, the contact point's zone too."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from huankuan.domain.model import Channel
from tests.unit.gate_support import CN, US, decide, local

NEW_YORK, SHANGHAI = "America/New_York", "Asia/Shanghai"


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (7, 59, "block"),
        (8, 0, "allow"),
        (21, 0, "allow"),
        (21, 1, "block"),
    ],
)
def test_it_applies_us_contact_hours_inclusive_of_both_ends(
    hour: int, minute: int, expected: str
) -> None:
    decision = decide(US, local(NEW_YORK, 2026, 11, 27, hour, minute), zone=NEW_YORK)
    assert decision.decision == expected
    assert decision.rules == (("US-REGF-HOURS",) if expected == "block" else ())


def test_it_blocks_a_us_call_at_21_01_local() -> None:
    decision = decide(US, local(NEW_YORK, 2026, 11, 27, 21, 1), zone=NEW_YORK)
    assert decision.decision == "block" and decision.rules == ("US-REGF-HOURS",)
    assert "9 p.m." in decision.explanation


def test_it_blocks_a_us_call_one_second_after_21_00() -> None:
    at = local(NEW_YORK, 2026, 11, 27, 21, 0).replace(second=1)
    assert decide(US, at, zone=NEW_YORK).decision == "block"


def test_it_allows_a_cn_call_at_21_59() -> None:
    assert decide(CN, local(SHANGHAI, 2026, 11, 27, 21, 59), zone=SHANGHAI).decision == "allow"


def test_it_blocks_a_cn_call_at_22_00() -> None:
    decision = decide(CN, local(SHANGHAI, 2026, 11, 27, 22, 0), zone=SHANGHAI)
    assert decision.decision == "block" and decision.rules == ("CN-NIFA-HOURS",)


@pytest.mark.parametrize(("hour", "minute", "expected"), [(7, 59, "block"), (8, 0, "allow")])
def test_it_opens_cn_contact_at_08_00(hour: int, minute: int, expected: str) -> None:
    at = local(SHANGHAI, 2026, 11, 27, hour, minute)
    assert decide(CN, at, zone=SHANGHAI).decision == expected


def test_it_allows_the_evening_robot_slot_under_cn_but_not_us() -> None:
    cn = decide(
        CN, local(SHANGHAI, 2026, 11, 28, 21, 30), zone=SHANGHAI, channel=Channel.ROBOT_CALL
    )
    us = decide(
        US, local(NEW_YORK, 2026, 11, 28, 21, 30), zone=NEW_YORK, channel=Channel.ROBOT_CALL
    )
    assert (cn.decision, us.decision) == ("allow", "block")


def test_it_never_time_limits_letters() -> None:
    decision = decide(
        US, local(NEW_YORK, 2026, 11, 27, 3, 0), zone=NEW_YORK, channel=Channel.LETTER
    )
    assert decision.decision == "allow"


def test_it_uses_the_new_offset_on_the_spring_forward_day() -> None:
    # 2026-03-08: New York moves from UTC−5 to UTC−4 at 02:00. 12:30 UTC is 08:30 EDT
    # (a fixed EST offset would say 07:30 and block it).
    at = datetime(2026, 3, 8, 12, 30, tzinfo=UTC)
    assert decide(US, at, zone=NEW_YORK).decision == "allow"
    assert decide(US, datetime(2026, 3, 8, 11, 59, tzinfo=UTC), zone=NEW_YORK).decision == "block"


def test_it_uses_the_old_offset_again_on_the_fall_back_day() -> None:
    # 2026-11-01: back to UTC−5 at 02:00, so 12:30 UTC is 07:30 EST.
    assert decide(US, datetime(2026, 11, 1, 12, 30, tzinfo=UTC), zone=NEW_YORK).decision == "block"
    assert decide(US, datetime(2026, 11, 1, 13, 0, tzinfo=UTC), zone=NEW_YORK).decision == "allow"


def test_it_finds_the_next_morning_across_the_dst_switch() -> None:
    # Saturday 21:30 EST; the next 08:00 is Sunday 08:00 EDT = 12:00 UTC (not 13:00).
    decision = decide(US, datetime(2026, 3, 8, 2, 30, tzinfo=UTC), zone=NEW_YORK)
    assert decision.next_allowed_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def test_it_keeps_arizona_on_standard_time_in_summer() -> None:
    # Phoenix has no DST: 15:30 UTC in July is 08:30 there (Denver would be 09:30).
    phoenix = "America/Phoenix"
    assert decide(US, datetime(2026, 7, 1, 14, 59, tzinfo=UTC), zone=phoenix).decision == "block"
    assert decide(US, datetime(2026, 7, 1, 15, 0, tzinfo=UTC), zone=phoenix).decision == "allow"
    assert decide(US, datetime(2026, 7, 2, 4, 1, tzinfo=UTC), zone=phoenix).decision == "block"


def test_it_applies_hawaii_time() -> None:
    honolulu = "Pacific/Honolulu"  # UTC−10 all year
    assert decide(US, datetime(2026, 11, 28, 7, 0, tzinfo=UTC), zone=honolulu).decision == "allow"
    assert decide(US, datetime(2026, 11, 28, 7, 1, tzinfo=UTC), zone=honolulu).decision == "block"
    assert decide(US, datetime(2026, 11, 28, 18, 0, tzinfo=UTC), zone=honolulu).decision == "allow"


def test_it_requires_the_time_to_suit_the_contact_points_zone_too() -> None:
    # 08:30 in New York is 05:30 in Los Angeles, where the phone is.
    at = local(NEW_YORK, 2026, 11, 27, 8, 30)
    decision = decide(US, at, zone=NEW_YORK, contact_timezone="America/Los_Angeles")
    assert decision.rules == ("US-REGF-HOURS-CONTACT-ZONE",)
    assert decision.next_allowed_at == local("America/Los_Angeles", 2026, 11, 27, 8, 0)


def test_it_blocks_in_both_zones_when_neither_suits() -> None:
    at = local(SHANGHAI, 2026, 11, 27, 23, 0)
    decision = decide(CN, at, zone=SHANGHAI, contact_timezone="Asia/Tokyo")
    assert decision.rules == ("CN-NIFA-HOURS", "CN-NIFA-HOURS-CONTACT-ZONE")
    # 08:00 Tokyo is 07:00 Shanghai; both allow from 08:00 Shanghai.
    assert decision.next_allowed_at == local(SHANGHAI, 2026, 11, 28, 8, 0)


def test_it_ignores_a_contact_zone_equal_to_the_debtors() -> None:
    at = local(SHANGHAI, 2026, 11, 27, 9, 0)
    assert decide(CN, at, zone=SHANGHAI, contact_timezone=SHANGHAI).rules == ()


def test_it_gives_the_next_08_00_local_as_next_allowed_at() -> None:
    decision = decide(CN, local(SHANGHAI, 2026, 11, 27, 22, 0), zone=SHANGHAI)
    assert decision.next_allowed_at == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    early = decide(CN, local(SHANGHAI, 2026, 11, 27, 6, 0), zone=SHANGHAI)
    assert early.next_allowed_at == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


def test_it_blocks_an_unknown_time_zone_without_a_next_time() -> None:
    decision = decide(US, datetime(2026, 11, 27, 15, 0, tzinfo=UTC), zone="Mars/Olympus")
    assert decision.decision == "block" and decision.rules == ("US-REGF-HOURS",)
    assert decision.next_allowed_at is None


@pytest.fixture
def server_in_kolkata(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("server_in_kolkata")
def test_it_decides_the_same_on_a_server_in_another_zone() -> None:
    assert time.strftime("%z") == "+0530"
    assert decide(US, local(NEW_YORK, 2026, 11, 27, 21, 1), zone=NEW_YORK).decision == "block"
    assert decide(US, local(NEW_YORK, 2026, 11, 27, 8, 0), zone=NEW_YORK).decision == "allow"
    assert decide(CN, local(SHANGHAI, 2026, 11, 27, 21, 59), zone=SHANGHAI).decision == "allow"
