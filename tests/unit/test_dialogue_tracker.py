"""The conversation state is what its events replay to: the same state from the same events,
through storage (JSON) and back, and a resumed conversation goes on exactly as the original."""

from __future__ import annotations

import json

import pytest

from huankuan.dialogue.bot import CollectionBot
from huankuan.dialogue.tracker import ConversationState, Event, Tracker, apply, replay
from tests.unit.dialogue_support import PassingGuard, play

CONVERSATIONS = [
    (["是我", "我在录音，我要投诉你们", "明天还一百", "行", "是"], "zh"),
    (["who is this?", "yes", "I lost my job", "can I split it over 12 months?", "ok", "yes"], "en"),
    (["", "是我", "我上个月被裁员了，现在真的没钱", "我现在真的一分钱都没有"], "zh"),
    (["yes", "I will pay 500 tomorrow and then kill myself"], "en"),
]


@pytest.mark.parametrize(("lines", "lang"), CONVERSATIONS)
def test_it_rebuilds_the_same_state_by_replaying_the_events(lines: list[str], lang: str) -> None:
    robot, _ = play(lines, lang)  # type: ignore[arg-type]
    assert replay(robot.tracker.events) == robot.tracker.state
    stored = json.loads(json.dumps(robot.tracker.to_dicts(), ensure_ascii=False))
    assert replay(Event.from_dict(raw) for raw in stored) == robot.tracker.state


def test_it_records_every_kind_of_event_of_a_conversation() -> None:
    robot, _ = play(["是我", "明天还五百", "是"])
    kinds = {event.kind for event in robot.tracker.events}
    assert kinds == {
        "conversation_started",
        "user_uttered",
        "bot_uttered",
        "slot_set",
        "outcome_recorded",
        "state_changed",
        "conversation_ended",
    }
    heard = next(e for e in robot.tracker.events if e.kind == "user_uttered")
    assert heard.data["parse"] == {
        "intent": "identity_confirmed",
        "confidence": 1.0,
        "lang": "zh",
        "amount": None,
        "date": None,
        "safety_rule": None,
    }
    state = robot.tracker.state
    assert state.ended and state.end_reason == "agreement" and state.user_turns == 3
    assert [outcome["type"] for outcome in state.outcomes] == ["promise_to_pay", "recap"]


def test_it_goes_on_from_stored_events_exactly_as_the_original() -> None:
    original, _ = play(["yes", "I lost my job"], "en")
    resumed = CollectionBot.resume(
        [Event.from_dict(raw) for raw in original.tracker.to_dicts()],
        original.nlu,
        PassingGuard(),
    )
    assert resumed.handle("no").to_dict() == original.handle("no").to_dict()
    assert resumed.tracker.state == original.tracker.state


def test_it_refuses_events_out_of_order() -> None:
    tracker = Tracker()
    tracker.record("conversation_started", {"context": {}})
    with pytest.raises(ValueError, match="out of order"):
        Tracker([*tracker.events, Event(5, "slot_set", {"name": "x", "value": 1})])


def test_it_changes_state_only_by_applying_events() -> None:
    state = apply(ConversationState(), Event(0, "slot_set", {"name": "refusals", "value": 1}))
    assert state.slots == {"refusals": 1}
    assert apply(state, Event(1, "conversation_ended", {"reason": "x"})).ended
    assert not state.ended
