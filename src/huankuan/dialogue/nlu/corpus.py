"""The labelled corpus the project keeps (data/*.jsonl): loading and checking."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from huankuan.dialogue.nlu.intents import INTENTS

DATA_DIR = Path(__file__).parent / "data"
TRAIN_FILE = DATA_DIR / "train.jsonl"
HELDOUT_FILE = DATA_DIR / "heldout.jsonl"


@dataclass(frozen=True, slots=True)
class LabelledUtterance:
    text: str
    lang: str
    intent: str
    today: date | None = None
    amount: Decimal | None = None
    date: date | None = None
    has_amount: bool = False
    has_date: bool = False


def parse_row(row: dict[str, object], where: str) -> LabelledUtterance:
    text, lang, intent = row.get("text"), row.get("lang"), row.get("intent")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}: 'text' must be a non-empty string")
    if lang not in ("zh", "en"):
        raise ValueError(f"{where}: 'lang' must be zh or en, got {lang!r}")
    if intent not in INTENTS:
        raise ValueError(f"{where}: unknown intent {intent!r}")
    amount, day, today = row.get("amount"), row.get("date"), row.get("today")
    return LabelledUtterance(
        text=text,
        lang=str(lang),
        intent=str(intent),
        today=date.fromisoformat(str(today)) if today else None,
        amount=Decimal(str(amount)) if amount is not None else None,
        date=date.fromisoformat(str(day)) if day else None,
        has_amount="amount" in row,
        has_date="date" in row,
    )


def load_corpus(path: Path) -> list[LabelledUtterance]:
    with path.open(encoding="utf-8") as lines:
        return [
            parse_row(json.loads(line), f"{path.name}:{number}")
            for number, line in enumerate(lines, 1)
            if line.strip()
        ]


def corpus_digest(examples: Iterable[LabelledUtterance]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.lang}\t{example.intent}\t{example.text}\n".encode())
    return digest.hexdigest()[:16]
