"""An agent's queue on SQLite and PostgreSQL: today's agent calls on their own cases, most urgent
first; each re-checked by the gate now, blocked ones kept apart with their next allowed time;
worked items gone; robot hand-offs listed; and no gate decision stored for a mere listing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, insert, select

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import gate_decisions, handoffs
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.users import Principal, Role
from huankuan.service_layer import agent_actions
from huankuan.service_layer.workbench_queue import Queue, my_queue, queue_business_date
from tests.factories import add_hold
from tests.workbench_support import (
    CN_MORNING,
    CN_NIGHT,
    DAY,
    add_cycle_run,
    add_plan_item,
    cn_case,
    rules,
)

AGENT = Principal("agent1", Role.AGENT)


@pytest.fixture
def planned(app: App) -> App:
    """agent1 has D1 and D3, agent2 has D2; today's plan has calls and an SMS for them."""
    with app.engine.begin() as connection:
        for number, agent in ((1, "agent1"), (2, "agent2"), (3, "agent1")):
            cn_case(connection, number, agent)
        add_plan_item(connection, "P-1-late", 1, priority=30, scheduled_at=CN_MORNING)
        add_plan_item(connection, "P-3-urgent", 3, priority=15)
        add_plan_item(
            connection, "P-1-early", 1, priority=30, scheduled_at=datetime(2026, 11, 28, 1, 0)
        )
        add_plan_item(connection, "P-2", 2, priority=10)
        add_plan_item(connection, "P-1-sms", 1, channel="sms", template="reminder_due")
        add_plan_item(connection, "P-1-old", 1, business_date=date(2026, 11, 27))
    return app


def queue(app: App, principal: Principal = AGENT, day: date | None = DAY) -> Queue:
    return my_queue(uow=app.uow(), principal=principal, rules=rules(), business_date=day)


def test_it_lists_todays_calls_on_my_cases_most_urgent_first(planned: App) -> None:
    found = queue(planned)
    assert [item.action_id for item in found.ready] == ["P-3-urgent", "P-1-early", "P-1-late"]
    assert found.blocked == [] and found.business_date == DAY
    item = found.ready[0]
    assert (item.case_id, item.account_id, item.channel, item.allowed) == (
        "C-D3",
        "A3",
        "agent_call",
        True,
    )
    assert item.debtor_name == "王*" and "*" in item.contact  # masked


def test_it_keeps_items_the_gate_blocks_now_apart(planned: App) -> None:
    with planned.engine.begin() as connection:
        add_hold(connection, "H3", "D3", hold_type="cease_contact", starts_at=CN_MORNING)
    found = queue(planned)
    assert [item.action_id for item in found.ready] == ["P-1-early", "P-1-late"]
    (blocked,) = found.blocked
    assert blocked.action_id == "P-3-urgent" and not blocked.allowed and blocked.rules
    assert found.blocked_count == 1


def test_it_shows_when_night_items_may_be_worked(planned: App, clock: FakeClock) -> None:
    clock.set(CN_NIGHT)
    found = queue(planned)
    assert found.ready == [] and found.blocked_count == 3
    assert all(item.next_allowed_at is not None for item in found.blocked)
    assert all(item.next_allowed_at > CN_NIGHT for item in found.blocked)  # type: ignore[operator]


def test_it_stores_no_gate_decision_for_a_listing(planned: App) -> None:
    queue(planned)
    with planned.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(gate_decisions)).scalar() == 0


def test_it_drops_an_item_once_its_call_is_logged(planned: App) -> None:
    agent_actions.log_call_outcome(
        commands.LogCallOutcome("C-D3", "no_answer", action_id="P-3-urgent", actor=AGENT.actor),
        uow=planned.uow(),
        principal=AGENT,
        rules=rules(),
    )
    assert [item.action_id for item in queue(planned).ready] == ["P-1-early", "P-1-late"]


def test_it_shows_each_agent_only_their_own_cases(planned: App) -> None:
    other = queue(planned, Principal("agent2", Role.AGENT))
    assert [item.action_id for item in other.ready] == ["P-2"]
    assert queue(planned, Principal("boss", Role.SUPERVISOR)).ready == []


def test_it_takes_the_day_of_the_latest_completed_cycle(planned: App) -> None:
    assert queue_business_date(planned.uow(), date(2026, 11, 30)) == date(2026, 11, 30)
    with planned.engine.begin() as connection:
        add_cycle_run(connection, DAY)
    assert queue_business_date(planned.uow(), date(2026, 11, 30)) == DAY
    assert queue(planned, day=None).ready == []


def test_it_lists_unresolved_handoffs_urgent_first(planned: App) -> None:
    with planned.engine.begin() as connection:
        for handoff_id, case_id, priority, minute in (
            ("HO-1", "C-D1", "normal", 1),
            ("HO-2", "C-D3", "urgent", 2),
            ("HO-3", "C-D2", "urgent", 3),
        ):
            connection.execute(
                insert(handoffs).values(
                    handoff_id=handoff_id,
                    case_id=case_id,
                    reason="self_harm" if priority == "urgent" else "requested_human",
                    priority=priority,
                    created_at=datetime(2026, 11, 28, 1, minute),
                )
            )
    assert [h.handoff_id for h in queue(planned).handoffs] == ["HO-2", "HO-1"]
