"""The values the robot's sentences are filled with, from the account facts and the offer on the
table; amounts exact from minor units, dates in the conversation's language."""

from __future__ import annotations

from huankuan.dialogue.context import ConversationContext
from huankuan.dialogue.policy.decision import Slots
from huankuan.dialogue.policy.negotiation import latest_promise_date
from huankuan.dialogue.responses.catalog import Responses
from huankuan.dialogue.responses.formatting import format_date, format_money
from huankuan.domain.money import Money

_HOTLINE_SEPARATOR = {"zh": "；", "en": "; "}


def sentence_values(
    context: ConversationContext, slots: Slots, responses: Responses
) -> dict[str, str]:
    lang = responses.lang
    policy = context.policy

    def money(minor: int) -> str:
        return format_money(Money(minor, context.currency))

    values = {
        "debtor_name": context.debtor_name,
        "lender": context.lender_name,
        "collector": context.collector_name,
        "robot_id": context.robot_id,
        "amount_due": money(context.amount_due_minor),
        "due_date": format_date(context.due_date, lang),
        "complaint_channel": context.complaint_channel,
        "latest_date": format_date(latest_promise_date(context), lang),
        "min_amount": money(policy.minimum_promise(context.amount_due).minor),
        "max_term": str(policy.max_term),
        "hold_days": str(policy.hardship_hold_days),
        "hotlines": _HOTLINE_SEPARATOR[lang].join(responses.hotlines_for(context.profile)),
    }
    proposal = slots.proposal
    if proposal is not None:
        values["proposal_amount"] = money(proposal.amount_minor)
        values["proposal_date"] = format_date(proposal.due_on, lang)
        values["term"] = str(proposal.term)
        values["instalment"] = money(proposal.instalment_minor)
        values["discount"] = money(proposal.discount_minor)
        dates = proposal.instalment_dates
        if dates:
            values["first_date"] = format_date(dates[0], lang)
            values["last_date"] = format_date(dates[-1], lang)
        return values
    if slots.partial_amount is not None:
        values["proposal_amount"] = money(slots.partial_amount)
    if slots.partial_date is not None:
        values["proposal_date"] = format_date(slots.partial_date, lang)
    return values
