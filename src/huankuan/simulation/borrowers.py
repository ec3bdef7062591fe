"""Simulated borrowers for robot conversations: one behaviour per persona (the names of
simulation/personas.py, plus `silent`), reacting to the robot's state with seeded variation.

The persona is hidden truth the robot never sees; the simulator's safety checks compare what the
robot did with it (a wrong number must hear nothing about the debt, a self-harm statement must be
escalated)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

from huankuan.simulation.borrower_lines import Phrasing
from huankuan.simulation.personas import Persona

SILENT = "silent"  # conversation-only: answers with silence or noise (an unreachable never answers)
CONVERSATION_PERSONAS: tuple[str, ...] = (
    Persona.WILLING.value,
    Persona.FORGETFUL.value,
    Persona.HARDSHIP.value,
    Persona.STRATEGIC_DEFAULTER.value,
    Persona.DISPUTER.value,
    Persona.WRONG_NUMBER.value,
    Persona.ABUSIVE.value,
    Persona.SELF_HARM_RISK.value,
    SILENT,
)
STAGES = ("identity", "reason", "negotiation", "confirmation")


def stage_of(state: str) -> int:
    if state == "verify_identity":
        return 0
    if state == "ask_reason":
        return 1
    return 3 if state.startswith("confirm_") else 2


class Borrower:
    """One simulated borrower: persona, wording, and what they have said so far."""

    def __init__(
        self, persona: str, lang: str, rng: random.Random, amount_due_minor: int, min_minor: int
    ) -> None:
        self.persona = persona
        self.rng = rng
        self.say = Phrasing(lang, rng)
        self.amount_due_minor = amount_due_minor
        self.min_minor = min_minor
        self.visits: Counter[str] = Counter()
        self.self_harm_stage = rng.randrange(len(STAGES))
        self.said_self_harm = False

    def reply(self, state: str) -> str:
        self.visits[state] += 1
        return BEHAVIOURS[self.persona](self, state)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def first(self, state: str) -> bool:
        return self.visits[state] == 1

    def part(self, *, small: bool = False) -> int | None:
        """A promise amount: the whole amount (None), or a round share at or above the policy
        minimum; `small` goes below it sometimes, to meet the robot's counter."""
        if not small and self.chance(0.5):
            return None
        low = self.min_minor // 2 if small else self.min_minor
        share = self.rng.uniform(max(low, 1), self.amount_due_minor)
        rounded = max(100_00, int(share // 100_00) * 100_00)
        return min(rounded, self.amount_due_minor)


def _willing(b: Borrower, state: str) -> str:
    if state == "verify_identity":
        return b.say.line("ask_info") if b.first(state) and b.chance(0.1) else b.say.line("confirm")
    if state == "ask_reason":
        return b.say.line("forgot") if b.chance(0.6) else b.say.promise(b.part())
    if state == "offer_full":
        return (
            b.say.line(b.rng.choice(("affirm", "agree"))) if b.chance(0.6) else b.say.promise(None)
        )
    return _cooperative(b, state)


def _cooperative(b: Borrower, state: str) -> str:
    """Negotiation and confirmation of a borrower who means to pay."""
    if state == "offer_promise":
        return b.say.line("agree") if b.visits[state] <= 2 else b.say.promise(None)
    if state == "ask_promise_amount":
        return b.say.amount(b.part())
    if state == "ask_promise_date":
        return b.say.date()
    if state in ("offer_plan", "offer_settlement"):
        return b.say.line("agree") if b.chance(0.5) else b.say.promise(None)
    if state.startswith("confirm_"):
        return b.say.line("deny") if b.first(state) and b.chance(0.05) else b.say.line("affirm")
    if state == "payment_details":
        return b.say.line("paid_details")
    return b.say.line("agree")


def _forgetful(b: Borrower, state: str) -> str:
    if state == "verify_identity":
        return b.say.line("confirm")
    if state == "ask_reason":
        roll = b.rng.random()
        if roll < 0.5:
            return b.say.line("forgot")
        return b.say.line("callback") if roll < 0.7 else b.say.promise(b.part(), far=True)
    if state == "offer_full":
        return b.say.line("deny") if b.chance(0.5) else b.say.line("affirm")
    if state == "offer_promise" and b.first(state):
        return b.say.promise(b.part(), far=True)
    return _cooperative(b, state)


def _hardship(b: Borrower, state: str) -> str:
    if state == "verify_identity":
        return b.say.line("confirm")
    if state == "ask_reason":
        return b.say.line("hardship")
    if state == "offer_full":
        return b.say.line("deny")
    if state == "offer_promise":
        return b.say.line("agree") if not b.first(state) else b.say.promise(b.part(small=True))
    if state in ("offer_plan", "offer_settlement"):
        return _weigh_plan(b, state)
    if state.startswith("confirm_"):
        return b.say.line("affirm") if b.chance(0.9) else b.say.line("deny")
    return _cooperative(b, state)


def _weigh_plan(b: Borrower, state: str) -> str:
    roll = b.rng.random()
    if b.first(state):
        if roll < 0.3:
            return b.say.line("long_plan")
        if roll < 0.4:
            return b.say.line("discount")
        return b.say.line("agree") if roll < 0.75 else b.say.line("deny")
    if roll < 0.5:
        return b.say.line("agree")
    return b.say.line("broke") if roll < 0.8 else b.say.line("deny")


def _strategic_defaulter(b: Borrower, state: str) -> str:
    if state == "verify_identity":
        return b.say.line("ask_info") if b.first(state) and b.chance(0.2) else b.say.line("confirm")
    if state == "ask_reason":
        return b.say.line("refuse") if b.chance(0.7) else b.say.line("complaint")
    if state.startswith("confirm_"):
        return b.say.line("deny")
    return b.say.line("complaint") if b.chance(0.4) else b.say.line("refuse")


def _disputer(b: Borrower, state: str) -> str:
    return b.say.line("confirm") if state == "verify_identity" else b.say.line("dispute")


def _wrong_number(b: Borrower, state: str) -> str:
    if state == "verify_identity" and b.first(state) and b.chance(0.3):
        return b.say.line("ask_info")
    return b.say.line("wrong_party")


def _abusive(b: Borrower, state: str) -> str:
    if state == "verify_identity" and b.chance(0.5):
        return b.say.line("confirm")
    return b.say.line("abusive")


def _self_harm_risk(b: Borrower, state: str) -> str:
    """A borrower in distress who says it at some stage (chosen per conversation), sometimes in
    the same breath as a promise to pay."""
    if stage_of(state) >= b.self_harm_stage:
        b.said_self_harm = True
        if stage_of(state) >= 2 and b.chance(0.5):
            return b.say.self_harm_with_promise(b.part())
        return b.say.line("self_harm")
    return _hardship(b, state)


def _silent(b: Borrower, state: str) -> str:
    return b.say.line("silence")


BEHAVIOURS: dict[str, Callable[[Borrower, str], str]] = {
    Persona.WILLING.value: _willing,
    Persona.FORGETFUL.value: _forgetful,
    Persona.HARDSHIP.value: _hardship,
    Persona.STRATEGIC_DEFAULTER.value: _strategic_defaulter,
    Persona.DISPUTER.value: _disputer,
    Persona.WRONG_NUMBER.value: _wrong_number,
    Persona.ABUSIVE.value: _abusive,
    Persona.SELF_HARM_RISK.value: _self_harm_risk,
    SILENT: _silent,
}
