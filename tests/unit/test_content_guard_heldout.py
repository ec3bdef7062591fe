"""The corpus and the measured quality of the guard on the two held-out splits.

The floors below are the figures measured on data/heldout.jsonl and data/heldout_v2.jsonl
(docs/content-guard.md) less a small margin (about one sentence per category on the smaller v2
split), so that a change that loses recall fails here. The target is 0.95 per category; where a
floor is lower, the guard does not meet the target yet and the docs say so.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from huankuan.compliance.content import CATEGORIES, default_guard
from huankuan.compliance.content.classifier import train
from huankuan.compliance.content.corpus import (
    HELDOUT_FILE,
    HELDOUT_V2_FILE,
    TRAIN_FILE,
    read_labelled,
)
from huankuan.compliance.content.evaluation import LanguageReport, evaluate

RECALL_FLOORS: dict[str, dict[str, float]] = {
    "zh": {
        "threat_violence": 0.88,
        "profanity_insult": 0.86,
        "impersonation_authority": 0.97,
        "false_legal_consequence": 0.90,
        "third_party_disclosure": 0.97,
        "harassment": 0.97,
        "deceptive_amount": 0.80,
    },
    "en": {
        "threat_violence": 0.59,
        "profanity_insult": 0.97,
        "impersonation_authority": 0.97,
        "false_legal_consequence": 0.95,
        "third_party_disclosure": 0.93,
        "harassment": 0.88,
        "deceptive_amount": 0.80,
    },
}
VERDICT_RECALL_FLOOR = {"zh": 0.95, "en": 0.88}
FALSE_POSITIVE_CEILING = {"zh": 0.03, "en": 0.08}  # share of lawful held-out texts flagged

V2_RECALL_FLOORS: dict[str, dict[str, float]] = {
    "zh": {
        "threat_violence": 0.92,
        "profanity_insult": 0.84,
        "impersonation_authority": 0.92,
        "false_legal_consequence": 0.88,
        "third_party_disclosure": 0.96,
        "harassment": 0.90,
        "deceptive_amount": 0.76,
    },
    "en": {
        "threat_violence": 0.82,
        "profanity_insult": 0.92,
        "impersonation_authority": 0.96,
        "false_legal_consequence": 0.75,
        "third_party_disclosure": 0.89,
        "harassment": 0.86,
        "deceptive_amount": 0.72,
    },
}
V2_VERDICT_RECALL_FLOOR = {"zh": 0.94, "en": 0.90}
V2_FALSE_POSITIVE_CEILING = {"zh": 0.09, "en": 0.08}


@pytest.fixture(scope="module")
def heldout_reports() -> dict[str, LanguageReport]:
    return evaluate(default_guard(), read_labelled(HELDOUT_FILE))


@pytest.fixture(scope="module")
def heldout_v2_reports() -> dict[str, LanguageReport]:
    return evaluate(default_guard(), read_labelled(HELDOUT_V2_FILE))


def test_it_keeps_thousands_of_labelled_sentences_per_language() -> None:
    train, heldout = read_labelled(TRAIN_FILE), read_labelled(HELDOUT_FILE)
    for lang in ("zh", "en"):
        sentences = [e for e in train if e.lang == lang]
        assert len(sentences) >= 3000
        assert len([e for e in heldout if e.lang == lang]) >= 800
        per_category = Counter(c for example in sentences for c in example.categories)
        assert all(per_category[category] >= 250 for category in CATEGORIES)
        assert sum(not example.categories for example in sentences) >= 1000


def test_it_holds_out_different_sentences_from_different_templates() -> None:
    train, heldout = read_labelled(TRAIN_FILE), read_labelled(HELDOUT_FILE)
    assert not {e.text for e in train} & {e.text for e in heldout}
    assert {e.source.split("#")[0] for e in heldout} == {"zh_heldout.yaml", "en_heldout.yaml"}
    assert all(not e.source.startswith(("zh_heldout", "en_heldout")) for e in train)


def test_it_keeps_a_second_hand_written_heldout_split_apart_from_training() -> None:
    train, heldout_v2 = read_labelled(TRAIN_FILE), read_labelled(HELDOUT_V2_FILE)
    assert not {e.text for e in train} & {e.text for e in heldout_v2}
    for lang in ("zh", "en"):
        sentences = [e for e in heldout_v2 if e.lang == lang]
        assert len(sentences) >= 300
        assert {c for e in sentences for c in e.categories} == set(CATEGORIES)
        assert sum(not e.categories for e in sentences) >= 120


def _assert_floors(report: LanguageReport, floors: dict[str, float], verdict_floor: float) -> None:
    recalls = {category: rate.value for category, rate in report.recall.items()}
    below = {
        category: recall
        for category, recall in recalls.items()
        if recall is None or recall < floors[category]
    }
    assert not below, recalls
    verdict_recall = report.verdict_recall.value
    assert verdict_recall is not None and verdict_recall >= verdict_floor


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_it_meets_the_recall_floors_on_the_heldout_split(
    heldout_reports: dict[str, LanguageReport], lang: str
) -> None:
    _assert_floors(heldout_reports[lang], RECALL_FLOORS[lang], VERDICT_RECALL_FLOOR[lang])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_it_meets_the_recall_floors_on_the_second_heldout_split(
    heldout_v2_reports: dict[str, LanguageReport], lang: str
) -> None:
    _assert_floors(heldout_v2_reports[lang], V2_RECALL_FLOORS[lang], V2_VERDICT_RECALL_FLOOR[lang])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_it_flags_few_lawful_texts_of_the_second_heldout_split(
    heldout_v2_reports: dict[str, LanguageReport], lang: str
) -> None:
    false_positive_rate = heldout_v2_reports[lang].verdict_false_positive.value
    assert false_positive_rate is not None
    assert false_positive_rate <= V2_FALSE_POSITIVE_CEILING[lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_it_flags_few_lawful_heldout_texts(
    heldout_reports: dict[str, LanguageReport], lang: str
) -> None:
    false_positive_rate = heldout_reports[lang].verdict_false_positive.value
    assert false_positive_rate is not None
    assert false_positive_rate <= FALSE_POSITIVE_CEILING[lang]


def test_it_trains_the_same_model_twice() -> None:
    examples = [e for e in read_labelled(TRAIN_FILE) if not e.context][::8]
    first, second = train(examples), train(examples)
    for lang in ("zh", "en"):
        models_a, models_b = first.models[lang].categories, second.models[lang].categories
        assert models_a.keys() == models_b.keys()
        for category in models_a:
            assert models_a[category].threshold == models_b[category].threshold
        scorer_a, scorer_b = first.models[lang].scorer, second.models[lang].scorer
        assert np.array_equal(scorer_a.weights, scorer_b.weights)
        assert np.array_equal(scorer_a.intercepts, scorer_b.intercepts)
