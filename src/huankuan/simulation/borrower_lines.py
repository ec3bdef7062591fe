"""What simulated borrowers say, in Chinese and English: banks of lines written for the simulator
(not taken from the NLU corpus) and phrase builders that vary amounts, dates and wording under a
seeded random generator, so that each conversation sounds a little different."""

from __future__ import annotations

import random
from dataclasses import dataclass

import cn2an

Lines = dict[str, tuple[str, ...]]

LINES: dict[str, Lines] = {
    "zh": {
        "confirm": (
            "是我",
            "对，我就是",
            "嗯，是我本人",
            "是的",
            "我是，你说",
            "对的",
            "我就是，啥事",
        ),
        "ask_info": ("你是哪里？", "什么事啊？", "你们是哪个单位的？", "谁啊？什么事？"),
        "forgot": (
            "不好意思，最近太忙给忘了",
            "哎呀我忘了还款日了",
            "出差这几天没顾上，忘了",
            "我以为是下个月才到期",
            "记错日子了，不好意思",
        ),
        "hardship": (
            "我上个月被裁员了，现在真的没钱",
            "家里老人住院，钱都花在医院了",
            "这个月工资一直拖着没发，手头特别紧",
            "生意赔了，现在一分钱都拿不出来",
            "孩子上学刚交了学费，实在周转不开",
        ),
        "broke": (
            "我现在真的一分钱都没有",
            "真的拿不出来，什么都还不了",
            "我现在连饭都快吃不上了，真没钱还",
        ),
        "plan": ("能不能分期还？", "可以分几个月还吗", "我想申请分期", "能不能每个月还一点"),
        "long_plan": ("能分12期吗？", "分24个月行不行", "能不能分成18期慢慢还"),
        "discount": ("能不能减免一点？", "打个折我就一次性还", "利息能不能免掉一些"),
        "refuse": (
            "凭本事借的钱，凭什么还",
            "我就是不还，你们能把我怎么样",
            "不还，爱咋咋地",
            "没钱，也不打算还",
            "老子凭本事借的，不还",
        ),
        "complaint": (
            "我在录音，我要投诉你们",
            "再打电话我就去银保监会投诉你们",
            "这通电话我录下来了，等着被举报吧",
            "我要打12378投诉你们",
        ),
        "dispute": (
            "这笔借款不是我办的",
            "金额不对，多收了我好多手续费",
            "我从来没借过这笔钱",
            "这个账我不认，你们算错了",
        ),
        "wrong_party": (
            "你打错了",
            "我不是他，这号码是我新办的",
            "他是我室友，现在不在",
            "我是他老婆，他出门了",
            "这里没有这个人",
            "打错电话了吧，我不认识他",
        ),
        "abusive": ("滚", "你他妈烦不烦", "神经病，别烦我", "去你的吧", "你们这帮人渣"),
        "self_harm": (
            "再逼我我就从楼上跳下去",
            "我真的不想活了",
            "活不下去了，还什么钱",
            "我已经写好遗书了",
            "你们再打电话我就去死",
        ),
        "self_harm_promise": ("明天还{amount}，然后我就去死", "我{date}还{amount}，还完就跳楼"),
        "silence": ("", " ", "……", "嗯？", "喂？", "啊？", "喂喂", "听不清"),
        "affirm": ("是", "对", "是的", "对的", "没错", "嗯"),
        "agree": ("好的", "可以", "没问题", "行", "好", "就这样吧"),
        "deny": ("不行", "不是", "算了", "不要", "不同意"),
        "callback": (
            "我在开会，明天下午三点再打",
            "现在不方便，晚上8点打给我",
            "我在开车，明天再说",
        ),
        "paid": ("我昨天已经还了", "上周就转过去了", "我已经还过了呀"),
        "paid_details": ("11月20号在App上还的五百", "前天用支付宝转的", "昨天银行转账还的全部"),
    },
    "en": {
        "confirm": (
            "yes, speaking",
            "yeah that's me",
            "this is he",
            "yes it's me, what's this about",
            "yep",
            "speaking.",
        ),
        "ask_info": (
            "who is this?",
            "what's this about?",
            "who are you calling for?",
            "who's calling?",
        ),
        "forgot": (
            "sorry, it slipped my mind",
            "I totally forgot the due date",
            "I was traveling and missed it",
            "I thought it was due next month",
            "honestly I just lost track of it",
        ),
        "hardship": (
            "I lost my job last month and I'm broke",
            "my hours got cut and I can barely cover rent",
            "medical bills ate all my savings",
            "I have no income right now",
            "my car broke down and the repair took everything I had",
        ),
        "broke": (
            "I really can't pay anything right now",
            "I don't have a single dollar to spare",
            "there is just no money at all this month",
        ),
        "plan": (
            "can I pay in installments?",
            "could we set up a payment plan?",
            "can I pay a bit each month?",
            "is there a monthly plan?",
        ),
        "long_plan": ("can I split it over 12 months?", "how about 24 monthly payments?"),
        "discount": (
            "any chance of a discount?",
            "can you reduce the amount?",
            "would you take less?",
        ),
        "refuse": (
            "I'm not paying",
            "not going to pay, deal with it",
            "you'll never see that money",
            "I borrowed it fair and square and I'm keeping it",
            "I won't pay a cent",
        ),
        "complaint": (
            "I'm recording this call and I'll report you",
            "I'm going to file a complaint with the CFPB",
            "this call is being recorded, I'll report you to the regulator",
            "keep calling me and I'll sue your company",
        ),
        "dispute": (
            "I never took out this loan",
            "this isn't my debt",
            "the amount is wrong, you're charging fees I never agreed to",
            "I dispute this debt",
        ),
        "wrong_party": (
            "wrong number",
            "you've got the wrong person",
            "I'm his roommate, he's not here",
            "this is my number now, I don't know him",
            "no one by that name lives here",
        ),
        "abusive": ("f*** off", "screw you", "go to hell you idiot", "shut up, moron", "piss off"),
        "self_harm": (
            "if you call again I'll kill myself",
            "I don't want to live anymore",
            "I can't go on like this, I'm going to end my life",
            "I've been thinking about ending it all",
            "maybe everyone would be better off if I was dead",
        ),
        "self_harm_promise": (
            "I'll pay {amount} {date} and then I'll kill myself",
            "fine, {amount} {date}, and after that I'm ending it all",
        ),
        "silence": ("", " ", "...", "hello?", "hm?", "uh", "sorry what?"),
        "affirm": ("yes", "yeah", "correct", "that's right", "yep"),
        "agree": ("ok", "sure", "okay", "sounds good", "fine", "yes, that's fine"),
        "deny": ("no", "nope", "no thanks", "not really", "no way"),
        "callback": (
            "I'm driving, call me back tomorrow at 3pm",
            "can you call me later, around 6 pm?",
            "bad time, call me tomorrow",
        ),
        "paid": (
            "I already paid this yesterday",
            "I sent the money last week",
            "it's paid already",
        ),
        "paid_details": (
            "on the 20th, $500 through the app",
            "yesterday by bank transfer",
            "Monday",
        ),
    },
}

# Dates relative to the conversation's day: within a 7-day promise window, and beyond it.
NEAR_DATES = {
    "zh": ("明天", "后天", "这周末", "3天后", "大后天"),
    "en": ("tomorrow", "the day after tomorrow", "in 3 days", "this weekend", "in two days"),
}
FAR_DATES = {
    "zh": ("下个月15号", "下个月底", "两周后", "下下周一"),
    "en": ("next month", "at the end of next month", "in two weeks", "on the 20th of next month"),
}
_ZH_PROMISE = (
    "{date}还{amount}",
    "我{date}先还{amount}",
    "这样吧，{date}还{amount}",
    "{date}能还{amount}",
)
_EN_PROMISE = (
    "I can pay {amount} {date}",
    "I'll send {amount} {date}",
    "ok, let me pay {amount} {date}",
    "{date} I can do {amount}",
)


@dataclass(frozen=True, slots=True)
class Phrasing:
    """Seeded wording for one conversation."""

    lang: str
    rng: random.Random

    def line(self, kind: str) -> str:
        return self.rng.choice(LINES[self.lang][kind])

    def amount(self, minor: int | None) -> str:
        """An amount as a borrower says it; None is "the whole amount"."""
        if minor is None:
            return self.rng.choice(("全部", "全额")) if self.lang == "zh" else "the full amount"
        major = minor // 100
        if self.lang == "en":
            return self.rng.choice((f"${major:,}", f"{major} dollars", f"${major}"))
        spoken = cn2an.an2cn(major) if major % 100 == 0 else str(major)
        return self.rng.choice((f"{spoken}", f"{major}块", f"{major}元"))

    def date(self, far: bool = False) -> str:
        return self.rng.choice((FAR_DATES if far else NEAR_DATES)[self.lang])

    def promise(self, minor: int | None, *, far: bool = False) -> str:
        pattern = self.rng.choice(_ZH_PROMISE if self.lang == "zh" else _EN_PROMISE)
        return pattern.format(amount=self.amount(minor), date=self.date(far))

    def self_harm_with_promise(self, minor: int | None) -> str:
        return self.line("self_harm_promise").format(amount=self.amount(minor), date=self.date())
