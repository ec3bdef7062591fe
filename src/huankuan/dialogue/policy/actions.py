"""The named actions the script may use; the script loader refuses any other name."""

from __future__ import annotations

from collections.abc import Callable

from huankuan.dialogue.policy import flow, safety, tactics
from huankuan.dialogue.policy.decision import Decision, TurnInput

Action = Callable[[TurnInput], Decision]

ACTIONS: dict[str, Action] = {
    # identity
    "confirm_identity": flow.confirm_identity,
    "verify_again": safety.verify_again,
    "ask_explicit_yes": safety.ask_explicit_yes,
    "explain_purpose": tactics.explain_purpose,
    "wrong_party": tactics.wrong_party,
    # negotiation and confirmation
    "ask_full": flow.ask_full,
    "accept_full": flow.accept_full,
    "ask_promise": flow.ask_promise,
    "evaluate_promise": flow.evaluate_promise,
    "complete_promise": flow.complete_promise,
    "accept_proposal": flow.accept_proposal,
    "offer_plan": flow.offer_plan,
    "next_offer": flow.next_offer,
    "hardship": flow.hardship,
    "record_agreement": flow.record_agreement,
    "adjust_agreement": flow.adjust_agreement,
    "already_paid": flow.already_paid,
    "note_payment_claim": flow.note_payment_claim,
    # tactics
    "refuse": tactics.refuse,
    "complaint": tactics.complaint,
    "dispute": tactics.dispute,
    "cease_contact": tactics.cease_contact,
    "callback": tactics.callback,
    "explain_debt": tactics.explain_debt,
    "reprompt": tactics.reprompt,
    # safety protocol
    "welfare": safety.welfare,
    "abusive": safety.abusive,
    "unclear": safety.unclear,
}
