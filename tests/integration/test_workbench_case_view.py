"""The case page's data on SQLite and PostgreSQL: the debtor masked by default and revealed only
with an audit row; exact balances; one timeline, newest first, of everything that happened on
the case; the holds in force; the gate's verdict on calling now; and who may see it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

import pytest
from sqlalchemy import insert, select

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.audit import verify_chain
from huankuan.adapters.storage.tables import account_states, audit_log
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import NotFound, PermissionDenied
from huankuan.domain.money import Money
from huankuan.domain.users import Principal, Role
from huankuan.service_layer import agent_actions, agent_agreements, agent_messages
from huankuan.service_layer.case_view import (
    CaseView,
    account_view,
    case_view,
    list_cases,
    reveal_personal_data,
)
from huankuan.service_layer.conversations import start_conversation
from tests.factories import add_hold, add_payment
from tests.robot_support import robot
from tests.workbench_support import CN_MORNING, CN_NIGHT, cn_case, rules, rules_guard

AGENT = Principal("agent1", Role.AGENT)


@pytest.fixture
def case_id(app: App) -> str:
    with app.engine.begin() as connection:
        cn_case(connection, 2, "agent2")
        return cn_case(connection, 1, "agent1")


def view(app: App, case_id: str, principal: Principal = AGENT) -> CaseView:
    return case_view(case_id, uow=app.uow(), principal=principal, rules=rules())


def test_it_masks_the_debtors_personal_data_by_default(app: App, case_id: str) -> None:
    debtor = view(app, case_id).debtor
    assert debtor.masked and debtor.name == "王*"
    assert debtor.national_id == "**************0001" and debtor.date_of_birth == "1990-**-**"
    values = {contact.contact_id: contact.value for contact in debtor.contacts}
    assert values["E1"] == "w***@example.cn"
    assert "phone:C1-1" not in values.values()


def test_it_reveals_personal_data_and_audits_who_did(app: App, case_id: str) -> None:
    debtor = reveal_personal_data(
        commands.RevealPersonalData(case_id, reason="identity check", actor=AGENT.actor),
        uow=app.uow(),
        principal=AGENT,
    )
    assert (debtor.name, debtor.national_id, debtor.date_of_birth) == (
        "王芳",
        "110101199003070001",
        "1990-03-07",
    )
    assert {contact.value for contact in debtor.contacts} == {"phone:C1-1", "wang1@example.cn"}
    with app.engine.connect() as connection:
        (row,) = connection.execute(select(audit_log)).all()
        assert verify_chain(connection).ok
    assert (row.actor, row.action, row.entity_id) == ("user:agent1", "personal_data.revealed", "D1")
    details = json.loads(row.details)
    assert details["case_id"] == case_id and details["reason"] == "identity check"
    assert "national_id" in details["fields"]


def test_it_shows_a_case_only_to_whom_may_see_it(app: App, case_id: str) -> None:
    with pytest.raises(PermissionDenied):
        view(app, "C-D2")
    with pytest.raises(PermissionDenied):
        reveal_personal_data(
            commands.RevealPersonalData("C-D2", actor=AGENT.actor), uow=app.uow(), principal=AGENT
        )
    with pytest.raises(PermissionDenied):
        account_view("A2", uow=app.uow(), principal=AGENT)
    with pytest.raises(NotFound):
        view(app, "C-NOPE")
    assert view(app, "C-D2", Principal("auditor", Role.COMPLIANCE)).case_id == "C-D2"
    with app.engine.connect() as connection:
        assert connection.execute(select(audit_log)).first() is None  # refusals reveal nothing


def test_it_lists_an_agents_own_cases_and_every_case_for_others(app: App, case_id: str) -> None:
    mine = list_cases(uow=app.uow(), principal=AGENT)
    assert [(c.case_id, c.debtor_name, c.account_count) for c in mine] == [("C-D1", "王*", 1)]
    every = list_cases(uow=app.uow(), principal=Principal("boss", Role.SUPERVISOR))
    assert [c.case_id for c in every] == ["C-D1", "C-D2"]
    filtered = list_cases(
        uow=app.uow(), principal=Principal("boss", Role.SUPERVISOR), assigned_to="agent2"
    )
    assert [c.case_id for c in filtered] == ["C-D2"]


def test_it_shows_exact_balances_from_the_latest_cycle(app: App, case_id: str) -> None:
    (imported,) = view(app, case_id).accounts
    assert not imported.from_cycle and imported.total == Money(526_000, "CNY")
    with app.engine.begin() as connection:
        connection.execute(
            insert(account_states).values(
                account_id="A1",
                business_date=date(2026, 11, 28),
                days_past_due=88,
                bucket="M3",
                oldest_unpaid_due_on=date(2026, 9, 1),
                fees_minor=1_000,
                penalty_minor=5_001,
                interest_minor=20_000,
                principal_minor=400_000,
                score=500,
                segment="medium",
                score_reasons="[]",
            )
        )
    account = account_view("A1", uow=app.uow(), principal=AGENT)
    assert account.from_cycle and (account.days_past_due, account.bucket) == (88, "M3")
    assert account.total == Money(426_001, "CNY") and account.penalty == Money(5_001, "CNY")


def test_it_gives_the_gates_verdict_on_calling_now(
    app: App, case_id: str, clock: FakeClock
) -> None:
    (verdict,) = view(app, case_id).verdicts
    assert verdict.allowed and verdict.account_id == "A1" and verdict.contact_id == "C1-1"
    clock.set(CN_NIGHT)
    (verdict,) = view(app, case_id).verdicts
    assert not verdict.allowed and verdict.rules
    assert verdict.next_allowed_at is not None and verdict.next_allowed_at > CN_NIGHT


def test_it_shows_the_holds_in_force(app: App, case_id: str) -> None:
    with app.engine.begin() as connection:
        add_hold(
            connection,
            "H-old",
            "D1",
            hold_type="welfare",
            starts_at=datetime(2026, 10, 1),
            ends_at=datetime(2026, 10, 31),
        )
        add_hold(connection, "H-now", "D1", hold_type="complaint_review", starts_at=CN_MORNING)
    found = view(app, case_id)
    assert [hold.hold_id for hold in found.holds] == ["H-now"]
    (verdict,) = found.verdicts
    assert not verdict.allowed


def test_it_merges_everything_on_the_case_into_one_timeline(
    app: App, case_id: str, clock: FakeClock
) -> None:
    app.robot_kit = robot()
    with app.engine.begin() as connection:
        add_payment(
            connection, "PAY1", "A1", amount_minor=10_000, received_at=datetime(2026, 11, 20)
        )
    start_conversation(
        commands.StartConversation("A1", actor="robot"), uow=app.uow(), robot=robot()
    )
    act(app, case_id, clock)
    found = view(app, case_id)
    kinds = [entry.kind for entry in found.timeline]
    for kind in (
        "contact_attempt",
        "payment",
        "promise",
        "plan",
        "dispute",
        "complaint",
        "hold",
        "note",
        "message",
        "conversation",
    ):
        assert kind in kinds, kind
    moments = [entry.at for entry in found.timeline]
    assert moments == sorted(moments, reverse=True)
    call = next(e for e in found.timeline if e.details.get("channel") == "agent_call")
    assert call.actor == "user:agent1" and call.details["outcome"] == "right_party_contact"
    assert call.details["decision"] == "allow" and call.details["decision_id"]
    message = next(e for e in found.timeline if e.kind == "message")
    assert message.details["content_verdict"] == "ok" and message.actor == "user:agent1"
    assert "王芳" not in message.details["text"] and "王*" in message.details["text"]
    conversation = next(e for e in found.timeline if e.kind == "conversation")
    assert conversation.details["transcript"][0]["role"] == "robot"
    assert conversation.details["transcript"][0]["verdict"] == "ok"
    promise = next(e for e in found.timeline if e.kind == "promise")
    assert promise.status == "open" and promise.details["amount_minor"] == 200_000
    assert promise.at == CN_MORNING.replace(minute=2)  # when it was made, from the audit log


def act(app: App, case_id: str, clock: FakeClock) -> None:
    """A morning's work on the case, a minute apart."""
    steps: list[Callable[[], object]] = [
        lambda: agent_actions.log_call_outcome(
            commands.LogCallOutcome(case_id, "right_party_contact", actor=AGENT.actor),
            uow=app.uow(),
            principal=AGENT,
            rules=rules(),
        ),
        lambda: agent_agreements.record_promise(
            commands.RecordCasePromise(
                case_id, "A1", 200_000, date(2026, 12, 1), actor=AGENT.actor
            ),
            uow=app.uow(),
            principal=AGENT,
            rules=rules(),
        ),
        lambda: agent_agreements.record_plan(
            commands.RecordCasePlan(case_id, "A1", "instalments", term=3, actor=AGENT.actor),
            uow=app.uow(),
            principal=AGENT,
            rules=rules(),
        ),
        lambda: agent_messages.send_message(
            commands.SendCaseMessage(case_id, "sms", template="reminder_due", actor=AGENT.actor),
            uow=app.uow(),
            principal=AGENT,
            rules=rules(),
            guard=rules_guard(),
        ),
        lambda: agent_actions.add_note(
            commands.AddCaseNote(case_id, "borrower 王芳 was calm", actor=AGENT.actor),
            uow=app.uow(),
            principal=AGENT,
        ),
        lambda: agent_actions.open_complaint(
            commands.OpenCaseComplaint(case_id, "phone", "too many calls", actor=AGENT.actor),
            uow=app.uow(),
            principal=AGENT,
        ),
        lambda: agent_actions.open_dispute(
            commands.OpenCaseDispute(case_id, "A1", "fees", written=False, actor=AGENT.actor),
            uow=app.uow(),
            principal=AGENT,
            rules=rules(),
        ),
    ]
    for minute, step in enumerate(steps, start=1):
        clock.set(CN_MORNING.replace(minute=minute))
        step()
