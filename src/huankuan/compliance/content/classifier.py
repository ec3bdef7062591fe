"""The trained layer: TF-IDF character n-grams (plus word n-grams for English) and one logistic
model per category and language, trained on the project's corpus (data/train.jsonl,
context-free examples only).

Each category's threshold is tuned for recall on out-of-fold predictions (folds grouped by source
template, so that a template's variants never sit on both sides of a fold): the lowest threshold
whose out-of-fold false-positive rate on lawful training texts stays within FALSE_POSITIVE_BUDGET.
The held-out splits are never seen here.

Fitting uses scikit-learn; prediction does not (features.py): the fitted vocabulary, idf,
coefficients and intercepts are copied out and the scores computed with one small dot product.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold

from huankuan.compliance.content.corpus import TRAIN_FILE, LabelledText, read_labelled
from huankuan.compliance.content.features import ANALYZERS, VIEWS, LinearScorer, TfidfSpace
from huankuan.compliance.content.model import CATEGORIES, LANGUAGES, Category, Language
from huankuan.compliance.content.normalise import normalise

# Recall comes first, within this share of lawful training texts flagged per category (out of fold).
FALSE_POSITIVE_BUDGET = 0.01
THRESHOLD_BOUNDS = (0.25, 0.9)
FOLDS = 5
ALPHA = 1e-4  # L2 regularisation strength
# Deceptive amounts are a comparison of numbers with the contract and the legal cap, which the
# rules make exactly; n-grams only learn that fees are mentioned, and every lawful reminder
# mentions an amount.
CLASSIFIED_CATEGORIES: tuple[Category, ...] = tuple(
    category for category in CATEGORIES if category != "deceptive_amount"
)
# zh: character 1-3-grams (no word boundaries to trust). en: character 3-6-grams across word
# boundaries plus word 1-2-grams ("get hurt", "your boss"), over the text with the words under a
# negation marked. (analyzer, min_df) per space. Marking negation in Chinese was tried and
# rejected: out-of-fold recall moved up in two categories and down in two.
VIEW: dict[Language, str] = {"zh": "plain", "en": "english_negation_scope"}
SPACES: dict[Language, tuple[tuple[str, int], ...]] = {
    "zh": (("chinese_characters", 2),),
    "en": (("english_characters", 2), ("english_words", 1)),
}
_CODE_FILES = ("classifier.py", "features.py", "normalise.py")

Flag = tuple[Category, float, float]  # category, probability, threshold


@dataclass(frozen=True)
class CategoryModel:
    threshold: float
    out_of_fold_recall: float
    out_of_fold_false_positive_rate: float


@dataclass(frozen=True)
class LanguageModel:
    """All categories of one language scored at once: column i of the scorer is category i."""

    scorer: LinearScorer
    categories: dict[Category, CategoryModel]

    def probabilities(self, text: str) -> NDArray[np.float64]:
        return _sigmoid(self.scorer.decision(text))

    def flags(self, probabilities: NDArray[np.float64]) -> list[Flag]:
        return [
            (category, float(probability), model.threshold)
            for (category, model), probability in zip(
                self.categories.items(), probabilities, strict=True
            )
            if probability >= model.threshold
        ]


@dataclass(frozen=True)
class ContentClassifier:
    """Implements guard.TextClassifier."""

    models: dict[Language, LanguageModel]
    corpus_key: str

    def flagged(self, text: str, lang: Language) -> list[Flag]:
        """Categories scored at or above threshold; none for texts too short to judge."""
        if _too_short(text, lang) or not self.models[lang].categories:
            return []
        language = self.models[lang]
        return language.flags(language.probabilities(text))

    def flagged_many(self, texts: Sequence[str], lang: Language) -> list[list[Flag]]:
        """`flagged` for a batch of texts of one language, with one sparse product."""
        language = self.models[lang]
        judged = [index for index, text in enumerate(texts) if not _too_short(text, lang)]
        results: list[list[Flag]] = [[] for _ in texts]
        if not judged or not language.categories:
            return results
        scores = language.scorer.decisions([texts[index] for index in judged])
        for index, row in zip(judged, _sigmoid(scores), strict=True):
            results[index] = language.flags(row)
        return results

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


def _sigmoid(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    result: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-scores))
    return result


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
        f"{FALSE_POSITIVE_BUDGET}{THRESHOLD_BOUNDS}{FOLDS}{ALPHA}{VIEW}{SPACES}{CLASSIFIED_CATEGORIES}".encode()
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


@dataclass(frozen=True)
class FittedLanguage:
    """What scikit-learn fitted for one language: kept by `fit_language` for the equivalence
    test, never pickled with the classifier."""

    view: str
    vectorizers: tuple[TfidfVectorizer, ...]
    models: dict[Category, SGDClassifier]
    features: sparse.csr_matrix

    def decision_function(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """scikit-learn's own scores, (texts, categories)."""
        views = [VIEWS[self.view](text) for text in texts]
        matrix = sparse.hstack([v.transform(views) for v in self.vectorizers]).tocsr()
        return np.column_stack([m.decision_function(matrix) for m in self.models.values()])

    def scorer(self) -> LinearScorer:
        spaces, offset = [], 0
        for vectorizer in self.vectorizers:
            name = next(name for name, f in ANALYZERS.items() if f is vectorizer.analyzer)
            vocabulary = {str(gram): int(column) for gram, column in vectorizer.vocabulary_.items()}
            spaces.append(TfidfSpace(name, vocabulary, vectorizer.idf_.astype(np.float64), offset))
            offset += len(vocabulary)
        weights = np.zeros((offset, len(self.models)))
        for column, model in enumerate(self.models.values()):
            weights[:, column] = model.coef_[0]
        intercepts = np.array([model.intercept_[0] for model in self.models.values()])
        return LinearScorer(self.view, tuple(spaces), weights, intercepts)


def with_casual_copies(examples: Sequence[LabelledText], lang: Language) -> list[LabelledText]:
    """Chinese lawful examples written with the polite 您, plus a copy with the casual 你.

    The corpus (like real agents) writes lawful reminders with 您 and abuse with 你, so a model
    trained on it flags every casual but lawful "你这个月能先还一千吗？". The copies make 你 no
    evidence of abuse while 您 stays evidence of politeness. (Folding 您 into 你 everywhere was
    tried and rejected: caring sentences such as "现在最重要的是您的安全" then read as threats.)
    A copy keeps its source, so it never sits on the other side of a fold from its original."""
    if lang != "zh":
        return list(examples)
    copies = [
        replace(example, id=f"{example.id}-casual", text=example.text.replace("您", "你"))
        for example in examples
        if not example.categories and "您" in example.text
    ]
    return [*examples, *copies]


def fit_language(
    lang: Language, examples: Sequence[LabelledText], categories: Sequence[Category]
) -> FittedLanguage:
    """Vectorizers and one logistic model per category (with at least FOLDS examples)."""
    vectorizers = tuple(
        TfidfVectorizer(analyzer=ANALYZERS[name], min_df=min_df, sublinear_tf=True)
        for name, min_df in SPACES[lang]
    )
    texts = [VIEWS[VIEW[lang]](normalise(example.text).text) for example in examples]
    features = sparse.hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
    models = {}
    for category in categories:
        labels = _labels(examples, category)
        if labels.sum() >= FOLDS:
            models[category] = _fit(features, labels)
    return FittedLanguage(VIEW[lang], vectorizers, models, features)


def _train_language(lang: Language, examples: list[LabelledText]) -> LanguageModel:
    examples = with_casual_copies(examples, lang)
    fitted = fit_language(lang, examples, CLASSIFIED_CATEGORIES)
    groups = np.array([example.source or example.id for example in examples])
    lawful = np.array([not example.categories for example in examples])
    categories = {
        category: _category_model(fitted.features, _labels(examples, category), groups, lawful)
        for category in fitted.models
    }
    return LanguageModel(fitted.scorer(), categories)


def _labels(examples: Sequence[LabelledText], category: Category) -> NDArray[np.int_]:
    return np.array([category in example.categories for example in examples], dtype=int)


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
