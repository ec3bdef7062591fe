"""Proof of a decision: the canonical JSON of everything the gate saw, its sha256, and a replay.

The canonical inputs are one JSON object: the profile (label and content hash), the engine
version, `now`, the attempt, the debtor facts and the history — times in UTC ISO-8601, sets as
sorted lists, the history in a fixed order — written with sorted keys and no spaces, so that
equal inputs give equal bytes and one hash. A replay rebuilds the facts from that JSON alone
and decides again; the same answer, from inputs whose hash still matches, is the proof.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from huankuan.compliance.engine import ENGINE_VERSION, evaluate
from huankuan.compliance.facts import Attempt, ContactEvent, Decision, GateDebtor
from huankuan.compliance.profiles import Profile
from huankuan.domain.errors import InvalidInput
from huankuan.domain.model import Channel, ContactRole


def canonical_inputs(
    attempt: Attempt,
    history: Iterable[ContactEvent],
    debtor: GateDebtor,
    profile: Profile,
    now: datetime,
) -> dict[str, Any]:
    events = sorted(
        (_event(event) for event in history), key=lambda e: json.dumps(e, sort_keys=True)
    )
    return {
        "profile": profile.label,
        "profile_hash": profile.fingerprint,
        "engine": ENGINE_VERSION,
        "now": _time(now),
        "attempt": _attempt(attempt),
        "debtor": {
            "timezone": debtor.timezone,
            "timezones": list(debtor.timezones),
            "hold_types": sorted(debtor.hold_types),
            "unreachable": debtor.unreachable,
            "flags": sorted(debtor.flags),
        },
        "history": events,
    }


def canonical_json(inputs: Mapping[str, Any]) -> str:
    return json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def inputs_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Replay:
    """The outcome of re-deciding a stored decision from its stored inputs."""

    hash_ok: bool
    profile_ok: bool  # the installed profile has the stored label and content hash
    decision: Decision | None  # None when the inputs or the profile could not be trusted
    problem: str | None = None

    def same_as(
        self, decision: str, rules: Iterable[str], next_allowed_at: datetime | None
    ) -> bool:
        if self.decision is None:
            return False
        stored_next = None if next_allowed_at is None else next_allowed_at.astimezone(UTC)
        return (self.decision.decision, self.decision.rules, self.decision.next_allowed_at) == (
            decision,
            tuple(rules),
            stored_next,
        )


def replay(text: str, stored_hash: str, profiles: Mapping[str, Profile]) -> Replay:
    """Re-decide from the stored canonical JSON `text` under the installed profiles."""
    if inputs_hash(text) != stored_hash:
        return Replay(False, False, None, "the stored inputs do not match their sha256 (tampered)")
    try:
        inputs = json.loads(text)
        profile = next(p for p in profiles.values() if p.label == inputs["profile"])
    except StopIteration:
        return Replay(True, False, None, f"profile {inputs['profile']} is not installed")
    except (ValueError, KeyError, TypeError) as error:
        return Replay(True, False, None, f"the stored inputs cannot be read: {error}")
    if profile.fingerprint != inputs.get("profile_hash"):
        return Replay(True, False, None, f"profile {profile.label} was changed after the decision")
    attempt, history, debtor, now = from_canonical(inputs)
    return Replay(True, True, evaluate(attempt, history, debtor, profile, now))


def from_canonical(
    inputs: Mapping[str, Any],
) -> tuple[Attempt, tuple[ContactEvent, ...], GateDebtor, datetime]:
    try:
        raw, who = inputs["attempt"], inputs["debtor"]
        attempt = Attempt(
            channel=Channel(raw["channel"]),
            at=None if raw["at"] is None else _parse(raw["at"]),
            contact_role=ContactRole(raw["contact_role"]),
            template=raw["template"],
            discloses_debt=raw["discloses_debt"],
            contact_timezone=raw["contact_timezone"],
            contact_valid=raw["contact_valid"],
            contact_consent=raw["contact_consent"],
            contact_opted_out=frozenset(raw["contact_opted_out"]),
            contact_id=raw["contact_id"],
            debt_ids=frozenset(raw["debt_ids"]),
            purpose=raw["purpose"],
            contact_refused=raw["contact_refused"],
        )
        debtor = GateDebtor(
            timezone=who["timezone"],
            hold_types=frozenset(who["hold_types"]),
            unreachable=who["unreachable"],
            flags=frozenset(who["flags"]),
            timezones=tuple(who["timezones"]),
        )
        history = tuple(
            ContactEvent(
                at=_parse(event["at"]),
                channel=Channel(event["channel"]),
                contact_role=ContactRole(event["contact_role"]),
                connected=event["connected"],
                conversation=event["conversation"],
                direction=event["direction"],
                debt_ids=frozenset(event["debt_ids"]),
                contact_id=event["contact_id"],
            )
            for event in inputs["history"]
        )
        return attempt, history, debtor, _parse(inputs["now"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"stored gate inputs are incomplete: {error}") from error


def _attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "channel": attempt.channel.value,
        "at": None if attempt.at is None else _time(attempt.at),
        "contact_role": attempt.contact_role.value,
        "template": attempt.template,
        "discloses_debt": attempt.discloses_debt,
        "contact_timezone": attempt.contact_timezone,
        "contact_valid": attempt.contact_valid,
        "contact_consent": attempt.contact_consent,
        "contact_opted_out": sorted(attempt.contact_opted_out),
        "contact_id": attempt.contact_id,
        "debt_ids": sorted(attempt.debt_ids),
        "purpose": attempt.purpose,
        "contact_refused": attempt.contact_refused,
    }


def _event(event: ContactEvent) -> dict[str, Any]:
    return {
        "at": _time(event.at),
        "channel": event.channel.value,
        "contact_role": event.contact_role.value,
        "connected": event.connected,
        "conversation": event.conversation,
        "direction": event.direction,
        "debt_ids": sorted(event.debt_ids),
        "contact_id": event.contact_id,
    }


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)
