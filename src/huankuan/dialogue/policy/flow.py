"""The main line of the script: identity, disclosures, the amount due, then negotiation in the
script's order (full payment, a promise within limits, plan offers from policy data), an explicit
confirmation and the recap."""

from __future__ import annotations

from datetime import date

from huankuan.dialogue.context import ConversationContext
from huankuan.dialogue.policy.decision import (
    ENDED,
    HOLD_OFFERED,
    IDENTITY_CONFIRMED,
    OFFER_INDEX,
    PARTIAL_AMOUNT,
    PARTIAL_DATE,
    PAYMENT_CLAIM,
    PROPOSAL,
    Decision,
    Say,
    TurnInput,
)
from huankuan.dialogue.policy.negotiation import (
    Offer,
    check_promise,
    full_payment,
    longest_plan,
    offer_ladder,
    plan_offer,
    settlement_offer,
    within_policy,
)
from huankuan.dialogue.policy.safety import ask_explicit_yes, count_unclear
from huankuan.dialogue.policy.signals import mentions_any, requested_term
from huankuan.dialogue.policy.steps import end, go, handoff, hold, says
from huankuan.dialogue.tracker import JsonObject, JsonValue

CONFIRM_STATES = {
    "promise": "confirm_promise",
    "plan": "confirm_plan",
    "settlement": "confirm_settlement",
}
OFFER_STATES = ("offer_plan", "offer_settlement")
_NO_PARTIAL: dict[str, JsonValue] = {PARTIAL_AMOUNT: None, PARTIAL_DATE: None}


def confirm_identity(turn: TurnInput) -> Decision:
    settings = turn.script.settings
    if turn.signal == "identity_confirmed" and turn.parse.confidence < settings.identity_confidence:
        return ask_explicit_yes(turn)
    disclosures = says(*turn.script.disclosures[turn.context.profile])
    return go(
        turn, "ask_reason", [*disclosures, Say("debt.amount_due")], {IDENTITY_CONFIRMED: True}
    )


def ask_full(turn: TurnInput) -> Decision:
    return go(turn, "offer_full")


def accept_full(turn: TurnInput) -> Decision:
    return propose(turn, full_payment(turn.context))


def ask_promise(turn: TurnInput) -> Decision:
    return go(turn, "offer_promise", slots={PROPOSAL: None})


def evaluate_promise(turn: TurnInput) -> Decision:
    """A promise the borrower proposes; missing parts come from what is already on the table."""
    proposal = turn.slots.proposal
    earlier = proposal if proposal is not None and proposal.kind == "promise" else None
    amount = turn.amount_minor
    if amount is None:
        amount = earlier.amount_minor if earlier else turn.slots.partial_amount
    if amount is None and turn.state.state == "offer_full":
        amount = turn.context.amount_due_minor  # "yes, on Friday" to "the full amount today?"
    day = turn.day or (earlier.due_on if earlier else turn.slots.partial_date)
    return respond_to_promise(turn, amount, day)


def complete_promise(turn: TurnInput) -> Decision:
    """The missing amount or date of a promise; an answer without either is unclear."""
    if turn.amount_minor is None and turn.day is None:
        return count_unclear(turn, says("unclear.sorry"), reprompt=True)
    amount = turn.amount_minor or turn.slots.partial_amount
    return respond_to_promise(turn, amount, turn.day or turn.slots.partial_date)


def respond_to_promise(turn: TurnInput, amount: int | None, day: date | None) -> Decision:
    context = turn.context
    check = check_promise(context, amount, day)
    before = []
    if amount is not None and amount > context.amount_due_minor:
        before.append(Say("negotiate.capped_to_due"))
        amount = context.amount_due_minor
    if check.offer is not None:
        return propose(turn, check.offer, before)
    if check.counter is not None:
        key = "negotiate.too_late" if check.problem == "date_too_late" else "negotiate.too_low"
        slots = {PROPOSAL: check.counter.to_slot(), **_NO_PARTIAL}
        return Decision([*before, Say(key)], "offer_promise", slots)
    if check.problem == "missing_amount":
        partial_date = day.isoformat() if day is not None else None
        return go(turn, "ask_promise_amount", before, {PROPOSAL: None, PARTIAL_DATE: partial_date})
    if check.problem == "date_past":
        before.append(Say("negotiate.date_past"))
    return go(turn, "ask_promise_date", before, {PROPOSAL: None, PARTIAL_AMOUNT: amount})


def propose(turn: TurnInput, offer: Offer, before: list[Say] | None = None) -> Decision:
    """Put `offer` on the table and ask for an explicit yes to it."""
    slots = {PROPOSAL: offer.to_slot(), **_NO_PARTIAL}
    return go(turn, CONFIRM_STATES[offer.kind], before or [], slots)


def accept_proposal(turn: TurnInput) -> Decision:
    """Yes to the offer on the table; a yes to an open question ("what could you pay?") is no
    answer, and counts as unclear so that it cannot go round for ever."""
    proposal = turn.slots.proposal
    if proposal is None:
        return count_unclear(turn, says("unclear.sorry"), reprompt=True)
    return propose(turn, proposal)


def offer_plan(turn: TurnInput) -> Decision:
    """A plan the borrower asks for: a discount (the settlement, when the lender grants one), a
    term (within the maximum, else the longest allowed), or the next offer of the ladder."""
    context = turn.context
    before: list[Say] = []
    index = turn.slots.count(OFFER_INDEX) + 1 if turn.state.state in OFFER_STATES else 0
    if mentions_any(turn.text, turn.script.discount_words.all()):
        settlement = settlement_offer(context)
        if settlement is not None:
            return present(turn, settlement, index, before)
        before.append(Say("negotiate.no_discount"))
    term = requested_term(turn.text)
    if term is not None and term > context.policy.max_term:
        before.append(Say("negotiate.term_too_long"))
        offer = longest_plan(context)
    else:
        offer = plan_offer(context, term) if term is not None else None
    if offer is not None:
        return present(turn, offer, index, before)
    return offer_at(turn, index, before)


def next_offer(turn: TurnInput) -> Decision:
    return offer_at(turn, turn.slots.count(OFFER_INDEX) + 1, says("offer.another"))


def offer_at(turn: TurnInput, index: int, before: list[Say]) -> Decision:
    ladder = offer_ladder(turn.context)
    if index >= len(ladder):
        return no_agreement()
    return present(turn, ladder[index], index, before)


def present(turn: TurnInput, offer: Offer, index: int, before: list[Say]) -> Decision:
    """Put a plan or settlement on the table; an offer of the ladder keeps its place in it, so
    that "no" moves on to the next one."""
    ladder = offer_ladder(turn.context)
    index = ladder.index(offer) if offer in ladder else index
    state = "offer_settlement" if offer.kind == "settlement" else "offer_plan"
    slots = {PROPOSAL: offer.to_slot(), OFFER_INDEX: index, **_NO_PARTIAL}
    return go(turn, state, before, slots)


def no_agreement() -> Decision:
    return end("no_agreement", says("close.no_agreement"), [handoff("normal", "no_agreement")])


def hardship(turn: TurnInput) -> Decision:
    """Empathy, the option of a hardship hold, and the first plan; hardship stated again after
    the hold was offered takes the hold."""
    days = turn.context.policy.hardship_hold_days
    if turn.slots.flag(HOLD_OFFERED) and days > 0:
        outcomes = [
            hold("hardship_plan", "hardship", days=days),
            handoff("normal", "hardship_review"),
        ]
        return end("hardship_hold", says("hardship.hold_placed"), outcomes)
    before = says("hardship.empathy", *(["hardship.hold_option"] if days > 0 else []))
    decision = offer_at(turn, 0, before)
    decision.slots[HOLD_OFFERED] = days > 0
    return decision


def record_agreement(turn: TurnInput) -> Decision:
    """The borrower said yes to the repeated terms: record them, recap them, close."""
    offer = turn.slots.proposal
    if offer is None or not within_policy(turn.context, offer):
        return adjust_agreement(turn)
    return Decision(
        says("confirm.recorded", "close.goodbye"),
        ENDED,
        outcomes=[agreement_outcome(turn.context, offer)],
        recap=Say(f"recap.{offer.kind}"),
        end_reason="agreement",
    )


def adjust_agreement(turn: TurnInput) -> Decision:
    return go(turn, "offer_promise", says("confirm.adjust"), {PROPOSAL: None})


def agreement_outcome(context: ConversationContext, offer: Offer) -> JsonObject:
    if offer.kind == "promise":
        return {
            "type": "promise_to_pay",
            "amount_minor": offer.amount_minor,
            "currency": context.currency,
            "due_on": offer.due_on.isoformat(),
            "promised_on": context.today.isoformat(),
        }
    instalments: list[JsonValue] = [
        {"due_on": day.isoformat(), "amount_minor": offer.instalment_minor}
        for day in offer.instalment_dates
    ]
    return {
        "type": "plan",
        "kind": "settlement" if offer.kind == "settlement" else "instalments",
        "down_payment_minor": offer.amount_minor,
        "down_payment_due_on": offer.due_on.isoformat(),
        "instalments": instalments,
        "discount_minor": offer.discount_minor,
        "total_minor": offer.total_minor,
        "currency": context.currency,
        "agreed_on": context.today.isoformat(),
    }


def already_paid(turn: TurnInput) -> Decision:
    return go(turn, "payment_details")


def note_payment_claim(turn: TurnInput) -> Decision:
    """Whatever the borrower says about the payment is noted for a human to check; no pressure."""
    paid_on = _in_the_past(turn.day, turn.context.today)
    claim: JsonObject = {
        "text": turn.text,
        "amount_minor": turn.amount_minor,
        "date": paid_on.isoformat() if paid_on is not None else None,
    }
    outcomes = [handoff("normal", "payment_claimed", claim=claim)]
    return end("payment_claimed", says("paid.noted"), outcomes, {PAYMENT_CLAIM: claim})


def _in_the_past(day: date | None, today: date) -> date | None:
    """A payment date: "11月24号" said on 25 November is this year's, not next year's."""
    if day is None or day <= today:
        return day
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return None
