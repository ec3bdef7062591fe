"""Language detection by script ratio."""

from __future__ import annotations

import pytest

from huankuan.dialogue.nlu.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang", "mixed"),
    [
        ("我下周五还五百", "zh", False),
        ("I can pay next Friday", "en", False),
        ("ok 我明天还", "zh", True),
        ("我要pay", "zh", True),
        ("I will pay 明天", "en", True),
        ("我真的 want to die", "zh", True),
        ("俺木有钱", "zh", False),
        ("5000", "zh", False),  # nothing to go on: the default
        ("", "zh", False),
    ],
)
def test_it_detects_the_language(text: str, lang: str, mixed: bool) -> None:
    guess = detect_language(text)
    assert (guess.lang, guess.mixed) == (lang, mixed)


def test_the_default_applies_only_without_letters() -> None:
    assert detect_language("12345", default="en").lang == "en"
    assert detect_language("还钱", default="en").lang == "zh"
