"""A `self_harm` from the classifier alone stands only with some self-harm-related word in the
utterance (self_harm_evidence.py); the safety rules still decide on their own."""

from __future__ import annotations

from datetime import date

import pytest

from huankuan.dialogue.nlu.classifier import Prediction
from huankuan.dialogue.nlu.corpus import HELDOUT_FILE, TRAIN_FILE, load_corpus
from huankuan.dialogue.nlu.pipeline import NluPipeline
from huankuan.dialogue.nlu.safety import self_harm_rule
from huankuan.dialogue.nlu.self_harm_evidence import (
    CLASSIFIER_SELF_HARM_MIN_CONFIDENCE,
    has_self_harm_evidence,
)
from tests.nlu_support import trained_pipeline
from tests.unit.test_nlu_safety import SELF_HARM_UTTERANCES

TODAY = date(2026, 11, 25)


def _finish(text: str, prediction: Prediction) -> tuple[str, float]:
    parse = NluPipeline._finish(text, "zh", prediction, TODAY, None)
    return parse.intent, parse.confidence


def test_every_known_self_harm_utterance_carries_evidence() -> None:
    """Were a rule to miss any of them, the classifier's self_harm would still stand."""
    known = [
        e.text
        for path in (TRAIN_FILE, HELDOUT_FILE)
        for e in load_corpus(path)
        if e.intent == "self_harm"
    ]
    utterances = [*known, *SELF_HARM_UTTERANCES]
    assert len(utterances) > 400
    assert [u for u in utterances if not has_self_harm_evidence(u)] == []


@pytest.mark.parametrize(
    "text",
    [
        "算了",
        "唉，算了",
        "记错日子了，不好意思",
        "我自己都快揭不开锅了",
        "i dont wanna be contacted",
    ],
)
def test_a_classifier_only_self_harm_without_evidence_gives_way_to_the_runner_up(
    text: str,
) -> None:
    assert not has_self_harm_evidence(text)
    vetoed = _finish(text, Prediction("self_harm", 1.0, "other", 0.8))
    assert vetoed == ("other", 0.8)


@pytest.mark.parametrize(
    "text", ["我想消失", "我撑不住了", "I am so tired of everything", "what is the point anymore"]
)
def test_a_confident_classifier_self_harm_with_evidence_stands(text: str) -> None:
    assert self_harm_rule(text) is None  # the classifier is the only net here
    assert _finish(text, Prediction("self_harm", 0.9, "hardship", 0.6))[0] == "self_harm"
    below = CLASSIFIER_SELF_HARM_MIN_CONFIDENCE - 0.01
    assert _finish(text, Prediction("self_harm", below, "hardship", 0.6))[0] == "hardship"


def test_a_rule_wins_whatever_the_classifier_says() -> None:
    assert _finish("我不想活了", Prediction("promise_to_pay", 0.99, "other", 0.5)) == (
        "self_harm",
        1.0,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Willing or forgetful borrowers: never the welfare protocol.
        ("算了", "other"),
        ("记错日子了，不好意思", "other"),
        ("算了吧我下周还", "promise_to_pay"),
        # An explanation for missing a payment that states no inability to pay is `other`.
        ("I was traveling and missed it", "other"),
        ("我忘了", "other"),
        ("I forgot", "other"),
    ],
)
def test_it_reads_forgetful_borrowers_as_forgetful(text: str, expected: str) -> None:
    parse = trained_pipeline().parse(text, today=TODAY)
    assert parse.intent == expected
    assert parse.intent not in {"self_harm", "dispute", "already_paid", "hardship"}
