"""The agent's actions on a case through the service layer, on SQLite and PostgreSQL: a call
logged with the gate's stored, replayable decision; a blocked call; promises and plans held to the
negotiation policy; disputes, complaints, holds and notes; who may act; and nothing half-written
when the input is bad."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.audit import verify_chain
from huankuan.adapters.storage.tables import (
    audit_log,
    case_notes,
    complaints,
    contact_attempts,
    contact_points,
    disputes,
    gate_decisions,
    holds,
    plan_instalments,
    promises,
    repayment_plans,
)
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import ContactBlocked, InvalidInput, NotFound, PermissionDenied
from huankuan.domain.users import Principal, Role
from huankuan.service_layer import agent_actions, agent_agreements
from huankuan.service_layer.proof import replay_action
from tests.factories import add_hold
from tests.workbench_support import CN_MORNING, CN_NIGHT, cn_case, rules

AGENT = Principal("agent1", Role.AGENT)
OTHER = Principal("agent2", Role.AGENT)
ACTOR = AGENT.actor


@pytest.fixture
def case_id(app: App) -> str:
    with app.engine.begin() as connection:
        cn_case(connection, 2, "agent2")
        return cn_case(connection, 1, "agent1")


def rows(app: App, table: Any) -> list[dict[str, Any]]:
    with app.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table))]


def count(app: App, table: Any) -> int:
    with app.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def call(app: App, case_id: str, outcome: str = "right_party_contact", **fields: Any) -> Any:
    principal = fields.pop("principal", AGENT)
    return agent_actions.log_call_outcome(
        commands.LogCallOutcome(case_id=case_id, outcome=outcome, actor=ACTOR, **fields),
        uow=app.uow(),
        principal=principal,
        rules=rules(),
    )


def promise(app: App, case_id: str, amount: int, due_on: date, **fields: Any) -> str:
    return agent_agreements.record_promise(
        commands.RecordCasePromise(case_id, "A1", amount, due_on, actor=ACTOR),
        uow=app.uow(),
        principal=fields.get("principal", AGENT),
        rules=rules(),
    )


def plan(app: App, case_id: str, **fields: Any) -> str:
    return agent_agreements.record_plan(
        commands.RecordCasePlan(case_id=case_id, account_id="A1", actor=ACTOR, **fields),
        uow=app.uow(),
        principal=AGENT,
        rules=rules(),
    )


def test_it_logs_a_call_with_its_gate_decision_and_the_agent_as_actor(
    app: App, case_id: str
) -> None:
    logged = call(app, case_id, note="wants to pay next week")
    (attempt,) = rows(app, contact_attempts)
    assert attempt["actor"] == "user:agent1" and attempt["channel"] == "agent_call"
    assert (attempt["decision"], attempt["outcome"], attempt["conversation"]) == (
        "allow",
        "right_party_contact",
        True,
    )
    (decision,) = rows(app, gate_decisions)
    assert decision["decision_id"] == logged.decision_id == attempt["decision_id"]
    assert decision["stage"] == "agent" and decision["decision"] == "allow"
    (replayed,) = replay_action(app, logged.action_id)
    assert replayed.ok
    (note,) = rows(app, case_notes)
    assert note["body"] == "[right_party_contact] wants to pay next week"
    actions = [row["action"] for row in rows(app, audit_log)]
    assert actions == ["case.note_added", "call.logged"]
    with app.engine.connect() as connection:
        assert verify_chain(connection).ok


def test_it_refuses_a_call_the_gate_blocks_and_keeps_the_proof(
    app: App, case_id: str, clock: FakeClock
) -> None:
    clock.set(CN_NIGHT)
    with pytest.raises(ContactBlocked) as blocked:
        call(app, case_id, note="should not be kept")
    assert blocked.value.rules and blocked.value.next_allowed_at is not None
    assert blocked.value.next_allowed_at > CN_NIGHT
    (attempt,) = rows(app, contact_attempts)
    assert (attempt["decision"], attempt["outcome"]) == ("block", "gate_blocked")
    assert rows(app, gate_decisions)[0]["decision"] == "block"
    assert count(app, case_notes) == 0
    assert [row["action"] for row in rows(app, audit_log)] == ["call.blocked"]


def test_it_refuses_a_call_while_a_hold_is_in_force(app: App, case_id: str) -> None:
    with app.engine.begin() as connection:
        add_hold(connection, "H1", "D1", hold_type="cease_contact", starts_at=CN_MORNING)
    with pytest.raises(ContactBlocked) as blocked:
        call(app, case_id)
    assert any("CEASE" in rule.upper() or "HOLD" in rule.upper() for rule in blocked.value.rules)


def test_it_stops_using_a_number_a_wrong_party_answered(app: App, case_id: str) -> None:
    call(app, case_id, "wrong_party")
    phone = next(row for row in rows(app, contact_points) if row["contact_id"] == "C1-1")
    assert phone["valid"] is False and "wrong party" in phone["invalid_reason"]


def test_it_refuses_an_unknown_outcome_and_writes_nothing(app: App, case_id: str) -> None:
    with pytest.raises(InvalidInput, match="outcome must be one of"):
        call(app, case_id, "went_well")
    assert count(app, contact_attempts) == count(app, gate_decisions) == count(app, audit_log) == 0


def test_it_lets_an_agent_act_only_on_their_own_cases(app: App, case_id: str) -> None:
    with pytest.raises(PermissionDenied):
        call(app, "C-D2")
    with pytest.raises(PermissionDenied):
        call(app, case_id, principal=Principal("auditor", Role.COMPLIANCE))
    with pytest.raises(PermissionDenied):
        promise(app, "C-D2", 200_000, date(2026, 12, 1))
    call(app, "C-D2", principal=Principal("boss", Role.SUPERVISOR))
    assert count(app, contact_attempts) == 1


def test_it_refuses_an_account_of_another_debtor(app: App, case_id: str) -> None:
    with pytest.raises(NotFound):
        call(app, case_id, account_id="A2")
    with pytest.raises(NotFound):
        call(app, "C-NOPE")


def test_it_records_a_promise_within_the_policy(app: App, case_id: str) -> None:
    promise_id = promise(app, case_id, 200_000, date(2026, 12, 4))
    (row,) = rows(app, promises)
    assert row["promise_id"] == promise_id
    assert (row["amount_minor"], row["currency"], str(row["due_on"])) == (
        200_000,
        "CNY",
        "2026-12-04",
    )
    assert str(row["promised_on"]) == "2026-11-28"
    (audit,) = rows(app, audit_log)
    assert (audit["actor"], audit["action"]) == ("user:agent1", "promise.recorded")


@pytest.mark.parametrize(
    ("amount", "due_on", "limit"),
    [
        (200_000, date(2026, 12, 6), "on or before 2026-12-05"),  # CN-NIFA: 7 days
        (100_000, date(2026, 12, 1), "at least CNY 1,052.00"),  # 20 % of ¥5,260.00
        (600_000, date(2026, 12, 1), "more than the amount due"),
        (200_000, date(2026, 11, 27), "before today"),
    ],
)
def test_it_refuses_a_promise_outside_the_policy_naming_the_limit(
    app: App, case_id: str, amount: int, due_on: date, limit: str
) -> None:
    with pytest.raises(InvalidInput, match=limit) as refused:
        promise(app, case_id, amount, due_on)
    assert " / " in str(refused.value)  # said in Chinese too
    assert count(app, promises) == count(app, audit_log) == 0


def test_it_records_an_instalment_plan_that_adds_up_to_the_amount_due(
    app: App, case_id: str
) -> None:
    plan(app, case_id, kind="instalments", term=3, down_payment_minor=100_000)
    (row,) = rows(app, repayment_plans)
    instalments = rows(app, plan_instalments)
    assert row["kind"] == "instalments" and len(instalments) == 3
    assert {item["amount_minor"] for item in instalments} == {142_000}
    assert row["down_payment_minor"] + sum(i["amount_minor"] for i in instalments) == 526_000
    assert str(row["down_payment_due_on"]) == "2026-12-01"  # the policy's 3 days


def test_it_records_a_settlement_at_the_policy_discount(app: App, case_id: str) -> None:
    plan(app, case_id, kind="settlement")
    (row,) = rows(app, repayment_plans)
    assert (row["kind"], row["discount_minor"], row["down_payment_minor"]) == (
        "settlement",
        26_300,  # 5 % of ¥5,260.00
        499_700,
    )


@pytest.mark.parametrize(
    ("fields", "limit"),
    [
        ({"kind": "instalments", "term": 12}, "2 to 6 monthly instalments"),
        ({"kind": "instalments", "term": 3, "down_payment_minor": 10_000}, "at least CNY 526.00"),
        ({"kind": "instalments", "term": 3, "discount_minor": 100}, "no discount"),
        ({"kind": "settlement", "discount_minor": 50_000}, "at most CNY 263.00"),
        ({"kind": "settlement", "first_due_on": date(2026, 12, 31)}, "2026-12-05"),
        ({"kind": "forgiveness"}, "kind must be one of"),
    ],
)
def test_it_refuses_a_plan_outside_the_policy_naming_the_limit(
    app: App, case_id: str, fields: dict[str, Any], limit: str
) -> None:
    with pytest.raises(InvalidInput, match=limit):
        plan(app, case_id, **fields)
    assert count(app, repayment_plans) == count(app, plan_instalments) == 0


def test_it_opens_a_dispute_with_the_profile_hold(app: App, case_id: str) -> None:
    dispute_id = agent_actions.open_dispute(
        commands.OpenCaseDispute(case_id, "A1", "not my loan", written=True, actor=ACTOR),
        uow=app.uow(),
        principal=AGENT,
        rules=rules(),
    )
    (dispute,) = rows(app, disputes)
    assert dispute["dispute_id"] == dispute_id and dispute["written"] is True
    assert [(h["hold_type"], h["account_id"]) for h in rows(app, holds)] == [("dispute", "A1")]
    with pytest.raises(ContactBlocked):
        call(app, case_id)


def test_it_opens_a_complaint_and_places_a_hold(app: App, case_id: str, clock: FakeClock) -> None:
    agent_actions.open_complaint(
        commands.OpenCaseComplaint(case_id, "phone", "called too often", actor=ACTOR),
        uow=app.uow(),
        principal=AGENT,
    )
    agent_actions.place_hold(
        commands.PlaceCaseHold(
            case_id, "complaint_review", "complaint under review", days=14, actor=ACTOR
        ),
        uow=app.uow(),
        principal=AGENT,
    )
    assert rows(app, complaints)[0]["summary"] == "called too often"
    (hold,) = rows(app, holds)
    assert hold["hold_type"] == "complaint_review" and hold["account_id"] is None
    assert hold["ends_at"] - hold["starts_at"] == timedelta(days=14)
    assert [row["action"] for row in rows(app, audit_log)] == ["complaint.opened", "hold.placed"]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"hold_type": "vacation", "reason": "x"}, "hold_type must be one of"),
        ({"hold_type": "welfare", "reason": "  "}, "reason is required"),
        ({"hold_type": "welfare", "reason": "x", "days": 0}, "days must be within"),
        ({"hold_type": "welfare", "reason": "x", "account_id": "A2"}, "no account"),
    ],
)
def test_it_refuses_a_bad_hold_and_writes_nothing(
    app: App, case_id: str, fields: dict[str, Any], problem: str
) -> None:
    with pytest.raises((InvalidInput, NotFound), match=problem):
        agent_actions.place_hold(
            commands.PlaceCaseHold(case_id=case_id, actor=ACTOR, **fields),
            uow=app.uow(),
            principal=AGENT,
        )
    assert count(app, holds) == count(app, audit_log) == 0


def test_it_adds_a_note(app: App, case_id: str) -> None:
    agent_actions.add_note(
        commands.AddCaseNote(case_id, "borrower asked for a callback", actor=ACTOR),
        uow=app.uow(),
        principal=AGENT,
    )
    (note,) = rows(app, case_notes)
    assert (note["author"], note["case_id"]) == ("user:agent1", case_id)
    with pytest.raises(InvalidInput, match="body is required"):
        agent_actions.add_note(
            commands.AddCaseNote(case_id, " ", actor=ACTOR), uow=app.uow(), principal=AGENT
        )
