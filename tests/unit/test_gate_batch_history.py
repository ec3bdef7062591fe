"""With earlier contacts too, the batch gate decides every row exactly as the scalar `evaluate`."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huankuan.compliance.batch import ProfileGate
from huankuan.compliance.engine import evaluate
from huankuan.compliance.facts import ACTION_SCHEMA, Attempt, ContactEvent, GateDebtor
from huankuan.compliance.rows import history_frame
from huankuan.domain.model import Channel
from tests.unit.gate_strategies import call_heavy_cases, cases
from tests.unit.gate_support import PROFILES, local

GATE = ProfileGate(PROFILES)


def _frames(batch: list[dict[str, object]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows, history = [], []
    for index, case in enumerate(batch):
        attempt, debtor = case["attempt"], case["debtor"]
        assert isinstance(attempt, Attempt) and isinstance(debtor, GateDebtor)
        assert attempt.at is not None
        rows.append(
            {
                "action_id": str(index),
                "jurisdiction": case["jurisdiction"],
                "debtor_id": f"D{index}",
                "account_id": next(iter(attempt.debt_ids), None),
                "contact_id": attempt.contact_id,
                "debtor_timezone": debtor.timezone,
                "contact_timezone": None,
                "scheduled_at": attempt.at.astimezone(UTC).replace(tzinfo=None),
                "channel": attempt.channel.value,
                "contact_role": attempt.contact_role.value,
                "template": attempt.template,
                "discloses_debt": attempt.discloses_debt,
                "contact_valid": True,
                "contact_consent": True,
                "contact_opted_out": "",
                "hold_types": sorted(debtor.hold_types),
                "debtor_unreachable": debtor.unreachable,
                "purpose": attempt.purpose,
                "contact_refused": attempt.contact_refused,
            }
        )
        history.extend((f"D{index}", event) for event in case["history"])  # type: ignore[attr-defined]
    schema = {**ACTION_SCHEMA, "purpose": pl.String(), "contact_refused": pl.Boolean()}
    return pl.DataFrame(rows, schema=schema), history_frame(history)


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(cases(), min_size=1, max_size=12))
def test_it_decides_a_batch_with_histories_exactly_as_one_by_one(
    batch: list[dict[str, object]],
) -> None:
    plan, history = _frames(batch)
    decided = GATE.evaluate_plan(plan, history)
    for case, row in zip(batch, decided.iter_rows(named=True), strict=True):
        attempt = case["attempt"]
        assert isinstance(attempt, Attempt) and attempt.at is not None
        expected = evaluate(
            attempt,
            case["history"],  # type: ignore[arg-type]
            case["debtor"],  # type: ignore[arg-type]
            PROFILES[str(case["jurisdiction"])],
            attempt.at,
        )
        expected_next = (
            None
            if expected.next_allowed_at is None
            else expected.next_allowed_at.replace(tzinfo=None)
        )
        assert (row["decision"], tuple(row["rules"]), row["next_allowed_at"]) == (
            expected.decision,
            expected.rules,
            expected_next,
        ), case


def test_it_counts_stored_calls_against_a_planned_call() -> None:
    """Three connected calls today: a fourth planned CN call waits for tomorrow's 08:00."""
    at = local("Asia/Shanghai", 2026, 11, 27, 15, 0)
    calls = [
        ContactEvent(
            local("Asia/Shanghai", 2026, 11, 27, h, 0), Channel.ROBOT_CALL, contact_id="C1"
        )
        for h in (9, 10, 11)
    ]
    case = {
        "jurisdiction": "CN-NIFA",
        "debtor": GateDebtor("Asia/Shanghai"),
        "attempt": Attempt(Channel.AGENT_CALL, at, contact_id="C2", debt_ids=frozenset({"A0"})),
        "history": calls,
    }
    plan, history = _frames([case])
    row = GATE.evaluate_plan(plan, history).row(0, named=True)
    assert (row["decision"], row["rules"]) == ("block", ["CN-NIFA-DAILY-CALLS"])
    assert row["next_allowed_at"] == datetime(2026, 11, 28, 0, 0)  # 08:00 in Shanghai
    assert GATE.evaluate_plan(plan).row(0, named=True)["decision"] == "allow"


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(call_heavy_cases(), min_size=1, max_size=8))
def test_it_agrees_on_caps_and_waiting_times_for_busy_debtors(
    batch: list[dict[str, object]],
) -> None:
    test_it_decides_a_batch_with_histories_exactly_as_one_by_one.hypothesis.inner_test(batch)  # type: ignore[attr-defined]
