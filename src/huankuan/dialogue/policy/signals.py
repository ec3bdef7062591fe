"""What the intent classifier does not give the script: bare answers (affirm / agree / deny), a plan
term the borrower asks for ("分12期", "over 12 months"), a time of day for a callback, and a
discount request. The word lists come from the script (data); these are the mechanisms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from huankuan.dialogue.nlu.numbers import zh_to_number
from huankuan.dialogue.nlu.text import normalize

Answer = Literal["affirm", "agree", "deny"]
_CLAUSE_SPLIT = re.compile(r"[,，。.!！?？~～、;；…]+")
# Particles that do not change a bare answer: 好的呀, 是的呢, yes please.
_ZH_PARTICLES = "啊呀呢吧哈嘛哦噢喔了的啦"
_EN_FILLERS = frozenset({"please", "sir", "madam", "ma'am", "thanks", "thank", "you", "i", "guess"})


@dataclass(frozen=True, slots=True)
class AnswerLexicon:
    """Whole-clause answers. `affirm` is an explicit yes (enough to confirm an identity); `agree`
    is assent to a proposal (好的, ok) but not to "are you Zhang Wei?"; `deny` is a no."""

    affirm: frozenset[str]
    agree: frozenset[str]
    deny: frozenset[str]


def bare_answer(text: str, lexicon: AnswerLexicon) -> Answer | None:
    """The answer when every clause of `text` is an affirm, agree or deny phrase; None otherwise.

    A question is no answer ("嗯？"). A deny clause mixed with assent is no bare answer ("no,
    ok"); an agree clause weakens affirm to agree ("yes, ok"). The rest is the classifier's."""
    normal = normalize(text)
    if "?" in normal:
        return None  # "嗯？", "yes?": a question is not an answer
    clauses = [
        _strip(part)
        for clause in _CLAUSE_SPLIT.split(normal)
        # Chinese has no spaces between words: a space there separates clauses ("好的 好的").
        for part in (clause.split() if _is_han_text(clause) else [clause])
    ]
    clauses = [clause for clause in clauses if clause]
    if not clauses:
        return None
    kinds: set[Answer] = set()
    for clause in clauses:
        kind = _clause_kind(clause, lexicon)
        if kind is None:
            return None
        kinds.add(kind)
    if "deny" in kinds:
        return "deny" if kinds == {"deny"} else None
    return "agree" if "agree" in kinds else "affirm"


def _strip(clause: str) -> str:
    words = [word for word in clause.split() if word not in _EN_FILLERS]
    return " ".join(words).strip(_ZH_PARTICLES) if words else ""


def _clause_kind(clause: str, lexicon: AnswerLexicon) -> Answer | None:
    for kind, words in (
        ("deny", lexicon.deny),
        ("affirm", lexicon.affirm),
        ("agree", lexicon.agree),
    ):
        if clause in words:
            return kind  # type: ignore[return-value]
    return None


def _is_han_text(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


_ZH_TERM = re.compile(
    r"(?:分|分成)\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:期|个月|次)|"
    r"(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:期|个月)"
)
_EN_NUMBERS = {
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
    "eighteen": 18,
    "twenty-four": 24,
    "twenty four": 24,
}
_EN_TERM = re.compile(
    r"\b(\d{1,2}|"
    + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True))
    + r")\s*(?:monthly\s+)?(?:months?|instal?lments?|payments|installs?)\b"
)
_EN_YEAR_TERM = re.compile(r"\b(a|one|two|1|2)\s+years?\b")


def requested_term(text: str) -> int | None:
    """The number of instalments asked for: 分12期 → 12, "over six months" → 6, "a year" → 12."""
    normal = normalize(text)
    match = _ZH_TERM.search(normal)
    if match:
        value = zh_to_number(match.group(1) or match.group(2))
        return int(value) if value is not None else None
    match = _EN_TERM.search(normal)
    if match:
        word = match.group(1)
        return int(word) if word.isdigit() else _EN_NUMBERS[word]
    match = _EN_YEAR_TERM.search(normal)
    if match:
        return 24 if match.group(1) in ("two", "2") else 12
    return None


_ZH_TIME = re.compile(
    r"(早上|上午|中午|下午|傍晚|晚上)?\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*[点點](半|(\d{1,2})分?)?"
)
_EN_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)|\bat\s+(\d{1,2}):(\d{2})\b")
_ZH_AFTERNOON = frozenset({"中午", "下午", "傍晚", "晚上"})


def requested_time(text: str) -> str | None:
    """A clock time for a callback as "HH:MM": 下午三点 → 15:00, "3:30 pm" → 15:30."""
    normal = normalize(text)
    match = _ZH_TIME.search(normal)
    if match:
        hour_value = zh_to_number(match.group(2))
        if hour_value is None:
            return None
        hour = int(hour_value)
        minute = 30 if match.group(3) == "半" else int(match.group(4) or 0)
        if match.group(1) in _ZH_AFTERNOON and hour < 12:
            hour += 12
        return _clock(hour, minute)
    match = _EN_TIME.search(normal)
    if not match:
        return None
    if match.group(4):
        return _clock(int(match.group(4)), int(match.group(5)))
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3).startswith("p") and hour < 12:
        hour += 12
    elif match.group(3).startswith("a") and hour == 12:
        hour = 0
    return _clock(hour, minute)


def _clock(hour: int, minute: int) -> str | None:
    return f"{hour:02d}:{minute:02d}" if 0 <= hour < 24 and 0 <= minute < 60 else None


def mentions_any(text: str, words: Iterable[str]) -> bool:
    normal = normalize(text)
    return any(word in normal for word in words)
