"""The safety protocol (DESIGN.md §5): self-harm stops collection at once with the welfare script,
a welfare hold and an urgent hand-off; abuse gets one calm warning, then the call ends; repeated
unclear turns go to a human. Nothing here ever mentions the debt."""

from __future__ import annotations

from huankuan.dialogue.policy.decision import (
    ABUSIVE_WARNINGS,
    UNCLEAR_STREAK,
    WELFARE,
    Decision,
    Say,
    TurnInput,
)
from huankuan.dialogue.policy.steps import end, handoff, hold, says, stay

WELFARE_KEYS: tuple[str, ...] = ("welfare.stop", "welfare.hotlines", "welfare.handoff")


def welfare(turn: TurnInput) -> Decision:
    """Stop collecting, now and for good: no further sentence of this conversation is about the
    debt, because the conversation ends here. A classifier-only self_harm (no safety rule) is a
    *possible* risk and is handled the same way: recall first."""
    rule = turn.parse.safety_rule
    outcomes = [
        hold("welfare", "self_harm", safety_rule=rule),
        handoff("urgent", "self_harm", safety_rule=rule, possible=rule is None),
    ]
    return end("self_harm", says(*WELFARE_KEYS), outcomes, slots={WELFARE: True})


def abusive(turn: TurnInput) -> Decision:
    warnings = turn.slots.count(ABUSIVE_WARNINGS)
    if warnings < turn.script.settings.abusive_warnings:
        return stay(turn, says("abusive.warning"), slots={ABUSIVE_WARNINGS: warnings + 1})
    return end("abusive", says("abusive.end"), [handoff("normal", "abusive")])


def unclear(turn: TurnInput) -> Decision:
    return count_unclear(turn, says("unclear.sorry"), reprompt=True)


def verify_again(turn: TurnInput) -> Decision:
    """Anything but an identity answer before the identity is confirmed: ask again, disclose
    nothing. It counts as unclear, so a caller who never answers reaches a human."""
    return count_unclear(turn, says("verify.ask_again"), reprompt=False)


def ask_explicit_yes(turn: TurnInput) -> Decision:
    """A bare "ok" or a hesitant classifier is not a confirmed identity: ask for a yes."""
    return count_unclear(turn, says("verify.explicit_yes"), reprompt=False)


def count_unclear(turn: TurnInput, before: list[Say], *, reprompt: bool) -> Decision:
    streak = turn.slots.count(UNCLEAR_STREAK) + 1
    if streak >= turn.script.settings.max_unclear_turns:
        return end(
            "unclear",
            says("close.handoff"),
            [handoff("normal", "unclear", unclear_turns=streak)],
            slots={UNCLEAR_STREAK: streak},
        )
    if reprompt:
        return stay(turn, before, slots={UNCLEAR_STREAK: streak})
    return Decision(before, turn.state.state, {UNCLEAR_STREAK: streak})


STREAK_ACTIONS = frozenset({"unclear", "verify_again", "ask_explicit_yes"})
