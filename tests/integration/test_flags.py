"""Flag review on SQLite and PostgreSQL: flags found in withheld robot sentences, blocked
messages, self-harm hand-offs and welfare holds; the sync is idempotent; flags close with a
resolution from the fixed list (self-harm only with the welfare follow-up), audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from huankuan.adapters.storage.conversation_store import SqlConversationRepository
from huankuan.adapters.storage.tables import audit_log, cases, handoffs
from huankuan.bootstrap import App
from huankuan.dialogue.tracker import Event
from huankuan.domain import commands
from huankuan.domain.casework import MessageStatus, QueuedMessage
from huankuan.domain.conversations import Conversation
from huankuan.domain.errors import ConcurrentUpdate, InvalidInput, NotFound, PermissionDenied
from huankuan.domain.users import Principal, Role
from huankuan.service_layer import conversations
from huankuan.service_layer.flags import Flag, get_flag, list_flags, resolve_flag, sync_flags
from tests.factories import add_borrower, add_hold
from tests.robot_support import robot

SUPERVISOR = Principal("sup", Role.SUPERVISOR)
AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def sentence(seq: int, text: str, verdict: str, categories: list[str]) -> Event:
    data = {
        "key": "pressure.legal",
        "text": text,
        "channel": "chat",
        "verdict": verdict,
        "categories": categories,  # type: ignore[dict-item]
        "screened_by": "content_guard",
        "sent": verdict == "ok",
    }
    return Event(seq, "bot_uttered", data, AT.isoformat())  # type: ignore[arg-type]


def conversation(app: App) -> None:
    with app.uow() as uow:
        repository = SqlConversationRepository(uow.connection)
        repository.add(
            Conversation(
                conversation_id="CV-1",
                account_id="A1",
                debtor_id="D1",
                contact_id="C1-1",
                lang="zh",
                channel="chat",
                profile="CN-NIFA",
                state="negotiate",
                created_by="robot",
                created_at=AT,
                updated_at=AT,
            )
        )
        events = [
            sentence(0, "王芳您好", "ok", []),
            sentence(1, "王芳，再不还钱就派人上门", "violation", ["threat_violence"]),
        ]
        repository.append("CV-1", events, AT)
        uow.commit()


def messages(app: App) -> None:
    with app.uow() as uow:
        for message_id, verdict, text in (
            ("M1", "violation", "王芳 call 13800138000 or else"),
            ("M2", "ok", "A friendly reminder"),
        ):
            uow.outbox.add(
                QueuedMessage(
                    message_id=message_id,
                    account_id="A1",
                    debtor_id="D1",
                    channel="sms",
                    lang="zh",
                    template="free_text",
                    text=text,
                    content_verdict=verdict,
                    created_at=AT,
                    status=MessageStatus.BLOCKED,
                    content_categories=("harassment",) if verdict != "ok" else (),
                )
            )
        uow.commit()


def escalations(app: App) -> None:
    """D1: the robot's welfare hold with its urgent hand-off (one escalation); D2: a welfare hold
    a person placed; D1 also has a normal hand-off (not a flag)."""
    with app.engine.begin() as connection:
        add_hold(connection, "H1", "D1", hold_type="welfare", starts_at=AT, reason="self-harm")
        add_hold(
            connection,
            "H2",
            "D2",
            hold_type="welfare",
            starts_at=datetime(2026, 11, 27, 9, tzinfo=UTC),
            reason="Debtor D2 mentioned suicide on a call",
        )
        for handoff_id, priority, reason in (
            ("HO1", "urgent", "self_harm"),
            ("HO2", "normal", "x"),
        ):
            connection.execute(
                insert(handoffs).values(
                    handoff_id=handoff_id,
                    case_id="C-D1",
                    account_id="A1",
                    conversation_id="CV-1",
                    reason=reason,
                    priority=priority,
                    created_at=AT.replace(tzinfo=None),
                )
            )


@pytest.fixture
def flagged(app: App) -> App:
    with app.engine.begin() as connection:
        add_borrower(connection, 1, debtor={"name": "王芳"})
        add_borrower(connection, 2)
        connection.execute(insert(cases).values(case_id="C-D1", debtor_id="D1"))
    conversation(app)
    messages(app)
    escalations(app)
    return app


def audit_actions(app: App) -> list[str]:
    with app.engine.connect() as connection:
        return list(connection.execute(select(audit_log.c.action)).scalars())


def test_it_finds_every_kind_of_flag_once(flagged: App) -> None:
    assert sync_flags(uow=flagged.uow()) == 4
    assert sync_flags(uow=flagged.uow()) == 0
    assert audit_actions(flagged).count("flags.synced") == 1
    page = list_flags(uow=flagged.uow(), principal=SUPERVISOR)
    assert page.total == 4 and page.open_by_kind == {"content_guard": 2, "self_harm": 2}
    found = [(f.kind, f.source_type, f.source_id, f.case_id) for f in page.flags]
    assert found == [
        ("self_harm", "hold", "H2", "CASE-D2"),  # no case yet: opened for the flag
        ("self_harm", "handoff", "HO1", "C-D1"),
        ("content_guard", "conversation", "CV-1#1", "C-D1"),
        ("content_guard", "message", "M1", "C-D1"),
    ]
    assert page.flags[2].conversation_id == "CV-1"


def test_it_masks_names_and_numbers_in_summaries(flagged: App) -> None:
    flags = list_flags(uow=flagged.uow(), principal=SUPERVISOR).flags
    summaries = {f.source_id: f.summary for f in flags}
    assert "threat_violence" in summaries["CV-1#1"] and "王*" in summaries["CV-1#1"]
    assert "harassment" in summaries["M1"] and "138****8000" in summaries["M1"]
    assert "D*** D***" in summaries["H2"]
    assert not any(
        "王芳" in s or "13800138000" in s or "Debtor D2" in s for s in summaries.values()
    )


def test_it_closes_a_self_harm_flag_only_with_the_welfare_follow_up(flagged: App) -> None:
    flags = {f.source_id: f for f in list_flags(uow=flagged.uow(), principal=SUPERVISOR).flags}
    handoff, message = flags["HO1"], flags["M1"]
    assert handoff.resolutions() == ("welfare_followed_up",)
    with pytest.raises(InvalidInput, match="only with welfare_followed_up"):
        resolve(flagged, handoff.flag_id, "reviewed_ok")
    with pytest.raises(InvalidInput, match="closes self-harm flags only"):
        resolve(flagged, message.flag_id, "welfare_followed_up")
    done = resolve(flagged, handoff.flag_id, "welfare_followed_up", "called back; hotline given")
    assert (done.status, done.resolution, done.resolved_by) == (
        "resolved",
        "welfare_followed_up",
        "user:sup",
    )
    assert done.resolution_note == "called back; hotline given" and done.resolved_at == AT
    assert "flag.resolved" in audit_actions(flagged)
    assert "handoff.resolved" in audit_actions(flagged), "the hand-off is dealt with too"
    with flagged.engine.connect() as connection:
        closed = connection.execute(
            select(handoffs.c.resolved_at).where(handoffs.c.handoff_id == "HO1")
        ).scalar_one()
    assert closed is not None
    resolved = list_flags(uow=flagged.uow(), principal=SUPERVISOR, status="resolved")
    assert [f.flag_id for f in resolved.flags] == [handoff.flag_id]
    assert list_flags(uow=flagged.uow(), principal=SUPERVISOR).total == 3


def test_it_refuses_bad_resolutions(flagged: App) -> None:
    flag = list_flags(uow=flagged.uow(), principal=SUPERVISOR, kind="content_guard").flags[0]
    with pytest.raises(InvalidInput, match="resolution must be one of"):
        resolve(flagged, flag.flag_id, "shrug")
    with pytest.raises(InvalidInput, match="note is required"):
        resolve(flagged, flag.flag_id, "coached_agent", "   ")
    with pytest.raises(NotFound):
        resolve(flagged, "FLG-nope", "coached_agent")
    resolve(flagged, flag.flag_id, "coached_agent")
    with pytest.raises(ConcurrentUpdate, match="already resolved"):
        resolve(flagged, flag.flag_id, "false_positive")
    assert get_flag(flag.flag_id, uow=flagged.uow(), principal=SUPERVISOR).resolution == (
        "coached_agent"
    )
    with pytest.raises(InvalidInput, match="status"):
        list_flags(uow=flagged.uow(), principal=SUPERVISOR, status="closed")


@pytest.mark.parametrize("role", [Role.AGENT, Role.COMPLIANCE])
def test_it_lets_only_supervisors_and_admins_resolve(flagged: App, role: Role) -> None:
    flag = list_flags(uow=flagged.uow(), principal=SUPERVISOR, kind="content_guard").flags[0]
    with pytest.raises(PermissionDenied):
        resolve(flagged, flag.flag_id, "reviewed_ok", principal=Principal("x", role))
    if role is Role.AGENT:
        with pytest.raises(PermissionDenied):
            list_flags(uow=flagged.uow(), principal=Principal("x", role))
    else:
        assert list_flags(uow=flagged.uow(), principal=Principal("x", role)).total == 4


def test_it_flags_a_real_self_harm_conversation_once(app: App) -> None:
    """The robot's welfare hold and urgent hand-off are one escalation: one flag."""
    with app.engine.begin() as connection:
        add_borrower(connection, 1, debtor={"name": "王芳"})
    started = conversations.start_conversation(
        commands.StartConversation(account_id="A1", actor="test"), uow=app.uow(), robot=robot()
    )
    for text in ("是我", "再逼我我就去跳楼"):
        conversations.handle_message(
            commands.SendMessage(str(started.conversation_id), text, actor="test"),
            uow=app.uow(),
            robot=robot(),
        )
    flags = list_flags(uow=app.uow(), principal=SUPERVISOR).flags
    assert [(f.kind, f.source_type) for f in flags] == [("self_harm", "handoff")]
    assert flags[0].case_id == "CASE-D1"


def resolve(
    app: App,
    flag_id: str,
    resolution: str,
    note: str = "looked at it",
    principal: Principal = SUPERVISOR,
) -> Flag:
    return resolve_flag(
        commands.ResolveFlag(flag_id, resolution, note, actor=principal.actor),
        uow=app.uow(),
        principal=principal,
    )
