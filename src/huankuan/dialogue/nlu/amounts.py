"""Amount mentions (zh and en): 五百, 两千五, 一万二, 3千, 5k, $200, 200块, "two hundred", and
shares of the balance (一半, "half of it", 全部) when the balance is known."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from huankuan.dialogue.nlu.dates import find_dates
from huankuan.dialogue.nlu.numbers import EN_NUMBER_WORDS, en_words_to_number, zh_to_number


@dataclass(frozen=True, slots=True)
class AmountMention:
    start: int
    end: int
    value: Decimal
    marked: bool  # a currency sign or unit says it is money
    after_payment_verb: bool


_PREFIX = r"(?P<prefix>\$|¥|rmb|cny|usd|us\$)\s*"
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_NUMERAL = r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+"
_SUFFIX = (
    r"(?P<suffix>\s*(?:多|来|左右)?\s*(?:块钱|块|元|圆|人民币|rmb|cny|usd|刀|美元|美金|"
    r"dollars?\b|bucks?\b|quid\b))"
)
_ARABIC_SCALE = r"(?P<scale>\s*(?:k\b|千|万|百|grand\b|thousand\b|hundred\b))"
_NUMBER = re.compile(
    r"(?:" + _PREFIX + r")?(?P<number>" + _ARABIC + r")" + _ARABIC_SCALE + r"?" + _SUFFIX + r"?"
    r"|(?P<zh>" + _ZH_NUMERAL + r")" + _SUFFIX.replace("<suffix>", "<zhsuffix>") + r"?"
)
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:期|个月|月|天|周|年|岁|%|号|日|次|点|个|分钟|小时|倍|成|人|口|楼|层|"
    r"months?\b|days?\b|weeks?\b|years?\b|times?\b|percent\b|kids?\b|children\b|hours?\b|"
    r"minutes?\b|installments?\b|instalments?\b|payments?\b|people\b|%)"
)
_NOT_MONEY_BEFORE = re.compile(
    r"(?:号码|账号|卡号|尾号|编号|手机|电话|第|分|account|number|no\.?|#|card|phone|ending in|"
    r"divided into|split into|over|每隔)\s*$"
)
_PAYMENT_VERB = re.compile(
    r"(?:还|付|转|打|交|给|凑|先还|还上|pay|paying|send|transfer|give|make|deposit|put down|"
    r"cover|manage|afford|do|wire)\s*(?:you\s+|it\s+|了\s*|你们\s*|上\s*)?(?:about\s+|around\s+|"
    r"only\s+|just\s+|like\s+|at least\s+|maybe\s+|大概|差不多|只能|先|个)?$"
)
_EN_NUMBER_RUN = re.compile(
    r"\b(?:(?:" + "|".join(sorted(EN_NUMBER_WORDS, key=len, reverse=True)) + r"|\d+)[\s-]+)*"
    r"(?:"
    + "|".join(sorted(EN_NUMBER_WORDS - {"a", "an", "and"}, key=len, reverse=True))
    + r")\b(?P<suffix>\s+(?:dollars?|bucks?|usd|quid)\b)?"
)
_SHARES: tuple[tuple[str, Decimal], ...] = (
    (r"一半|一半儿|半数|半的钱|\bhalf\b", Decimal("0.5")),
    (r"三分之一|\b(?:a|one) third\b", Decimal(1) / Decimal(3)),
    (r"四分之一|\b(?:a|one) quarter\b", Decimal("0.25")),
    (r"三分之二|\btwo thirds\b", Decimal(2) / Decimal(3)),
    (
        r"全部|全额|全款|所有的钱|一次性还清|一次还清|全还了|全都还|还清|结清|"
        r"\bin full\b|\bthe full (?:amount|balance)\b|"
        r"\bthe (?:whole|entire) (?:thing|amount|balance|debt|loan)\b|\ball of it\b|"
        r"\beverything i owe\b|\bpay (?:it|this|the loan|the debt) off\b|\bpay off\b",
        Decimal(1),
    ),
)
_COMPILED_SHARES = tuple((re.compile(pattern), share) for pattern, share in _SHARES)
_MAX_BARE_DIGITS = 6


def find_amounts(text: str, balance: Decimal | None = None) -> list[AmountMention]:
    """Every money mention in normalised text (dates and times are masked first)."""
    masked = _mask_dates(text)
    mentions = [*_numeric_mentions(masked), *_english_word_mentions(masked)]
    if balance is not None:
        mentions.extend(_share_mentions(masked, balance))
    return sorted(mentions, key=lambda m: m.start)


def extract_amount(text: str, balance: Decimal | None = None) -> Decimal | None:
    """The amount the borrower offers: a mention after a payment verb first, then a marked one,
    then the first."""
    mentions = find_amounts(text, balance)
    if not mentions:
        return None
    best = max(mentions, key=lambda m: (m.after_payment_verb, m.marked, -m.start))
    return best.value


def _mask_dates(text: str) -> str:
    from datetime import date

    chars = list(text)
    for mention in find_dates(text, date(2000, 1, 1)):
        for index in range(mention.start, mention.end):
            chars[index] = "\u2592"
    return "".join(chars)


def _numeric_mentions(text: str) -> list[AmountMention]:
    mentions = []
    for match in _NUMBER.finditer(text):
        value, marked = _numeric_value(match)
        if value is None or value <= 0:
            continue
        start, end = match.start(), match.end()
        if match.group("zh") is not None:
            start += len(match.group("zh")) - len(match.group("zh").lstrip("十百千万亿"))
        if not marked and not _bare_number_is_money(text, match, start):
            continue
        mentions.append(AmountMention(start, end, value, marked, _after_verb(text, start)))
    return mentions


def _numeric_value(match: re.Match[str]) -> tuple[Decimal | None, bool]:
    marked = any(match.group(name) for name in ("suffix", "zhsuffix", "prefix"))
    if match.group("number") is not None:
        number = Decimal(match.group("number").replace(",", ""))
        scale = (match.group("scale") or "").strip()
        factor = {
            "k": 1000,
            "千": 1000,
            "万": 10000,
            "百": 100,
            "grand": 1000,
            "thousand": 1000,
            "hundred": 100,
        }.get(scale, 1)
        return number * factor, marked or bool(scale)
    numeral = (
        match.group("zh").lstrip("十百千万亿")
        if not match.group("zh").startswith("十")
        else match.group("zh")
    )
    if not numeral or (len(numeral) < 2 and not marked):
        return None, marked
    if len(numeral) >= 2 and not any(unit in numeral for unit in "十百千万亿拾佰仟") and not marked:
        return None, marked  # 一二 / 三四: counting or a range, not an amount
    return zh_to_number(numeral), marked


def _bare_number_is_money(text: str, match: re.Match[str], start: int) -> bool:
    if _NOT_MONEY_AFTER.match(text, match.end()) or _NOT_MONEY_BEFORE.search(text[:start]):
        return False
    number = match.group("number")
    if number is not None:
        digits = number.replace(",", "").split(".")[0]
        if len(digits) > _MAX_BARE_DIGITS or (len(digits) > 1 and digits.startswith("0")):
            return False
        if match.group("scale") is None and len(digits) <= 2 and not _after_verb(text, start):
            return False  # "2" / "15" alone: a count, a day or a hour more often than money
    return True


def _english_word_mentions(text: str) -> list[AmountMention]:
    mentions = []
    for match in _EN_NUMBER_RUN.finditer(text):
        words = re.split(r"[\s-]+", match.group(0).replace(match.group("suffix") or "", "").strip())
        value = en_words_to_number(words)
        if value is None or value <= 0:
            continue
        marked = bool(match.group("suffix")) or any(
            w in {"hundred", "thousand", "grand", "million"} for w in words
        )
        after_verb = _after_verb(text, match.start())
        if _NOT_MONEY_AFTER.match(text, match.end()) or not (
            marked or (after_verb and value >= 20)
        ):
            continue
        mentions.append(AmountMention(match.start(), match.end(), value, marked, after_verb))
    return mentions


def _share_mentions(text: str, balance: Decimal) -> list[AmountMention]:
    mentions = []
    for pattern, share in _COMPILED_SHARES:
        for match in pattern.finditer(text):
            value = (balance * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            mentions.append(
                AmountMention(
                    match.start(), match.end(), value, True, _after_verb(text, match.start())
                )
            )
    return mentions


def _after_verb(text: str, start: int) -> bool:
    return bool(_PAYMENT_VERB.search(text[max(0, start - 24) : start]))
