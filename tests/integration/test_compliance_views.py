"""The compliance role's audit views on SQLite and PostgreSQL: stored gate decisions (by decision
or action id) with their inputs and replay, tampering found, recent decisions filtered, the
audit chain's status and the complaints register with the debtor masked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import insert, select, update

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import audit_log, cases, complaints, gate_decisions
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import ContactBlocked, InvalidInput, NotFound, PermissionDenied
from huankuan.domain.users import Principal, Role
from huankuan.service_layer import conversations
from huankuan.service_layer.compliance_views import (
    audit_chain_status,
    complaints_register,
    find_decisions,
    recent_decisions,
    replay_decisions,
)
from tests.factories import add_borrower
from tests.robot_support import CN_MORNING, CN_NIGHT, robot

AUDITOR = Principal("audrey", Role.COMPLIANCE)


@pytest.fixture
def decided(app: App, clock: FakeClock) -> tuple[str, str]:
    """Two conversations' gate decisions on A1: allowed at 10:00 Shanghai time, blocked at
    23:30. Returns (allowed conversation id, blocked decision id)."""
    with app.engine.begin() as connection:
        add_borrower(connection, 1, debtor={"name": "王芳"})
    clock.set(CN_MORNING)
    started = conversations.start_conversation(
        commands.StartConversation(account_id="A1", actor="test"), uow=app.uow(), robot=robot()
    )
    clock.set(CN_NIGHT)
    with pytest.raises(ContactBlocked):
        conversations.start_conversation(
            commands.StartConversation(account_id="A1", actor="test"), uow=app.uow(), robot=robot()
        )
    with app.engine.connect() as connection:
        blocked = connection.execute(
            select(gate_decisions.c.decision_id).where(gate_decisions.c.decision == "block")
        ).scalar_one()
    return str(started.conversation_id), str(blocked)


def test_it_finds_a_decision_by_its_id_or_its_action(app: App, decided: tuple[str, str]) -> None:
    action_id, blocked_id = decided
    (by_action,) = find_decisions(action_id, uow=app.uow(), principal=AUDITOR)
    assert by_action.decision == "allow" and by_action.stage == "conversation"
    assert by_action.decided_at == CN_MORNING
    assert by_action.inputs["attempt"]["channel"] == "chat"
    assert by_action.inputs["debtor"]["timezone"] == "Asia/Shanghai"
    (blocked,) = find_decisions(blocked_id, uow=app.uow(), principal=AUDITOR)
    assert blocked.decision == "block" and blocked.rules and blocked.next_allowed_at is not None
    with pytest.raises(NotFound, match="no stored gate decision"):
        find_decisions("GD-nope", uow=app.uow(), principal=AUDITOR)


def test_it_replays_a_decision_and_audits_the_replay(app: App, decided: tuple[str, str]) -> None:
    action_id, blocked_id = decided
    for ident in decided:
        (replayed,) = replay_decisions(ident, app=app, principal=AUDITOR)
        assert replayed.ok and replayed.hash_ok and replayed.profile_ok and replayed.same
        assert replayed.replayed_decision == replayed.decision.decision
        assert replayed.replayed_rules == replayed.decision.rules
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(audit_log.c.actor, audit_log.c.entity_id).where(
                audit_log.c.action == "gate_decision.replayed"
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("user:audrey", action_id),
        ("user:audrey", blocked_id),
    ]


def test_it_finds_tampered_inputs_on_replay(app: App, decided: tuple[str, str]) -> None:
    _, blocked_id = decided
    with app.engine.begin() as connection:
        stored = connection.execute(
            select(gate_decisions.c.inputs).where(gate_decisions.c.decision_id == blocked_id)
        ).scalar_one()
        connection.execute(
            update(gate_decisions)
            .where(gate_decisions.c.decision_id == blocked_id)
            .values(inputs=stored.replace("Asia/Shanghai", "Asia/Tokyo"))
        )
    (replayed,) = replay_decisions(blocked_id, app=app, principal=AUDITOR)
    assert not replayed.ok and not replayed.hash_ok
    assert replayed.problem is not None and "tampered" in replayed.problem


def test_it_lists_recent_decisions_filtered_by_decision_and_rule(
    app: App, decided: tuple[str, str]
) -> None:
    everything = recent_decisions(uow=app.uow(), principal=AUDITOR)
    assert everything.total == 2
    assert [d.decided_at for d in everything.decisions] == [CN_NIGHT, CN_MORNING]  # newest first
    blocks = recent_decisions(uow=app.uow(), principal=AUDITOR, decision="block")
    (block,) = blocks.decisions
    rule = block.rules[0]
    by_rule = recent_decisions(uow=app.uow(), principal=AUDITOR, rule=rule)
    assert [d.decision_id for d in by_rule.decisions] == [block.decision_id]
    assert recent_decisions(uow=app.uow(), principal=AUDITOR, rule=rule[:-2]).total == 0
    assert recent_decisions(uow=app.uow(), principal=AUDITOR, stage="dispatch").total == 0
    assert recent_decisions(uow=app.uow(), principal=AUDITOR, stage="agent").total == 0
    for bad in ({"decision": "maybe"}, {"stage": "later"}, {"limit": 0}, {"offset": -1}):
        with pytest.raises(InvalidInput):
            recent_decisions(uow=app.uow(), principal=AUDITOR, **bad)  # type: ignore[arg-type]


def test_it_verifies_the_audit_chain_and_finds_an_edited_row(
    app: App, decided: tuple[str, str]
) -> None:
    status = audit_chain_status(uow=app.uow(), principal=AUDITOR)
    assert status.ok and status.rows == 2 and status.first_bad_seq is None
    assert dict(status.by_action) == {"conversation.started": 1, "conversation.blocked": 1}
    assert status.last_seq == 2 and status.last_at == CN_NIGHT
    with app.engine.begin() as connection:
        first = connection.execute(select(audit_log.c.seq).order_by(audit_log.c.seq)).first()
        assert first is not None
        connection.execute(
            update(audit_log).where(audit_log.c.seq == first.seq).values(actor="someone-else")
        )
    broken = audit_chain_status(uow=app.uow(), principal=AUDITOR)
    assert not broken.ok and broken.first_bad_seq == first.seq and broken.problem


def test_it_keeps_the_complaints_register_with_the_debtor_masked(app: App) -> None:
    with app.engine.begin() as connection:
        add_borrower(connection, 1, debtor={"name": "王芳"})
        add_borrower(connection, 2, debtor={"name": "John Smith"})
        connection.execute(insert(cases).values(case_id="C-D1", debtor_id="D1"))
        for complaint_id, debtor_id, opened, resolved, summary in (
            ("CMP1", "D1", datetime(2026, 11, 18, 2), None, "王芳 says calls at night"),
            ("CMP2", "D2", datetime(2026, 11, 1), datetime(2026, 11, 4, 1), "John Smith: fees"),
            ("CMP3", "D1", datetime(2026, 11, 27, 3), None, "call me on 13800138000"),
        ):
            connection.execute(
                insert(complaints).values(
                    complaint_id=complaint_id,
                    debtor_id=debtor_id,
                    opened_at=opened,
                    channel="call",
                    summary=summary,
                    resolved_at=resolved,
                )
            )
    register = complaints_register(uow=app.uow(), principal=AUDITOR)
    assert (register.open, register.resolved) == (2, 1)
    entries = [(e.complaint_id, e.status, e.age_days, e.case_id) for e in register.complaints]
    assert entries == [
        ("CMP1", "open", 10, "C-D1"),
        ("CMP3", "open", 0, "C-D1"),
        ("CMP2", "resolved", 3, None),
    ]
    first, second, third = register.complaints
    assert first.debtor_name == "王*" and first.summary == "王* says calls at night"
    assert "13800138000" not in second.summary and third.debtor_name == "J*** S***"
    resolved = complaints_register(uow=app.uow(), principal=AUDITOR, status="resolved")
    assert [e.complaint_id for e in resolved.complaints] == ["CMP2"]
    with pytest.raises(InvalidInput):
        complaints_register(uow=app.uow(), principal=AUDITOR, status="closed")


def test_it_shows_the_audit_views_to_auditors_not_agents(app: App) -> None:
    agent = Principal("ann", Role.AGENT)
    views: list[Callable[[Principal], object]] = [
        lambda who: find_decisions("GD-x", uow=app.uow(), principal=who),
        lambda who: replay_decisions("GD-x", app=app, principal=who),
        lambda who: recent_decisions(uow=app.uow(), principal=who),
        lambda who: audit_chain_status(uow=app.uow(), principal=who),
        lambda who: complaints_register(uow=app.uow(), principal=who),
    ]
    for view in views:
        with pytest.raises(PermissionDenied):
            view(agent)
    for role in (Role.COMPLIANCE, Role.SUPERVISOR, Role.ADMIN):
        assert audit_chain_status(uow=app.uow(), principal=Principal("x", role)).ok
