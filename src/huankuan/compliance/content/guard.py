"""The screening API: a text is a violation when the rules OR the classifier flag it.

Recall comes first. The classifier sees the text only, so the context can do one thing to it:
licence claims that are true for this account. A real lawsuit, real bureau reporting or a real
lawyer makes court, credit and lawyer language lawful, and a debtor may hear about their own
debt; the classifier cannot tell these cases apart, so its flags in the categories a licence
concerns are dropped. The rules, which read the context themselves, still apply in full (an
arrest threat stays a violation whatever the context says).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from huankuan.compliance.content.lexicon import Lexicon, default_lexicons
from huankuan.compliance.content.model import (
    LANGUAGES,
    Category,
    Hit,
    Language,
    Screening,
    ScreeningContext,
)
from huankuan.compliance.content.normalise import detect_language, normalise
from huankuan.compliance.content.rules import rule_hits
from huankuan.domain.errors import InvalidInput

# Context facts that make claims of these categories possibly true: (key, value) -> categories.
LICENCES: dict[tuple[str, object], frozenset[Category]] = {
    ("lawsuit_filed", True): frozenset({"false_legal_consequence", "impersonation_authority"}),
    ("reports_to_bureau", True): frozenset({"false_legal_consequence"}),
    ("sender_is_attorney", True): frozenset({"impersonation_authority"}),
    # Speaking to the debtor about the debt discloses nothing to a third party.
    ("recipient_role", "self"): frozenset({"third_party_disclosure"}),
    ("recipient_role", "debtor"): frozenset({"third_party_disclosure"}),
    ("recipient_role", "attorney"): frozenset({"third_party_disclosure"}),
}


Flag = tuple[Category, float, float]
Context = Mapping[str, object] | ScreeningContext | None


class TextClassifier(Protocol):
    def flagged(self, text: str, lang: Language) -> list[Flag]:
        """(category, probability, threshold) for each category scored at or above threshold."""
        ...

    def flagged_many(self, texts: Sequence[str], lang: Language) -> list[list[Flag]]:
        """`flagged` for each text of a batch in one language."""
        ...


@dataclass(frozen=True)
class ContentGuard:
    lexicons: tuple[Lexicon, ...]
    classifier: TextClassifier | None

    def screen(self, text: str, lang: str | None = None, context: Context = None) -> Screening:
        return self.screen_many([text], lang, context)[0]

    def screen_many(
        self, texts: Sequence[str], lang: str | None = None, context: Context = None
    ) -> list[Screening]:
        """Screen a batch sharing one context (a turn's sentences, a template's renderings):
        the rules per text, the classifier once per language. `lang` None: per text."""
        for text in texts:
            if not isinstance(text, str):
                raise InvalidInput(f"text must be a string, got {type(text).__name__}")
        facts = ScreeningContext.parse(context)
        languages = [_language(text, lang) for text in texts]
        normalised = [normalise(text) for text in texts]
        hits = [rule_hits(self.lexicons, text, facts) for text in normalised]
        if self.classifier is not None:
            licensed = _licensed_categories(facts)
            flags = _classifier_flags(self.classifier, [n.text for n in normalised], languages)
            for text_hits, text, language, text_flags in zip(
                hits, texts, languages, flags, strict=True
            ):
                ruled = {hit.category for hit in text_hits}
                text_hits.extend(
                    hit
                    for hit in _classifier_hits(text_flags, language, text)
                    if hit.category not in ruled and hit.category not in licensed
                )
        return [Screening.from_hits(_deduplicated(text_hits)) for text_hits in hits]


def _licensed_categories(facts: ScreeningContext) -> set[Category]:
    return {
        category
        for (key, value), categories in LICENCES.items()
        if facts.value(key) == value and facts.value(key) is not None
        for category in categories
    }


def _language(text: str, lang: str | None) -> Language:
    if lang is None:
        return detect_language(text)  # type: ignore[return-value]
    if lang not in LANGUAGES:
        raise InvalidInput(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def _classifier_flags(
    classifier: TextClassifier, texts: list[str], languages: list[Language]
) -> list[list[Flag]]:
    if len(texts) == 1:
        return [classifier.flagged(texts[0], languages[0])]
    flags: list[list[Flag]] = [[] for _ in texts]
    for lang in set(languages):
        indices = [index for index, language in enumerate(languages) if language == lang]
        batch = classifier.flagged_many([texts[index] for index in indices], lang)
        for index, text_flags in zip(indices, batch, strict=True):
            flags[index] = text_flags
    return flags


def _classifier_hits(flags: list[Flag], lang: Language, original: str) -> list[Hit]:
    return [
        Hit(
            category,
            f"content.{lang}.classifier.{category}",
            original,
            f"the trained classifier scores this text as {category.replace('_', ' ')} "
            f"(p={probability:.2f} ≥ threshold {threshold:.2f})",
        )
        for category, probability, threshold in flags
    ]


def _deduplicated(hits: list[Hit]) -> list[Hit]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for hit in hits:
        if (hit.rule_id, hit.span) not in seen:
            seen.add((hit.rule_id, hit.span))
            unique.append(hit)
    return unique


def build_guard(cache_dir: Path | None = None, *, with_classifier: bool = True) -> ContentGuard:
    """The packaged lexicons plus the classifier (from cache_dir, else trained now)."""
    if not with_classifier:
        return ContentGuard(default_lexicons(), None)
    from huankuan.compliance.content.classifier import load_or_train

    return ContentGuard(default_lexicons(), load_or_train(cache_dir))


@cache
def default_guard() -> ContentGuard:
    """The process-wide guard; trains the classifier on first use (a few seconds)."""
    return build_guard()


def screen(text: str, lang: str | None = None, context: Context = None) -> Screening:
    """Screen one outgoing text. Pure and deterministic for a given corpus and lexicon version."""
    return default_guard().screen(text, lang, context)


def screen_many(
    texts: Sequence[str], lang: str | None = None, context: Context = None
) -> list[Screening]:
    """Screen several texts that share a context; the same verdicts as `screen` on each."""
    return default_guard().screen_many(texts, lang, context)
