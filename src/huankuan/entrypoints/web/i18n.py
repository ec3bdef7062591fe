"""The pages' words in Chinese and English: every `i18n/<area>.yaml` maps a key to its zh and en
text; both are required, keys are unique across files, and a missing key is an error (never an
untranslated string on a borrower's screen)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from huankuan.domain.errors import InvalidInput
from huankuan.yaml_schema import load_yaml

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
CATALOG_DIR = Path(__file__).with_name("i18n")


@cache
def catalog(directory: Path = CATALOG_DIR) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        document = load_yaml(path)
        data: Any = document.data
        if not isinstance(data, dict):
            raise document.error((), "a catalogue maps keys to {zh: …, en: …}")
        for key, texts in data.items():
            if key in merged:
                raise document.error((key,), f"key {key!r} is already defined in {origin[key]}")
            if not isinstance(texts, dict) or set(texts) != set(LANGS):
                raise document.error((key,), "needs exactly the languages zh and en")
            if not all(isinstance(text, str) and text.strip() for text in texts.values()):
                raise document.error((key,), "every text must be a non-empty string")
            merged[key], origin[key] = texts, path.name
    return merged


def translate(key: str, lang: str, **values: object) -> str:
    try:
        text = catalog()[key][lang if lang in LANGS else "zh"]
    except KeyError:
        raise InvalidInput(f"no text for {key!r} in the pages' catalogue") from None
    return text.format(**values) if values else text


def pick_lang(requested: str | None, accept_language: str | None) -> Lang:
    """The cookie's choice, else the browser's first zh/en preference, else Chinese."""
    if requested in LANGS:
        return requested
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "zh"
