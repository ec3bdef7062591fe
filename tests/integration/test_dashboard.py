"""The supervisor's dashboard on SQLite and PostgreSQL: a hand-built day (and the day before it)
whose every KPI is known, counted on the borrower's local day, money kept per currency."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, insert

from huankuan.adapters.storage.gate_store import record_attempt
from huankuan.adapters.storage.tables import action_plan, complaints
from huankuan.bootstrap import App
from huankuan.domain.errors import InvalidInput, PermissionDenied
from huankuan.domain.money import Money
from huankuan.domain.users import Principal, Role
from huankuan.service_layer.dashboard import dashboard
from tests.factories import add_borrower, add_payment, add_promise

DAY = date(2026, 11, 28)
SUPERVISOR = Principal("sup", Role.SUPERVISOR)
_numbers = iter(range(1, 1_000))


def attempt(
    connection: Connection,
    debtor_id: str,
    at: datetime,
    decision: str = "allow",
    **values: Any,
) -> None:
    number = next(_numbers)
    record_attempt(
        connection,
        **{
            "attempt_id": f"CA{number}",
            "debtor_id": debtor_id,
            "contact_id": f"C{debtor_id[1:]}-1",
            "channel": "robot_call",
            "at": at,
            "decision": decision,
            "rules": [],
            "outcome": None,
            "conversation": False,
            **values,
        },
    )


def contacts(connection: Connection) -> None:
    """D1 in Shanghai (UTC+8), D2 in New York (UTC-5): local 28 Nov is 27 Nov 16:00Z-28 Nov
    16:00Z for D1 and 28 Nov 05:00Z-29 Nov 05:00Z for D2."""
    talk = {"conversation": True}
    attempt(connection, "D1", datetime(2026, 11, 27, 16, 30), outcome="right_party_contact", **talk)
    attempt(connection, "D1", datetime(2026, 11, 28, 2, 0), channel="chat")
    attempt(
        connection,
        "D1",
        datetime(2026, 11, 28, 3, 0),
        channel="agent_call",
        actor="user:agent1",
        outcome="promise_to_pay",
        **talk,
    )
    attempt(connection, "D1", datetime(2026, 11, 28, 4, 0), channel="sms", outcome="sent")
    attempt(connection, "D1", datetime(2026, 11, 28, 5, 0), "block", rules=["CN-NIFA-HOURS"])
    attempt(
        connection,
        "D1",
        datetime(2026, 11, 28, 6),
        "block",
        rules=["CN-NIFA-FREQ", "CN-NIFA-HOURS"],
    )
    # 23:59 local on the 27th, and 00:00 local on the 29th: not the 28th.
    attempt(
        connection,
        "D1",
        datetime(2026, 11, 27, 15, 59),
        channel="agent_call",
        outcome="wrong_party",
        **talk,
    )
    attempt(connection, "D1", datetime(2026, 11, 28, 16, 0), outcome="right_party_contact")
    attempt(
        connection,
        "D2",
        datetime(2026, 11, 28, 4, 59),
        channel="agent_call",
        actor="user:agent2",
        outcome="answered",
        **talk,
    )
    attempt(connection, "D2", datetime(2026, 11, 28, 20, 0), outcome="wrong_party", **talk)
    attempt(
        connection,
        "D2",
        datetime(2026, 11, 29, 4, 30),
        channel="email",
        actor="user:agent2",
        outcome="sent",
    )
    attempt(connection, "D2", datetime(2026, 11, 28, 21, 0), "block", rules=["US-REGF-7IN7"])


def promises(connection: Connection) -> None:
    add_promise(
        connection, "P1", "A1", amount_minor=50_000, promised_on=DAY, due_on=date(2026, 12, 5)
    )
    add_promise(
        connection,
        "P2",
        "A1",
        amount_minor=20_000,
        promised_on=date(2026, 11, 20),
        due_on=date(2026, 11, 27),
        status="kept",
        resolved_on=DAY,
    )
    add_promise(
        connection,
        "P3",
        "A1",
        amount_minor=30_000,
        promised_on=date(2026, 11, 21),
        due_on=date(2026, 11, 25),
        status="broken",
        resolved_on=DAY,
    )
    add_promise(
        connection,
        "P4",
        "A2",
        amount_minor=10_000,
        currency="USD",
        promised_on=date(2026, 11, 27),
        due_on=date(2026, 12, 1),
    )
    add_promise(
        connection,
        "P5",
        "A2",
        amount_minor=10_000,
        currency="USD",
        promised_on=DAY,
        due_on=DAY,
        status="kept",
        resolved_on=DAY,
    )


def payments(connection: Connection) -> None:
    add_payment(
        connection, "PAY1", "A1", amount_minor=10_000, received_at=datetime(2026, 11, 27, 17)
    )
    add_payment(
        connection, "PAY2", "A1", amount_minor=25_050, received_at=datetime(2026, 11, 28, 10)
    )
    add_payment(
        connection, "PAY3", "A1", amount_minor=10_000, received_at=datetime(2026, 11, 27, 15)
    )
    add_payment(
        connection,
        "PAY4",
        "A2",
        amount_minor=7_525,
        currency="USD",
        received_at=datetime(2026, 11, 29, 3),
        status="allocated",
    )


def complaints_and_plan(connection: Connection) -> None:
    connection.execute(
        insert(complaints),
        [
            {
                "complaint_id": "CMP1",
                "debtor_id": "D1",
                "opened_at": datetime(2026, 11, 28, 1),
                "channel": "call",
                "summary": "too many calls",
                "resolved_at": None,
            },
            {
                "complaint_id": "CMP2",
                "debtor_id": "D2",
                "opened_at": datetime(2026, 11, 28, 3),  # 22:00 on the 27th in New York
                "channel": "email",
                "summary": "wrong amount",
                "resolved_at": datetime(2026, 11, 28, 9),
            },
        ],
    )
    plan = [("X1", DAY, "block", ["CN-NIFA-HOURS"]), ("X2", DAY, "allow", [])]
    plan += [("X3", DAY, "block", ["CN-NIFA-HOURS", "HOLD-DISPUTE"])]
    plan += [("X4", date(2026, 11, 27), "block", ["HOLD-DISPUTE"])]
    for action_id, day, decision, rules in plan:
        connection.execute(insert(action_plan).values(**_plan_row(action_id, day, decision, rules)))


def _plan_row(action_id: str, day: date, decision: str, rules: list[str]) -> dict[str, Any]:
    return {
        "action_id": action_id,
        "business_date": day,
        "account_id": "A1",
        "debtor_id": "D1",
        "contact_id": "C1-1",
        "channel": "robot_call",
        "contact_role": "self",
        "template": "reminder",
        "scheduled_at": datetime(2026, 11, 28, 2),
        "timezone": "Asia/Shanghai",
        "priority": 1,
        "bucket": "M1",
        "segment": "low",
        "decision": decision,
        "rules": json.dumps(rules),
        "gate_version": "test",
    }


@pytest.fixture
def day_of_work(app: App) -> App:
    with app.engine.begin() as connection:
        add_borrower(connection, 1)
        add_borrower(connection, 2, jurisdiction="US-RegF")
        contacts(connection)
        promises(connection)
        payments(connection)
        complaints_and_plan(connection)
    return app


def test_it_counts_the_days_contacts_on_the_borrowers_local_day(day_of_work: App) -> None:
    kpis = dashboard(uow=day_of_work.uow(), day=DAY, days=3, principal=SUPERVISOR).kpis
    assert kpis.day == DAY
    assert (kpis.contacts, kpis.reached, kpis.right_party_contacts) == (6, 3, 2)
    assert kpis.right_party_rate == pytest.approx(2 / 3)
    assert (kpis.robot_contacts, kpis.human_contacts, kpis.automated_contacts) == (3, 2, 1)
    assert kpis.robot_share == pytest.approx(3 / 5)
    assert kpis.gate_blocks == 3


def test_it_counts_promises_payments_and_complaints_of_the_day(day_of_work: App) -> None:
    board = dashboard(uow=day_of_work.uow(), day=DAY, days=3, principal=SUPERVISOR)
    kpis = board.kpis
    assert (kpis.promises_made, kpis.promises_kept, kpis.promises_broken) == (2, 2, 1)
    assert kpis.collected == (Money(35_050, "CNY"), Money(7_525, "USD"))
    assert kpis.payments == 3
    assert kpis.complaints_opened == 1
    assert board.complaints_open == 1
    assert board.currencies == ("CNY", "USD")


def test_it_counts_gate_blocks_by_rule_at_contact_time_and_in_the_plan(day_of_work: App) -> None:
    board = dashboard(uow=day_of_work.uow(), day=DAY, days=3, principal=SUPERVISOR)
    assert [(r.rule, r.count) for r in board.blocks_by_rule] == [
        ("CN-NIFA-HOURS", 2),
        ("CN-NIFA-FREQ", 1),
        ("US-REGF-7IN7", 1),
    ]
    assert [(r.rule, r.count) for r in board.plan_blocks_by_rule] == [
        ("CN-NIFA-HOURS", 2),
        ("HOLD-DISPUTE", 1),
    ]


def test_it_gives_the_trend_day_by_day_oldest_first(day_of_work: App) -> None:
    board = dashboard(uow=day_of_work.uow(), day=DAY, days=3, principal=SUPERVISOR)
    assert [kpis.day for kpis in board.trend] == [date(2026, 11, 26), date(2026, 11, 27), DAY]
    empty, before, today = board.trend
    assert empty.contacts == 0 and empty.collected == () and empty.right_party_rate is None
    assert (before.contacts, before.reached, before.right_party_contacts) == (2, 2, 0)
    assert (before.human_contacts, before.promises_made, before.complaints_opened) == (2, 1, 1)
    assert before.collected == (Money(10_000, "CNY"),)
    assert today == board.kpis


def test_it_shows_fourteen_days_by_default(day_of_work: App) -> None:
    board = dashboard(uow=day_of_work.uow(), day=DAY, principal=SUPERVISOR)
    assert len(board.trend) == 14 and board.trend[0].day == date(2026, 11, 15)
    assert sum(kpis.contacts for kpis in board.trend) == 8


def test_it_refuses_a_bad_number_of_days_and_agents(day_of_work: App) -> None:
    with pytest.raises(InvalidInput, match="days must be between 1 and 90"):
        dashboard(uow=day_of_work.uow(), day=DAY, days=0, principal=SUPERVISOR)
    with pytest.raises(PermissionDenied):
        dashboard(uow=day_of_work.uow(), day=DAY, principal=Principal("a", Role.AGENT))
    board = dashboard(uow=day_of_work.uow(), day=DAY, principal=Principal("c", Role.COMPLIANCE))
    assert board.kpis.contacts == 6
