"""Negotiation limits as mechanisms (no conversation): every offer comes from the policy data, and
nothing outside the limits can be built or accepted. Plus the small signal extractors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huankuan.dialogue.context import NegotiationPolicy
from huankuan.dialogue.policy.actions import ACTIONS
from huankuan.dialogue.policy.negotiation import (
    Offer,
    add_months,
    check_promise,
    offer_ladder,
    plan_offer,
    settlement_offer,
    within_policy,
)
from huankuan.dialogue.policy.script import load_script
from huankuan.dialogue.policy.signals import bare_answer, requested_term, requested_time
from huankuan.domain.errors import InvalidInput
from tests.unit.dialogue_support import POLICY, TODAY, context

LEXICON = load_script(actions=ACTIONS).answer_lexicon


def test_it_refuses_a_policy_whose_terms_exceed_its_maximum() -> None:
    with pytest.raises(InvalidInput, match="plan_terms"):
        NegotiationPolicy(plan_terms=(3, 12), max_term=6)


def test_it_refuses_a_settlement_discount_beyond_the_discount_authority() -> None:
    with pytest.raises(InvalidInput, match="settlement_discount_percent"):
        NegotiationPolicy(max_discount_percent=Decimal(10), settlement_discount_percent=Decimal(15))


def test_it_builds_plans_of_equal_instalments_that_add_up_to_the_amount_due() -> None:
    account = context(amount_due_minor=125_099)
    for offer in offer_ladder(account):
        if offer.kind != "plan":
            continue
        assert offer.total_minor == 125_099
        assert offer.amount_minor >= POLICY.down_payment(account.amount_due).minor
        assert offer.term <= POLICY.max_term
        assert offer.due_on == TODAY + timedelta(days=POLICY.down_payment_days)
        assert offer.instalment_dates[0] == add_months(offer.due_on, 1)


def test_it_offers_plans_in_the_policy_order_then_the_settlement() -> None:
    ladder = offer_ladder(context())
    assert [(offer.kind, offer.term) for offer in ladder] == [
        ("plan", 3),
        ("plan", 6),
        ("settlement", 0),
    ]


def test_it_never_offers_a_discount_without_authority() -> None:
    no_authority = context(policy=replace(POLICY, settlement_discount_percent=Decimal(0)))
    assert settlement_offer(no_authority) is None
    assert all(offer.kind == "plan" for offer in offer_ladder(no_authority))


def test_it_never_builds_a_plan_beyond_the_maximum_term() -> None:
    assert plan_offer(context(), 7) is None
    assert plan_offer(context(), 6) is not None


@given(
    due=st.integers(min_value=100, max_value=10**9),
    percent=st.integers(min_value=0, max_value=100),
    authority=st.integers(min_value=0, max_value=100),
)
def test_it_keeps_the_settlement_discount_within_the_authority(
    due: int, percent: int, authority: int
) -> None:
    percent = min(percent, authority)
    policy = replace(
        POLICY,
        max_discount_percent=Decimal(authority),
        settlement_discount_percent=Decimal(percent),
    )
    offer = settlement_offer(context(amount_due_minor=due, policy=policy))
    if offer is not None:
        assert offer.discount_minor * 100 <= due * authority
        assert offer.amount_minor + offer.discount_minor == due


def test_it_counters_a_promise_beyond_the_maximum_days_with_the_latest_date() -> None:
    check = check_promise(context(), 50_000, TODAY + timedelta(days=8))
    assert check.problem == "date_too_late"
    assert check.counter == Offer("promise", 50_000, TODAY + timedelta(days=7))


def test_it_counters_a_promise_below_the_minimum_with_the_minimum() -> None:
    check = check_promise(context(), 10_000, TODAY + timedelta(days=2))
    assert check.problem == "amount_too_low"
    assert check.counter == Offer("promise", 25_000, TODAY + timedelta(days=2))


def test_it_accepts_a_promise_within_the_limits() -> None:
    check = check_promise(context(), 25_000, TODAY + timedelta(days=7))
    assert check.problem is None
    assert check.offer == Offer("promise", 25_000, TODAY + timedelta(days=7))


def test_it_refuses_a_promise_dated_in_the_past() -> None:
    assert check_promise(context(), 25_000, TODAY - timedelta(days=1)).problem == "date_past"


def test_it_checks_every_limit_before_anything_is_recorded() -> None:
    account = context()
    latest = TODAY + timedelta(days=7)
    assert within_policy(account, Offer("promise", 25_000, latest))
    assert not within_policy(account, Offer("promise", 24_999, latest))
    assert not within_policy(account, Offer("promise", 25_000, latest + timedelta(days=1)))
    assert not within_policy(
        account, Offer("plan", 12_500, latest, term=7, instalment_minor=16_072)
    )
    assert not within_policy(account, Offer("settlement", 100_000, latest, discount_minor=25_000))
    assert within_policy(account, Offer("settlement", 112_500, latest, discount_minor=12_500))


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("是的", "affirm"),
        ("嗯嗯", "affirm"),
        ("好的呀", "agree"),
        ("好的 好的", "agree"),
        ("Yes, please.", "affirm"),
        ("yes, that's fine", "agree"),
        ("ok", "agree"),
        ("不是", "deny"),
        ("No thanks!", "deny"),
        ("嗯？", None),
        ("yes?", None),
        ("不行，我没钱", None),
        ("是我老公的号码", None),
        ("", None),
    ],
)
def test_it_recognises_bare_answers_only(text: str, answer: str | None) -> None:
    assert bare_answer(text, LEXICON) == answer


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("能分12期吗", 12),
        ("分成六个月还", 6),
        ("can I split it over 12 months?", 12),
        ("how about twenty four monthly payments", 24),
        ("pay it over a year", 12),
        ("我明天还五百", None),
    ],
)
def test_it_reads_the_plan_term_asked_for(text: str, term: int | None) -> None:
    assert requested_term(text) == term


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("明天下午三点再打", "15:00"),
        ("晚上8点半打给我", "20:30"),
        ("call me at 3pm", "15:00"),
        ("around 9:30 am tomorrow", "09:30"),
        ("call me tomorrow", None),
    ],
)
def test_it_reads_the_callback_time(text: str, clock: str | None) -> None:
    assert requested_time(text) == clock


def test_it_adds_months_clamped_to_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


@given(
    due=st.integers(min_value=1, max_value=10**9),
    terms=st.lists(st.integers(min_value=2, max_value=24), max_size=3, unique=True),
    down=st.integers(min_value=0, max_value=100),
    discount=st.integers(min_value=0, max_value=50),
    days=st.integers(min_value=0, max_value=30),
)
def test_it_builds_only_offers_within_the_policy(
    due: int, terms: list[int], down: int, discount: int, days: int
) -> None:
    policy = NegotiationPolicy(
        max_promise_days=days,
        plan_terms=tuple(terms),
        max_term=max(terms, default=2),
        down_payment_percent=Decimal(down),
        down_payment_days=days // 2,
        max_discount_percent=Decimal(discount),
        settlement_discount_percent=Decimal(discount),
    )
    account = context(amount_due_minor=due, policy=policy)
    for offer in offer_ladder(account):
        assert within_policy(account, offer), offer
