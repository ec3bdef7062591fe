"""The labelled corpus: JSON Lines of {"id", "lang", "text", "categories", "context"?, "source"}."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huankuan.compliance.content.model import CATEGORIES, LANGUAGES, Category, Language
from huankuan.domain.errors import InvalidInput

DATA_DIR = Path(__file__).parent / "data"
TRAIN_FILE = DATA_DIR / "train.jsonl"
HELDOUT_FILE = DATA_DIR / "heldout.jsonl"
# Hand-written after the first held-out split had been looked at; measurement only.
HELDOUT_V2_FILE = DATA_DIR / "heldout_v2.jsonl"


@dataclass(frozen=True, slots=True)
class LabelledText:
    id: str
    lang: Language
    text: str
    categories: tuple[Category, ...]
    context: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def is_violation(self) -> bool:
        return bool(self.categories)

    def to_json(self) -> str:
        record: dict[str, Any] = {
            "id": self.id,
            "lang": self.lang,
            "text": self.text,
            "categories": list(self.categories),
        }
        if self.context:
            record["context"] = self.context
        if self.source:
            record["source"] = self.source
        return json.dumps(record, ensure_ascii=False, sort_keys=False)


def parse_labelled(line: str, where: str) -> LabelledText:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{where}: not JSON: {error.msg}") from error
    if not isinstance(record, dict):
        raise InvalidInput(f"{where}: expected an object")
    lang, text, categories = record.get("lang"), record.get("text"), record.get("categories")
    if lang not in LANGUAGES or not isinstance(text, str) or not isinstance(categories, list):
        raise InvalidInput(f"{where}: needs lang (zh|en), text and categories")
    unknown = [category for category in categories if category not in CATEGORIES]
    if unknown:
        raise InvalidInput(f"{where}: unknown categories {unknown}")
    context = record.get("context") or {}
    if not isinstance(context, dict):
        raise InvalidInput(f"{where}: context must be an object")
    return LabelledText(
        id=str(record.get("id", where)),
        lang=lang,
        text=text,
        categories=tuple(category for category in CATEGORIES if category in categories),
        context=context,
        source=str(record.get("source", "")),
    )


def read_labelled(path: Path) -> list[LabelledText]:
    with path.open(encoding="utf-8") as handle:
        return list(_parse_lines(handle, path))


def _parse_lines(lines: Iterable[str], path: Path) -> Iterator[LabelledText]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield parse_labelled(line, f"{path.name}:{number}")


def write_labelled(path: Path, examples: Iterable[LabelledText]) -> None:
    path.write_text("".join(example.to_json() + "\n" for example in examples), encoding="utf-8")


def file_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()
