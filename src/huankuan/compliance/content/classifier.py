"""The trained layer: TF-IDF character n-grams (plus word n-grams for English) and one logistic
model per category and language, trained on the project's corpus (data/train.jsonl,
context-free examples only).

Each category's threshold is tuned for recall on out-of-fold predictions (folds grouped by source
template, so that a template's variants never sit on both sides of a fold): the lowest threshold
whose out-of-fold false-positive rate on lawful training texts stays within FALSE_POSITIVE_BUDGET.
The held-out split is never seen here.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion

from huankuan.compliance.content.corpus import TRAIN_FILE, LabelledText, read_labelled
from huankuan.compliance.content.model import CATEGORIES, LANGUAGES, Category, Language
from huankuan.compliance.content.normalise import normalise

# Recall comes first, within this share of lawful training texts flagged per category (out of fold).
FALSE_POSITIVE_BUDGET = 0.01
THRESHOLD_BOUNDS = (0.05, 0.9)
FOLDS = 5
ALPHA = 1e-4  # L2 regularisation strength
# Deceptive amounts are a comparison of numbers with the contract and the legal cap, which the
# rules make exactly; n-grams only learn that fees are mentioned, and every lawful reminder
# mentions an amount.
CLASSIFIED_CATEGORIES: tuple[Category, ...] = tuple(
    category for category in CATEGORIES if category != "deceptive_amount"
)
# zh: character 1-3-grams (no word boundaries to trust). en: character 2-5-grams within words
# plus word 1-2-grams ("get hurt", "your boss").
_FEATURES = "zh=char(1,3); en=char_wb(2,5)+word(1,2); sublinear tf, min_df=2 for characters"
_CODE_FILES = ("classifier.py", "normalise.py")


@dataclass
class CategoryModel:
    model: SGDClassifier
    threshold: float
    out_of_fold_recall: float
    out_of_fold_false_positive_rate: float


@dataclass
class LanguageModel:
    vectorizer: TfidfVectorizer | FeatureUnion
    categories: dict[Category, CategoryModel]

    def __post_init__(self) -> None:
        # All categories scored with one sparse product (the per-model predict_proba calls cost
        # more than the arithmetic). Same numbers as SGDClassifier.predict_proba for log loss.
        models = list(self.categories.values())
        self._weights = np.vstack([m.model.coef_[0] for m in models]).T if models else None
        self._intercepts = np.array([m.model.intercept_[0] for m in models])

    def probabilities(self, text: str) -> dict[Category, float]:
        if self._weights is None:
            return {}
        scores = self.vectorizer.transform([text]) @ self._weights + self._intercepts
        values = 1.0 / (1.0 + np.exp(-np.asarray(scores).ravel()))
        return {
            category: float(value) for category, value in zip(self.categories, values, strict=True)
        }


@dataclass
class ContentClassifier:
    """Implements guard.TextClassifier."""

    models: dict[Language, LanguageModel]
    corpus_key: str

    def flagged(self, text: str, lang: Language) -> list[tuple[Category, float, float]]:
        """Categories scored at or above threshold; none for texts too short to judge."""
        if _too_short(text, lang):
            return []
        language = self.models[lang]
        probabilities = language.probabilities(text)
        return [
            (category, probabilities[category], model.threshold)
            for category, model in language.categories.items()
            if probabilities[category] >= model.threshold
        ]

    def thresholds(self) -> dict[str, dict[str, tuple[float, float, float]]]:
        """(threshold, out-of-fold recall, out-of-fold false-positive rate) per category."""
        return {
            lang: {
                category: (
                    model.threshold,
                    model.out_of_fold_recall,
                    model.out_of_fold_false_positive_rate,
                )
                for category, model in language.categories.items()
            }
            for lang, language in self.models.items()
        }


# Below this much text the n-grams of a greeting ("hi" is in "shit", "你" is in every threat)
# outweigh everything else, so short texts are left to the rules.
MIN_CHARACTERS_ZH = 5
MIN_WORDS_EN = 4
_WORD = re.compile(r"[^\W_]+")


def _too_short(text: str, lang: Language) -> bool:
    if lang == "zh":
        return sum(char.isalnum() for char in text) < MIN_CHARACTERS_ZH
    return len(_WORD.findall(text)) < MIN_WORDS_EN


# One training per corpus and process, whatever the cache directory.
_TRAINED: dict[str, ContentClassifier] = {}


def corpus_key(train_file: Path = TRAIN_FILE) -> str:
    """Changes whenever the corpus, the training code or the normaliser changes."""
    digest = hashlib.sha256(train_file.read_bytes())
    for name in _CODE_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    digest.update(
        f"{FALSE_POSITIVE_BUDGET}{THRESHOLD_BOUNDS}{FOLDS}{ALPHA}{_FEATURES}{CLASSIFIED_CATEGORIES}".encode()
    )
    return digest.hexdigest()[:16]


def load_or_train(
    cache_dir: Path | None = None, train_file: Path = TRAIN_FILE
) -> ContentClassifier:
    key = corpus_key(train_file)
    if key in _TRAINED:
        return _TRAINED[key]
    cached = cache_dir / f"content-classifier-{key}.pickle" if cache_dir else None
    if cached is not None and cached.exists():
        # Our own file, written below under a name bound to the corpus hash.
        loaded: Any = pickle.loads(cached.read_bytes())
        if isinstance(loaded, ContentClassifier) and loaded.corpus_key == key:
            _TRAINED[key] = loaded
            return loaded
    classifier = train(read_labelled(train_file), key)
    _TRAINED[key] = classifier
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps(classifier, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(cached)
    return classifier


def train(examples: list[LabelledText], key: str = "") -> ContentClassifier:
    context_free = [example for example in examples if not example.context]
    models = {
        lang: _train_language(lang, [e for e in context_free if e.lang == lang])
        for lang in LANGUAGES
    }
    return ContentClassifier(models, key)


def _train_language(lang: Language, examples: list[LabelledText]) -> LanguageModel:
    vectorizer = _vectorizer(lang)
    features = vectorizer.fit_transform([normalise(example.text).text for example in examples])
    groups = np.array([example.source or example.id for example in examples])
    lawful = np.array([not example.categories for example in examples])
    categories = {}
    for category in CLASSIFIED_CATEGORIES:
        labels = np.array([category in example.categories for example in examples], dtype=int)
        if labels.sum() < FOLDS:
            continue
        categories[category] = _category_model(features, labels, groups, lawful)
    return LanguageModel(vectorizer, categories)


def _vectorizer(lang: Language) -> TfidfVectorizer | FeatureUnion:
    if lang == "zh":
        return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    return FeatureUnion(
        [
            (
                "characters",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w[\w']*\b",
                ),
            ),
        ]
    )


def _fit(features: Any, labels: NDArray[np.int_]) -> SGDClassifier:
    """Logistic regression by stochastic gradient descent: deterministic (fixed seed, one
    thread) and free of BLAS calls, which made liblinear 40x slower on a busy host."""
    model = SGDClassifier(
        loss="log_loss", alpha=ALPHA, class_weight="balanced", max_iter=50, tol=1e-4, random_state=0
    )
    model.fit(features, labels)
    return model


def _category_model(
    features: Any, labels: NDArray[np.int_], groups: NDArray[Any], lawful: NDArray[np.bool_]
) -> CategoryModel:
    scores = _out_of_fold_scores(features, labels, groups)
    threshold = _threshold_within_budget(scores[lawful])
    flagged = scores >= threshold
    return CategoryModel(
        model=_fit(features, labels),
        threshold=threshold,
        out_of_fold_recall=float(flagged[labels == 1].mean()),
        out_of_fold_false_positive_rate=float(flagged[lawful].mean()) if lawful.any() else 0.0,
    )


def _out_of_fold_scores(
    features: Any, labels: NDArray[np.int_], groups: NDArray[Any]
) -> NDArray[np.float64]:
    scores = np.zeros(len(labels))
    for train_rows, test_rows in GroupKFold(n_splits=FOLDS).split(features, labels, groups):
        if labels[train_rows].sum() == 0:
            continue
        model = _fit(features[train_rows], labels[train_rows])
        scores[test_rows] = model.predict_proba(features[test_rows])[:, 1]
    return scores


def _threshold_within_budget(lawful_scores: NDArray[np.float64]) -> float:
    """The lowest threshold that flags at most FALSE_POSITIVE_BUDGET of the lawful texts."""
    low, high = THRESHOLD_BOUNDS
    if not len(lawful_scores):
        return low
    allowed = int(np.floor(FALSE_POSITIVE_BUDGET * len(lawful_scores)))
    highest = np.sort(lawful_scores)[::-1]
    threshold = float(np.nextafter(highest[allowed], 1.0)) if allowed < len(highest) else low
    return min(max(threshold, low), high)
