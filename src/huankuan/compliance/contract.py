"""The JSON Lines contract of `huankuan compliance check` (DESIGN.md §4.1), as gate facts.

One input object becomes (profile name, attempt, history, debtor); anything malformed or
unknown — a flag, a field, a channel, a time without an offset, a time zone — is an
`InvalidInput` naming it, never a guess. The vocabulary beyond §4.1 is documented in
docs/compliance-gate.md: `to` also takes `workplace` and `estate_representative`; the attempt
may carry `debt_ids`, `purpose`, `template` and `contact_id`; history events may carry
`contact_id`; the debtor may carry `timezones` (other candidate zones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from huankuan.compliance.facts import (
    PURPOSES,
    STATUS_FLAGS,
    Attempt,
    ContactEvent,
    Decision,
    GateDebtor,
)
from huankuan.domain.errors import InvalidInput
from huankuan.domain.model import Channel, ContactRole
from huankuan.localtime import zone

T = TypeVar("T")
CHANNELS: dict[str, Channel] = {
    "call": Channel.AGENT_CALL,  # a call placed by a person or a dialer
    "robot_call": Channel.ROBOT_CALL,
    "agent_call": Channel.AGENT_CALL,
    "sms": Channel.SMS,
    "email": Channel.EMAIL,
    "letter": Channel.LETTER,
    "chat": Channel.CHAT,
}
RECIPIENTS: dict[str, ContactRole] = {
    "debtor": ContactRole.SELF,
    "attorney": ContactRole.ATTORNEY,
    "estate_representative": ContactRole.ESTATE_REPRESENTATIVE,
    "emergency_contact": ContactRole.EMERGENCY_CONTACT,
    "workplace": ContactRole.WORKPLACE,
    "third_party": ContactRole.THIRD_PARTY,  # anyone else, address-book contacts included
}
# Debtor flags that are holds, by hold type.
HOLD_FLAGS: dict[str, str] = {
    "cease_requested": "cease_contact",  # written request to stop communicating
    "attorney_represented": "attorney",
    "disputed_unverified": "dispute",  # written dispute, not yet verified
    "bankruptcy": "bankruptcy",
    "deceased": "deceased",
    "welfare_hold": "welfare",
    "complaint_review": "complaint_review",
    "hardship_plan": "hardship_plan",
}
OPT_OUT_FLAGS: dict[str, str] = {
    f"opted_out_{name}": name
    for name in ("call", "robot_call", "agent_call", "sms", "email", "letter", "all")
}
OTHER_FLAGS = ("debtor_unreachable", "contact_refused")
KNOWN_FLAGS = (*HOLD_FLAGS, *sorted(STATUS_FLAGS), *OPT_OUT_FLAGS, *OTHER_FLAGS)

TOP_FIELDS = {"id", "jurisdiction", "debtor", "history", "attempt"}
DEBTOR_FIELDS = {"timezone", "timezones", "flags"}
EVENT_FIELDS = {
    "at",
    "channel",
    "to",
    "connected",
    "conversation",
    "direction",
    "debt_id",
    "debt_ids",
    "contact_id",
}
ATTEMPT_FIELDS = {
    "at",
    "channel",
    "to",
    "discloses_debt",
    "debt_id",
    "debt_ids",
    "purpose",
    "template",
    "contact_id",
}


@dataclass(frozen=True)
class CheckRequest:
    jurisdiction: str
    attempt: Attempt
    history: tuple[ContactEvent, ...]
    debtor: GateDebtor
    flags: tuple[str, ...]  # as given (time_barred goes on to the content guard's context)


def parse_check(record: Mapping[str, Any], profiles: Mapping[str, object]) -> CheckRequest:
    _only(record, TOP_FIELDS, "")
    jurisdiction = record.get("jurisdiction")
    if jurisdiction not in profiles:
        known = ", ".join(sorted(profiles))
        raise InvalidInput(f"jurisdiction must be one of {known}, got {jurisdiction!r}")
    debtor_record = _object(record.get("debtor"), "debtor")
    flags = _strings(debtor_record.get("flags", []), "debtor.flags")
    unknown = sorted(set(flags) - set(KNOWN_FLAGS))
    if unknown:
        raise InvalidInput(f"unknown flag(s) {unknown}; known flags: {', '.join(KNOWN_FLAGS)}")
    debtor = _debtor(debtor_record, flags)
    history = record.get("history", [])
    if not isinstance(history, list):
        raise InvalidInput("history must be a list")
    events = tuple(_event(_object(item, f"history[{i}]"), i) for i, item in enumerate(history))
    attempt = _attempt(_object(record.get("attempt"), "attempt"), flags)
    return CheckRequest(str(jurisdiction), attempt, events, debtor, tuple(flags))


def decision_line(record_id: object, decision: Decision, timezone: str) -> dict[str, Any]:
    """The output object; `next_allowed_at` in the debtor's local time, with its offset."""
    found = decision.next_allowed_at
    local_zone = zone(timezone)
    return {
        "id": record_id,
        "decision": decision.decision,
        "rules": list(decision.rules),
        "next_allowed_at": None
        if found is None
        else (found.astimezone(local_zone) if local_zone else found).isoformat(),
    }


def _debtor(record: Mapping[str, Any], flags: list[str]) -> GateDebtor:
    _only(record, DEBTOR_FIELDS, "debtor.")
    timezone = _zone(record.get("timezone"), "debtor.timezone")
    others = tuple(
        _zone(name, "debtor.timezones")
        for name in _strings(record.get("timezones", []), "debtor.timezones")
    )
    return GateDebtor(
        timezone=timezone,
        hold_types=frozenset(HOLD_FLAGS[flag] for flag in flags if flag in HOLD_FLAGS),
        unreachable="debtor_unreachable" in flags,
        flags=frozenset(flag for flag in flags if flag in STATUS_FLAGS),
        timezones=others,
    )


def _event(record: Mapping[str, Any], index: int) -> ContactEvent:
    where = f"history[{index}]."
    _only(record, EVENT_FIELDS, where)
    direction = record.get("direction", "outbound")
    if direction not in ("outbound", "inbound"):
        raise InvalidInput(f'{where}direction must be "outbound" or "inbound", got {direction!r}')
    return ContactEvent(
        at=_instant(record.get("at"), where + "at"),
        channel=_choice(record.get("channel"), CHANNELS, where + "channel"),
        contact_role=_choice(record.get("to", "debtor"), RECIPIENTS, where + "to"),
        connected=_bool(record.get("connected", True), where + "connected"),
        conversation=_bool(record.get("conversation", False), where + "conversation"),
        direction=direction,
        debt_ids=_debt_ids(record, where),
        contact_id=_optional_string(record.get("contact_id"), where + "contact_id"),
    )


def _attempt(record: Mapping[str, Any], flags: list[str]) -> Attempt:
    _only(record, ATTEMPT_FIELDS, "attempt.")
    purpose = record.get("purpose", "collection")
    if purpose not in PURPOSES:
        raise InvalidInput(f"attempt.purpose must be one of {', '.join(PURPOSES)}, got {purpose!r}")
    return Attempt(
        channel=_choice(record.get("channel"), CHANNELS, "attempt.channel"),
        at=_instant(record.get("at"), "attempt.at"),
        contact_role=_choice(record.get("to", "debtor"), RECIPIENTS, "attempt.to"),
        template=_optional_string(record.get("template"), "attempt.template") or "",
        discloses_debt=_bool(record.get("discloses_debt", True), "attempt.discloses_debt"),
        contact_opted_out=frozenset(OPT_OUT_FLAGS[flag] for flag in flags if flag in OPT_OUT_FLAGS),
        contact_id=_optional_string(record.get("contact_id"), "attempt.contact_id"),
        debt_ids=_debt_ids(record, "attempt."),
        purpose=purpose,
        contact_refused="contact_refused" in flags,
    )


def _only(record: Mapping[str, Any], fields: set[str], where: str) -> None:
    unknown = sorted(set(record) - fields)
    if unknown:
        names = ", ".join(where + name for name in unknown)
        raise InvalidInput(f"unknown field(s) {names}; accepted: {', '.join(sorted(fields))}")


def _object(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{name} must be an object")
    return value


def _strings(value: object, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{name} must be a list of strings")
    return value


def _optional_string(value: object, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string")
    return value


def _bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false, got {value!r}")
    return value


def _choice(value: object, choices: Mapping[str, T], name: str) -> T:
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return choices[value]


def _zone(value: object, name: str) -> str:
    if not isinstance(value, str) or zone(value) is None:
        raise InvalidInput(f"{name} must be an IANA time zone name, got {value!r}")
    return value


def _instant(value: object, name: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be an ISO-8601 time with an offset")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} is not an ISO-8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise InvalidInput(f"{name} needs a UTC offset (e.g. +08:00 or Z): {value!r}")
    return moment


def _debt_ids(record: Mapping[str, Any], where: str) -> frozenset[str]:
    ids: list[str] = []
    if "debt_id" in record:
        single = record["debt_id"]
        if not isinstance(single, str):
            raise InvalidInput(f"{where}debt_id must be a string")
        ids.append(single)
    if "debt_ids" in record:
        ids.extend(_strings(record["debt_ids"], where + "debt_ids"))
    return frozenset(ids)
