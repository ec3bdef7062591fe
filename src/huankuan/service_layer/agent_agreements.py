"""Promises to pay and repayment plans an agent agrees with a borrower, held to the same
negotiation policy as the robot (DESIGN.md §5: limits come from policy data — the lender's
terms per profile — never from what anyone types). A request outside the limits is refused
with the limit named, in English and Chinese, and nothing is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from huankuan.adapters.channels.templates import format_amount
from huankuan.dialogue.context import ConversationContext, Lang
from huankuan.dialogue.policy.negotiation import (
    Offer,
    check_promise,
    latest_promise_date,
    plan_offer,
    within_policy,
)
from huankuan.domain import commands
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import InvalidInput
from huankuan.domain.money import Money
from huankuan.domain.users import Principal
from huankuan.service_layer.agent_actions import authorized_case, case_facts, refusal, utc_now
from huankuan.service_layer.agreements import record_agreed_plan, record_agreed_promise
from huankuan.service_layer.conversations import build_context
from huankuan.service_layer.unit_of_work import SqlUnitOfWork
from huankuan.service_layer.workbench_gate import CaseRules

PLAN_KINDS = ("instalments", "settlement")


@dataclass(frozen=True, slots=True)
class NegotiationLimits:
    """What an agent may agree on one account today, for the forms to show (the service
    checks again when the agreement is recorded)."""

    account_id: str
    currency: str
    amount_due_minor: int
    today: date  # the debtor's
    latest_promise_on: date
    minimum_promise_minor: int
    plan_terms: tuple[int, ...]
    max_term: int
    minimum_down_payment_minor: int
    first_payment_on: date  # the policy's default date of a plan's first payment
    settlement_discount_minor: int  # 0: no settlement authority


def negotiation_limits(
    facts: AccountFacts, rules: CaseRules, now: datetime
) -> NegotiationLimits | None:
    """None when nothing is due on the account (no agreement is possible)."""
    try:
        context = policy_context(facts, rules, now)
    except InvalidInput:
        return None
    policy, due = context.policy, context.amount_due
    return NegotiationLimits(
        account_id=facts.account_id,
        currency=facts.currency,
        amount_due_minor=due.minor,
        today=context.today,
        latest_promise_on=latest_promise_date(context),
        minimum_promise_minor=policy.minimum_promise(due).minor,
        plan_terms=policy.plan_terms,
        max_term=policy.max_term,
        minimum_down_payment_minor=policy.down_payment(due).minor,
        first_payment_on=context.today + timedelta(days=policy.down_payment_days),
        settlement_discount_minor=policy.settlement_discount(due).minor,
    )


def record_promise(
    cmd: commands.RecordCasePromise,
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    rules: CaseRules,
) -> str:
    """A promise within the policy: on a date from today (the debtor's) to the latest the
    policy allows, for at least its minimum and at most the amount due."""
    now = utc_now(uow)
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        facts = case_facts(uow, case, cmd.account_id, now)
        context = policy_context(facts, rules, now)
        check_promise_limits(context, cmd.amount_minor, cmd)
        promise_id = record_agreed_promise(
            uow, context, amount_minor=cmd.amount_minor, due_on=cmd.due_on, actor=cmd.actor
        )
        uow.commit()
    return promise_id


def record_plan(
    cmd: commands.RecordCasePlan,
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    rules: CaseRules,
) -> str:
    """An instalment plan (equal monthly instalments after a down payment of at least the
    policy's share) or a one-off settlement at no more than the policy's discount."""
    if cmd.kind not in PLAN_KINDS:
        raise refusal(
            f"kind must be one of {', '.join(PLAN_KINDS)}, got {cmd.kind!r}",
            "方案类型须为 instalments（分期）或 settlement（一次性结清）",
        )
    now = utc_now(uow)
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        facts = case_facts(uow, case, cmd.account_id, now)
        context = policy_context(facts, rules, now)
        offer = _settlement(context, cmd) if cmd.kind == "settlement" else _plan(context, cmd)
        if not within_policy(context, offer):  # the policy's own final word
            raise refusal("the plan is outside the negotiation policy", "该方案超出协商政策范围")
        plan_id = record_agreed_plan(uow, context, offer, cmd.actor)
        uow.commit()
    return plan_id


def policy_context(facts: AccountFacts, rules: CaseRules, now: datetime) -> ConversationContext:
    """The account as the negotiation policy sees it: the amount due, the debtor's today and
    the lender's limits for the debtor's profile."""
    lang: Lang = "zh" if facts.locale.lower().startswith("zh") else "en"
    terms = rules.lender_terms(facts.jurisdiction)
    try:
        return build_context(
            facts, terms, lang=lang, profile=facts.jurisdiction, now=now, contact_id=None
        )
    except InvalidInput as error:
        raise refusal(
            f"no agreement is possible: {error}", "该账户无应还金额，无法达成还款安排"
        ) from error


def check_promise_limits(
    context: ConversationContext, amount_minor: int, cmd: commands.RecordCasePromise
) -> None:
    due = context.amount_due
    if amount_minor <= 0:
        raise refusal("the amount must be positive", "承诺金额须大于零")
    if amount_minor > due.minor:
        raise refusal(
            f"the amount is more than the amount due ({_en(due)})",
            f"承诺金额超过应还金额（{_zh(due)}）",
        )
    found = check_promise(context, amount_minor, cmd.due_on)
    latest = latest_promise_date(context)
    days = context.policy.max_promise_days
    if found.problem == "date_past":
        raise refusal(
            f"the promise date {cmd.due_on} is before today ({context.today})",
            f"承诺日期 {cmd.due_on} 早于今天（{context.today}）",
        )
    if found.problem == "date_too_late":
        raise refusal(
            f"the promise date must be on or before {latest} (policy: at most {days} days)",
            f"承诺日期不得晚于 {latest}（政策上限：{days} 天内）",
        )
    if found.problem == "amount_too_low":
        minimum = context.policy.minimum_promise(due)
        percent = context.policy.min_promise_percent
        raise refusal(
            f"the promise must be at least {_en(minimum)} (policy: {percent}% of the amount due)",
            f"承诺金额不得低于 {_zh(minimum)}（政策：应还金额的 {percent}%）",
        )


def _plan(context: ConversationContext, cmd: commands.RecordCasePlan) -> Offer:
    policy, due = context.policy, context.amount_due
    if not 2 <= cmd.term <= policy.max_term:
        raise refusal(
            f"the term must be 2 to {policy.max_term} monthly instalments (policy)",
            f"分期期数须为 2 至 {policy.max_term} 期（政策）",
        )
    if cmd.discount_minor:
        raise refusal("an instalment plan carries no discount", "分期方案不含减免")
    base = plan_offer(context, cmd.term)
    if base is None:
        raise refusal("the amount due is too small to split", "应还金额过小，无法分期")
    down = base.amount_minor if cmd.down_payment_minor is None else cmd.down_payment_minor
    minimum = policy.down_payment(due)
    if down < minimum.minor:
        raise refusal(
            f"the down payment must be at least {_en(minimum)} "
            f"(policy: {policy.down_payment_percent}% of the amount due)",
            f"首付不得低于 {_zh(minimum)}（政策：应还金额的 {policy.down_payment_percent}%）",
        )
    if down + cmd.term > due.minor:
        raise refusal(
            "the down payment leaves nothing to pay in instalments", "首付过高，没有剩余可分期"
        )
    down += (due.minor - down) % cmd.term  # equal instalments; the remainder is paid first
    first = _first_due(context, cmd, base.due_on)
    return Offer(
        "plan", down, first, term=cmd.term, instalment_minor=(due.minor - down) // cmd.term
    )


def _settlement(context: ConversationContext, cmd: commands.RecordCasePlan) -> Offer:
    due = context.amount_due
    allowed = context.policy.settlement_discount(due)
    if allowed.is_zero():
        raise refusal("the policy grants no settlement discount", "政策不允许一次性结清减免")
    discount = cmd.discount_minor or allowed.minor
    if not 0 < discount <= allowed.minor:
        percent = context.policy.settlement_discount_percent
        raise refusal(
            f"the discount must be at most {_en(allowed)} (policy: {percent}% of the amount due)",
            f"减免金额不得超过 {_zh(allowed)}（政策：应还金额的 {percent}%）",
        )
    default_day = context.today + timedelta(days=context.policy.down_payment_days)
    first = _first_due(context, cmd, default_day)
    return Offer("settlement", due.minor - discount, first, discount_minor=discount)


def _first_due(context: ConversationContext, cmd: commands.RecordCasePlan, default: date) -> date:
    day = cmd.first_due_on or default
    latest = latest_promise_date(context)
    if not context.today <= day <= latest:
        raise refusal(
            f"the first payment date must be from {context.today} to {latest} (policy)",
            f"首期还款日须在 {context.today} 至 {latest} 之间（政策）",
        )
    return day


def _en(amount: Money) -> str:
    return format_amount(amount, "en")


def _zh(amount: Money) -> str:
    return format_amount(amount, "zh")
