"""Scoring the pipeline on a labelled file: per-intent precision/recall/F1, macro-F1 per language,
the confusion matrix, self-harm recall and amount/date extraction accuracy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from huankuan.dialogue.nlu.corpus import LabelledUtterance
from huankuan.dialogue.nlu.intents import INTENTS, SELF_HARM
from huankuan.dialogue.nlu.pipeline import NluPipeline, Parse

DEFAULT_TODAY = date(2026, 11, 25)


@dataclass(frozen=True, slots=True)
class IntentScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class EvaluationReport:
    examples: int
    per_intent: dict[str, IntentScore]
    macro_f1: float
    macro_f1_by_lang: dict[str, float]
    confusion: dict[str, dict[str, int]]  # gold → predicted → count
    self_harm_recall: float | None
    amount_accuracy: float | None
    amount_cases: int
    date_accuracy: float | None
    date_cases: int
    mistakes: list[tuple[LabelledUtterance, Parse]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "macro_f1": round(self.macro_f1, 4),
            "macro_f1_by_lang": {k: round(v, 4) for k, v in self.macro_f1_by_lang.items()},
            "per_intent": {
                k: {
                    "precision": round(v.precision, 4),
                    "recall": round(v.recall, 4),
                    "f1": round(v.f1, 4),
                    "support": v.support,
                }
                for k, v in self.per_intent.items()
            },
            "confusion": self.confusion,
            "self_harm_recall": self.self_harm_recall,
            "amount_accuracy": self.amount_accuracy,
            "amount_cases": self.amount_cases,
            "date_accuracy": self.date_accuracy,
            "date_cases": self.date_cases,
        }


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, IntentScore]:
    """Precision, recall and F1 for each label seen in either sequence (in INTENTS order)."""
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    labels = [label for label in INTENTS if label in gold_counts or label in predicted_counts]
    result = {}
    for label in labels:
        hits = pairs[(label, label)]
        precision = hits / predicted_counts[label] if predicted_counts[label] else 0.0
        recall = hits / gold_counts[label] if gold_counts[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = IntentScore(precision, recall, f1, gold_counts[label])
    return result


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    per_label = scores(gold, predicted)
    return sum(s.f1 for s in per_label.values()) / len(per_label) if per_label else 0.0


def evaluate(
    pipeline: NluPipeline, examples: Sequence[LabelledUtterance], today: date = DEFAULT_TODAY
) -> EvaluationReport:
    parses = [
        pipeline.parse(e.text, lang="zh" if e.lang == "zh" else "en", today=e.today or today)
        for e in examples
    ]
    gold = [e.intent for e in examples]
    predicted = [p.intent for p in parses]
    confusion: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, predicted, strict=True):
        confusion.setdefault(g, {}).setdefault(p, 0)
        confusion[g][p] += 1
    by_lang = {}
    for lang in ("zh", "en"):
        rows = [i for i, e in enumerate(examples) if e.lang == lang]
        if rows:
            by_lang[lang] = macro_f1([gold[i] for i in rows], [predicted[i] for i in rows])
    harm = [
        p.intent == SELF_HARM
        for e, p in zip(examples, parses, strict=True)
        if e.intent == SELF_HARM
    ]
    amounts = [e.amount == p.amount for e, p in zip(examples, parses, strict=True) if e.has_amount]
    dates = [e.date == p.date for e, p in zip(examples, parses, strict=True) if e.has_date]
    return EvaluationReport(
        examples=len(examples),
        per_intent=scores(gold, predicted),
        macro_f1=macro_f1(gold, predicted),
        macro_f1_by_lang=by_lang,
        confusion=confusion,
        self_harm_recall=_share(harm),
        amount_accuracy=_share(amounts),
        amount_cases=len(amounts),
        date_accuracy=_share(dates),
        date_cases=len(dates),
        mistakes=[(e, p) for e, p in zip(examples, parses, strict=True) if e.intent != p.intent],
    )


def _share(outcomes: list[bool]) -> float | None:
    return round(sum(outcomes) / len(outcomes), 4) if outcomes else None
