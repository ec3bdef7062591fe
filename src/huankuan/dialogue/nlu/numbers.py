"""Numbers written the ways borrowers write them: 两千五, 一万二, 3千, 1.5万, 5k, "two hundred"."""

from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation

import cn2an

# cn2an logs at INFO on some inputs; the robot's logs are not the place for that.
logging.getLogger("cn2an").setLevel(logging.WARNING)

ZH_DIGITS = "零〇一二两三四五六七八九"
ZH_UNITS = "十百千万亿"
ZH_NUMERAL_CHARS = ZH_DIGITS + ZH_UNITS + "壹贰叁肆伍陆柒捌玖拾佰仟"
_CAPITAL = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟", "一二三四五六七八九十百千")
_SMALL_ZH = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}


def zh_to_number(text: str) -> Decimal | None:
    """A Chinese (or mixed digit + Chinese unit) numeral as a number, None when it is not one.

    Colloquial elisions follow cn2an's 'smart' mode: 两千五 = 2500, 一万二 = 12000, 三百五 = 350.
    """
    text = text.translate(_CAPITAL).strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return Decimal(text)
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return _digit_by_digit(text)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _digit_by_digit(text: str) -> Decimal | None:
    """一五 / 二零 style (digits read one by one), as ASR sometimes writes them."""
    if all(ch in _SMALL_ZH for ch in text):
        return Decimal("".join(str(_SMALL_ZH[ch]) for ch in text))
    return None


_EN_UNITS = {
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "couple": 2,
}
_EN_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000, "million": 1_000_000}
EN_NUMBER_WORDS = frozenset(_EN_UNITS) | frozenset(_EN_TENS) | frozenset(_EN_SCALES) | {"and"}


def en_words_to_number(words: list[str]) -> Decimal | None:
    """'two hundred and fifty' → 250, 'fifteen hundred' → 1500, 'a grand' → 1000."""
    total = Decimal(0)
    current = Decimal(0)
    seen_number = False
    for word in words:
        if word == "and":
            continue
        if word in _EN_UNITS:
            current += _EN_UNITS[word]
        elif word in _EN_TENS:
            current += _EN_TENS[word]
        elif word in _EN_SCALES:
            scale = _EN_SCALES[word]
            current = max(current, Decimal(1)) * scale
            if scale >= 1000:
                total += current
                current = Decimal(0)
        elif re.fullmatch(r"\d+(\.\d+)?", word):
            current += Decimal(word)
        else:
            return None
        seen_number = True
    if not seen_number:
        return None
    return total + current
