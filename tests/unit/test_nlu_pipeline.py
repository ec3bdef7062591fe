"""The whole pipeline: the labelling rules of DESIGN.md §4.3 on hard cases, slots, the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huankuan.dialogue.nlu import INTENTS, NluPipeline
from huankuan.dialogue.nlu.corpus import LabelledUtterance
from huankuan.dialogue.nlu.model_store import train_classifier
from tests.nlu_support import trained_pipeline

TODAY = date(2026, 11, 25)

HARD_CASES = [
    # asking for instalments/extension/discount is request_plan even when hardship is stated
    ("我没工作了，能不能让我分期还", "request_plan"),
    ("家里有人住院，能不能延期一个月再还", "request_plan"),
    ("I'm unemployed, can I get an extension?", "request_plan"),
    ("I'm broke, could you give me a discount?", "request_plan"),
    # only stating inability is hardship
    ("我没工作了，真的没钱", "hardship"),
    ("I'm unemployed and have no money.", "hardship"),
    # a concrete time or amount for paying is promise_to_pay
    ("我很困难但是下周五能还五百", "promise_to_pay"),
    ("I'm struggling but I can pay $100 on Friday", "promise_to_pay"),
    ("我明天还", "promise_to_pay"),
    # denying the debt or disputing fees/identity is dispute
    ("这笔钱我根本没借过", "dispute"),
    ("your fees are illegal, I dispute them", "dispute"),
    ("有人冒用我的身份证借的", "dispute"),
    # won't pay with no reason is refuse
    ("我就是不还", "refuse"),
    ("I'm not paying you.", "refuse"),
    # threatening to complain/report/record/sue is complaint_threat
    ("我要去银保监会投诉你们", "complaint_threat"),
    ("I'm recording this call", "complaint_threat"),
    ("I'll sue you", "complaint_threat"),
    # only asking to stop calls / lawyer / in writing is cease_contact
    ("别再给我打电话了", "cease_contact"),
    ("talk to my lawyer", "cease_contact"),
    ("please contact me in writing only", "cease_contact"),
    # relative, roommate or wrong number is wrong_party
    ("我是他老婆，他不在", "wrong_party"),
    ("he's my roommate, he isn't here", "wrong_party"),
    ("wrong number", "wrong_party"),
    # the rest
    ("我已经还了", "already_paid"),
    ("I already paid it yesterday", "already_paid"),
    ("我在开车，晚点再打", "callback_later"),
    ("I'm at work, call me later", "callback_later"),
    ("我欠多少钱", "ask_info"),
    ("how much do I owe?", "ask_info"),
    ("是我，什么事", "identity_confirmed"),
    ("yes, this is me", "identity_confirmed"),
    ("滚，傻逼", "abusive"),
    ("go to hell", "abusive"),
    ("喂，听得见吗", "other"),
    ("hello?", "other"),
]


@pytest.mark.parametrize(("text", "intent"), HARD_CASES)
def test_it_follows_the_labelling_rules(text: str, intent: str) -> None:
    assert trained_pipeline().parse(text, today=TODAY).intent == intent


def test_a_parse_carries_intent_slots_and_language() -> None:
    parse = trained_pipeline().parse("我下周五先还五百", today=TODAY)
    assert parse.intent == "promise_to_pay"
    assert (parse.amount, parse.date, parse.lang) == (Decimal(500), date(2026, 12, 4), "zh")
    assert 0.0 < parse.confidence <= 1.0
    assert parse.safety_rule is None


def test_half_of_the_balance_becomes_an_amount() -> None:
    pipeline = trained_pipeline()
    with_balance = pipeline.parse(
        "I'll pay half of it tomorrow", today=TODAY, balance_minor=300_000
    )
    assert (with_balance.amount, with_balance.date) == (Decimal(1500), date(2026, 11, 26))
    assert pipeline.parse("I'll pay half of it tomorrow", today=TODAY).amount is None


def test_the_given_language_is_kept() -> None:
    assert trained_pipeline().parse("ok", lang="zh", today=TODAY).lang == "zh"


def test_empty_text_is_other() -> None:
    parse = trained_pipeline().parse("   ", today=TODAY)
    assert (parse.intent, parse.amount, parse.date) == ("other", None, None)


def test_every_intent_is_one_of_the_fifteen() -> None:
    assert len(INTENTS) == 15
    assert set(trained_pipeline().classifier.labels) == set(INTENTS)


def test_training_is_deterministic() -> None:
    examples = [
        LabelledUtterance(text, "zh" if text[0] > "~" else "en", intent)
        for text, intent in HARD_CASES * 3
    ]
    first, second = train_classifier(examples), train_classifier(examples)
    assert first.temperature == second.temperature
    assert (first.weights == second.weights).all()


def test_a_pipeline_trained_in_memory_answers_like_the_cached_one() -> None:
    in_memory = NluPipeline(trained_pipeline().classifier)
    assert in_memory.parse("我明天还", today=TODAY) == trained_pipeline().parse(
        "我明天还", today=TODAY
    )
