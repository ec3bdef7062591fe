"""The collection robot for one conversation: understand the borrower (NLU), decide (the script's
policy), say it (responses), with every sentence screened by the content guard before it leaves,
and every step kept as an event in the tracker.

    bot = CollectionBot(NluPipeline.load())
    turn = bot.start(context)                 # greeting and identity question
    turn = bot.handle("是我")                  # Turn: state, messages, intent, outcomes, ...
    turn.to_dict()                            # the response shape of DESIGN.md §4.4
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Protocol

from huankuan.dialogue.context import LANGS, ConversationContext, Lang
from huankuan.dialogue.guard import ContentGuard, MemoGuard, Screened, packaged_guard
from huankuan.dialogue.nlu import Parse
from huankuan.dialogue.policy.decision import ENDED, Decision, Say, Slots
from huankuan.dialogue.policy.engine import CollectionPolicy
from huankuan.dialogue.policy.steps import handoff
from huankuan.dialogue.policy.values import sentence_values
from huankuan.dialogue.responses.catalog import Responses, packaged_responses
from huankuan.dialogue.tracker import Event, JsonObject, JsonValue, Tracker
from huankuan.domain.errors import ConversationEnded, InvalidInput

FALLBACK_KEY = "fallback.safe"
RECAP_FALLBACK_KEY = "recap.fallback"
DISCLOSURE_BLOCKED_CLOSE = "close.timeout"
IDENTITY_GATE = "identity_gate"
CONTENT_GUARD = "content_guard"


class Understands(Protocol):
    def parse(
        self,
        text: str,
        lang: Lang | None = None,
        today: date | None = None,
        balance_minor: int | None = None,
        minor_per_major: int = 100,
    ) -> Parse: ...


@dataclass(frozen=True, slots=True)
class RobotMessage:
    text: str
    key: str
    at: str | None = None

    def to_dict(self) -> JsonObject:
        return {"role": "robot", "text": self.text, "at": self.at}


@dataclass(frozen=True, slots=True)
class Turn:
    """What one start or borrower message produced (DESIGN.md §4.4)."""

    conversation_id: str | None
    state: str
    messages: tuple[RobotMessage, ...]
    intent: str | None = None
    amount: Decimal | None = None  # major units, as understood
    date: date | None = None
    outcomes: tuple[JsonObject, ...] = ()
    handoff: bool = False
    ended: bool = False

    @property
    def texts(self) -> list[str]:
        return [message.text for message in self.messages]

    def outcome_types(self) -> list[str]:
        return [str(outcome["type"]) for outcome in self.outcomes]

    def to_dict(self) -> JsonObject:
        return {
            "id": self.conversation_id,
            "state": self.state,
            "messages": [message.to_dict() for message in self.messages],
            "intent": self.intent,
            "amount": _json_number(self.amount),
            "date": self.date.isoformat() if self.date is not None else None,
            "outcomes": list(self.outcomes),
            "handoff": self.handoff,
            "ended": self.ended,
        }


def _json_number(value: Decimal | None) -> JsonValue:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@cache
def packaged_policy() -> CollectionPolicy:
    return CollectionPolicy.load()


class CollectionBot:
    """One conversation. The NLU pipeline, guard, policy and responses may be shared by many."""

    def __init__(
        self,
        nlu: Understands,
        guard: ContentGuard | None = None,
        policy: CollectionPolicy | None = None,
        responses: dict[Lang, Responses] | None = None,
        *,
        remember_verdicts: bool = True,
    ) -> None:
        self.nlu = nlu
        chosen = guard if guard is not None else packaged_guard()
        self.guard: ContentGuard = MemoGuard(chosen) if remember_verdicts else chosen
        self.policy = policy or packaged_policy()
        self.responses = responses or {lang: packaged_responses(lang) for lang in LANGS}
        self.tracker = Tracker()
        self.context: ConversationContext | None = None
        self.conversation_id: str | None = None

    @classmethod
    def resume(
        cls,
        events: list[Event],
        nlu: Understands,
        guard: ContentGuard | None = None,
        policy: CollectionPolicy | None = None,
    ) -> CollectionBot:
        """A conversation rebuilt from its stored events, ready for the next message."""
        if not events or events[0].kind != "conversation_started":
            raise InvalidInput("a stored conversation starts with its conversation_started event")
        bot = cls(nlu, guard, policy)
        bot.tracker = Tracker(events)
        bot.context = ConversationContext.from_json(bot.tracker.state.context)
        conversation_id = bot.tracker.events[0].data.get("conversation_id")
        bot.conversation_id = str(conversation_id) if conversation_id is not None else None
        return bot

    def start(
        self,
        context: ConversationContext,
        *,
        at: datetime | None = None,
        conversation_id: str | None = None,
    ) -> Turn:
        if self.tracker.events:
            raise InvalidInput("this conversation has already started")
        self.context, self.conversation_id = context, conversation_id
        started: JsonObject = {"context": context.to_json(), "conversation_id": conversation_id}
        self.tracker.record("conversation_started", started, _iso(at))
        return self._carry_out(self.policy.opening(), _iso(at), None)

    def handle(self, text: str, *, at: datetime | None = None) -> Turn:
        context = self._context()
        state = self.tracker.state
        if state.ended:
            raise ConversationEnded(state.end_reason)
        parse = self.nlu.parse(
            text,
            today=context.today,
            balance_minor=context.amount_due_minor,
            minor_per_major=context.minor_per_major,
        )
        signal, action, decision = self.policy.decide(context, state, parse, text)
        heard: JsonObject = {
            "text": text,
            "parse": _parse_json(parse),
            "signal": signal,
            "action": action,
        }
        self.tracker.record("user_uttered", heard, _iso(at))
        return self._carry_out(decision, _iso(at), parse)

    def _context(self) -> ConversationContext:
        if self.context is None:
            raise InvalidInput("the conversation has not started")
        return self.context

    def _carry_out(self, decision: Decision, at: str | None, parse: Parse | None) -> Turn:
        before = self.tracker.state.state
        for name, value in decision.slots.items():
            if self.tracker.state.slots.get(name, _UNSET) != value:
                self.tracker.record("slot_set", {"name": name, "value": value}, at)
        values = sentence_values(self._context(), Slots(self.tracker.state.slots), self._lines())
        messages, decision = self._speak(decision, values, at)
        outcomes = list(decision.outcomes)
        if decision.recap is not None:
            recap = self._recap(decision.recap, values, at)
            if recap is not None:
                outcomes.append(recap)
        for outcome in outcomes:
            self.tracker.record("outcome_recorded", {"outcome": outcome}, at)
        if decision.next_state != before:
            self.tracker.record("state_changed", {"from": before, "to": decision.next_state}, at)
        if decision.end_reason is not None:
            self.tracker.record("conversation_ended", {"reason": decision.end_reason}, at)
        return Turn(
            conversation_id=self.conversation_id,
            state=self.tracker.state.state,
            messages=tuple(messages),
            intent=parse.intent if parse is not None else None,
            amount=parse.amount if parse is not None else None,
            date=parse.date if parse is not None else None,
            outcomes=tuple(outcomes),
            handoff=any(outcome["type"] == "handoff" for outcome in outcomes),
            ended=self.tracker.state.ended,
        )

    def _speak(
        self, decision: Decision, values: dict[str, str], at: str | None
    ) -> tuple[list[RobotMessage], Decision]:
        """Say the decision's sentences in order. A required disclosure that the guard holds
        back stops the collection: without it the robot may not go on, so a human takes over."""
        required = self.policy.script.disclosures[self._context().profile]
        messages: list[RobotMessage] = []
        for say in decision.say:
            message = self._say(say, values, at)
            if message is not None:
                messages.append(message)
            if say.key in required and (message is None or message.key != say.key):
                closing = self._say(Say(DISCLOSURE_BLOCKED_CLOSE), values, at)
                messages.extend([closing] if closing is not None else [])
                outcome = handoff("normal", "disclosure_blocked", key=say.key)
                return messages, Decision(
                    [],
                    ENDED,
                    outcomes=[*decision.outcomes, outcome],
                    end_reason="disclosure_blocked",
                )
        return messages, decision

    def _lines(self) -> Responses:
        return self.responses[self._context().lang]

    def _say(self, say: Say, values: dict[str, str], at: str | None) -> RobotMessage | None:
        """The sentence if it passes; else the safe fallback if that passes; else nothing.
        Each screening is an event, so the transcript shows what was held back and why."""
        for key in (say.key, FALLBACK_KEY):
            text = self._lines().render(key, {**values, **say.values})
            if self._screen_and_record(key, text, "chat", at):
                return RobotMessage(text, key, at)
        return None

    def _recap(self, say: Say, values: dict[str, str], at: str | None) -> JsonObject | None:
        """The recap SMS the caller sends through the gate; screened here like any sentence."""
        for key in (say.key, RECAP_FALLBACK_KEY):
            text = self._lines().render(key, {**values, **say.values})
            if self._screen_and_record(key, text, "sms", at):
                return {"type": "recap", "channel": "sms", "key": key, "text": text}
        return None

    def _screen_and_record(self, key: str, text: str, channel: str, at: str | None) -> bool:
        screened, by = self._screen(key, text)
        self.tracker.record(
            "bot_uttered",
            {
                "key": key,
                "text": text,
                "channel": channel,
                "verdict": screened.verdict,
                "categories": list(screened.categories),
                "screened_by": by,
                "sent": screened.ok,
            },
            at,
        )
        return screened.ok

    def _screen(self, key: str, text: str) -> tuple[Screened, str]:
        """The script's identity gate first (before the identity is confirmed only the groups it
        lists may be used), then the content guard."""
        confirmed = Slots(self.tracker.state.slots).identity_confirmed
        if not confirmed and key.split(".")[0] not in self.policy.script.before_identity:
            return Screened("violation", ("third_party_disclosure",)), IDENTITY_GATE
        context = self._context()
        facts: dict[str, object] = {
            "recipient_role": "self" if confirmed else "third_party",
            "reports_to_bureau": context.reports_to_bureau,
            "amount_due_minor": context.amount_due_minor,
        }
        result = self.guard.screen(text, context.lang, facts)
        return Screened(result.verdict, tuple(result.categories)), CONTENT_GUARD


_UNSET = object()


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _parse_json(parse: Parse) -> JsonObject:
    return {
        "intent": parse.intent,
        "confidence": parse.confidence,
        "lang": parse.lang,
        "amount": str(parse.amount) if parse.amount is not None else None,
        "date": parse.date.isoformat() if parse.date is not None else None,
        "safety_rule": parse.safety_rule,
    }
