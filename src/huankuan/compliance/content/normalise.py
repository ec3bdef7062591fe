"""Input normalisation before matching, keeping a map back to the original characters.

Senders (and careless templates) defeat naive matching with full-width letters, traditional
characters, separators between characters (公 安 局, 公-安-局, f.u.c.k), leetspeak (sh1t, d3adbeat)
and look-alike letters. Every rule and the classifier see the normalised text; hits report the
span of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Traditional → simplified for the characters that occur in collection language. A full
# converter (OpenCC) would be a dependency; these cover the words the lexicons use.
_TRADITIONAL = (
    "債债還还錢钱殺杀滅灭門门務务條条單单徵征傳传罰罚賴赖騙骗廢废媽妈親亲聯联繫系電电話话撥拨訊讯"
    "錄录們们會会讓让處处關关書书報报檢检經经偵侦執执請请給给說说這这個个對对貸贷帳账賬账費费額额"
    "級级區区縣县將将嗎吗開开發发戶户擊击斷断頭头殘残燒烧槍枪兒儿麼么從从時时間间號号碼码網网醜丑"
    "狀状師师謂谓訴诉訟讼審审判判決决罪罪獄狱監监禁禁捕捕據据違违約约滯滞納纳險险絡络嚇吓賤贱蟲虫"
    "豬猪畜畜滾滚腦脑殘残罵骂醫医療疗職职業业辦办團团隊队統统計计領领導导員员財财產产凍冻結结帶带"
    "讀读學学孩孩們们認认識识鄰邻裡里裏里鄉乡現现實实當当無无論论為为聽听見见應应該该頓顿臉脸軍军"
    "機机構构麵面賠赔償偿幣币圓圆萬万億亿價价總总計计數数"
)
TRADITIONAL_TO_SIMPLIFIED: dict[str, str] = {
    _TRADITIONAL[i]: _TRADITIONAL[i + 1] for i in range(0, len(_TRADITIONAL), 2)
}

# Look-alike Cyrillic/Greek letters used to slip past English word lists.
_LOOKALIKES = {
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "і": "i",
    "ѕ": "s",
    "ј": "j",
    "к": "k",
    "м": "m",
    "т": "t",
    "в": "b",
    "н": "h",
    "ο": "o",
    "α": "a",
    "ε": "e",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "τ": "t",
    "ρ": "p",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
}
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Separators an evader puts between the characters of one word. Clause punctuation (，。,;!?)
# is kept: negation and proximity rules must not reach across clauses.
_EVASION_SEPARATORS = frozenset(" \t\n\r-_*·•~|/\\+=.'\"`^#")
_WORD_TOKEN = re.compile(r"[a-z0-9@$!]+")
_SPACED_RUN = re.compile(
    r"(?<![^\W\d_])(?:[^\W\d_][\s.\-_*·•~|/\\+,'\"`^]{1,3}){2,}"
    r"(?:[^\W\d_](?![^\W\d_])|[\u4e00-\u9fff])"
)


def is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text plus, for each of its characters, the index of the original character."""

    original: str
    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> str:
        if start >= end or not self.origin:
            return ""
        return self.original[self.origin[start] : self.origin[end - 1] + 1]


def normalise(text: str) -> Normalised:
    chars, origin = _fold_characters(text)
    chars, origin = _unleet(chars, origin)
    chars, origin = _collapse_spaced_runs(chars, origin)
    chars, origin = _drop_separators_between_cjk(chars, origin)
    chars, origin = _squeeze_spaces(chars, origin)
    return Normalised(text, "".join(chars), tuple(origin))


def _fold_characters(text: str) -> tuple[list[str], list[int]]:
    """Width, compatibility forms, case, look-alikes and traditional characters, per character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _ZERO_WIDTH:
            continue
        for folded in unicodedata.normalize("NFKC", char).casefold():
            folded = _LOOKALIKES.get(folded, folded)
            folded = TRADITIONAL_TO_SIMPLIFIED.get(folded, folded)
            chars.append(folded)
            origin.append(index)
    return chars, origin


def _unleet(chars: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    """sh1t → shit, d3adb3at → deadbeat; tokens without letters ($500, 24) are left alone."""
    text = "".join(chars)
    for match in _WORD_TOKEN.finditer(text):
        token = match.group()
        letters = sum(char.isalpha() for char in token)
        leet = sum(char in _LEET for char in token)
        if letters >= 2 and leet and not _looks_like_quantity(token):
            for offset, char in enumerate(token):
                if char in _LEET and _inside_word(token, offset):
                    chars[match.start() + offset] = _LEET[char]
    return chars, origin


def _inside_word(token: str, offset: int) -> bool:
    """Leet inside a word (sh1t, a$$hole) or leading a word ($hit, @ss), never trailing (live!)."""
    before = token[:offset].rstrip("".join(_LEET))
    after = token[offset + 1 :].lstrip("".join(_LEET))
    if not after:
        return False
    return bool(before) or (token[offset] in "$@" and len(after) >= 2)


_QUANTITY = re.compile(r"^\$?\d+(st|nd|rd|th|am|pm|k|m|h|x|s|usd|rmb|yuan|min|hrs?|days?)?$")


def _looks_like_quantity(token: str) -> bool:
    return bool(_QUANTITY.match(token)) or (token.startswith("$") and token[1:2].isdigit())


def _collapse_spaced_runs(chars: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    """`f u c k`, `公，安，局`: three or more single characters, each followed by a separator."""
    text = "".join(chars)
    keep = [True] * len(chars)
    for match in _SPACED_RUN.finditer(text):
        for offset, char in enumerate(match.group()):
            if not char.isalpha():
                keep[match.start() + offset] = False
    return _filter(chars, origin, keep)


def _drop_separators_between_cjk(
    chars: list[str], origin: list[int]
) -> tuple[list[str], list[int]]:
    keep = [True] * len(chars)
    index = 0
    while index < len(chars):
        if chars[index] in _EVASION_SEPARATORS:
            end = index
            while end < len(chars) and chars[end] in _EVASION_SEPARATORS:
                end += 1
            if index > 0 and end < len(chars) and is_cjk(chars[index - 1]) and is_cjk(chars[end]):
                keep[index:end] = [False] * (end - index)
            index = end
        else:
            index += 1
    return _filter(chars, origin, keep)


def _squeeze_spaces(chars: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    keep = [True] * len(chars)
    for index, char in enumerate(chars):
        if char.isspace():
            chars[index] = " "
            if index > 0 and chars[index - 1] == " ":
                keep[index] = False
    return _filter(chars, origin, keep)


def _filter(chars: list[str], origin: list[int], keep: list[bool]) -> tuple[list[str], list[int]]:
    return (
        [char for char, kept in zip(chars, keep, strict=True) if kept],
        [index for index, kept in zip(origin, keep, strict=True) if kept],
    )


def detect_language(text: str) -> str:
    """zh when the text has any CJK ideograph, else en."""
    return "zh" if any(is_cjk(char) for char in text) else "en"
