"""Text normalisation shared by language detection, tokenizers, the safety layer and extractors."""

from __future__ import annotations

import re
import unicodedata

# A few traditional characters borrowers type (or IMEs produce) mapped to the simplified forms our
# rules and corpus use; a full converter would be a dependency for little gain.
_TRADITIONAL = str.maketrans(
    "還錢號週禮這個麼們說話電為會沒幾時間後對給單塊萬兩點實難過應該吧讓請問誰帳賬銀債務貸歲"
    "殺樓藥斷絕遺體傷們願無聽",
    "还钱号周礼这个么们说话电为会没几时间后对给单块万两点实难过应该吧让请问谁账账银债务贷岁"
    "杀楼药断绝遗体伤们愿无听",
)
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, simplified characters, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_TRADITIONAL)
    return _SPACES.sub(" ", text.lower()).strip()


def is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def compact_zh(text: str) -> str:
    """Han characters, letters and digits only: punctuation and spaces removed (ASR-like)."""
    return "".join(ch for ch in text if is_han(ch) or ch.isalnum())


_CONTRACTIONS: tuple[tuple[str, str], ...] = (
    (r"\bwon'?t\b", "will not"),
    (r"\bcan'?t\b", "can not"),
    (r"\bcannot\b", "can not"),
    (r"\bain'?t\b", "am not"),
    (r"\b(do|does|did|is|are|was|were|would|should|could|have|has|had)n'?t\b", r"\1 not"),
    (r"\bi'?m\b", "i am"),
    (r"\bim\b", "i am"),
    (r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will"),
    (r"\bi'?ll\b", "i will"),
    (r"\b(i|you|we|they)'ve\b", r"\1 have"),
    (r"\b(i|you|we|they|he|she)'d\b", r"\1 would"),
    (r"\bid\b(?= (rather|prefer|like|love|sooner))", "i would"),
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bgotta\b", "got to"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\bpls|plz\b", "please"),
)
_COMPILED_CONTRACTIONS = tuple((re.compile(pattern), repl) for pattern, repl in _CONTRACTIONS)


def expand_en(text: str) -> str:
    """Lower-case English with contractions spelled out and punctuation turned into spaces."""
    text = normalize(text)
    for pattern, repl in _COMPILED_CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = re.sub(r"[^\w$.%]+", " ", text)
    return _SPACES.sub(" ", text).strip()
