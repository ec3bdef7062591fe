"""Negotiation limits as mechanisms: checking a borrower's promise against the policy and building
the plan and settlement offers the policy allows. Nothing here invents a figure: every amount,
date and term is computed from `NegotiationPolicy` and the amount due."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from huankuan.dialogue.context import ConversationContext
from huankuan.dialogue.tracker import JsonObject
from huankuan.domain.money import Money

OfferKind = Literal["promise", "plan", "settlement"]


@dataclass(frozen=True, slots=True)
class Offer:
    """A concrete arrangement on the table: a promise to pay, an instalment plan (down payment
    plus equal monthly instalments) or a one-off discounted settlement."""

    kind: OfferKind
    amount_minor: int  # the promise amount, the plan's down payment or the settlement amount
    due_on: date  # the promise date, the down payment date or the settlement date
    term: int = 0  # number of monthly instalments after the down payment
    instalment_minor: int = 0
    discount_minor: int = 0

    @property
    def instalment_dates(self) -> list[date]:
        return [add_months(self.due_on, month) for month in range(1, self.term + 1)]

    @property
    def total_minor(self) -> int:
        return self.amount_minor + self.term * self.instalment_minor

    def to_slot(self) -> JsonObject:
        return {
            "kind": self.kind,
            "amount_minor": self.amount_minor,
            "due_on": self.due_on.isoformat(),
            "term": self.term,
            "instalment_minor": self.instalment_minor,
            "discount_minor": self.discount_minor,
        }

    @classmethod
    def from_slot(cls, value: object) -> Offer | None:
        if not isinstance(value, dict):
            return None
        kind = value["kind"]
        if kind not in ("promise", "plan", "settlement"):
            raise ValueError(f"unknown offer kind {kind!r}")
        return cls(
            kind=kind,
            amount_minor=_integer(value["amount_minor"]),
            due_on=date.fromisoformat(str(value["due_on"])),
            term=_integer(value["term"]),
            instalment_minor=_integer(value["instalment_minor"]),
            discount_minor=_integer(value["discount_minor"]),
        )


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_promise_date(context: ConversationContext) -> date:
    return context.today + timedelta(days=context.policy.max_promise_days)


def full_payment(context: ConversationContext, due_on: date | None = None) -> Offer:
    return Offer("promise", context.amount_due_minor, due_on or context.today)


def plan_offer(context: ConversationContext, term: int) -> Offer | None:
    """A plan of `term` monthly instalments, or None when the policy does not allow that term.

    The down payment is the policy's minimum share, raised by the remainder of the division so
    that every instalment is equal and the total is exactly the amount due."""
    policy = context.policy
    if not 2 <= term <= policy.max_term:
        return None
    due = context.amount_due
    down = policy.down_payment(due).minor
    remainder = (due.minor - down) % term
    down += remainder
    instalment = (due.minor - down) // term
    if instalment <= 0:
        return None
    down_on = context.today + timedelta(days=policy.down_payment_days)
    return Offer("plan", down, down_on, term=term, instalment_minor=instalment)


def settlement_offer(context: ConversationContext) -> Offer | None:
    """A one-off settlement at the policy's settlement discount (None without authority)."""
    discount = context.policy.settlement_discount(context.amount_due)
    if discount.is_zero():
        return None
    down_on = context.today + timedelta(days=context.policy.down_payment_days)
    return Offer(
        "settlement",
        context.amount_due_minor - discount.minor,
        down_on,
        discount_minor=discount.minor,
    )


def offer_ladder(context: ConversationContext) -> list[Offer]:
    """The offers in the order the script makes them: plans by the policy's terms, then the
    settlement when the lender grants discount authority."""
    offers = [plan_offer(context, term) for term in context.policy.plan_terms]
    offers.append(settlement_offer(context))
    return [offer for offer in offers if offer is not None]


def longest_plan(context: ConversationContext) -> Offer | None:
    return plan_offer(context, context.policy.max_term)


PromiseProblem = Literal[
    "missing_amount", "missing_date", "date_past", "date_too_late", "amount_too_low"
]


@dataclass(frozen=True, slots=True)
class PromiseCheck:
    """A borrower's proposed promise against the policy: acceptable (`offer`, no problem), or a
    problem with, where one exists, the closest promise the policy allows (`counter`)."""

    problem: PromiseProblem | None
    offer: Offer | None = None
    counter: Offer | None = None


def check_promise(
    context: ConversationContext, amount_minor: int | None, due_on: date | None
) -> PromiseCheck:
    if amount_minor is None:
        return PromiseCheck("missing_amount")
    amount = min(amount_minor, context.amount_due_minor)  # more than is due: the amount due
    if due_on is None:
        return PromiseCheck("missing_date")
    if due_on < context.today:
        return PromiseCheck("date_past")
    minimum = context.policy.minimum_promise(context.amount_due).minor
    latest = latest_promise_date(context)
    if due_on > latest:
        return PromiseCheck("date_too_late", counter=Offer("promise", max(amount, minimum), latest))
    if amount < minimum:
        return PromiseCheck("amount_too_low", counter=Offer("promise", minimum, due_on))
    return PromiseCheck(None, offer=Offer("promise", amount, due_on))


def within_policy(context: ConversationContext, offer: Offer) -> bool:
    """True when `offer` respects every limit; the bot checks this before recording anything."""
    policy = context.policy
    latest = latest_promise_date(context)
    if not context.today <= offer.due_on <= latest:
        return False
    if offer.kind == "promise":
        minimum = policy.minimum_promise(context.amount_due).minor
        return minimum <= offer.amount_minor <= context.amount_due_minor
    if offer.kind == "settlement":
        allowed = policy.settlement_discount(context.amount_due).minor
        return 0 < offer.discount_minor <= allowed and (
            offer.amount_minor + offer.discount_minor == context.amount_due_minor
        )
    return (
        2 <= offer.term <= policy.max_term
        and offer.discount_minor == 0
        and offer.amount_minor >= policy.down_payment(context.amount_due).minor
        and offer.total_minor == context.amount_due_minor
    )


def money(context: ConversationContext, minor: int) -> Money:
    return Money(minor, context.currency)
