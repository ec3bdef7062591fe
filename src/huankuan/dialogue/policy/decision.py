"""The vocabulary between the script's actions and the bot: what an action sees (`TurnInput`),
what it decides (`Decision`: sentences to say, slots, outcomes, the next state) and the typed
view of the conversation's slots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from huankuan.dialogue.context import ConversationContext
from huankuan.dialogue.nlu import Parse
from huankuan.dialogue.policy.negotiation import Offer
from huankuan.dialogue.policy.script import Script
from huankuan.dialogue.policy.signals import mentions_any
from huankuan.dialogue.tracker import ConversationState, JsonObject, JsonValue
from huankuan.domain.errors import InvalidMoney
from huankuan.domain.money import Money

ENDED = "ended"

# Slot names (the conversation's memory, kept in slot_set events).
IDENTITY_CONFIRMED = "identity_confirmed"
WRONG_PARTY = "wrong_party"
UNCLEAR_STREAK = "unclear_streak"
ABUSIVE_WARNINGS = "abusive_warnings"
REFUSALS = "refusals"
OFFER_INDEX = "offer_index"
PROPOSAL = "proposal"
PARTIAL_AMOUNT = "partial_amount_minor"
PARTIAL_DATE = "partial_date"
HOLD_OFFERED = "hardship_hold_offered"
COMPLAINT_NOTED = "complaint_noted"
PAYMENT_CLAIM = "payment_claim"
WELFARE = "welfare"
CALLBACK = "callback"


@dataclass(frozen=True, slots=True)
class Say:
    """One sentence to say: a response key and the values only this sentence needs."""

    key: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Decision:
    say: list[Say]
    next_state: str
    slots: dict[str, JsonValue] = field(default_factory=dict)
    outcomes: list[JsonObject] = field(default_factory=list)
    recap: Say | None = None  # the SMS recap of an agreement, screened like every sentence
    end_reason: str | None = None

    @property
    def ends(self) -> bool:
        return self.end_reason is not None


class Slots:
    """Typed reads of the slots (JSON values in the events)."""

    def __init__(self, raw: Mapping[str, JsonValue]) -> None:
        self.raw = raw

    def flag(self, name: str) -> bool:
        return self.raw.get(name) is True

    def count(self, name: str) -> int:
        value = self.raw.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @property
    def identity_confirmed(self) -> bool:
        return self.flag(IDENTITY_CONFIRMED) and not self.flag(WRONG_PARTY)

    @property
    def proposal(self) -> Offer | None:
        return Offer.from_slot(self.raw.get(PROPOSAL))

    @property
    def partial_amount(self) -> int | None:
        value = self.raw.get(PARTIAL_AMOUNT)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def partial_date(self) -> date | None:
        value = self.raw.get(PARTIAL_DATE)
        return date.fromisoformat(value) if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class TurnInput:
    """Everything an action may look at: the account, the script, the conversation so far and
    what the borrower just said."""

    context: ConversationContext
    script: Script
    state: ConversationState
    parse: Parse
    text: str
    signal: str

    @property
    def slots(self) -> Slots:
        return Slots(self.state.slots)

    @property
    def amount_minor(self) -> int | None:
        """The amount the borrower named, in minor units of the account's currency ("all of it"
        is the amount due)."""
        amount: Decimal | None = self.parse.amount
        if amount is None and mentions_any(self.text, self.script.full_amount_words.all()):
            return self.context.amount_due_minor
        if amount is None or amount <= 0:
            return None
        try:
            return Money.from_major(amount, self.context.currency).minor
        except InvalidMoney:
            return None

    @property
    def day(self) -> date | None:
        return self.parse.date
