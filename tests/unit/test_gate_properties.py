"""Properties of the gate over generated debtors, attempts and histories."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huankuan.compliance.engine import evaluate
from huankuan.compliance.facts import Attempt, ContactEvent, GateDebtor
from huankuan.domain.model import Channel
from tests.unit.gate_strategies import cases, events
from tests.unit.gate_support import PROFILES

PROPERTY = settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def _decide(case: dict[str, object], history: list[ContactEvent], jurisdiction: str | None = None):  # type: ignore[no-untyped-def]
    attempt = case["attempt"]
    assert isinstance(attempt, Attempt) and attempt.at is not None
    profile = PROFILES[jurisdiction or str(case["jurisdiction"])]
    return evaluate(attempt, history, case["debtor"], profile, attempt.at)  # type: ignore[arg-type]


@PROPERTY
@given(cases(), st.data())
def test_a_call_that_did_not_connect_never_turns_an_allow_into_a_block_under_us_regf(
    case: dict[str, object], data: st.DataObject
) -> None:
    attempt = case["attempt"]
    assert isinstance(attempt, Attempt) and attempt.at is not None
    history = list(case["history"])  # type: ignore[call-overload]
    before = _decide(case, history, "US-RegF")
    failed = ContactEvent(
        at=attempt.at - timedelta(minutes=data.draw(st.integers(0, 10 * 1440))),
        channel=data.draw(st.sampled_from([Channel.ROBOT_CALL, Channel.AGENT_CALL])),
        contact_role=attempt.contact_role,
        connected=False,
        contact_id=attempt.contact_id,
        debt_ids=attempt.debt_ids,
    )
    after = _decide(case, [*history, failed], "US-RegF")
    if before.allowed:
        assert after.allowed
    assert after.rules == before.rules


@PROPERTY
@given(cases(), st.data())
def test_more_history_never_turns_a_block_into_an_allow(
    case: dict[str, object], data: st.DataObject
) -> None:
    attempt = case["attempt"]
    assert isinstance(attempt, Attempt) and attempt.at is not None
    history = list(case["history"])  # type: ignore[call-overload]
    more = data.draw(st.lists(events(attempt.at), min_size=1, max_size=6))
    before, after = _decide(case, history), _decide(case, [*history, *more])
    if not before.allowed:
        assert not after.allowed
        assert set(before.rules) <= set(after.rules)


@PROPERTY
@given(cases())
def test_decisions_are_deterministic_and_ignore_the_order_of_the_history(
    case: dict[str, object],
) -> None:
    history = list(case["history"])  # type: ignore[call-overload]
    shuffled = history[:]
    random.Random(len(history)).shuffle(shuffled)
    assert _decide(case, history) == _decide(case, history) == _decide(case, shuffled)


@PROPERTY
@given(cases())
def test_next_allowed_at_is_the_first_instant_the_same_attempt_passes(
    case: dict[str, object],
) -> None:
    attempt, debtor = case["attempt"], case["debtor"]
    assert isinstance(attempt, Attempt) and isinstance(debtor, GateDebtor)
    history = list(case["history"])  # type: ignore[call-overload]
    decision = _decide(case, history)
    if decision.next_allowed_at is None:
        return
    profile = PROFILES[str(case["jurisdiction"])]
    then = decision.next_allowed_at
    moved = Attempt(**{**_fields(attempt), "at": then})
    just_before = Attempt(**{**_fields(attempt), "at": then - timedelta(microseconds=1)})
    assert evaluate(moved, history, debtor, profile, then).allowed
    assert not evaluate(just_before, history, debtor, profile, then).allowed


def _fields(attempt: Attempt) -> dict[str, object]:
    return {name: getattr(attempt, name) for name in Attempt.__slots__}  # type: ignore[attr-defined]
