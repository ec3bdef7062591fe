"""Deceptive amounts: money and rates in the text compared with the contract and the legal cap.

The lexicon says which words make an amount a fee, an amount due, or a relief (a discount is
never deceptive); this module finds the numbers (¥2,000, 两千元, 1.5万元, $350, 50%, 百分之五十,
日息1%) and compares them with the context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from huankuan.compliance.content.lexicon import AmountVocabulary
from huankuan.compliance.content.model import ScreeningContext

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_NUMBER = r"(?:\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
_MONEY = re.compile(
    rf"(?:(?P<pre>[$¥]|usd|rmb|人民币)\s*(?P<n1>{_NUMBER})(?:\s*(?P<m1>[万千kK]|亿))?"
    rf"|(?P<n2>{_NUMBER})\s*(?P<m2>[万千kK]|亿)?\s*(?P<post>元|块钱|块|dollars?|bucks|usd|rmb))"
)
_PERCENT = re.compile(
    rf"(?:(?P<n1>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)|百分之(?P<n2>{_NUMBER}))"
)
_CLAUSE_END = re.compile(r"[;!?。；！？\n]|[,.](?!\d)")
_SENTENCE_END = re.compile(r"[;!?。；！？\n]|\.(?!\d)")
_WINDOW = 40


@dataclass(frozen=True, slots=True)
class AmountFinding:
    check: str  # one of AmountVocabulary.checks
    start: int
    end: int
    detail: str


def chinese_number(text: str) -> int | None:
    """两千五百 → 2500, 十二 → 12, 三万 → 30000; None when it is not a numeral."""
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
        elif char in _CN_BIG:
            total += (section + (digit or 0)) * _CN_BIG[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _number(raw: str) -> Decimal | None:
    if raw[0].isdigit():
        try:
            return Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return None
    value = chinese_number(raw)
    return None if value is None else Decimal(value)


def _multiplier(raw: str | None) -> int:
    return {"万": 10_000, "亿": 100_000_000, "千": 1000, "k": 1000}.get((raw or "").lower(), 1)


def money_mentions(text: str) -> list[tuple[int, int, int]]:
    """(start, end, minor units) for every amount of money in normalised text."""
    mentions = []
    for match in _MONEY.finditer(text):
        raw = match.group("n1") or match.group("n2")
        value = _number(raw)
        if value is None:
            continue
        factor = _multiplier(match.group("m1") or match.group("m2"))
        mentions.append((match.start(), match.end(), int(value * factor * 100)))
    return mentions


def percent_mentions(text: str) -> list[tuple[int, int, Decimal]]:
    mentions = []
    for match in _PERCENT.finditer(text):
        value = _number(match.group("n1") or match.group("n2"))
        if value is not None:
            mentions.append((match.start(), match.end(), value))
    return mentions


def _clause_around(text: str, start: int, end: int) -> str:
    """The text of the clause holding [start, end), at most _WINDOW characters either side."""
    left = max(0, start - _WINDOW)
    for boundary in _CLAUSE_END.finditer(text, left, start):
        left = boundary.end()
    right = min(len(text), end + _WINDOW)
    after = _CLAUSE_END.search(text, end, right)
    if after:
        right = after.start()
    return text[left:start] + " " + text[end:right]


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding [start, end): a rate's period may sit in an earlier clause."""
    left = 0
    for boundary in _SENTENCE_END.finditer(text, 0, start):
        left = boundary.end()
    after = _SENTENCE_END.search(text, end)
    return text[left : after.start() if after else len(text)]


def find_deceptive_amounts(
    text: str, vocabulary: AmountVocabulary, context: ScreeningContext
) -> list[AmountFinding]:
    findings = []
    for start, end, minor in money_mentions(text):
        around = _clause_around(text, start, end)
        if vocabulary.relief_words.search(around):
            continue
        cap = context.contract_max_fee_minor
        if cap is not None and minor > cap and vocabulary.fee_words.search(around):
            findings.append(
                AmountFinding(
                    "fee_above_contract",
                    start,
                    end,
                    f"fee {minor / 100:.2f} > contract maximum {cap / 100:.2f}",
                )
            )
        due = context.amount_due_minor
        if due is not None and minor > due and vocabulary.due_words.search(around):
            findings.append(
                AmountFinding(
                    "due_above_balance",
                    start,
                    end,
                    f"amount {minor / 100:.2f} > amount due {due / 100:.2f}",
                )
            )
    cap_percent = Decimal(
        str(
            context.fee_cap_percent
            if context.fee_cap_percent is not None
            else vocabulary.default_cap_percent
        )
    )
    for start, end, percent in percent_mentions(text):
        around = _clause_around(text, start, end)
        if vocabulary.relief_words.search(around) or not vocabulary.fee_words.search(around):
            continue
        annual = percent * _periods_per_year(vocabulary, _sentence_around(text, start, end))
        if annual > cap_percent:
            findings.append(
                AmountFinding(
                    "rate_above_cap", start, end, f"{annual:.4g}% a year > cap {cap_percent:.4g}%"
                )
            )
    return findings


def _periods_per_year(vocabulary: AmountVocabulary, sentence: str) -> int:
    """How often a rate stated in `sentence` applies in a year (1: an annual rate)."""
    if vocabulary.per_day.search(sentence):
        return 365
    if vocabulary.per_week is not None and vocabulary.per_week.search(sentence):
        return 52
    return 12 if vocabulary.per_month.search(sentence) else 1
