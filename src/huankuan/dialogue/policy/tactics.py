"""The borrower tactics of issue 4 that are not about safety or the plan offers: refusal (true,
lawful consequences only), complaint threats and recording, disputes, cease requests, callbacks,
a wrong party, and questions."""

from __future__ import annotations

from huankuan.dialogue.policy.decision import (
    CALLBACK,
    COMPLAINT_NOTED,
    REFUSALS,
    WRONG_PARTY,
    Decision,
    Say,
    TurnInput,
)
from huankuan.dialogue.policy.flow import offer_at
from huankuan.dialogue.policy.signals import requested_time
from huankuan.dialogue.policy.steps import end, handoff, says, stay
from huankuan.dialogue.responses.formatting import format_callback
from huankuan.dialogue.tracker import JsonObject


def refuse(turn: TurnInput) -> Decision:
    """State only the consequences that are true for this account (bureau reporting when the
    lender reports, legal remedies only when the lender really uses them), then offer a plan.
    Refusing again ends the negotiation; a human follows up. Never a threat."""
    context = turn.context
    refusals = turn.slots.count(REFUSALS) + 1
    if refusals >= turn.script.settings.max_refusals:
        outcomes = [handoff("normal", "refused", refusals=refusals)]
        return end("refused", says("close.no_agreement"), outcomes, {REFUSALS: refusals})
    before: list[Say] = []
    if context.reports_to_bureau:
        before.append(Say("refuse.credit"))
    if context.legal_action_possible:
        before.append(Say("refuse.legal"))
    before.append(Say("refuse.open"))
    decision = offer_at(turn, 0, before)
    decision.slots[REFUSALS] = refusals
    return decision


def complaint(turn: TurnInput) -> Decision:
    """Calm and polite: recording is fine, the complaint channel is given, the threat is noted
    (once per conversation), and the conversation goes on where it was."""
    outcomes: list[JsonObject] = []
    if not turn.slots.flag(COMPLAINT_NOTED):
        outcomes.append(
            {
                "type": "complaint",
                "note": turn.text,
                "channel_offered": turn.context.complaint_channel,
            }
        )
    before = says("complaint.ack", "complaint.channel")
    return stay(turn, before, slots={COMPLAINT_NOTED: True}, outcomes=outcomes)


def dispute(turn: TurnInput) -> Decision:
    outcome: JsonObject = {"type": "dispute", "reason": turn.text, "collection_paused": True}
    return end("dispute", says("dispute.ack", "dispute.next_steps"), [outcome])


def cease_contact(turn: TurnInput) -> Decision:
    outcome: JsonObject = {
        "type": "cease_contact",
        "verified": turn.slots.identity_confirmed,
        "contact_point_id": turn.context.contact_point_id,
    }
    return end("cease_contact", says("cease.ack"), [outcome])


def callback(turn: TurnInput) -> Decision:
    """The borrower's time, when given; the caller schedules it within the gate's hours."""
    context = turn.context
    day = turn.day if turn.day is not None and turn.day >= context.today else None
    clock = requested_time(turn.text)
    outcome: JsonObject = {
        "type": "callback",
        "date": day.isoformat() if day is not None else None,
        "time": clock,
    }
    if day is None and clock is None:
        return end("callback", says("callback.ack"), [outcome], {CALLBACK: outcome})
    when = format_callback(day, clock, context.lang)
    say = [Say("callback.ack_when", {"callback_when": when})]
    return end("callback", say, [outcome], {CALLBACK: outcome})


def wrong_party(turn: TurnInput) -> Decision:
    """Apologise and disclose nothing; the contact point is marked by the caller."""
    outcome: JsonObject = {"type": "wrong_party", "contact_point_id": turn.context.contact_point_id}
    return end("wrong_party", says("wrong_party.apology"), [outcome], {WRONG_PARTY: True})


def explain_purpose(turn: TurnInput) -> Decision:
    return stay(turn, says("purpose.explain"))


def explain_debt(turn: TurnInput) -> Decision:
    """Who is calling and what is due, only to the confirmed debtor."""
    if not turn.slots.identity_confirmed:
        return explain_purpose(turn)
    return stay(turn, says("info.caller", "debt.amount_due"))


def reprompt(turn: TurnInput) -> Decision:
    return stay(turn)
