"""Assigning cases on SQLite and PostgreSQL: listings of unassigned cases by bucket and segment,
one case or many to an active agent, every change audited with from/to, and all-or-nothing
refusals."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, update

from huankuan.adapters.storage.supervision_store import SupervisionStore
from huankuan.adapters.storage.tables import account_states, audit_log, cases
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import InvalidInput, NotFound, PermissionDenied
from huankuan.domain.money import Money
from huankuan.domain.users import Principal, Role, User
from huankuan.service_layer.assignment import agent_loads, assign_case, assign_cases, list_cases
from tests.factories import add_borrower

SUPERVISOR = Principal("sup", Role.SUPERVISOR)
NOW = datetime(2026, 11, 28, 2, tzinfo=UTC)


def add_user(app: App, username: str, role: Role, *, active: bool = True) -> None:
    with app.uow() as uow:
        uow.users.add(User(username, role, None, NOW, active))
        uow.commit()


def state(account_id: str, bucket: str, segment: str, dpd: int) -> dict[str, object]:
    return {
        "account_id": account_id,
        "business_date": date(2026, 11, 28),
        "days_past_due": dpd,
        "bucket": bucket,
        "segment": segment,
        "oldest_unpaid_due_on": None,
        "fees_minor": 100,
        "penalty_minor": 200,
        "interest_minor": 300,
        "principal_minor": 400_000,
        "score": 500,
        "score_reasons": "[]",
    }


@pytest.fixture
def floor(app: App) -> App:
    """Four debtors with cases: D1 (M1, low, 10 days), D2 (M3, high, 70 days), D3 (M1, high,
    20 days), D4 (no state yet, assigned to agent2)."""
    with app.engine.begin() as connection:
        for number in (1, 2, 3, 4):
            add_borrower(connection, number)
            connection.execute(insert(cases).values(case_id=f"C-D{number}", debtor_id=f"D{number}"))
        for account_id, bucket, segment, dpd in (
            ("A1", "M1", "low", 10),
            ("A2", "M3", "high", 70),
            ("A3", "M1", "high", 20),
        ):
            connection.execute(
                insert(account_states).values(**state(account_id, bucket, segment, dpd))
            )
        connection.execute(
            update(cases).where(cases.c.case_id == "C-D4").values(assigned_to="agent2")
        )
    add_user(app, "agent1", Role.AGENT)
    add_user(app, "agent2", Role.AGENT)
    add_user(app, "gone", Role.AGENT, active=False)
    add_user(app, "boss", Role.SUPERVISOR)
    return app


def assigned(app: App) -> dict[str, str | None]:
    with app.engine.connect() as connection:
        return {r.case_id: r.assigned_to for r in connection.execute(select(cases))}


def audits(app: App) -> list[tuple[str, str, dict[str, object]]]:
    with app.engine.connect() as connection:
        rows = connection.execute(select(audit_log).order_by(audit_log.c.seq))
        return [(r.action, r.entity_id, json.loads(r.details)) for r in rows]


def test_it_lists_unassigned_cases_worst_first_with_masked_names(floor: App) -> None:
    page = list_cases(uow=floor.uow(), principal=SUPERVISOR)
    assert page.total == 3
    assert [c.case_id for c in page.cases] == ["C-D2", "C-D3", "C-D1"]
    worst = page.cases[0]
    assert worst.debtor_name == "D*** D***"  # "Debtor D2", masked
    assert worst.days_past_due == 70 and worst.buckets == ("M3",) and worst.segments == ("high",)
    assert worst.accounts[0].balance == Money(400_600, "CNY")


def test_it_filters_unassigned_cases_by_bucket_and_segment(floor: App) -> None:
    by_bucket = list_cases(uow=floor.uow(), principal=SUPERVISOR, bucket="M1")
    assert [c.case_id for c in by_bucket.cases] == ["C-D3", "C-D1"]
    both = list_cases(uow=floor.uow(), principal=SUPERVISOR, bucket="M1", segment="high")
    assert [c.case_id for c in both.cases] == ["C-D3"] and both.total == 1
    paged = list_cases(uow=floor.uow(), principal=SUPERVISOR, limit=1, offset=1)
    assert [c.case_id for c in paged.cases] == ["C-D3"] and paged.total == 3
    theirs = list_cases(uow=floor.uow(), principal=SUPERVISOR, assignee="agent2")
    assert [c.case_id for c in theirs.cases] == ["C-D4"]
    assert theirs.cases[0].accounts[0].bucket is None
    assert theirs.cases[0].accounts[0].balance == Money(526_000, "CNY")  # as imported


def test_it_assigns_and_reassigns_a_case_with_an_audit_of_from_and_to(floor: App) -> None:
    done = assign_case(
        commands.AssignCase("C-D1", "agent1", actor="user:sup"),
        uow=floor.uow(),
        principal=SUPERVISOR,
    )
    assert (done.previous, done.assigned_to, done.changed) == (None, "agent1", True)
    assign_case(
        commands.AssignCase("C-D1", "agent2", actor="user:sup"),
        uow=floor.uow(),
        principal=SUPERVISOR,
    )
    assert assigned(floor)["C-D1"] == "agent2"
    assert audits(floor) == [
        ("case.assigned", "C-D1", {"from": None, "to": "agent1"}),
        ("case.assigned", "C-D1", {"from": "agent1", "to": "agent2"}),
    ]
    again = assign_case(commands.AssignCase("C-D1", "agent2"), uow=floor.uow(), principal=None)
    assert again.changed is False and len(audits(floor)) == 2


def test_it_assigns_cases_in_bulk_all_or_nothing(floor: App) -> None:
    done = assign_cases(
        commands.AssignCases(("C-D1", "C-D2", "C-D1"), "agent1"), uow=floor.uow(), principal=None
    )
    assert [d.case_id for d in done] == ["C-D1", "C-D2"]
    assert assigned(floor) == {"C-D1": "agent1", "C-D2": "agent1", "C-D3": None, "C-D4": "agent2"}
    with pytest.raises(NotFound, match="C-NOPE"):
        assign_cases(
            commands.AssignCases(("C-D3", "C-NOPE"), "agent2"), uow=floor.uow(), principal=None
        )
    assert assigned(floor)["C-D3"] is None
    assert len(audits(floor)) == 2
    loads = agent_loads(uow=floor.uow(), principal=SUPERVISOR)
    assert [(a.username, a.open_cases) for a in loads] == [("agent1", 2), ("agent2", 1)]


@pytest.mark.parametrize(
    ("username", "problem"),
    [("nobody", "no user 'nobody'"), ("boss", "is a supervisor"), ("gone", "deactivated")],
)
def test_it_assigns_only_to_active_agents(floor: App, username: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        assign_case(commands.AssignCase("C-D1", username), uow=floor.uow(), principal=SUPERVISOR)
    assert assigned(floor)["C-D1"] is None


def test_it_refuses_bad_input(floor: App) -> None:
    for case_ids in ((), ("",), tuple(f"C{i}" for i in range(501))):
        with pytest.raises(InvalidInput):
            assign_cases(commands.AssignCases(case_ids, "agent1"), uow=floor.uow(), principal=None)
    with pytest.raises(InvalidInput, match="limit"):
        list_cases(uow=floor.uow(), principal=SUPERVISOR, limit=0)
    with pytest.raises(InvalidInput, match="offset"):
        list_cases(uow=floor.uow(), principal=SUPERVISOR, offset=-1)


@pytest.mark.parametrize("role", [Role.AGENT, Role.COMPLIANCE])
def test_it_lets_only_supervisors_and_admins_assign(floor: App, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        assign_case(
            commands.AssignCase("C-D1", "agent1"), uow=floor.uow(), principal=Principal("x", role)
        )
    assert assigned(floor)["C-D1"] is None
    if role is Role.AGENT:
        with pytest.raises(PermissionDenied):
            list_cases(uow=floor.uow(), principal=Principal("x", role))
    admin = Principal("root", Role.ADMIN)
    assert assign_case(
        commands.AssignCase("C-D1", "agent1"), uow=floor.uow(), principal=admin
    ).changed


def test_it_notices_a_case_reassigned_meanwhile(floor: App) -> None:
    """Two supervisors moving the same case: the one working from a stale view changes
    nothing (the service turns that into ConcurrentUpdate)."""
    with floor.engine.begin() as connection:
        store = SupervisionStore(connection)
        assert store.reassign("C-D1", "agent2", "agent1") is False
        assert store.reassign("C-D4", "agent2", "agent1") is True
    assert assigned(floor)["C-D1"] is None and assigned(floor)["C-D4"] == "agent1"
