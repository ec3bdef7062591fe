"""Recording what the negotiation policy accepted on an account — a promise to pay or a plan —
in the same terms whether an agent keyed it in or the borrower chose it in the portal: agreed on
the debtor's today, in the account's currency."""

from __future__ import annotations

from datetime import date

from huankuan.dialogue.context import ConversationContext
from huankuan.dialogue.policy.negotiation import Offer
from huankuan.domain import commands
from huankuan.service_layer import handlers
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


def record_agreed_promise(
    uow: SqlUnitOfWork,
    context: ConversationContext,
    *,
    amount_minor: int,
    due_on: date,
    actor: str,
) -> str:
    promise = commands.RecordPromise(
        account_id=str(context.account_id),
        amount_minor=amount_minor,
        due_on=due_on,
        promised_on=context.today,
        actor=actor,
    )
    return handlers.record_promise(promise, uow=uow, currency=context.currency)


def record_agreed_plan(
    uow: SqlUnitOfWork, context: ConversationContext, offer: Offer, actor: str
) -> str:
    """An instalment plan, or a settlement when the offer is one."""
    plan = commands.RecordPlan(
        account_id=str(context.account_id),
        kind="settlement" if offer.kind == "settlement" else "instalments",
        currency=context.currency,
        down_payment_minor=offer.amount_minor,
        down_payment_due_on=offer.due_on,
        instalments=tuple((day, offer.instalment_minor) for day in offer.instalment_dates),
        discount_minor=offer.discount_minor,
        agreed_on=context.today,
        actor=actor,
    )
    return handlers.record_plan(plan, uow=uow)
