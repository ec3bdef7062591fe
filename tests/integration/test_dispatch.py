"""Dispatch and the gate's proof on SQLite and PostgreSQL: the plan's due actions go out through
the fake channels only with a stored approving decision, the gate is re-checked at send time,
every try is recorded, and every stored decision replays to the same answer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from huankuan.adapters.channels.base import OutboundMessage
from huankuan.adapters.channels.fake import fake_channels
from huankuan.adapters.storage.audit import verify_chain
from huankuan.adapters.storage.gate_store import SqlGateDecisions
from huankuan.adapters.storage.tables import (
    action_plan,
    audit_log,
    contact_attempts,
    gate_decisions,
)
from huankuan.bootstrap import App
from huankuan.compliance.content import build_guard
from huankuan.domain.errors import ComplianceViolation
from huankuan.domain.model import Channel
from huankuan.service_layer.cycle import run_cycle
from huankuan.service_layer.dispatch import dispatch
from huankuan.service_layer.proof import replay_action
from tests.factories import add_borrower, add_contact_point, add_hold

DAY = date(2026, 11, 28)
RULES_ONLY = build_guard(with_classifier=False)
CN_MORNING = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
CN_LATE = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai, 09:30 in New York


@dataclass(frozen=True)
class FlaggingGuard:
    """Flags every text: the dispatch must not send what the guard rejects."""

    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ):  # type: ignore[no-untyped-def]
        return type("Screening", (), {"categories": ("harassment",), "verdict": "violation"})()


@pytest.fixture
def planned(app: App) -> App:
    """D1 (CN, M3, two phones, an address) and D2 (US, M1, a phone and an email), planned."""
    with app.engine.begin() as connection:
        add_borrower(connection, 1, phones=2)
        add_contact_point(connection, "L1", "D1", kind="address")
        add_borrower(
            connection,
            2,
            jurisdiction="US-RegF",
            first_due_on=date(2026, 11, 1),
            instalment_minor=20_000,
        )
        add_contact_point(connection, "E2", "D2", kind="email")
    run_cycle(app, DAY)
    return app


def at(app: App, moment: datetime) -> App:
    app.clock.set(moment)  # type: ignore[attr-defined]
    return app


def attempts(app: App) -> list[dict[str, object]]:
    with app.engine.connect() as connection:
        rows = connection.execute(select(contact_attempts).order_by(contact_attempts.c.action_id))
        return [dict(row._mapping) for row in rows]


def plan_row(app: App, **where: str) -> dict[str, object]:
    with app.engine.connect() as connection:
        query = select(action_plan)
        for column, value in where.items():
            query = query.where(action_plan.c[column] == value)
        return dict(connection.execute(query.limit(1)).one()._mapping)


def add_call(app: App, debtor_id: str, contact_id: str, moment: datetime, **fields: object) -> None:
    with app.engine.begin() as connection:
        count = connection.execute(select(func.count()).select_from(contact_attempts)).scalar()
        connection.execute(
            insert(contact_attempts).values(
                attempt_id=f"OLD-{count}",
                debtor_id=debtor_id,
                contact_id=contact_id,
                channel="agent_call",
                at=moment.astimezone(UTC).replace(tzinfo=None),
                decision="allow",
                rules="[]",
                outcome="answered",
                connected=True,
                **fields,
            )
        )


def test_it_sends_the_due_allowed_actions_and_records_each(planned: App) -> None:
    result = dispatch(at(planned, CN_MORNING), DAY, guard=RULES_ONLY)
    report = result.report
    sent = [message for adapter in {*result.adapters.values()} for message in adapter.outbox.sent]  # type: ignore[attr-defined]
    assert report.sent == len(sent) == report.due > 0
    assert {message.channel for message in sent} >= {Channel.LETTER, Channel.AGENT_CALL}
    rows = attempts(planned)
    assert {row["action_id"] for row in rows} == {message.action_id for message in sent}
    with planned.engine.connect() as connection:
        decisions = {row.decision_id: row for row in connection.execute(select(gate_decisions))}
        audits = connection.execute(select(audit_log.c.action)).scalars().all()
        assert verify_chain(connection).ok
    for row in rows:
        assert row["decision"] == "allow" and row["connected"] is True
        stored = decisions[row["decision_id"]]
        assert (stored.decision, stored.action_id, stored.stage) == (
            "allow",
            row["action_id"],
            "dispatch",
        )
        assert stored.profile == "CN-NIFA@2026.12.1" and len(stored.inputs_hash) == 64
    assert audits.count("dispatch.completed") == 1


def test_it_sends_nothing_twice(planned: App) -> None:
    first = dispatch(at(planned, CN_MORNING), DAY, guard=RULES_ONLY).report
    again = dispatch(planned, DAY, guard=RULES_ONLY).report
    assert first.sent > 0 and (again.due, again.sent) == (0, 0)


def test_it_rechecks_contact_hours_at_send_time(planned: App) -> None:
    evening_call = plan_row(planned, debtor_id="D1", channel="robot_call")
    assert evening_call["decision"] == "allow"  # planned for 21:30 in Shanghai
    result = dispatch(at(planned, CN_LATE), DAY, guard=RULES_ONLY, channel=Channel.ROBOT_CALL)
    row = next(row for row in attempts(planned) if row["action_id"] == evening_call["action_id"])
    assert (row["decision"], json.loads(str(row["rules"]))) == ("block", ["CN-NIFA-HOURS"])
    assert result.report.blocked_by_rule["CN-NIFA-HOURS"] >= 1
    assert result.adapters[Channel.ROBOT_CALL].outbox.sent == []  # type: ignore[attr-defined]


def test_it_rechecks_holds_placed_after_the_plan(planned: App) -> None:
    with planned.engine.begin() as connection:
        add_hold(
            connection, "H2", "D2", hold_type="welfare", starts_at=CN_LATE - timedelta(hours=1)
        )
    result = dispatch(at(planned, CN_LATE), DAY, guard=RULES_ONLY, channel=Channel.SMS)
    rows = [row for row in attempts(planned) if row["debtor_id"] == "D2"]
    assert rows and all(json.loads(str(row["rules"])) == ["US-REGF-HOLD-WELFARE"] for row in rows)
    assert result.report.sent == 0


def test_it_counts_calls_made_since_the_plan(planned: App) -> None:
    for hour in (0, 1, 2):  # three connected calls this morning, Beijing time
        add_call(planned, "D1", "C1-1", CN_MORNING - timedelta(hours=hour, minutes=30))
    result = dispatch(at(planned, CN_MORNING), DAY, guard=RULES_ONLY)
    calls = [
        row
        for row in attempts(planned)
        if row["action_id"] is not None and row["channel"] == "agent_call"
    ]
    assert calls and all(json.loads(str(row["rules"])) == ["CN-NIFA-DAILY-CALLS"] for row in calls)
    assert result.report.sent_by_channel == {"letter": 1}


def test_it_does_not_send_what_the_content_guard_flags(planned: App) -> None:
    result = dispatch(at(planned, CN_MORNING), DAY, guard=FlaggingGuard())
    assert result.report.sent == 0 and result.report.blocked_by_content > 0
    rows = attempts(planned)
    assert {row["outcome"] for row in rows} == {"content_blocked"}
    assert all(json.loads(str(row["rules"])) == ["CONTENT-HARASSMENT"] for row in rows)


def test_an_adapter_on_the_real_store_refuses_an_ungated_action(planned: App) -> None:
    action = plan_row(planned, debtor_id="D2", channel="sms")
    message = OutboundMessage(
        action_id=str(action["action_id"]),
        channel=Channel.SMS,
        contact_id=str(action["contact_id"]),
        address="+12125550100",
        text="Hi, a payment is due.",
    )
    with planned.engine.connect() as connection:
        sms = fake_channels(SqlGateDecisions(connection))[Channel.SMS]
        with pytest.raises(ComplianceViolation, match="no stored gate decision"):
            sms.send(message)
    assert sms.outbox.sent == []  # type: ignore[attr-defined]


def test_every_stored_decision_replays_to_the_same_answer(planned: App) -> None:
    dispatch(at(planned, CN_MORNING), DAY, guard=RULES_ONLY)
    dispatch(at(planned, CN_LATE), DAY, guard=RULES_ONLY)
    with planned.engine.connect() as connection:
        action_ids = connection.execute(select(gate_decisions.c.action_id).distinct()).scalars()
        action_ids = sorted(action_ids)
    decisions = {"allow": 0, "block": 0}
    for action_id in action_ids:
        for item in replay_action(planned, action_id):
            assert item.ok, (action_id, item.replay)
            decisions[item.stored.decision] += 1
    assert decisions["allow"] > 0 and decisions["block"] > 0


def test_it_reports_tampered_inputs_and_altered_decisions(planned: App) -> None:
    dispatch(at(planned, CN_MORNING), DAY, guard=RULES_ONLY)
    with planned.engine.begin() as connection:
        first, second = connection.execute(
            select(gate_decisions.c.decision_id, gate_decisions.c.action_id).limit(2)
        ).all()
        inputs = connection.execute(
            select(gate_decisions.c.inputs).where(gate_decisions.c.decision_id == first[0])
        ).scalar_one()
        connection.execute(
            update(gate_decisions)
            .where(gate_decisions.c.decision_id == first[0])
            .values(inputs=inputs.replace('"hold_types":[]', '"hold_types":["welfare"]'))
        )
        connection.execute(
            update(gate_decisions)
            .where(gate_decisions.c.decision_id == second[0])
            .values(decision="block")
        )
    [tampered] = replay_action(planned, first[1])
    assert not tampered.replay.hash_ok and not tampered.ok
    assert "tampered" in str(tampered.replay.problem)
    [altered] = replay_action(planned, second[1])
    assert altered.replay.hash_ok and not altered.same and not altered.ok


def test_the_cycle_counts_stored_calls_against_planned_calls(app: App) -> None:
    with app.engine.begin() as connection:
        add_borrower(
            connection,
            2,
            jurisdiction="US-RegF",
            first_due_on=date(2026, 10, 1),
            instalment_minor=20_000,
        )
    new_york_noon = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    # Seven connected calls about A2 on 22-27 November (two on the 27th): a call on the 28th
    # would be the 8th within 7 days, until the call of the 22nd leaves the window.
    for moment in [new_york_noon - timedelta(days=days) for days in range(6)] + [
        new_york_noon - timedelta(hours=2)
    ]:
        add_call(app, "D2", "C2-1", moment, debt_ids='["A2"]')
    run_cycle(app, DAY)
    with app.engine.connect() as connection:
        rows = connection.execute(select(action_plan).where(action_plan.c.debtor_id == "D2")).all()
    calls = [row for row in rows if row.channel in ("robot_call", "agent_call")]
    assert calls
    for row in calls:
        assert row.decision == "block" and "US-REGF-CALLS-7-IN-7" in json.loads(row.rules)
        assert row.next_allowed_at == datetime(2026, 11, 29, 13, 0)  # 08:00 in New York
    texts = [row for row in rows if row.channel == "sms"]
    assert all(row.decision == "allow" for row in texts)
