"""Rules that read the history: US-RegF's 7-in-7 and post-conversation days (12 CFR
1006.14(b)(2)), CN-NIFA's three connected calls a day, and the house caps of CN-strict and
US-MA, with their boundaries and the waiting times they give."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from huankuan.compliance.facts import ContactEvent
from huankuan.domain.model import Channel, ContactRole
from tests.unit.gate_support import CN, CN_STRICT, US, US_MA, decide, local

NEW_YORK, SHANGHAI, HONOLULU = "America/New_York", "Asia/Shanghai", "Pacific/Honolulu"


def call(at: datetime, **fields: object) -> ContactEvent:
    return ContactEvent(at=at, channel=Channel.AGENT_CALL, **fields)  # type: ignore[arg-type]


def calls_on_days(zone: str, year: int, month: int, days: list[int], **fields: object):  # type: ignore[no-untyped-def]
    return [call(local(zone, year, month, day, 10, 0), **fields) for day in days]


# --- US: 7 calls in 7 days
def test_it_allows_the_7th_call_within_7_days() -> None:
    history = calls_on_days(NEW_YORK, 2026, 11, [21, 22, 23, 24, 25, 26])
    decision = decide(US, local(NEW_YORK, 2026, 11, 27, 15), zone=NEW_YORK, history=history)
    assert decision.decision == "allow"


def test_it_blocks_the_8th_call_within_7_days_until_the_oldest_leaves_the_window() -> None:
    history = calls_on_days(NEW_YORK, 2026, 11, [21, 22, 23, 24, 25, 26, 27])
    decision = decide(US, local(NEW_YORK, 2026, 11, 27, 15), zone=NEW_YORK, history=history)
    assert decision.rules == ("US-REGF-CALLS-7-IN-7",)
    # The call of the 21st leaves the window [22nd, 28th] at midnight; 08:00 is the opening.
    assert decision.next_allowed_at == local(NEW_YORK, 2026, 11, 28, 8, 0)


def test_it_counts_seven_consecutive_local_days_only() -> None:
    history = calls_on_days(NEW_YORK, 2026, 11, [20, 22, 23, 24, 25, 26, 27])
    assert decide(US, local(NEW_YORK, 2026, 11, 27, 15), zone=NEW_YORK, history=history).allowed


def test_it_waits_a_week_after_seven_calls_on_one_day() -> None:
    # The Regulation F example: seven calls on Monday, the next one the following Monday.
    history = [call(local(NEW_YORK, 2026, 11, 23, 9 + hour, 0)) for hour in range(7)]
    decision = decide(US, local(NEW_YORK, 2026, 11, 25, 10), zone=NEW_YORK, history=history)
    assert decision.next_allowed_at == local(NEW_YORK, 2026, 11, 30, 8, 0)


def test_it_does_not_count_calls_that_did_not_connect() -> None:
    history = calls_on_days(NEW_YORK, 2026, 11, [21, 22, 23, 24, 25, 26, 27], connected=False)
    assert decide(US, local(NEW_YORK, 2026, 11, 27, 15), zone=NEW_YORK, history=history).allowed


def test_it_counts_a_call_that_rang_out_as_placed() -> None:
    history = calls_on_days(NEW_YORK, 2026, 11, [21, 22, 23, 24, 25, 26, 27], connected=True)
    decision = decide(US, local(NEW_YORK, 2026, 11, 27, 15), zone=NEW_YORK, history=history)
    assert decision.decision == "block"


def test_it_counts_only_calls_not_texts_or_emails() -> None:
    at = local(NEW_YORK, 2026, 11, 27, 15)
    texts = [
        ContactEvent(local(NEW_YORK, 2026, 11, day, 10), channel)
        for day in range(21, 28)
        for channel in (Channel.SMS, Channel.EMAIL)
    ]
    assert decide(US, at, zone=NEW_YORK, history=texts).allowed
    calls = calls_on_days(NEW_YORK, 2026, 11, list(range(21, 28)))
    assert decide(US, at, zone=NEW_YORK, channel=Channel.SMS, history=calls).allowed


def test_it_does_not_count_calls_the_debtor_placed() -> None:
    history = calls_on_days(NEW_YORK, 2026, 11, list(range(21, 28)), direction="inbound")
    assert decide(US, local(NEW_YORK, 2026, 11, 27, 15), zone=NEW_YORK, history=history).allowed


def test_it_counts_per_debt() -> None:
    at = local(NEW_YORK, 2026, 11, 27, 15)
    about_a1 = calls_on_days(NEW_YORK, 2026, 11, list(range(21, 28)), debt_ids=frozenset({"A1"}))
    other = decide(US, at, zone=NEW_YORK, history=about_a1, debt_ids=frozenset({"A2"}))
    same = decide(US, at, zone=NEW_YORK, history=about_a1, debt_ids=frozenset({"A1"}))
    unknown = decide(US, at, zone=NEW_YORK, history=about_a1)
    assert (other.decision, same.decision, unknown.decision) == ("allow", "block", "block")


def test_it_counts_a_call_about_several_debts_for_each() -> None:
    both = frozenset({"A1", "A2"})
    history = calls_on_days(NEW_YORK, 2026, 11, list(range(21, 28)), debt_ids=both)
    at = local(NEW_YORK, 2026, 11, 27, 15)
    for debt in ("A1", "A2"):
        assert not decide(
            US, at, zone=NEW_YORK, history=history, debt_ids=frozenset({debt})
        ).allowed


def test_it_counts_per_person() -> None:
    history = calls_on_days(
        NEW_YORK, 2026, 11, list(range(21, 28)), contact_role=ContactRole.EMERGENCY_CONTACT
    )
    assert decide(US, local(NEW_YORK, 2026, 11, 27, 15), zone=NEW_YORK, history=history).allowed


def test_it_counts_the_debtors_numbers_as_one_person() -> None:
    history = [
        call(local(NEW_YORK, 2026, 11, day, 10), contact_id=f"C{day % 2}") for day in range(21, 28)
    ]
    decision = decide(
        US, local(NEW_YORK, 2026, 11, 27, 15), zone=NEW_YORK, history=history, contact_id="C9"
    )
    assert decision.rules == ("US-REGF-CALLS-7-IN-7",)


def test_it_ignores_contacts_after_the_attempt() -> None:
    history = calls_on_days(NEW_YORK, 2026, 11, list(range(21, 28)))
    assert decide(US, local(NEW_YORK, 2026, 11, 27, 9), zone=NEW_YORK, history=history).allowed


# --- US: after a conversation
def test_it_blocks_calls_through_day_7_after_a_conversation() -> None:
    spoke = [call(local(NEW_YORK, 2026, 11, 10, 10), conversation=True)]
    same_day = decide(US, local(NEW_YORK, 2026, 11, 10, 16), zone=NEW_YORK, history=spoke)
    day_7 = decide(US, local(NEW_YORK, 2026, 11, 16, 20), zone=NEW_YORK, history=spoke)
    day_8 = decide(US, local(NEW_YORK, 2026, 11, 17, 8), zone=NEW_YORK, history=spoke)
    assert same_day.rules == day_7.rules == ("US-REGF-AFTER-CONVERSATION",)
    assert day_7.next_allowed_at == local(NEW_YORK, 2026, 11, 17, 8, 0)
    assert day_8.allowed


def test_it_counts_a_conversation_the_debtor_called_in_for() -> None:
    spoke = [call(local(NEW_YORK, 2026, 11, 10, 10), conversation=True, direction="inbound")]
    decision = decide(US, local(NEW_YORK, 2026, 11, 12, 10), zone=NEW_YORK, history=spoke)
    assert decision.rules == ("US-REGF-AFTER-CONVERSATION",)


def test_it_limits_the_quiet_days_to_the_debt_discussed() -> None:
    spoke = [call(local(NEW_YORK, 2026, 11, 10, 10), conversation=True, debt_ids=frozenset({"A1"}))]
    at = local(NEW_YORK, 2026, 11, 12, 10)
    assert decide(US, at, zone=NEW_YORK, history=spoke, debt_ids=frozenset({"A2"})).allowed
    assert not decide(US, at, zone=NEW_YORK, history=spoke, debt_ids=frozenset({"A1"})).allowed


def test_it_still_allows_a_text_after_a_conversation() -> None:
    spoke = [call(local(NEW_YORK, 2026, 11, 10, 10), conversation=True)]
    at = local(NEW_YORK, 2026, 11, 11, 10)
    assert decide(US, at, zone=NEW_YORK, channel=Channel.SMS, history=spoke).allowed


def test_it_counts_conversation_days_across_the_dst_switch() -> None:
    # Conversation on Thursday 5 March (EST); day 8 is Thursday 12 March (EDT, UTC−4).
    spoke = [call(local(NEW_YORK, 2026, 3, 5, 19), conversation=True)]
    decision = decide(US, local(NEW_YORK, 2026, 3, 11, 12), zone=NEW_YORK, history=spoke)
    assert decision.next_allowed_at == datetime(2026, 3, 12, 12, 0, tzinfo=UTC)


def test_it_counts_days_in_hawaii_time_not_utc() -> None:
    # 20:00 on 1 June in Honolulu is already 2 June in UTC; day 8 is 8 June in Honolulu.
    spoke = [call(local(HONOLULU, 2026, 6, 1, 20), conversation=True)]
    late_day_7 = decide(US, local(HONOLULU, 2026, 6, 7, 20), zone=HONOLULU, history=spoke)
    morning_day_8 = decide(US, local(HONOLULU, 2026, 6, 8, 8), zone=HONOLULU, history=spoke)
    assert (late_day_7.decision, morning_day_8.decision) == ("block", "allow")


def test_it_counts_days_in_arizona_time_in_summer() -> None:
    # Phoenix stays on UTC−7: 23:30 on 1 July there is 2 July in Denver (UTC−6) and in UTC.
    phoenix = "America/Phoenix"
    spoke = [call(local(phoenix, 2026, 7, 1, 23, 30), conversation=True, direction="inbound")]
    assert decide(US, local(phoenix, 2026, 7, 8, 8, 0), zone=phoenix, history=spoke).allowed
    day_7 = decide(US, local(phoenix, 2026, 7, 7, 20, 0), zone=phoenix, history=spoke)
    assert day_7.next_allowed_at == local(phoenix, 2026, 7, 8, 8, 0)


# --- CN: 3 connected calls a day
def test_it_allows_the_3rd_and_blocks_the_4th_connected_call_of_a_cn_day() -> None:
    two = [call(local(SHANGHAI, 2026, 11, 27, hour)) for hour in (9, 10)]
    three = [*two, call(local(SHANGHAI, 2026, 11, 27, 11))]
    at = local(SHANGHAI, 2026, 11, 27, 15)
    assert decide(CN, at, zone=SHANGHAI, history=two).allowed
    blocked = decide(CN, at, zone=SHANGHAI, history=three)
    assert blocked.rules == ("CN-NIFA-DAILY-CALLS",)
    assert blocked.next_allowed_at == local(SHANGHAI, 2026, 11, 28, 8, 0)


def test_it_does_not_count_unanswered_or_debtor_placed_cn_calls() -> None:
    history = [
        *[call(local(SHANGHAI, 2026, 11, 27, 9), connected=False) for _ in range(5)],
        *[call(local(SHANGHAI, 2026, 11, 27, 10), direction="inbound") for _ in range(5)],
    ]
    assert decide(CN, local(SHANGHAI, 2026, 11, 27, 15), zone=SHANGHAI, history=history).allowed


def test_it_counts_the_cn_day_in_beijing_time() -> None:
    # 07:30 Beijing on the 27th is still the 26th in UTC; 23:30 on the 26th is another day.
    today = [call(local(SHANGHAI, 2026, 11, 27, 7, 30)) for _ in range(3)]
    yesterday = [call(local(SHANGHAI, 2026, 11, 26, 23, 30)) for _ in range(3)]
    at = local(SHANGHAI, 2026, 11, 27, 9)
    assert not decide(CN, at, zone=SHANGHAI, history=today).allowed
    assert decide(CN, at, zone=SHANGHAI, history=yesterday).allowed


def test_it_caps_cn_calls_at_2_a_day_in_the_strict_house_profile() -> None:
    two = [call(local(SHANGHAI, 2026, 11, 27, hour)) for hour in (9, 10)]
    at = local(SHANGHAI, 2026, 11, 27, 15)
    assert decide(CN, at, zone=SHANGHAI, history=two).allowed
    assert decide(CN_STRICT, at, zone=SHANGHAI, history=two).rules == ("CN-STRICT-DAILY-CALLS",)


@pytest.mark.parametrize(("dials", "expected"), [(5, "allow"), (6, "block")])
def test_it_caps_unanswered_dials_per_number_in_the_strict_house_profile(
    dials: int, expected: str
) -> None:
    history = [
        call(local(SHANGHAI, 2026, 11, 27, 9, minute), connected=False, contact_id="C1")
        for minute in range(dials)
    ]
    at = local(SHANGHAI, 2026, 11, 27, 15)
    decision = decide(CN_STRICT, at, zone=SHANGHAI, history=history, contact_id="C1")
    other_number = decide(CN_STRICT, at, zone=SHANGHAI, history=history, contact_id="C2")
    assert decision.decision == expected
    if expected == "block":
        assert "CN-STRICT-UNANSWERED-DIALS" in decision.rules
        assert "CN-STRICT-UNANSWERED-DIALS" not in other_number.rules


# --- US-MA: 2 in 7 days
def test_it_allows_two_and_blocks_a_third_massachusetts_communication_in_7_days() -> None:
    at = local(NEW_YORK, 2026, 11, 27, 15)
    one = [call(local(NEW_YORK, 2026, 11, 21, 10))]
    two = [*one, ContactEvent(local(NEW_YORK, 2026, 11, 25, 10), Channel.SMS)]
    assert decide(US_MA, at, zone=NEW_YORK, history=one).allowed
    blocked = decide(US_MA, at, zone=NEW_YORK, channel=Channel.SMS, history=two)
    assert blocked.rules == ("US-MA-CALLS-2-IN-7",)
    assert blocked.next_allowed_at == local(NEW_YORK, 2026, 11, 28, 8, 0)
    assert decide(US, at, zone=NEW_YORK, history=two).allowed


def test_it_combines_a_cap_with_contact_hours_for_the_next_time() -> None:
    # Blocked at 21:30 by both the hours and the cap: the next time is 08:00 after the cap ends.
    history = calls_on_days(NEW_YORK, 2026, 11, list(range(21, 28)))
    decision = decide(US, local(NEW_YORK, 2026, 11, 27, 21, 30), zone=NEW_YORK, history=history)
    assert decision.rules == ("US-REGF-HOURS", "US-REGF-CALLS-7-IN-7")
    assert decision.next_allowed_at == local(NEW_YORK, 2026, 11, 28, 8, 0)


@pytest.fixture
def server_in_los_angeles(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("server_in_los_angeles")
def test_it_counts_the_same_days_on_a_server_in_another_zone() -> None:
    # Beijing's 07:30 on the 27th is the 26th in Los Angeles and in UTC.
    today = [call(local(SHANGHAI, 2026, 11, 27, 7, 30)) for _ in range(3)]
    decision = decide(CN, local(SHANGHAI, 2026, 11, 27, 9), zone=SHANGHAI, history=today)
    assert decision.rules == ("CN-NIFA-DAILY-CALLS",)
    assert decision.next_allowed_at == local(SHANGHAI, 2026, 11, 28, 8, 0)
