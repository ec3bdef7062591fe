"""Holds, opt-outs, consent, invalid contact points and third parties, under both profiles."""

from __future__ import annotations

import pytest

from huankuan.domain.model import Channel, ContactRole, HoldType
from tests.unit.gate_support import CN, US, decide, local

NEW_YORK, SHANGHAI = "America/New_York", "Asia/Shanghai"
US_NOON = local(NEW_YORK, 2026, 11, 27, 12, 0)
CN_NOON = local(SHANGHAI, 2026, 11, 27, 12, 0)
BLOCK_ALL = [
    "dispute",
    "cease_contact",
    "attorney",
    "bankruptcy",
    "deceased",
    "welfare",
    "complaint_review",
]


@pytest.mark.parametrize("hold", BLOCK_ALL)
@pytest.mark.parametrize("channel", list(Channel))
def test_it_blocks_every_channel_during_a_blocking_hold(hold: str, channel: Channel) -> None:
    for profile, zone, at in ((US, NEW_YORK, US_NOON), (CN, SHANGHAI, CN_NOON)):
        decision = decide(profile, at, zone=zone, channel=channel, holds=frozenset({hold}))
        assert decision.decision == "block"
        assert decision.rules == (profile.hold_rule(hold).id,)  # type: ignore[union-attr]
        assert decision.next_allowed_at is None


@pytest.mark.parametrize("channel", [Channel.ROBOT_CALL, Channel.AGENT_CALL])
def test_it_blocks_calls_during_a_hardship_plan(channel: Channel) -> None:
    decision = decide(
        CN, CN_NOON, zone=SHANGHAI, channel=channel, holds=frozenset({HoldType.HARDSHIP_PLAN.value})
    )
    assert decision.decision == "block" and decision.rules == ("CN-NIFA-HOLD-HARDSHIP",)


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.EMAIL, Channel.LETTER])
def test_it_allows_written_reminders_during_a_hardship_plan(channel: Channel) -> None:
    decision = decide(
        US, US_NOON, zone=NEW_YORK, channel=channel, holds=frozenset({HoldType.HARDSHIP_PLAN.value})
    )
    assert decision.decision == "allow"
    assert decision.rules == ("US-REGF-HOLD-HARDSHIP",)  # the rule conditioned the decision


def test_it_fails_closed_on_a_hold_type_it_does_not_know() -> None:
    decision = decide(US, US_NOON, zone=NEW_YORK, holds=frozenset({"litigation"}))
    assert decision.rules == ("US-REGF-HOLD-UNRECOGNISED",)


def test_it_lists_every_blocking_rule_in_profile_order() -> None:
    at = local(NEW_YORK, 2026, 11, 27, 22, 0)
    decision = decide(
        US,
        at,
        zone=NEW_YORK,
        channel=Channel.SMS,
        holds=frozenset({"dispute"}),
        contact_opted_out=frozenset({"sms"}),
        contact_valid=False,
    )
    assert decision.rules == (
        "US-REGF-HOURS",
        "US-REGF-HOLD-DISPUTE",
        "US-REGF-OPT-OUT",
        "US-REGF-INVALID-CONTACT",
    )
    assert decision.next_allowed_at is None  # waiting for 08:00 would not help


@pytest.mark.parametrize(
    ("opted_out", "channel", "blocked"),
    [
        ({"sms"}, Channel.SMS, True),
        ({"sms"}, Channel.ROBOT_CALL, False),
        ({"robot_call"}, Channel.AGENT_CALL, False),
        ({"call"}, Channel.AGENT_CALL, True),
        ({"call"}, Channel.ROBOT_CALL, True),
        ({"call"}, Channel.SMS, False),
        ({"all"}, Channel.LETTER, True),
        ({"email"}, Channel.EMAIL, True),
    ],
)
def test_it_honours_channel_opt_outs(opted_out: set[str], channel: Channel, blocked: bool) -> None:
    decision = decide(
        CN, CN_NOON, zone=SHANGHAI, channel=channel, contact_opted_out=frozenset(opted_out)
    )
    assert (decision.rules == ("CN-NIFA-OPT-OUT",)) is blocked


def test_it_blocks_a_contact_point_marked_invalid() -> None:
    decision = decide(CN, CN_NOON, zone=SHANGHAI, contact_valid=False)
    assert decision.rules == ("CN-NIFA-INVALID-CONTACT",)


def test_it_blocks_any_cn_contact_without_consent() -> None:
    decision = decide(CN, CN_NOON, zone=SHANGHAI, contact_consent=False)
    assert decision.rules == ("CN-NIFA-NO-CONSENT",)


def test_it_needs_us_consent_for_automated_calls_and_texts_only() -> None:
    robot = decide(US, US_NOON, zone=NEW_YORK, channel=Channel.ROBOT_CALL, contact_consent=False)
    agent = decide(US, US_NOON, zone=NEW_YORK, channel=Channel.AGENT_CALL, contact_consent=False)
    assert robot.rules == ("US-REGF-NO-CONSENT",) and agent.decision == "allow"


def _emergency(profile, at, zone, **overrides):  # type: ignore[no-untyped-def]
    attempt = {
        "contact_role": ContactRole.EMERGENCY_CONTACT,
        "template": "location_inquiry",
        "discloses_debt": False,
        **overrides,
    }
    return decide(profile, at, zone=zone, **attempt)


def test_it_calls_a_cn_emergency_contact_only_when_the_debtor_is_unreachable() -> None:
    reachable = _emergency(CN, CN_NOON, SHANGHAI)
    unreachable = _emergency(CN, CN_NOON, SHANGHAI, unreachable=True)
    assert reachable.rules == ("CN-NIFA-EMERGENCY-ONLY-IF-UNREACHABLE",)
    assert unreachable.decision == "allow"
    assert unreachable.rules == (
        "CN-NIFA-EMERGENCY-ONLY-IF-UNREACHABLE",
        "CN-NIFA-THIRD-PARTY-PURPOSE",
        "CN-NIFA-NO-DISCLOSURE",
    )


def test_it_never_discloses_the_debt_to_a_cn_emergency_contact() -> None:
    decision = _emergency(CN, CN_NOON, SHANGHAI, unreachable=True, discloses_debt=True)
    assert decision.rules == ("CN-NIFA-NO-DISCLOSURE",)


def test_it_never_contacts_a_cn_workplace() -> None:
    decision = _emergency(
        CN, CN_NOON, SHANGHAI, unreachable=True, contact_role=ContactRole.WORKPLACE
    )
    assert decision.rules == ("CN-NIFA-THIRD-PARTY-ROLES",)


def test_it_allows_a_us_location_call_to_a_third_party_without_disclosure() -> None:
    decision = _emergency(US, US_NOON, NEW_YORK, contact_role=ContactRole.WORKPLACE)
    assert decision.decision == "allow"
    assert decision.rules == ("US-REGF-THIRD-PARTY-PURPOSE", "US-REGF-THIRD-PARTY-DISCLOSURE")


def test_it_blocks_a_us_third_party_call_for_anything_but_location() -> None:
    decision = _emergency(US, US_NOON, NEW_YORK, template="payment_demand")
    assert decision.rules == ("US-REGF-THIRD-PARTY-PURPOSE",)


def test_it_blocks_a_us_third_party_call_that_discloses_the_debt() -> None:
    decision = _emergency(US, US_NOON, NEW_YORK, discloses_debt=True)
    assert decision.rules == ("US-REGF-THIRD-PARTY-DISCLOSURE",)


def test_it_explains_a_block_in_plain_words() -> None:
    decision = decide(US, US_NOON, zone=NEW_YORK, holds=frozenset({"attorney"}))
    assert decision.explanation.startswith("Blocked: ")
    assert "attorney" in decision.explanation
    assert decision.gate_version == "gate-2/US-RegF@2026.12.1"


def test_it_uses_now_when_the_attempt_has_no_time() -> None:
    from huankuan.compliance.engine import evaluate
    from huankuan.compliance.facts import Attempt, GateDebtor

    late = local(NEW_YORK, 2026, 11, 27, 23, 0)
    decision = evaluate(Attempt(Channel.SMS), (), GateDebtor(NEW_YORK), US, late)
    assert decision.rules == ("US-REGF-HOURS",)
