"""Language detection by script ratio: Han characters against Latin words.

A Chinese word is about 1.5 characters, an English word about 5 letters, so we compare Han
characters with Latin *words*. Mixed text goes to the language that carries more of it; ties go to
Chinese (a borrower who writes any Chinese is usually answered in Chinese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from huankuan.dialogue.nlu.text import is_han

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
_LATIN_WORD = re.compile(r"[a-zA-Z]{2,}|\b[aAiI]\b")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    lang: Lang
    mixed: bool
    han_chars: int
    latin_words: int


def detect_language(text: str, default: Lang = "zh") -> LanguageGuess:
    """Guess zh or en; `mixed` is true when both scripts are present."""
    han = sum(1 for ch in text if is_han(ch))
    latin = len(_LATIN_WORD.findall(text))
    if han == 0 and latin == 0:
        return LanguageGuess(default, False, 0, 0)
    lang: Lang = "zh" if han >= latin else "en"
    return LanguageGuess(lang, han > 0 and latin > 0, han, latin)
