"""Featurizer input: normalised text with amounts and dates replaced by placeholders (so "我明天还
五百" and "我15号还两千" look alike), tokenized by the language's tokenizer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from huankuan.dialogue.nlu.amounts import find_amounts
from huankuan.dialogue.nlu.dates import find_dates
from huankuan.dialogue.nlu.language import Lang
from huankuan.dialogue.nlu.text import normalize
from huankuan.dialogue.nlu.tokenizers import en_tokenizer, zh_tokenizer

AMOUNT_MARK = "\u24b6"  # Ⓐ
DATE_MARK = "\u24b9"  # Ⓓ
_ANY_DAY = date(2000, 1, 3)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the featurizer sees: masked text for character n-grams, tokens for word n-grams."""

    text: str
    tokens: tuple[str, ...]

    def joined(self) -> str:
        """One string for scikit-learn: the masked text, a separator, the tokens."""
        return self.text + "\t" + " ".join(self.tokens)


def mask_entities(normal: str) -> str:
    spans = [(m.start, m.end, DATE_MARK) for m in find_dates(normal, _ANY_DAY)]
    spans += [(m.start, m.end, AMOUNT_MARK) for m in find_amounts(normal)]
    masked, last = [], 0
    for start, end, mark in sorted(spans):
        if start < last:
            continue
        masked.append(normal[last:start] + f" {mark} ")
        last = end
    masked.append(normal[last:])
    return " ".join("".join(masked).split())


def prepare(text: str, lang: Lang) -> Prepared:
    masked = mask_entities(normalize(text))
    tokenizer = zh_tokenizer() if lang == "zh" else en_tokenizer()
    tokens = tuple(tokenizer.tokenize(masked))
    return Prepared(masked, tokens)
