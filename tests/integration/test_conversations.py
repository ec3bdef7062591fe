"""Robot conversations through the service layer on SQLite and PostgreSQL: outcomes land in their
tables, the stored events replay to the live state, the safety protocol's writes, the wrong
party's contact point, and a contact the gate blocks."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from sqlalchemy import select, update

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.audit import verify_chain
from huankuan.adapters.storage.conversation_store import SqlConversationRepository
from huankuan.adapters.storage.tables import (
    audit_log,
    callbacks,
    complaints,
    contact_attempts,
    contact_points,
    conversations,
    disputes,
    gate_decisions,
    handoffs,
    holds,
    outbound_messages,
    plan_instalments,
    promises,
    repayment_plans,
)
from huankuan.bootstrap import App
from huankuan.dialogue.bot import Turn
from huankuan.dialogue.tracker import Event, replay
from huankuan.domain import commands
from huankuan.domain.errors import (
    ConcurrentUpdate,
    ContactBlocked,
    ConversationEnded,
    NotFound,
)
from huankuan.service_layer import conversations as service
from huankuan.service_layer.unit_of_work import SqlUnitOfWork
from tests.robot_support import CN_NIGHT, US_MORNING, add_cn_borrower, add_us_borrower, robot


@pytest.fixture
def account(app: App) -> str:
    with app.engine.begin() as connection:
        return add_cn_borrower(connection)


def talk(app: App, account_id: str, lines: Sequence[str], **start: str) -> list[Turn]:
    turns = [
        service.start_conversation(
            commands.StartConversation(account_id=account_id, actor="test", **start),
            uow=app.uow(),
            robot=robot(),
        )
    ]
    for line in lines:
        conversation_id = str(turns[0].conversation_id)
        turns.append(
            service.handle_message(
                commands.SendMessage(conversation_id, line, actor="test"),
                uow=app.uow(),
                robot=robot(),
            )
        )
    return turns


def rows(app: App, table: object) -> list[dict[str, object]]:
    with app.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table))]  # type: ignore[call-overload]


def test_it_records_a_promise_and_sends_its_recap_through_the_gate(app: App, account: str) -> None:
    turns = talk(app, account, ["是我", "工资晚发了", "下周五还两千", "是的"])
    assert turns[-1].ended and "promise_to_pay" in turns[-1].outcome_types()
    (promise,) = rows(app, promises)
    assert (promise["account_id"], promise["amount_minor"], promise["currency"]) == (
        "A1",
        200_000,
        "CNY",
    )
    assert str(promise["due_on"]) == "2026-12-04"
    (recap,) = rows(app, outbound_messages)
    assert (recap["channel"], recap["status"], recap["content_verdict"]) == ("sms", "sent", "ok")
    assert "¥2,000.00" in str(recap["text"])
    decisions = {row["decision_id"]: row for row in rows(app, gate_decisions)}
    assert decisions[recap["decision_id"]]["decision"] == "allow"
    attempts = rows(app, contact_attempts)
    assert {row["channel"] for row in attempts} == {"chat", "sms"}
    chat = next(row for row in attempts if row["channel"] == "chat")
    assert chat["conversation"] and chat["outcome"] == "promise_to_pay"


def test_it_records_a_plan_with_its_instalments(app: App, account: str) -> None:
    turns = talk(app, account, ["是我", "失业了", "可以", "是的"])
    assert "plan" in turns[-1].outcome_types()
    (plan,) = rows(app, repayment_plans)
    instalments = rows(app, plan_instalments)
    outcome = next(o for o in turns[-1].outcomes if o["type"] == "plan")
    assert plan["kind"] == outcome["kind"] == "instalments"
    assert plan["down_payment_minor"] == outcome["down_payment_minor"]
    assert [row["amount_minor"] for row in instalments] == [
        item["amount_minor"]  # type: ignore[index]
        for item in outcome["instalments"]  # type: ignore[union-attr]
    ]
    paid = int(plan["down_payment_minor"]) + sum(int(row["amount_minor"]) for row in instalments)
    assert paid == 526_000  # exactly the amount due, in minor units


def test_it_opens_a_dispute_and_pauses_collection(app: App, account: str) -> None:
    talk(app, account, ["是我", "这笔钱我根本没借过，你们搞错了"])
    (dispute,) = rows(app, disputes)
    assert dispute["account_id"] == "A1" and dispute["written"] is True
    assert [row["hold_type"] for row in rows(app, holds)] == ["dispute"]
    with pytest.raises(ContactBlocked) as blocked:
        talk(app, account, [])
    assert blocked.value.rules == ("CN-NIFA-HOLD-DISPUTE",)


def test_it_places_a_welfare_hold_and_an_urgent_handoff_on_self_harm(
    app: App, account: str
) -> None:
    turns = talk(app, account, ["是我", "再逼我我就去跳楼"])
    assert turns[-1].ended and turns[-1].handoff
    (hold,) = rows(app, holds)
    assert hold["hold_type"] == "welfare" and hold["ends_at"] is None
    (handoff,) = rows(app, handoffs)
    assert (handoff["priority"], handoff["reason"]) == ("urgent", "self_harm")
    assert (
        handoff["case_id"] == "CASE-D1" and handoff["conversation_id"] == turns[0].conversation_id
    )
    with pytest.raises(ConversationEnded):
        talk_more(app, str(turns[0].conversation_id), "我还是想还钱")


class RacingUnitOfWork(SqlUnitOfWork):
    """A unit of work that lets another writer store `competing` events just before the turn's
    own events are written: the two requests race for the same sequence numbers."""

    def __init__(self, app: App, conversation_id: str, competing: Sequence[Event]) -> None:
        super().__init__(app.engine, app.clock)
        self.conversation_id, self.competing, self.transactions = conversation_id, competing, 0

    def __enter__(self) -> RacingUnitOfWork:
        if self._depth == 0:
            self.transactions += 1
            if self.transactions == 3:  # read, safety first, then the turn's events
                with self._engine.begin() as connection:
                    SqlConversationRepository(connection).append(
                        self.conversation_id, self.competing, self.clock.now()
                    )
        super().__enter__()
        return self


def test_it_keeps_the_safety_writes_when_the_rest_of_the_turn_fails(app: App, account: str) -> None:
    """A self-harm turn whose events cannot be stored (another request took the turn) still
    leaves the welfare hold and the urgent hand-off, and the turn itself is refused."""
    (opening,) = talk(app, account, [])
    conversation_id = str(opening.conversation_id)
    stored = service.transcript(conversation_id, uow=app.uow()).events
    other = robot().resume(stored)
    other.handle("是我")
    racing = RacingUnitOfWork(app, conversation_id, other.tracker.events[len(stored) :])
    with pytest.raises(ConcurrentUpdate):
        service.handle_message(
            commands.SendMessage(conversation_id, "我不想活了"), uow=racing, robot=robot()
        )
    assert [row["hold_type"] for row in rows(app, holds)] == ["welfare"]
    assert [row["priority"] for row in rows(app, handoffs)] == ["urgent"]
    found = service.transcript(conversation_id, uow=app.uow())
    assert found.state.user_turns == 1 and not found.state.ended  # only the competing turn


def test_it_marks_the_contact_point_of_a_wrong_party(app: App, account: str) -> None:
    turns = talk(app, account, ["你打错了，这里没有这个人"])
    assert "wrong_party" in turns[-1].outcome_types()
    (phone,) = rows(app, contact_points)
    assert phone["valid"] is False and "wrong party" in str(phone["invalid_reason"])
    with pytest.raises(ContactBlocked) as blocked:
        talk(app, account, [])
    assert "CN-NIFA-INVALID-CONTACT" in blocked.value.rules


def test_it_records_cease_complaint_and_callback_outcomes(app: App) -> None:
    with app.engine.begin() as connection:
        for number in (1, 2, 3):
            add_cn_borrower(connection, number)
    talk(app, "A1", ["是我", "别再给我打电话了，有事找我律师"])
    talk(app, "A2", ["是我", "我正在录音，我要去银保监会投诉你们"])
    talk(app, "A3", ["是我", "我在开会，明天下午三点再打给我"])
    assert [(row["debtor_id"], row["hold_type"]) for row in rows(app, holds)] == [
        ("D1", "cease_contact")
    ]
    (complaint,) = rows(app, complaints)
    assert (complaint["debtor_id"], complaint["channel"]) == ("D2", "chat")
    (callback,) = rows(app, callbacks)
    assert (str(callback["requested_date"]), callback["requested_time"]) == ("2026-11-29", "15:00")
    # 15:00 in Shanghai, inside the gate's hours: scheduled as asked (stored as naive UTC).
    assert str(callback["scheduled_at"]).startswith("2026-11-29 07:00:00")


def test_it_rebuilds_the_live_state_by_replaying_the_stored_events(app: App, account: str) -> None:
    conversation_id = str(talk(app, account, [])[0].conversation_id)
    stored = service.transcript(conversation_id, uow=app.uow()).events
    bot = robot().resume(stored)
    live = []
    for line in ["是我", "下个月15号还一千"]:
        live.append(bot.handle(line, at=app.clock.now()))
        talk_more(app, conversation_id, line)
    found = service.transcript(conversation_id, uow=app.uow())
    assert [event.to_dict() for event in found.events] == bot.tracker.to_dicts()
    assert found.state == bot.tracker.state == replay(bot.tracker.events)
    (summary,) = rows(app, conversations)
    assert summary["state"] == found.state.state and summary["ended"] is found.state.ended


def test_it_refuses_a_contact_the_gate_blocks_and_keeps_the_proof(
    app: App, account: str, clock: FakeClock
) -> None:
    clock.set(CN_NIGHT)
    with pytest.raises(ContactBlocked) as blocked:
        talk(app, account, [])
    assert blocked.value.rules == ("CN-NIFA-HOURS",)
    assert blocked.value.next_allowed_at is not None
    assert rows(app, conversations) == []
    (decision,) = rows(app, gate_decisions)
    assert decision["decision"] == "block" and decision["stage"] == "conversation"
    assert sorted(json.loads(str(decision["rules"]))) == sorted(blocked.value.rules)
    assert [row["action"] for row in rows(app, audit_log)] == ["conversation.blocked"]


def test_it_talks_english_under_us_rules_about_the_exact_balance(
    app: App, clock: FakeClock
) -> None:
    clock.set(US_MORNING)
    with app.engine.begin() as connection:
        add_us_borrower(connection)
    turns = talk(app, "A2", ["yes this is John"])
    said = " ".join(turns[-1].texts)
    assert "attempt to collect a debt" in said and "$5,260.00" in said


def test_it_audits_every_change_in_one_intact_chain(app: App, account: str) -> None:
    talk(app, account, ["是我", "下周五还两千", "是的"])
    actions = [row["action"] for row in rows(app, audit_log)]
    assert actions[0] == "conversation.started"
    assert {"promise.recorded", "message.queued", "message.sent", "conversation.turn"} <= set(
        actions
    )
    with app.engine.connect() as connection:
        assert verify_chain(connection).ok


def test_it_says_which_conversation_is_unknown(app: App) -> None:
    with pytest.raises(NotFound):
        talk_more(app, "CV-missing", "hello")


def talk_more(app: App, conversation_id: str, line: str) -> Turn:
    return service.handle_message(
        commands.SendMessage(conversation_id, line, actor="test"), uow=app.uow(), robot=robot()
    )


def test_it_keeps_agents_to_their_own_cases(app: App, account: str) -> None:
    from huankuan.adapters.storage.tables import cases
    from huankuan.domain.errors import PermissionDenied
    from huankuan.domain.users import Principal, Role

    start = commands.StartConversation(account_id=account)
    with pytest.raises(PermissionDenied):
        service.start_conversation(
            start, uow=app.uow(), robot=robot(), principal=Principal("lin", Role.AGENT)
        )
    with app.engine.begin() as connection:
        connection.execute(cases.insert().values(case_id="CASE-D1", debtor_id="D1"))
        connection.execute(update(cases).values(assigned_to="lin"))
    turn = service.start_conversation(
        start, uow=app.uow(), robot=robot(), principal=Principal("lin", Role.AGENT)
    )
    assert turn.state == "verify_identity"
