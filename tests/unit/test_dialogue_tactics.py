"""Each borrower tactic of issue 4 and the safety protocol: what the robot says, what it records,
and that it never threatens, never discloses and never collects after a self-harm statement."""

from __future__ import annotations

import pytest

from huankuan.dialogue.bot import CollectionBot
from huankuan.dialogue.policy.safety import WELFARE_KEYS
from huankuan.domain.errors import ConversationEnded
from tests.unit.dialogue_support import all_outcomes, outcome_types, play, sent_keys


def _keys_after_welfare(robot: CollectionBot) -> list[str]:
    keys = sent_keys(robot)
    return keys[keys.index(WELFARE_KEYS[0]) :]


def test_it_meets_hardship_with_empathy_a_plan_and_the_option_of_a_hold() -> None:
    _, turns = play(["是我", "我上个月被裁员了，现在真的没钱"])
    assert turns[2].texts[0] == "听到您现在遇到困难，我很抱歉。我们一起找一个适合您情况的办法。"
    assert "暂停催收30天" in turns[2].texts[1]
    assert turns[2].state == "offer_plan" and "分3个月、每月还¥375.00" in turns[2].texts[2]


def test_it_places_a_hardship_hold_when_nothing_can_be_paid() -> None:
    _, turns = play(["是我", "我上个月被裁员了，现在真的没钱", "我现在真的一分钱都没有"])
    assert all_outcomes(turns) == [
        {"type": "hold", "hold_type": "hardship_plan", "reason": "hardship", "days": 30},
        {"type": "handoff", "priority": "normal", "reason": "hardship_review"},
    ]
    assert turns[-1].ended


def test_it_opens_a_dispute_stops_collecting_and_explains_the_next_steps() -> None:
    _, turns = play(["yes", "I never took out this loan"], "en")
    assert all_outcomes(turns) == [
        {"type": "dispute", "reason": "I never took out this loan", "collection_paused": True}
    ]
    assert "send you the details in writing" in turns[2].texts[1]
    assert turns[2].ended


def test_it_states_only_the_true_consequences_of_refusing() -> None:
    _, reports = play(["yes", "I am not paying"], "en")
    assert any("credit report" in text for text in reports[2].texts)
    assert not any("court" in text for text in reports[2].texts)
    _, quiet = play(["yes", "I am not paying"], "en", reports_to_bureau=False)
    assert not any("credit" in text or "court" in text for text in quiet[2].texts)
    _, legal = play(["是我", "凭本事借的钱我不还"], legal_action_possible=True)
    assert any("民事诉讼" in text for text in legal[2].texts)


def test_it_hands_off_after_refusals_without_threats() -> None:
    _, turns = play(["是我", "凭本事借的钱我不还", "老子就是不还"])
    assert turns[-1].ended
    assert all_outcomes(turns) == [
        {"type": "handoff", "priority": "normal", "reason": "refused", "refusals": 2}
    ]


def test_it_stays_calm_with_a_recording_threat_and_offers_the_complaint_channel() -> None:
    _, turns = play(["是我", "我在录音，我要投诉你们", "明天还五百"])
    assert turns[2].texts[:2] == [
        "我理解，您可以录音。您的意见我已经记录下来了。",
        "如果您想投诉，可以联系400-800-1234，我们会认真处理。",
    ]
    assert turns[2].state == "ask_reason" and not turns[2].ended
    assert all_outcomes(turns)[0] == {
        "type": "complaint",
        "note": "我在录音，我要投诉你们",
        "channel_offered": "400-800-1234",
    }
    assert turns[3].state == "confirm_promise"


def test_it_notes_a_complaint_once_per_conversation() -> None:
    _, turns = play(
        ["yes", "I'm recording this call and I'll report you", "I will report you"], "en"
    )
    assert outcome_types(turns).count("complaint") == 1


@pytest.mark.parametrize(("lang", "line"), [("zh", "别再给我打电话了"), ("en", "stop calling me")])
def test_it_records_a_cease_request_and_closes(lang: str, line: str) -> None:
    _, turns = play([line], lang)  # type: ignore[arg-type]
    assert all_outcomes(turns) == [
        {"type": "cease_contact", "verified": False, "contact_point_id": "CP-1"}
    ]
    assert turns[1].ended


def test_it_warns_an_abusive_borrower_once_then_ends() -> None:
    _, turns = play(["滚", "你他妈烦不烦"])
    assert turns[1].texts[0] == "我是来帮您解决问题的，也请您文明沟通，否则我只能先结束这次通话。"
    assert not turns[1].ended
    assert turns[2].ended and turns[2].handoff
    assert all_outcomes(turns) == [{"type": "handoff", "priority": "normal", "reason": "abusive"}]


@pytest.mark.parametrize(
    ("lines", "lang"),
    [
        (["我不想活了"], "zh"),  # before the identity is confirmed
        (["是我", "再逼我我就从楼上跳下去"], "zh"),
        (["是我", "我上个月被裁员了，现在真的没钱", "活不下去了，还什么钱"], "zh"),  # mid-plan
        (["是我", "明天还五百", "我不想活了"], "zh"),  # during the confirmation
        (["yes", "I will pay 500 tomorrow and then kill myself"], "en"),  # with a promise
        (["yes", "I lost my job", "if you call again I'll end my life"], "en"),
    ],
)
def test_it_stops_collecting_at_once_on_self_harm(lines: list[str], lang: str) -> None:
    robot, turns = play(lines, lang)  # type: ignore[arg-type]
    last = turns[-1]
    assert last.ended and last.handoff and last.intent == "self_harm"
    types = [(o["type"], o.get("hold_type") or o.get("priority")) for o in last.outcomes]
    assert types == [("hold", "welfare"), ("handoff", "urgent")]
    assert "promise_to_pay" not in outcome_types(turns)
    assert _keys_after_welfare(robot) == list(WELFARE_KEYS)
    with pytest.raises(ConversationEnded, match="self_harm"):
        robot.handle("明天还五百" if lang == "zh" else "ok I'll pay tomorrow")


def test_it_reads_out_the_configured_hotlines() -> None:
    _, zh = play(["我不想活了"])
    assert "400-161-9995" in zh[1].texts[1] and "010-82951332" in zh[1].texts[1]
    _, en = play(["I don't want to live anymore"], "en")
    assert "988" in en[1].texts[1]


@pytest.mark.parametrize(
    ("lines", "lang", "date", "time"),
    [
        (["我现在在开会，明天下午三点再打"], "zh", "2026-11-26", "15:00"),
        (["yes", "call me back tomorrow at 3pm"], "en", "2026-11-26", "15:00"),
    ],
)
def test_it_schedules_the_callback_the_borrower_asks_for(
    lines: list[str], lang: str, date: str, time: str
) -> None:
    _, turns = play(lines, lang)  # type: ignore[arg-type]
    assert all_outcomes(turns) == [{"type": "callback", "date": date, "time": time}]
    assert turns[-1].ended


def test_it_asks_for_the_details_of_a_payment_already_made_and_notes_them() -> None:
    _, turns = play(["是我", "我昨天已经还了", "11月24号在App上还的全部"])
    assert turns[2].state == "payment_details"
    handoff = all_outcomes(turns)[0]
    assert handoff["reason"] == "payment_claimed" and handoff["priority"] == "normal"
    assert handoff["claim"] == {
        "text": "11月24号在App上还的全部",
        "amount_minor": 125_000,
        "date": "2026-11-24",
    }


def test_it_answers_who_is_calling_without_the_debt_before_identity() -> None:
    _, turns = play(["who is this?"], "en")
    assert turns[1].texts == [
        "I'm calling about a personal matter for John Smith, so I can only discuss it with them.",
        "Am I speaking with John Smith?",
    ]


def test_it_answers_who_is_calling_with_the_debt_after_identity() -> None:
    _, turns = play(["yes", "who is this?"], "en")
    assert "Your account with Acme Lending has $1,250.00 past due" in turns[2].texts[1]


@pytest.mark.parametrize(
    ("lines", "lang"), [(["", "……", "嗯？"], "zh"), (["yes", "", "...", " "], "en")]
)
def test_it_hands_off_after_three_unclear_turns(lines: list[str], lang: str) -> None:
    _, turns = play(lines, lang)  # type: ignore[arg-type]
    assert [turn.ended for turn in turns[-3:]] == [False, False, True]
    assert all_outcomes(turns) == [
        {"type": "handoff", "priority": "normal", "reason": "unclear", "unclear_turns": 3}
    ]


def test_it_resets_the_unclear_count_when_the_borrower_is_understood() -> None:
    _, turns = play(["", "……", "是我", "", "……"])
    assert turns[3].state == "ask_reason" and not turns[-1].ended


def test_it_counts_an_ok_to_an_open_question_as_unclear() -> None:
    _, turns = play(["是我", "没什么特别原因", "不行", "好的", "可以", "行"])
    assert turns[3].state == "offer_promise"
    assert turns[-1].ended
    assert all_outcomes(turns)[-1]["reason"] == "unclear"
