"""The committed corpus is exactly what the seeded generator writes, and the date oracle used for
gold values agrees with the documented convention."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from huankuan.dialogue.nlu.corpus import HELDOUT_FILE, TRAIN_FILE
from huankuan.dialogue.nlu.corpus_generator import build, resolve_spec


@pytest.mark.parametrize(("split", "path"), [("train", TRAIN_FILE), ("heldout", HELDOUT_FILE)])
def test_the_committed_corpus_is_reproducible(split: str, path: Path) -> None:
    committed = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    generated = [e.as_json() for e in build(split)]
    if split == "heldout":
        train_texts = {e.text.lower() for e in build("train")}
        generated = [row for row in generated if row["text"].lower() not in train_texts]
    assert generated == committed


@pytest.mark.parametrize(
    ("spec", "today", "expected"),
    [
        ("wd:1:4", date(2026, 11, 25), date(2026, 12, 4)),
        ("wd:0:4", date(2026, 11, 27), date(2026, 11, 27)),
        ("dom:15", date(2026, 12, 20), date(2027, 1, 15)),
        ("dom:31:1", date(2027, 1, 29), date(2027, 2, 28)),
        ("me:0", date(2028, 2, 1), date(2028, 2, 29)),
        ("md:12:5", date(2026, 12, 27), date(2027, 12, 5)),
        ("+14", date(2026, 12, 27), date(2027, 1, 10)),
    ],
)
def test_the_gold_date_oracle_follows_the_convention(
    spec: str, today: date, expected: date
) -> None:
    assert resolve_spec(spec, today) == expected
