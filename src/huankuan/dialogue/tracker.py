"""The conversation as a list of events (Rasa's tracker): every turn appends what was heard, what
was said (with its content-guard verdict), the slots set, the outcomes, the state changes and the
end. The state is never stored: it is what replaying the events gives, so a conversation read
back from storage is exactly the one that was held."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, TypeAlias, cast

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = dict[str, JsonValue]
EventKind = Literal[
    "conversation_started",
    "user_uttered",
    "bot_uttered",
    "slot_set",
    "outcome_recorded",
    "state_changed",
    "conversation_ended",
]
EVENT_KINDS: tuple[EventKind, ...] = (
    "conversation_started",
    "user_uttered",
    "bot_uttered",
    "slot_set",
    "outcome_recorded",
    "state_changed",
    "conversation_ended",
)


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened; `data` is plain JSON so that storage can keep it as is."""

    seq: int
    kind: EventKind
    data: JsonObject
    at: str | None = None  # ISO-8601, when the caller supplied a time

    def to_dict(self) -> JsonObject:
        return {"seq": self.seq, "kind": self.kind, "data": self.data, "at": self.at}

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> Event:
        kind = raw["kind"]
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        at = raw.get("at")
        return cls(
            seq=int(cast(int, raw["seq"])),
            kind=kind,
            data=dict(cast(JsonObject, raw["data"])),
            at=str(at) if at is not None else None,
        )


@dataclass(frozen=True, slots=True)
class ConversationState:
    """What the events add up to."""

    context: JsonObject = field(default_factory=dict)
    state: str = ""
    slots: JsonObject = field(default_factory=dict)
    outcomes: tuple[JsonObject, ...] = ()
    user_turns: int = 0
    messages_sent: int = 0
    messages_blocked: int = 0
    ended: bool = False
    end_reason: str | None = None
    handed_off: bool = False


def apply(state: ConversationState, event: Event) -> ConversationState:
    """The state after `event`; the only place the state changes."""
    data = event.data
    if event.kind == "conversation_started":
        context = data.get("context")
        return replace(state, context=dict(context) if isinstance(context, dict) else {})
    if event.kind == "user_uttered":
        return replace(state, user_turns=state.user_turns + 1)
    if event.kind == "bot_uttered":
        if data.get("sent") is True:
            return replace(state, messages_sent=state.messages_sent + 1)
        return replace(state, messages_blocked=state.messages_blocked + 1)
    if event.kind == "slot_set":
        return replace(state, slots={**state.slots, str(data["name"]): data["value"]})
    if event.kind == "outcome_recorded":
        outcome = cast(JsonObject, data["outcome"])
        handed_off = state.handed_off or outcome.get("type") == "handoff"
        return replace(state, outcomes=(*state.outcomes, outcome), handed_off=handed_off)
    if event.kind == "state_changed":
        return replace(state, state=str(data["to"]))
    reason = data.get("reason")
    return replace(state, ended=True, end_reason=str(reason) if reason is not None else None)


def replay(events: Iterable[Event]) -> ConversationState:
    state = ConversationState()
    for event in events:
        state = apply(state, event)
    return state


class Tracker:
    """The events of one conversation and the state they give, kept in step."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.events: list[Event] = []
        self.state = ConversationState()
        for event in events:
            self._append(event)

    def record(self, kind: EventKind, data: JsonObject, at: str | None = None) -> Event:
        event = Event(seq=len(self.events), kind=kind, data=data, at=at)
        self._append(event)
        return event

    def _append(self, event: Event) -> None:
        if event.seq != len(self.events):
            raise ValueError(f"event {event.seq} out of order (expected {len(self.events)})")
        self.events.append(event)
        self.state = apply(self.state, event)

    def to_dicts(self) -> list[JsonObject]:
        return [event.to_dict() for event in self.events]
