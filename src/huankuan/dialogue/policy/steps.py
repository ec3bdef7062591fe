"""Small building blocks the actions are written with: move to a state (saying its prompt), stay,
end, and the outcome records."""

from __future__ import annotations

from collections.abc import Iterable

from huankuan.dialogue.policy.decision import ENDED, Decision, Say, TurnInput
from huankuan.dialogue.tracker import JsonObject, JsonValue


def says(*keys: str) -> list[Say]:
    return [Say(key) for key in keys]


def prompt(turn: TurnInput, state: str) -> list[Say]:
    return says(*turn.script.states[state].prompt)


def go(
    turn: TurnInput,
    state: str,
    before: Iterable[Say] = (),
    slots: dict[str, JsonValue] | None = None,
    outcomes: list[JsonObject] | None = None,
) -> Decision:
    """Move to `state`, saying `before` and then the state's prompt."""
    return Decision([*before, *prompt(turn, state)], state, slots or {}, outcomes or [])


def stay(
    turn: TurnInput,
    before: Iterable[Say] = (),
    slots: dict[str, JsonValue] | None = None,
    outcomes: list[JsonObject] | None = None,
) -> Decision:
    """Stay in the current state and ask its question again."""
    return go(turn, turn.state.state, before, slots, outcomes)


def end(
    reason: str,
    say: Iterable[Say],
    outcomes: list[JsonObject] | None = None,
    slots: dict[str, JsonValue] | None = None,
) -> Decision:
    return Decision(list(say), ENDED, slots or {}, outcomes or [], end_reason=reason)


def handoff(priority: str, reason: str, **details: JsonValue) -> JsonObject:
    return {"type": "handoff", "priority": priority, "reason": reason, **details}


def hold(hold_type: str, reason: str, **details: JsonValue) -> JsonObject:
    return {"type": "hold", "hold_type": hold_type, "reason": reason, **details}
