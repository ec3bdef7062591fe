"""Content-guard speed per sentence, on one core, in CPU time (the machine is shared, so wall
time mostly measures the neighbours): the classifier scored by scikit-learn (as before the fast
path) and by the fast path, the rules, and whole screenings one by one and in a batch.

    .venv/bin/python -m benchmarks.content_guard
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import time
from collections.abc import Callable, Sequence
from typing import Any

from huankuan.compliance.content import ContentGuard, default_guard
from huankuan.compliance.content.classifier import CLASSIFIED_CATEGORIES, fit_language
from huankuan.compliance.content.corpus import (
    HELDOUT_V2_FILE,
    TRAIN_FILE,
    LabelledText,
    read_labelled,
)
from huankuan.compliance.content.model import Language, ScreeningContext
from huankuan.compliance.content.normalise import normalise
from huankuan.compliance.content.rules import rule_hits


def per_item_ms(work: Callable[[Any], object], items: Sequence[Any], rounds: int = 3) -> float:
    """The best of `rounds` passes, in CPU milliseconds per item."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for item in items:
            work(item)
        best = min(best, time.process_time() - started)
    return best / len(items) * 1000


def language_figures(
    guard: ContentGuard, lang: Language, heldout: list[LabelledText], train: list[LabelledText]
) -> dict[str, float]:
    texts = [e.text for e in heldout if e.lang == lang]
    normalised = [normalise(text) for text in texts]
    views = [n.text for n in normalised]
    fitted = fit_language(
        lang, [e for e in train if e.lang == lang and not e.context], CLASSIFIED_CATEGORIES
    )
    scorer = fitted.scorer()
    context = ScreeningContext()
    figures = {
        "classifier, scikit-learn per call": per_item_ms(
            lambda t: fitted.decision_function([t]), views, rounds=1
        ),
        "classifier, fast path": per_item_ms(scorer.decision, views),
        "normalise": per_item_ms(normalise, texts),
        "rules (both lexicons)": per_item_ms(
            lambda n: rule_hits(guard.lexicons, n, context), normalised
        ),
        "screen, one by one": per_item_ms(lambda t: guard.screen(t, lang), texts),
    }
    started = time.process_time()
    guard.screen_many(texts, lang)
    figures["screen_many, whole batch"] = (time.process_time() - started) / len(texts) * 1000
    return figures


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    guard = default_guard()
    heldout = read_labelled(HELDOUT_V2_FILE)
    train = read_labelled(TRAIN_FILE)
    print("# content guard, CPU ms per sentence (heldout_v2 texts, one core)")
    languages: tuple[Language, ...] = ("zh", "en")
    for lang in languages:
        figures = language_figures(guard, lang, heldout, train)
        print(f"\n## {lang} ({sum(e.lang == lang for e in heldout)} sentences)")
        for name, value in figures.items():
            print(f"{name:<36}{value:8.3f} ms")


if __name__ == "__main__":
    main()
