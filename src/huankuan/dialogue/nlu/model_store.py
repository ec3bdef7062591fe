"""Where the fitted intent classifier lives: trained from the corpus on first use and cached as a
joblib file keyed by the corpus digest, the model version and the scikit-learn version."""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

import joblib
import sklearn

from huankuan.dialogue.nlu.classifier import MODEL_VERSION, IntentClassifier
from huankuan.dialogue.nlu.corpus import LabelledUtterance, corpus_digest
from huankuan.dialogue.nlu.features import prepare
from huankuan.dialogue.nlu.language import Lang

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "huankuan" / "nlu"


# The modules whose code shapes the features: a change to any of them retires cached models.
_FEATURE_MODULES = (
    "text.py",
    "tokenizers.py",
    "numbers.py",
    "dates.py",
    "amounts.py",
    "features.py",
    "classifier.py",
)


@cache
def code_digest() -> str:
    digest = hashlib.sha256()
    for name in _FEATURE_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]


def model_path(cache_dir: Path, examples: list[LabelledUtterance]) -> Path:
    key = f"{MODEL_VERSION}-{corpus_digest(examples)}-{code_digest()}-skl{sklearn.__version__}"
    return cache_dir / f"intent-{key}.joblib"


def train_classifier(examples: list[LabelledUtterance]) -> IntentClassifier:
    inputs = [prepare(example.text, _lang(example.lang)) for example in examples]
    return IntentClassifier.fit(inputs, [example.intent for example in examples])


def load_or_train(
    examples: list[LabelledUtterance], cache_dir: Path | None, retrain: bool = False
) -> tuple[IntentClassifier, Path | None]:
    """The cached classifier for this corpus, trained (and cached) when missing or stale.

    `cache_dir=None` trains in memory and caches nothing."""
    if cache_dir is None:
        return train_classifier(examples), None
    path = model_path(cache_dir, examples)
    if path.exists() and not retrain:
        try:
            cached = joblib.load(path)
        except Exception:  # a truncated or foreign file: retrain rather than fail the robot
            cached = None
        if isinstance(cached, IntentClassifier) and cached.version == MODEL_VERSION:
            return cached, path
    classifier = train_classifier(examples)
    _atomic_dump(classifier, path)
    return classifier, path


def _atomic_dump(classifier: IntentClassifier, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        joblib.dump(classifier, temporary, compress=3)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _lang(value: str) -> Lang:
    return "zh" if value == "zh" else "en"
