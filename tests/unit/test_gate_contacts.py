"""Who may be contacted, and when not at all: attorneys, cease requests and the permitted
notices, disputes, bankruptcy, death, time-barred debts, third parties (once, never told),
refusals, and candidate time zones."""

from __future__ import annotations

import pytest

from huankuan.compliance.facts import ContactEvent, GateDebtor
from huankuan.domain.errors import InvalidInput
from huankuan.domain.model import Channel, ContactRole
from tests.unit.gate_support import CN, US, decide, local

NEW_YORK, SHANGHAI = "America/New_York", "Asia/Shanghai"
US_NOON = local(NEW_YORK, 2026, 11, 27, 12, 0)
CN_NOON = local(SHANGHAI, 2026, 11, 27, 12, 0)


def test_it_only_lets_the_attorney_be_contacted_during_representation() -> None:
    holds = frozenset({"attorney"})
    debtor = decide(US, US_NOON, zone=NEW_YORK, holds=holds)
    attorney = decide(US, US_NOON, zone=NEW_YORK, holds=holds, contact_role=ContactRole.ATTORNEY)
    assert debtor.rules == ("US-REGF-HOLD-ATTORNEY",) and debtor.next_allowed_at is None
    assert attorney.decision == "allow" and attorney.rules == ("US-REGF-HOLD-ATTORNEY",)


@pytest.mark.parametrize(
    "notice", ["notice_termination", "notice_remedy", "notice_specific_remedy"]
)
def test_it_still_sends_the_three_permitted_notices_after_a_cease_request(notice: str) -> None:
    holds = frozenset({"cease_contact"})
    decision = decide(
        US, US_NOON, zone=NEW_YORK, channel=Channel.LETTER, holds=holds, purpose=notice
    )
    assert decision.decision == "allow" and decision.rules == ("US-REGF-HOLD-CEASE",)


@pytest.mark.parametrize("channel", list(Channel))
def test_it_blocks_collection_after_a_cease_request(channel: Channel) -> None:
    decision = decide(
        US, US_NOON, zone=NEW_YORK, channel=channel, holds=frozenset({"cease_contact"})
    )
    assert decision.rules == ("US-REGF-HOLD-CEASE",) and decision.next_allowed_at is None


def test_it_blocks_collection_on_a_written_dispute_but_not_an_oral_one() -> None:
    written = decide(US, US_NOON, zone=NEW_YORK, holds=frozenset({"dispute"}))
    oral = decide(US, US_NOON, zone=NEW_YORK, flags=frozenset({"disputed_oral"}))
    assert written.rules == ("US-REGF-HOLD-DISPUTE",)
    assert oral.decision == "allow"


def test_it_blocks_everything_during_bankruptcy() -> None:
    decision = decide(US, US_NOON, zone=NEW_YORK, holds=frozenset({"bankruptcy"}))
    assert decision.rules == ("US-REGF-HOLD-BANKRUPTCY",) and decision.next_allowed_at is None


def test_it_only_contacts_the_estates_representative_of_a_deceased_debtor() -> None:
    holds = frozenset({"deceased"})
    debtor = decide(US, US_NOON, zone=NEW_YORK, holds=holds)
    relative = decide(
        US,
        US_NOON,
        zone=NEW_YORK,
        holds=holds,
        contact_role=ContactRole.EMERGENCY_CONTACT,
        discloses_debt=False,
        purpose="location",
    )
    estate = decide(
        US, US_NOON, zone=NEW_YORK, holds=holds, contact_role=ContactRole.ESTATE_REPRESENTATIVE
    )
    assert debtor.rules == relative.rules == ("US-REGF-HOLD-DECEASED",)
    assert estate.decision == "allow"


def test_it_allows_contact_about_a_time_barred_debt() -> None:
    assert decide(US, US_NOON, zone=NEW_YORK, flags=frozenset({"time_barred"})).allowed


def test_it_refuses_an_unknown_debtor_flag() -> None:
    with pytest.raises(InvalidInput, match="unknown debtor flag"):
        GateDebtor(NEW_YORK, flags=frozenset({"lawyered_up"}))


def _location_call(profile, at, zone, **fields):  # type: ignore[no-untyped-def]
    attempt = {
        "contact_role": ContactRole.EMERGENCY_CONTACT,
        "discloses_debt": False,
        "purpose": "location",
        **fields,
    }
    return decide(profile, at, zone=zone, **attempt)


def test_it_never_tells_a_third_party_about_the_debt() -> None:
    for role in (ContactRole.EMERGENCY_CONTACT, ContactRole.WORKPLACE, ContactRole.THIRD_PARTY):
        decision = _location_call(US, US_NOON, NEW_YORK, contact_role=role, discloses_debt=True)
        assert decision.rules == ("US-REGF-THIRD-PARTY-DISCLOSURE",)


def test_it_may_tell_the_attorney_about_the_debt() -> None:
    decision = decide(US, US_NOON, zone=NEW_YORK, contact_role=ContactRole.ATTORNEY)
    assert decision.decision == "allow" and decision.rules == ()


def test_it_contacts_a_third_party_for_location_only_once() -> None:
    earlier = ContactEvent(
        local(NEW_YORK, 2026, 11, 2, 12),
        Channel.AGENT_CALL,
        contact_role=ContactRole.EMERGENCY_CONTACT,
        contact_id="K1",
    )
    again = _location_call(US, US_NOON, NEW_YORK, history=[earlier], contact_id="K1")
    someone_else = _location_call(US, US_NOON, NEW_YORK, history=[earlier], contact_id="K2")
    assert again.rules == ("US-REGF-THIRD-PARTY-ONCE",) and again.next_allowed_at is None
    assert someone_else.decision == "allow"


def test_it_does_not_count_a_location_call_that_never_connected() -> None:
    earlier = ContactEvent(
        local(NEW_YORK, 2026, 11, 2, 12),
        Channel.AGENT_CALL,
        contact_role=ContactRole.EMERGENCY_CONTACT,
        connected=False,
    )
    assert _location_call(US, US_NOON, NEW_YORK, history=[earlier]).allowed


def test_it_stops_when_the_contact_refuses() -> None:
    us = _location_call(US, US_NOON, NEW_YORK, contact_refused=True)
    cn = _location_call(CN, CN_NOON, SHANGHAI, contact_refused=True, unreachable=True)
    assert us.rules == ("US-REGF-CONTACT-REFUSED",)
    assert cn.rules == ("CN-NIFA-CONTACT-REFUSED",)


def test_it_asks_a_cn_emergency_contact_only_for_contact_details() -> None:
    allowed = _location_call(CN, CN_NOON, SHANGHAI, unreachable=True)
    collecting = _location_call(CN, CN_NOON, SHANGHAI, unreachable=True, purpose="collection")
    assert allowed.decision == "allow"
    assert collecting.rules == ("CN-NIFA-THIRD-PARTY-PURPOSE",)


@pytest.mark.parametrize("role", [ContactRole.THIRD_PARTY, ContactRole.WORKPLACE])
def test_it_never_contacts_other_third_parties_in_china(role: ContactRole) -> None:
    decision = _location_call(CN, CN_NOON, SHANGHAI, unreachable=True, contact_role=role)
    assert decision.rules == ("CN-NIFA-THIRD-PARTY-ROLES",)


def test_it_requires_a_convenient_time_in_every_candidate_zone() -> None:
    # 08:30 in New York is 05:30 in Los Angeles, where the debtor may also be.
    at = local(NEW_YORK, 2026, 11, 27, 8, 30)
    decision = decide(US, at, zone=NEW_YORK, timezones=("America/Los_Angeles",))
    assert decision.rules == ("US-REGF-HOURS",)
    assert decision.next_allowed_at == local("America/Los_Angeles", 2026, 11, 27, 8, 0)
    late = decide(
        US, local(NEW_YORK, 2026, 11, 27, 20, 30), zone=NEW_YORK, timezones=("Europe/London",)
    )
    assert late.rules == ("US-REGF-HOURS",)
