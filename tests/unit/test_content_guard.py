"""The content guard on sentences written for these tests (none is in the corpus): what it must
catch per category, what must pass, and what the context changes."""

from __future__ import annotations

import pytest

from huankuan.compliance.content import CATEGORIES, ContentGuard, Screening, default_guard
from huankuan.compliance.content.corpus import HELDOUT_FILE, TRAIN_FILE, read_labelled
from huankuan.domain.errors import InvalidInput

MUST_CATCH: dict[str, list[tuple[str, str]]] = {
    "threat_violence": [
        ("zh", "三天内不还，我就让人打断你的腿"),
        ("zh", "我们明天就派人上门找你谈谈"),
        ("zh", "你老婆每天几点下班我们都知道，你自己小心"),
        ("zh", "信不信我现在就带人去你家"),
        ("en", "We know where you live, so don't test us."),
        ("en", "Pay by tonight or you'll get hurt."),
        ("en", "Someone is going to break your arms if this isn't paid."),
        ("en", "Our guys will show up at your house this weekend."),
        # Veiled threats in everyday words
        ("en", "It would be a shame if something happened to your truck."),
        ("en", "Accidents happen, you know."),
        ("en", "We know where your kids go to school every morning."),
        ("en", "You should watch your back from here on."),
        ("zh", "小心点。"),
        ("zh", "出门注意安全啊。"),
        ("zh", "你家住哪我们清楚得很。"),
    ],
    "profanity_insult": [
        ("zh", "你就是个欠钱不还的老赖"),
        ("zh", "你这个废物，连这点钱都拿不出来"),
        ("zh", "骗子，当初借钱的时候怎么不说没钱"),
        ("zh", "你他妈的到底什么时候还"),
        ("en", "Pay up, you deadbeat."),
        ("en", "You're a lying piece of garbage."),
        ("en", "What the f*ck are you waiting for?"),
        ("en", "Stop wasting my time, you idiot."),
    ],
    "impersonation_authority": [
        ("zh", "我是市公安局的，你的借款问题需要配合调查"),
        ("zh", "经侦已经在查你了"),
        ("zh", "法院传票这两天就会送到你家"),
        ("zh", "这里是区检察院，请你马上回电"),
        ("zh", "我们会给你发律师函"),
        ("en", "This is the Civil Investigations Unit calling about your account."),
        ("en", "This is the sheriff, you need to call me back today."),
        ("en", "I'm a federal agent and I am handling your file."),
        ("en", "You will receive a subpoena by mail."),
    ],
    "false_legal_consequence": [
        ("zh", "再拖下去你就要坐牢了"),
        ("zh", "不还钱会被拘留的"),
        ("zh", "你这是要负刑事责任的"),
        ("zh", "我们马上让警察来抓你"),
        ("zh", "你会被列入失信被执行人名单，坐不了高铁"),
        ("en", "You will be arrested if you don't pay by Monday."),
        ("en", "We are filing criminal charges against you."),
        ("en", "Not paying this loan will put you in jail."),
        ("en", "We'll garnish your wages next month."),
    ],
    "third_party_disclosure": [
        ("zh", "我们会告诉你家人你欠钱不还"),
        ("zh", "你儿子欠了我们一万块钱，你当妈的管不管"),
        ("zh", "我们已经通知你公司领导你的欠款逾期了"),
        ("en", "Your brother owes us $3,000 and won't pay."),
        ("en", "We told your boss about the money you owe."),
        ("en", "Can you help your daughter pay off her loan? She is 60 days late."),
    ],
    "harassment": [
        ("zh", "不还钱就爆你通讯录"),
        ("zh", "我们会打给你所有联系人"),
        ("zh", "我们会把你的欠款截图发到朋友圈"),
        ("zh", "从今天开始每个小时给你打一次电话，打到你还为止"),
        ("en", "We'll call your boss tomorrow."),
        ("en", "We will call you every hour until you pay."),
        ("en", "We're going to text everyone in your contact list."),
        ("en", "We'll post about your debt on Facebook."),
    ],
    "deceptive_amount": [
        ("zh", "借款要先扣除20%的砍头息"),
        ("zh", "我们要收取1000元的上门费"),
        ("zh", "不马上还，明天利息就翻倍"),
        ("en", "A processing fee of 50% will be added today."),
        ("en", "There is a $300 collection fee for this call."),
        ("en", "Your balance will double if you wait."),
    ],
}

MUST_PASS: list[tuple[str, str]] = [
    ("zh", "请于本周五前还款。"),
    ("zh", "您的账户已逾期30天，请尽快处理。"),
    ("zh", "逾期会影响您的信用记录。"),
    ("zh", "如您长期不还款，我们可能依法提起诉讼。"),
    ("zh", "您好，我们可以为您提供分期还款方案，请问您每月能还多少？"),
    ("zh", "您好，这里是还款提醒，本期应还2,300元，最后还款日为3月8日。"),
    ("zh", "如果您已经还款，请忽略本短信，谢谢。"),
    ("zh", "我们理解您的困难，可以为您申请延期三十天。"),
    ("zh", "请通过官方APP还款，谨防诈骗。"),
    ("zh", "我们不会联系您的家人，也不会上门。"),
    ("zh", "您放心，民事欠款不会让您坐牢。"),
    ("zh", "请您在方便的时候回电，谢谢。"),
    ("zh", "根据合同约定，逾期期间将按日计收罚息。"),
    ("zh", "不客气，祝您周末愉快。"),
    # Casual but lawful agent text (你, not 您), and lenders whose names contain 信用
    ("zh", "你这个月能先还一千吗？"),
    ("zh", "您好，这里是小橙信用。"),
    ("zh", "您好，我是招商银行信用卡中心的客服。"),
    ("en", "Please pay by Friday."),
    ("en", "Your account is 30 days overdue."),
    (
        "en",
        "This is an attempt to collect a debt and any information obtained will be used "
        "for that purpose.",
    ),
    ("en", "We can set up a payment plan of $75 a month if that helps."),
    ("en", "If you have already sent your payment, please disregard this notice."),
    ("en", "We may file a lawsuit if the account remains unpaid."),
    ("en", "Late payments may be reported to the credit bureaus."),
    ("en", "You have the right to dispute this debt within 30 days."),
    ("en", "This is a reminder that your payment of $120 is due on the 15th."),
    ("en", "We won't discuss your account with anyone but you."),
    ("en", "You will not be arrested, and this is not a criminal matter."),
    ("en", "Thanks for your time today, have a good evening."),
    ("en", "We'll get you set up on a plan that works for you."),
    ("en", "Our online payment portal is available 24/7."),
]

CONTEXT_CASES: list[tuple[str, str, dict[str, object], tuple[str, ...]]] = [
    # Credit reporting is lawful to mention only when the lender reports.
    ("zh", "逾期会影响您的信用记录。", {"reports_to_bureau": True}, ()),
    ("zh", "逾期会影响您的信用记录。", {"reports_to_bureau": False}, ("false_legal_consequence",)),
    (
        "en",
        "Late payments may be reported to the credit bureaus.",
        {"reports_to_bureau": False},
        ("false_legal_consequence",),
    ),
    ("en", "Late payments may be reported to the credit bureaus.", {"reports_to_bureau": True}, ()),
    # A lender's name is no claim about the credit record, whatever the lender reports.
    ("zh", "谢谢您。我是小橙信用的智能客服。", {"reports_to_bureau": False}, ()),
    ("zh", "您在信用卡中心的本期账单已出。", {"reports_to_bureau": False}, ()),
    ("zh", "逾期会损害您的个人信用。", {"reports_to_bureau": False}, ("false_legal_consequence",)),
    # "Blacklist" is flagged unless bureau reporting is known.
    ("zh", "逾期会上征信黑名单。", {}, ("false_legal_consequence",)),
    ("zh", "逾期会上征信黑名单。", {"reports_to_bureau": True}, ()),
    # Suit threats: lawful on a live debt, never on a time-barred one.
    ("zh", "我们可能依法提起诉讼。", {"time_barred": False}, ()),
    ("zh", "我们可能依法提起诉讼。", {"time_barred": True}, ("false_legal_consequence",)),
    ("en", "We will sue you.", {"time_barred": True}, ("false_legal_consequence",)),
    ("en", "We may sue you to recover the balance.", {"time_barred": False}, ()),
    ("en", "Because of the age of this debt, we will not sue you.", {"time_barred": True}, ()),
    # Court enforcement words are lawful once a suit exists.
    ("zh", "你会被列入失信被执行人名单。", {"lawsuit_filed": False}, ("false_legal_consequence",)),
    ("zh", "法院判决生效后，如仍不履行，可能被列入失信被执行人名单。", {"lawsuit_filed": True}, ()),
    ("en", "A lawsuit has been filed against you.", {}, ("false_legal_consequence",)),
    ("en", "A lawsuit has been filed against you.", {"lawsuit_filed": True}, ()),
    # A lawyer may send a lawyer's letter.
    ("zh", "本所受委托向您发出律师函。", {}, ("impersonation_authority",)),
    ("zh", "本所受委托向您发出律师函。", {"sender_is_attorney": True}, ()),
    # To anyone but the debtor, any mention of the debt is disclosure.
    (
        "zh",
        "张先生的借款已经逾期了。",
        {"recipient_role": "emergency_contact"},
        ("third_party_disclosure",),
    ),
    ("zh", "张先生的借款已经逾期了。", {"recipient_role": "self"}, ()),
    (
        "en",
        "Please remind Mr. Lee that his payment is overdue.",
        {"recipient_role": "workplace"},
        ("third_party_disclosure",),
    ),
    ("en", "Please remind Mr. Lee that his payment is overdue.", {"recipient_role": "debtor"}, ()),
    (
        "en",
        "Hello, could you ask Mr. Lee to call Anna at 555-0100?",
        {"recipient_role": "emergency_contact"},
        (),
    ),
    ("zh", "您好，麻烦您转告李先生给我们回个电话。", {"recipient_role": "third_party"}, ()),
    # Fees above the contract's maximum, rates above the cap, more than is due.
    (
        "zh",
        "本期需支付逾期管理费3000元。",
        {"contract_max_fee_minor": 100000},
        ("deceptive_amount",),
    ),
    ("zh", "本期需支付逾期管理费300元。", {"contract_max_fee_minor": 100000}, ()),
    (
        "en",
        "A late fee of $95 has been applied.",
        {"contract_max_fee_minor": 3500},
        ("deceptive_amount",),
    ),
    ("en", "A late fee of $25 has been applied.", {"contract_max_fee_minor": 3500}, ()),
    (
        "en",
        "You owe $5,000 today.",
        {"amount_due_minor": 120000, "recipient_role": "debtor"},
        ("deceptive_amount",),
    ),
    ("en", "You owe $1,200 today.", {"amount_due_minor": 120000, "recipient_role": "debtor"}, ()),
    ("zh", "罚息按日息0.5%计算。", {}, ("deceptive_amount",)),
    ("zh", "罚息按年化18%计算。", {}, ()),
    ("en", "Interest accrues at 30% APR.", {"fee_cap_percent": 24}, ("deceptive_amount",)),
    ("en", "Interest accrues at 30% APR.", {}, ()),
]


@pytest.fixture(scope="module")
def guard() -> ContentGuard:
    return default_guard()


def _cases(lists: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str, str]]:
    return [(category, lang, text) for category, items in lists.items() for lang, text in items]


@pytest.mark.parametrize(
    ("category", "lang", "text"),
    _cases(MUST_CATCH),
    ids=lambda value: value if len(value) < 40 else value[:40],
)
def test_it_catches_each_category(guard: ContentGuard, category: str, lang: str, text: str) -> None:
    screening = guard.screen(text, lang)
    assert screening.verdict == "violation"
    assert category in screening.categories, screening.hits


@pytest.mark.parametrize(("lang", "text"), MUST_PASS, ids=lambda value: value[:40])
def test_it_passes_firm_lawful_language(guard: ContentGuard, lang: str, text: str) -> None:
    screening = guard.screen(text, lang)
    assert screening == Screening("ok", ()), screening.hits


@pytest.mark.parametrize(
    ("lang", "text", "context", "expected"), CONTEXT_CASES, ids=lambda value: str(value)[:40]
)
def test_it_reads_the_context(
    guard: ContentGuard, lang: str, text: str, context: dict[str, object], expected: tuple[str, ...]
) -> None:
    categories = guard.screen(text, lang, context).categories
    if expected:
        assert set(expected) <= set(categories)
    else:
        assert categories == ()


def test_it_keeps_the_test_sentences_out_of_the_corpus() -> None:
    corpus = {
        example.text for path in (TRAIN_FILE, HELDOUT_FILE) for example in read_labelled(path)
    }
    ours = {text for _, _, text in _cases(MUST_CATCH)} | {text for _, text in MUST_PASS}
    assert not ours & corpus


def test_it_explains_every_hit_with_a_rule_and_the_original_words(guard: ContentGuard) -> None:
    screening = guard.screen("我是公 安 局的，再不还就抓你坐牢", "zh")
    assert {"impersonation_authority", "false_legal_consequence"} <= set(screening.categories)
    police = next(hit for hit in screening.hits if hit.category == "impersonation_authority")
    assert police.rule_id == "content.zh.impersonation.police"
    assert police.span == "公 安"
    assert all(hit.explanation and hit.rule_id.startswith("content.zh.") for hit in screening.hits)


def test_it_orders_categories_as_the_contract_lists_them(guard: ContentGuard) -> None:
    screening = guard.screen("你这个老赖，再不还就打断你的腿，还要告诉你全家你欠钱", "zh")
    assert list(screening.categories) == [c for c in CATEGORIES if c in screening.categories]
    assert len(screening.categories) >= 3


def test_it_falls_back_on_the_classifier_for_unlisted_phrasing(guard: ContentGuard) -> None:
    screening = guard.screen("你那两条腿是不是不想要了", "zh")
    assert "threat_violence" in screening.categories


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "hi"),
        ("en", "Hello"),
        ("en", "Thanks"),
        ("zh", "你好"),
        ("zh", "嗯"),
        ("zh", "好的"),
    ],
)
def test_it_leaves_short_greetings_to_the_rules(guard: ContentGuard, lang: str, text: str) -> None:
    assert guard.screen(text, lang).verdict == "ok"


def test_it_still_catches_short_abuse_by_rule(guard: ContentGuard) -> None:
    assert guard.screen("滚", "zh").categories == ("profanity_insult",)
    assert guard.screen("fuck off", "en").categories == ("profanity_insult",)


def test_it_gives_the_same_answer_every_time(guard: ContentGuard) -> None:
    text = "We will call your employer and tell them about your debt."
    assert len({guard.screen(text, "en") for _ in range(5)}) == 1


def test_it_detects_the_language_when_none_is_given(guard: ContentGuard) -> None:
    assert guard.screen("再不还钱就打断你的腿").verdict == "violation"
    assert guard.screen("Please pay by Friday.").verdict == "ok"


@pytest.mark.parametrize(
    ("lang", "context"),
    [
        ("fr", None),
        ("en", {"reports_to_bureau": "yes"}),
        ("en", {"recipient_role": "neighbour"}),
        ("en", {"contract_max_fee_minor": -5}),
        ("en", {"unknown_fact": True}),
    ],
)
def test_it_refuses_bad_languages_and_contexts(
    guard: ContentGuard, lang: str, context: dict[str, object] | None
) -> None:
    with pytest.raises(InvalidInput):
        guard.screen("Please pay by Friday.", lang, context)
