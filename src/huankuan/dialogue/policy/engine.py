"""The collection policy: for one borrower turn, the signal (intent or bare answer), the script's
action for it in the current state, and that action's decision; with the rules that hold
whatever the script says (self-harm first, the unclear streak, the turn limit)."""

from __future__ import annotations

from pathlib import Path

from huankuan.dialogue.context import ConversationContext
from huankuan.dialogue.nlu import Parse
from huankuan.dialogue.nlu.intents import FALLBACK, SELF_HARM
from huankuan.dialogue.policy.actions import ACTIONS
from huankuan.dialogue.policy.decision import UNCLEAR_STREAK, Decision, Slots, TurnInput
from huankuan.dialogue.policy.safety import STREAK_ACTIONS
from huankuan.dialogue.policy.script import SCRIPT_FILE, SILENCE, Script, load_script
from huankuan.dialogue.policy.signals import bare_answer
from huankuan.dialogue.policy.steps import end, handoff, says
from huankuan.dialogue.tracker import ConversationState


class CollectionPolicy:
    def __init__(self, script: Script) -> None:
        self.script = script

    @classmethod
    def load(cls, path: Path | str = SCRIPT_FILE) -> CollectionPolicy:
        return cls(load_script(path, actions=ACTIONS))

    def opening(self) -> Decision:
        return Decision(says(*self.script.start), self.script.initial)

    def signal(self, parse: Parse, text: str) -> str:
        """Self-harm beats everything; then silence; then a bare answer (是 / ok / no); then the
        intent, unless the classifier is unsure, which makes the turn unclear."""
        if parse.intent == SELF_HARM:
            return SELF_HARM
        if not any(char.isalnum() for char in text):
            return SILENCE
        answer = bare_answer(text, self.script.answer_lexicon)
        if answer is not None:
            return answer
        if parse.confidence < self.script.settings.min_confidence:
            return FALLBACK
        return parse.intent

    def decide(
        self, context: ConversationContext, state: ConversationState, parse: Parse, text: str
    ) -> tuple[str, str, Decision]:
        """(signal, action name, decision) for the borrower's `text`."""
        signal = self.signal(parse, text)
        action = self.script.action_for(state.state, signal)
        turn = TurnInput(context, self.script, state, parse, text, signal)
        decision = ACTIONS[action](turn)
        if action not in STREAK_ACTIONS and Slots(state.slots).count(UNCLEAR_STREAK):
            decision.slots.setdefault(UNCLEAR_STREAK, 0)
        if not decision.ends and state.user_turns + 1 >= self.script.settings.max_turns:
            decision = _turn_limit(decision)
        return signal, action, decision


def _turn_limit(decision: Decision) -> Decision:
    """Too long a conversation goes to a human; what this turn recorded is kept."""
    limit = end("max_turns", says("close.timeout"), [handoff("normal", "max_turns")])
    limit.outcomes[:0] = decision.outcomes
    limit.slots.update(decision.slots)
    return limit
