"""The classifier's features, computed without scikit-learn at prediction time.

Training fits scikit-learn's TfidfVectorizer with the analyzers below (so the vocabulary and the
inverse document frequencies are scikit-learn's); prediction looks the n-grams up in the fitted
vocabulary and weighs them here. scikit-learn's per-call validation and sparse-matrix plumbing
cost ~1.5 ms per sentence; this path costs 0.05-0.2 ms, most of it making the n-grams. A unit
test checks that the scores equal scikit-learn's decision_function on the whole corpus.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

_WHITE_SPACES = re.compile(r"\s\s+")
_WORD = re.compile(r"(?u)¬?\b\w[\w']*\b")
_EN_TOKEN = re.compile(r"[\w']+|[^\w\s]")
_EN_NEGATION = re.compile(r"not|never|no|nobody|nothing|none|neither|nor|without|cannot|\w+n't")
_EN_SCOPE_END = re.compile(r"[^\w\s']|if|unless|until|or|but|then|otherwise|when")
NEGATION_SCOPE_WORDS = 4
NEGATED = "¬"


def plain(text: str) -> str:
    return text


def english_negation_scope(text: str) -> str:
    """Marks the words a negation governs ("we will not ¬call ¬your ¬boss"): up to four words
    after not/never/no/nobody/…n't, ending at punctuation or a condition (if, unless, or, but).
    "nobody will come to your house" and "we will come to your house" then share no n-gram
    about the coming, and the model can learn that the first is a reassurance."""
    tokens: list[str] = []
    scope = 0
    for token in _EN_TOKEN.findall(text):
        if _EN_SCOPE_END.fullmatch(token):
            scope = 0
            tokens.append(token)
            continue
        tokens.append(NEGATED + token if scope else token)
        scope = max(scope - 1, 0)
        if _EN_NEGATION.fullmatch(token):
            scope = NEGATION_SCOPE_WORDS
    return " ".join(tokens)


VIEWS: dict[str, Callable[[str], str]] = {
    "plain": plain,
    "english_negation_scope": english_negation_scope,
}


def chinese_characters(text: str) -> list[str]:
    """Character 1-3-grams over the whole text (no word boundaries to trust in Chinese)."""
    text = _WHITE_SPACES.sub(" ", text)
    grams = list(text)
    for n in (2, 3):
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def english_characters(text: str) -> list[str]:
    """Character 3-6-grams across word boundaries, the text padded with spaces: they see short
    phrases ("r back", "en to y", "nobody w") that n-grams inside words cannot."""
    padded = f" {_WHITE_SPACES.sub(' ', text).strip()} "
    return [padded[i : i + n] for n in range(3, 7) for i in range(len(padded) - n + 1)]


def english_words(text: str) -> list[str]:
    """Words (apostrophes kept: "won't") and word bigrams ("get hurt", "your boss")."""
    words = _WORD.findall(text)
    return [*words, *(f"{a} {b}" for a, b in pairwise(words))]


ANALYZERS: dict[str, Callable[[str], list[str]]] = {
    "chinese_characters": chinese_characters,
    "english_characters": english_characters,
    "english_words": english_words,
}


@dataclass(frozen=True)
class TfidfSpace:
    """One fitted TF-IDF space (sublinear tf, l2 norm), placed at `offset` in the feature row."""

    analyzer: str  # a key of ANALYZERS (a name, so that pickles do not hold functions)
    vocabulary: dict[str, int]
    idf: NDArray[np.float64]
    offset: int

    def features(self, text: str) -> tuple[list[int], list[float]]:
        """Column indices and weights of one text."""
        vocabulary = self.vocabulary
        counts = Counter(gram for gram in ANALYZERS[self.analyzer](text) if gram in vocabulary)
        columns = [vocabulary[gram] for gram in counts]
        weights = [
            (1.0 + math.log(count)) * float(self.idf[column])
            for column, count in zip(columns, counts.values(), strict=True)
        ]
        norm = math.sqrt(sum(weight * weight for weight in weights)) or 1.0
        return [self.offset + column for column in columns], [w / norm for w in weights]

    @property
    def size(self) -> int:
        return len(self.idf)


@dataclass(frozen=True)
class LinearScorer:
    """Decision scores of several linear models over the same features: features @ weights +
    intercepts, one column per model. `view` (a key of VIEWS) rewrites the text first."""

    view: str
    spaces: tuple[TfidfSpace, ...]
    weights: NDArray[np.float64]  # (features, models)
    intercepts: NDArray[np.float64]  # (models,)

    def decision(self, text: str) -> NDArray[np.float64]:
        columns, values = self._row(text)
        if not columns:
            return self.intercepts.copy()
        rows = self.weights[np.asarray(columns, dtype=np.intp)]
        result: NDArray[np.float64] = np.asarray(values) @ rows + self.intercepts
        return result

    def decisions(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """(texts, models): one sparse product for the whole batch."""
        indptr, columns, values = [0], [], []
        for text in texts:
            row_columns, row_values = self._row(text)
            columns.extend(row_columns)
            values.extend(row_values)
            indptr.append(len(columns))
        matrix = sparse.csr_matrix(
            (np.asarray(values, dtype=np.float64), np.asarray(columns, dtype=np.intp), indptr),
            shape=(len(texts), self.weights.shape[0]),
        )
        result: NDArray[np.float64] = np.asarray(matrix @ self.weights) + self.intercepts
        return result

    def _row(self, text: str) -> tuple[list[int], list[float]]:
        columns: list[int] = []
        values: list[float] = []
        text = VIEWS[self.view](text)
        for space in self.spaces:
            space_columns, space_values = space.features(text)
            columns.extend(space_columns)
            values.extend(space_values)
        return columns, values
