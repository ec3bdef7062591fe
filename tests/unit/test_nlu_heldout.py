"""The honest figures: the classifier is trained on train.jsonl only and scored on the held-out
split, which was written separately (data/README.md)."""

from __future__ import annotations

import json

from huankuan.dialogue.nlu.corpus import HELDOUT_FILE, TRAIN_FILE, load_corpus
from huankuan.dialogue.nlu.evaluation import evaluate
from huankuan.dialogue.nlu.intents import INTENTS
from tests.nlu_support import trained_pipeline


def test_the_heldout_split_shares_no_text_with_training() -> None:
    train = {e.text.strip().lower() for e in load_corpus(TRAIN_FILE)}
    heldout = [e.text for e in load_corpus(HELDOUT_FILE) if e.text.strip().lower() in train]
    assert heldout == []


def test_the_corpus_covers_every_intent_in_both_languages_with_thousands_of_examples() -> None:
    train = load_corpus(TRAIN_FILE)
    for lang in ("zh", "en"):
        rows = [e for e in train if e.lang == lang]
        assert len(rows) >= 3000
        assert {e.intent for e in rows} == set(INTENTS)
    heldout = load_corpus(HELDOUT_FILE)
    assert {(e.lang, e.intent) for e in heldout} == {
        (lang, intent) for lang in ("zh", "en") for intent in INTENTS
    }


def test_the_corpus_files_stay_small() -> None:
    data = TRAIN_FILE.parent
    assert sum(p.stat().st_size for p in data.rglob("*") if p.is_file()) < 3_000_000


def test_heldout_macro_f1_is_at_least_090_per_language_with_full_self_harm_recall() -> None:
    report = evaluate(trained_pipeline(), load_corpus(HELDOUT_FILE))
    summary = json.dumps(report.as_json()["macro_f1_by_lang"])
    assert report.macro_f1_by_lang["zh"] >= 0.90, summary
    assert report.macro_f1_by_lang["en"] >= 0.90, summary
    assert report.self_harm_recall == 1.0
    assert report.amount_accuracy is not None and report.amount_accuracy >= 0.95
    assert report.date_accuracy is not None and report.date_accuracy >= 0.95
