"""The compliance gate, one decision at a time: `evaluate(attempt, history, debtor, profile, now)`.

All the rules of a jurisdiction profile are run, in the profile's order. A decision blocks when
any rule blocks; its `rules` are the blocking rule ids, or for an allowed attempt the ids of the
rules that conditioned it (a hold that still permits SMS, a third-party contact allowed for
location only, an attorney reached during representation). `next_allowed_at` is the earliest
instant the same attempt would pass when only time stands in the way (contact hours, a
frequency cap, the quiet days after a conversation); it is null when a hold, an opt-out, a
missing consent, an invalid contact point or a third-party rule blocks, since waiting would not
help. The function is pure: the clock is passed in, and the batch form (`batch.ProfileGate`)
must agree with it row for row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from huankuan.compliance.facts import Attempt, ContactEvent, Decision, GateDebtor
from huankuan.compliance.profiles import Profile, Rule
from huankuan.compliance.rules import release_at, scalar_outcome, waits_out
from huankuan.compliance.rules.base import Facts, make_facts

ENGINE_VERSION = "gate-2"
NO_PROFILE_RULE = "GATE-NO-PROFILE"
# Each step moves past at least one rule's block; a few dozen cover any sane profile.
MAX_WAIT_STEPS = 64


def gate_version(profile: Profile) -> str:
    return f"{ENGINE_VERSION}/{profile.label}"


def evaluate(
    attempt: Attempt,
    history: Iterable[ContactEvent],
    debtor: GateDebtor,
    profile: Profile,
    now: datetime,
) -> Decision:
    """Decide one attempt under `profile`; `now` is the attempt's time when it has none.

    Only the contacts up to the attempt's instant count; later ones in `history` matter only
    for `next_allowed_at`.
    """
    at = (attempt.at or now).astimezone(UTC)
    facts = make_facts(attempt, tuple(history), debtor, at)
    blocking, applied = _judge(profile, facts)
    if not blocking:
        notes = " ".join(rule.explanation for rule in applied)
        return Decision(
            "allow",
            tuple(rule.id for rule in applied),
            f"Allowed. {notes}".strip(),
            None,
            gate_version(profile),
        )
    waiting = all(waits_out(rule) for rule in blocking)
    return Decision(
        "block",
        tuple(rule.id for rule in blocking),
        "Blocked: " + " ".join(rule.explanation for rule in blocking),
        _next_allowed(profile, facts, blocking) if waiting else None,
        gate_version(profile),
    )


def next_allowed_at(
    attempt: Attempt,
    history: Iterable[ContactEvent],
    debtor: GateDebtor,
    profile: Profile,
    at: datetime,
) -> datetime | None:
    """The earliest instant ≥ `at` at which the attempt would be allowed (None: never by
    waiting alone)."""
    facts = make_facts(attempt, tuple(history), debtor, at.astimezone(UTC))
    blocking, _ = _judge(profile, facts)
    if not blocking:
        return facts.at
    if not all(waits_out(rule) for rule in blocking):
        return None
    return _next_allowed(profile, facts, blocking)


def _judge(profile: Profile, facts: Facts) -> tuple[list[Rule], list[Rule]]:
    blocking, applied = [], []
    for rule in profile.rules:
        outcome = scalar_outcome(rule, facts)
        if outcome == "block":
            blocking.append(rule)
        elif outcome == "apply":
            applied.append(rule)
    return blocking, applied


def _next_allowed(profile: Profile, facts: Facts, blocking: list[Rule]) -> datetime | None:
    """Jump to the latest of the blocking rules' release instants and judge again, until
    nothing blocks. No rule passes before its own release (later contacts in the history can
    only add blocks), so no allowed instant is skipped and the first one found is the earliest."""
    for _ in range(MAX_WAIT_STEPS):
        releases = [release_at(rule, facts) for rule in blocking]
        known = [release for release in releases if release is not None]
        if len(known) < len(releases):
            return None
        facts = facts.moved(max(known))
        blocking, _ = _judge(profile, facts)
        if not blocking:
            return facts.at
        if not all(waits_out(rule) for rule in blocking):
            return None
    return None
