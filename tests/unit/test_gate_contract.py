"""The §4.1 contract as gate facts: flags, recipients, channels and errors that name the field."""

from __future__ import annotations

from typing import Any

import pytest

from huankuan.compliance.contract import KNOWN_FLAGS, parse_check
from huankuan.domain.errors import InvalidInput
from huankuan.domain.model import Channel, ContactRole
from tests.unit.gate_support import PROFILES


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1,
        "jurisdiction": "US-RegF",
        "debtor": {"timezone": "America/New_York", "flags": []},
        "history": [],
        "attempt": {"at": "2026-11-27T12:00:00-05:00", "channel": "call", "to": "debtor"},
    }
    return {**base, **changes}


def test_it_maps_flags_to_holds_opt_outs_and_the_contact_person() -> None:
    flags = [
        "cease_requested",
        "attorney_represented",
        "disputed_unverified",
        "welfare_hold",
        "opted_out_sms",
        "opted_out_call",
        "debtor_unreachable",
        "contact_refused",
        "time_barred",
    ]
    request = parse_check(record(debtor={"timezone": "America/New_York", "flags": flags}), PROFILES)
    assert request.debtor.hold_types == {"cease_contact", "attorney", "dispute", "welfare"}
    assert request.debtor.unreachable and request.debtor.flags == {"time_barred"}
    assert request.attempt.contact_opted_out == {"sms", "call"}
    assert request.attempt.contact_refused


def test_it_reads_history_events_with_their_optional_fields() -> None:
    event = {
        "at": "2026-11-26T10:00:00Z",
        "channel": "robot_call",
        "to": "emergency_contact",
        "connected": True,
        "conversation": True,
        "direction": "inbound",
        "debt_ids": ["A1", "A2"],
    }
    [parsed] = parse_check(record(history=[event]), PROFILES).history
    assert (parsed.channel, parsed.contact_role, parsed.direction) == (
        Channel.ROBOT_CALL,
        ContactRole.EMERGENCY_CONTACT,
        "inbound",
    )
    assert parsed.debt_ids == {"A1", "A2"} and parsed.conversation


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"jurisdiction": "EU-GDPR"}, "jurisdiction must be one of"),
        ({"debtor": {"timezone": "America/New_York", "flags": "bankruptcy"}}, "list of strings"),
        ({"history": [{"at": "2026-11-26T10:00:00Z", "channel": "fax"}]}, "history[0].channel"),
        (
            {
                "history": [
                    {
                        "at": "2026-11-26T10:00:00Z",
                        "channel": "call",
                        "connected": False,
                        "conversation": True,
                    }
                ]
            },
            "did not connect",
        ),
        (
            {"history": [{"at": "2026-11-26T10:00:00Z", "channel": "call", "connected": "yes"}]},
            "true or false",
        ),
        (
            {"attempt": {"at": "2026-11-27T12:00:00-05:00", "channel": "call", "to": "cousin"}},
            "attempt.to",
        ),
        (
            {"attempt": {"at": "2026-11-27T12:00:00-05:00", "channel": "call", "purpose": "x"}},
            "purpose",
        ),
        ({"attempt": {"channel": "call"}}, "attempt.at"),
    ],
)
def test_it_names_what_is_wrong(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_check(record(**changes), PROFILES)


def test_it_documents_every_flag_of_the_design() -> None:
    design = {
        "cease_requested",
        "attorney_represented",
        "disputed_unverified",
        "disputed_oral",
        "bankruptcy",
        "deceased",
        "time_barred",
        "opted_out_sms",
        "debtor_unreachable",
        "contact_refused",
        "welfare_hold",
    }
    assert design <= set(KNOWN_FLAGS)
