"""The robot end to end, in-process: the happy paths in both languages, the identity gate,
negotiation limits, confirmation before recording, the content guard on every sentence, and the
response shape of DESIGN.md §4.4."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from huankuan.dialogue.bot import CollectionBot
from huankuan.domain.errors import ConversationEnded
from tests.unit.dialogue_support import (
    POLICY,
    FlaggingGuard,
    PassingGuard,
    all_outcomes,
    bot,
    context,
    outcome_types,
    play,
    sent_keys,
)

DEBT_WORDS = (
    "欠",
    "逾期",
    "借款",
    "还款",
    "金额",
    "¥",
    "$",
    "debt",
    "owe",
    "loan",
    "balance",
    "past due",
    "payment",
    "account",
)


def test_it_wins_a_confirmed_promise_to_pay_in_chinese() -> None:
    _, turns = play(["是我", "不好意思忘了，我这周五还全部", "是"])
    assert turns[1].state == "ask_reason"
    assert "谢谢您。我是安信消费金融的智能客服，工号AI-001。" in turns[1].texts
    assert any("¥1,250.00" in text for text in turns[1].texts)
    assert turns[2].state == "confirm_promise"
    assert "2026年11月27日（周五）之前还款¥1,250.00" in turns[2].texts[0]
    promise, recap = all_outcomes(turns)
    assert promise == {
        "type": "promise_to_pay",
        "amount_minor": 125_000,
        "currency": "CNY",
        "due_on": "2026-11-27",
        "promised_on": "2026-11-25",
    }
    assert recap["type"] == "recap" and recap["channel"] == "sms"
    assert "¥1,250.00" in str(recap["text"]) and "400-800-1234" in str(recap["text"])
    assert turns[-1].ended and turns[-1].state == "ended"


def test_it_wins_a_confirmed_promise_to_pay_in_english_after_the_mini_miranda() -> None:
    _, turns = play(
        ["yes, speaking", "sorry, it slipped my mind. I can pay 500 dollars on Friday", "yes"],
        "en",
    )
    assert (
        "This is an attempt to collect a debt and any information obtained will be used for "
        "that purpose." in turns[1].texts
    )
    assert turns[2].texts == [
        "To confirm: you will pay $500.00 by Friday, November 27, 2026. Is that correct? "
        "Please answer yes or no."
    ]
    assert all_outcomes(turns)[0]["amount_minor"] == 50_000
    assert outcome_types(turns) == ["promise_to_pay", "recap"]


def test_it_asks_for_the_full_amount_first() -> None:
    _, turns = play(["是我", "没什么特别原因", "可以", "对"])
    assert turns[2].texts == ["请问您今天能还清全部¥1,250.00吗？"]
    assert all_outcomes(turns)[0]["due_on"] == "2026-11-25"


def test_it_discloses_nothing_before_the_identity_is_confirmed() -> None:
    _, turns = play(["你是哪里？", "我欠你们钱吗？", "我明天还五百"])
    for turn in turns:
        assert turn.state == "verify_identity"
        assert not any(word in text for text in turn.texts for word in DEBT_WORDS)
    assert outcome_types(turns) == []


def test_it_apologises_to_a_wrong_party_and_marks_the_contact_point() -> None:
    _, turns = play(["I'm his roommate, he's not here"], "en")
    assert turns[1].ended
    assert all_outcomes(turns) == [{"type": "wrong_party", "contact_point_id": "CP-1"}]
    assert not any(word in text for text in turns[1].texts for word in DEBT_WORDS)


def test_it_takes_no_to_are_you_zhang_wei_as_a_wrong_party() -> None:
    _, turns = play(["不是"])
    assert outcome_types(turns) == ["wrong_party"]


def test_it_asks_for_a_plain_yes_when_the_answer_is_only_ok() -> None:
    _, turns = play(["ok"], "en")
    assert turns[1].state == "verify_identity"
    assert turns[1].texts == [
        "Could you please answer yes if you are John Smith, or no if you are not?"
    ]


def test_it_counters_a_promise_beyond_the_maximum_days_with_the_latest_date() -> None:
    _, turns = play(["是我", "我下周五还五百", "那就下周三", "好"])
    assert turns[2].texts == ["我最晚可以登记到2026年12月2日（周三）。您能在那之前还¥500.00吗？"]
    assert all_outcomes(turns)[0]["due_on"] == "2026-12-02"


def test_it_counters_a_promise_below_the_minimum_with_the_minimum() -> None:
    _, turns = play(["是我", "明天还一百", "行", "是"])
    assert turns[2].texts == [
        "我能登记的最低还款金额是¥250.00。您能在2026年11月26日（周四）之前还¥250.00吗？"
    ]
    assert all_outcomes(turns)[0]["amount_minor"] == 25_000


def test_it_records_nothing_before_the_terms_are_repeated_and_confirmed() -> None:
    robot, turns = play(["是我", "我明天还五百"])
    assert turns[-1].state == "confirm_promise" and outcome_types(turns) == []
    turn = robot.handle("不对")
    assert turn.state == "offer_promise" and turn.outcomes == ()
    assert turn.texts[0] == "没关系，我们重新调整一下。"
    turn = robot.handle("后天还六百")
    assert turn.state == "confirm_promise" and turn.outcomes == ()
    assert robot.handle("是的").outcomes[0]["amount_minor"] == 60_000


def test_it_never_offers_a_plan_beyond_the_maximum_term() -> None:
    _, turns = play(["yes", "I lost my job", "can I split it over 12 months?", "ok", "yes"], "en")
    assert turns[3].texts[0] == "The longest plan I can offer has 6 monthly payments."
    plan = all_outcomes(turns)[0]
    assert plan["type"] == "plan" and plan["kind"] == "instalments"
    assert len(plan["instalments"]) == 6  # type: ignore[arg-type]
    assert plan["down_payment_minor"] == 12_500 and plan["total_minor"] == 125_000
    assert plan["discount_minor"] == 0


def test_it_offers_only_the_policy_discount_whatever_is_asked() -> None:
    _, turns = play(["yes", "I lost my job", "can you take 50% off?", "ok", "yes"], "en")
    assert "a reduction of $125.00" in turns[3].texts[0]
    settlement = all_outcomes(turns)[0]
    assert settlement["kind"] == "settlement" and settlement["discount_minor"] == 12_500
    assert settlement["down_payment_minor"] == 112_500


def test_it_says_there_is_no_discount_without_authority() -> None:
    no_authority = replace(POLICY, settlement_discount_percent=Decimal(0))
    _, turns = play(["是我", "能不能打个折"], policy=no_authority)
    assert turns[2].texts[0] == "这笔借款我无法提供减免，不过可以为您安排分期还款。"
    assert turns[2].state == "offer_plan"


def test_it_hands_off_when_every_offer_is_declined() -> None:
    _, turns = play(["yes", "I lost my job", "no", "no", "no"], "en")
    assert turns[-1].ended and turns[-1].handoff
    assert all_outcomes(turns) == [
        {"type": "handoff", "priority": "normal", "reason": "no_agreement"}
    ]


def test_it_refuses_messages_once_the_conversation_has_ended() -> None:
    robot, _ = play(["不是"])
    with pytest.raises(ConversationEnded) as raised:
        robot.handle("等一下")
    assert raised.value.reason == "wrong_party"


def test_it_replaces_a_sentence_the_guard_flags_and_records_the_verdict() -> None:
    robot, turns = play(["是我"], guard=FlaggingGuard(["逾期"]))
    assert not any("逾期" in text for text in turns[1].texts)
    assert "感谢您的耐心。" in turns[1].texts
    blocked = [
        e.data for e in robot.tracker.events if e.kind == "bot_uttered" and not e.data["sent"]
    ]
    assert blocked == [
        {
            "key": "debt.amount_due",
            "text": blocked[0]["text"],
            "channel": "chat",
            "verdict": "violation",
            "categories": ["harassment"],
            "screened_by": "content_guard",
            "sent": False,
        }
    ]
    assert "逾期" in str(blocked[0]["text"])


def test_it_stops_and_hands_off_when_a_required_disclosure_is_blocked() -> None:
    robot, turns = play(["yes"], "en", guard=FlaggingGuard(["attempt to collect"]))
    assert turns[1].ended and turns[1].handoff
    assert turns[1].outcomes[0]["reason"] == "disclosure_blocked"
    assert "debt.amount_due" not in sent_keys(robot)


def test_it_screens_every_sentence_with_the_recipient_the_identity_gate_allows() -> None:
    guard = PassingGuard()
    play(["是我"], guard=guard)
    roles = [facts["recipient_role"] for _, _, facts in guard.screened if facts is not None]
    assert roles == ["third_party", "third_party", "self", "self", "self"]
    assert all(lang == "zh" for _, lang, _ in guard.screened)


def test_it_returns_the_response_shape_of_the_http_contract() -> None:
    robot = bot()
    at = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    opening = robot.start(context("en"), at=at, conversation_id="conv-1")
    assert opening.to_dict() == {
        "id": "conv-1",
        "state": "verify_identity",
        "messages": [
            {
                "role": "robot",
                "text": "Hi, this is a virtual assistant. I'm trying to reach John Smith.",
                "at": "2026-11-25T02:00:00+00:00",
            },
            {
                "role": "robot",
                "text": "Am I speaking with John Smith?",
                "at": "2026-11-25T02:00:00+00:00",
            },
        ],
        "intent": None,
        "amount": None,
        "date": None,
        "outcomes": [],
        "handoff": False,
        "ended": False,
    }
    robot.handle("yes")
    shape = robot.handle("I can pay 99.50 tomorrow").to_dict()
    assert shape["intent"] == "promise_to_pay" and shape["amount"] == 99.5
    assert shape["date"] == "2026-11-26"
    assert set(shape) == {
        "id",
        "state",
        "messages",
        "intent",
        "amount",
        "date",
        "outcomes",
        "handoff",
        "ended",
    }


def test_it_resumes_a_stored_conversation_where_it_stopped() -> None:
    robot, _ = play(["是我", "我明天还五百"])
    stored = list(robot.tracker.events)
    resumed = CollectionBot.resume(stored, robot.nlu, PassingGuard())
    assert resumed.tracker.state == robot.tracker.state
    assert resumed.handle("是").outcome_types() == ["promise_to_pay", "recap"]
