"""The understanding pipeline, Rasa-style: language detection → tokenizer → featurizer →
classifier → extractors, with the safety layer over the classifier.

    pipeline = NluPipeline.load()
    parse = pipeline.parse("下周五还五百", today=date(2026, 11, 25))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from huankuan.dialogue.nlu.amounts import extract_amount
from huankuan.dialogue.nlu.classifier import IntentClassifier, Prediction
from huankuan.dialogue.nlu.corpus import TRAIN_FILE, load_corpus
from huankuan.dialogue.nlu.dates import extract_date
from huankuan.dialogue.nlu.features import prepare
from huankuan.dialogue.nlu.intents import FALLBACK, SELF_HARM
from huankuan.dialogue.nlu.language import Lang, detect_language
from huankuan.dialogue.nlu.model_store import DEFAULT_CACHE_DIR, load_or_train
from huankuan.dialogue.nlu.safety import self_harm_rule
from huankuan.dialogue.nlu.self_harm_evidence import classifier_self_harm_stands
from huankuan.dialogue.nlu.text import normalize

_USE_DEFAULT = Path("<default>")


@dataclass(frozen=True, slots=True)
class Parse:
    """What the robot understood from one borrower utterance."""

    intent: str
    confidence: float
    lang: Lang
    amount: Decimal | None  # major units
    date: date | None
    safety_rule: str | None  # the safety rule that forced the intent, if any


class NluPipeline:
    def __init__(self, classifier: IntentClassifier) -> None:
        self.classifier = classifier

    @classmethod
    def load(
        cls, cache_dir: Path | None = _USE_DEFAULT, corpus: Path = TRAIN_FILE, retrain: bool = False
    ) -> NluPipeline:
        """The pipeline with the classifier trained on `corpus` (cached under `cache_dir`,
        default ~/.cache/huankuan/nlu; None: train in memory, cache nothing)."""
        directory = DEFAULT_CACHE_DIR if cache_dir is _USE_DEFAULT else cache_dir
        classifier, _ = load_or_train(load_corpus(corpus), directory, retrain=retrain)
        return cls(classifier)

    def parse(
        self,
        text: str,
        lang: Lang | None = None,
        today: date | None = None,
        balance_minor: int | None = None,
        minor_per_major: int = 100,
    ) -> Parse:
        return self.parse_many(
            [text],
            lang=lang,
            today=today,
            balance_minor=balance_minor,
            minor_per_major=minor_per_major,
        )[0]

    def parse_many(
        self,
        texts: Sequence[str],
        lang: Lang | None = None,
        today: date | None = None,
        balance_minor: int | None = None,
        minor_per_major: int = 100,
    ) -> list[Parse]:
        """Parse a batch (one vectorised classifier call). `today` defaults to the system date;
        `balance_minor` lets "一半" / "half of it" resolve to an amount."""
        on = today or date.today()
        balance = Decimal(balance_minor) / minor_per_major if balance_minor is not None else None
        langs = [lang or detect_language(text).lang for text in texts]
        predictions = self.classifier.predict(
            [prepare(text, text_lang) for text, text_lang in zip(texts, langs, strict=True)]
        )
        return [
            self._finish(text, text_lang, prediction, on, balance)
            for text, text_lang, prediction in zip(texts, langs, predictions, strict=True)
        ]

    @staticmethod
    def _finish(
        text: str, lang: Lang, prediction: Prediction, today: date, balance: Decimal | None
    ) -> Parse:
        normal = normalize(text)
        intent, confidence = prediction.intent, prediction.confidence
        rule = self_harm_rule(text)
        if rule is not None:
            intent, confidence = SELF_HARM, 1.0
        elif not normal:
            intent, confidence = FALLBACK, 1.0
        elif intent == SELF_HARM and not classifier_self_harm_stands(text, confidence):
            # No rule fired and nothing in the words speaks of self-harm (self_harm_evidence.py).
            intent, confidence = prediction.runner_up, prediction.runner_up_confidence
        return Parse(
            intent=intent,
            confidence=round(confidence, 4),
            lang=lang,
            amount=tidy_amount(extract_amount(normal, balance)),
            date=extract_date(normal, today),
            safety_rule=rule,
        )


def tidy_amount(value: Decimal | None) -> Decimal | None:
    """500.00 → 500, 99.5 → 99.50: whole numbers without decimals, else cents."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(Decimal("0.01"))
