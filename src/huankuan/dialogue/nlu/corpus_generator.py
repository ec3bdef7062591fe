"""Builds the NLU corpus (data/train.jsonl, data/heldout.jsonl) from the hand-written templates in
data/templates/ and the hard cases in data/hard_*.yaml. Seeded, so the output is reproducible:

    python -m huankuan.dialogue.nlu.corpus_generator

The held-out file comes only from the *_heldout templates, the held-out slot values and the
held-out hard cases, never from the training ones (see data/README.md).
"""

from __future__ import annotations

import calendar
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
REFERENCE_DATES = (
    date(2026, 11, 25),
    date(2026, 12, 27),
    date(2027, 1, 29),
    date(2026, 2, 20),
    date(2026, 6, 5),
)
FILLS_PER_SLOT_TEMPLATE = {"train": 7, "heldout": 4}
VARIANTS_PER_PLAIN_TEMPLATE = {"train": 4, "heldout": 2}

Slot = tuple[str, str]  # surface text, gold (amount value or date spec)


def _gold_slots() -> tuple[
    dict[tuple[str, str], list[Slot]], dict[tuple[str, str], list[Slot]], dict[str, list[str]]
]:
    """Amount and date slot values with their gold answers (train and held-out lists differ)."""
    spec = yaml.safe_load((DATA / "templates" / "gold_slots.yaml").read_text("utf-8"))
    amounts = {
        (lang, split): [(str(t), str(v)) for t, v in values]
        for lang, splits in spec["amounts"].items()
        for split, values in splits.items()
    }
    dates = {
        (lang, split): [(str(t), str(v)) for t, v in values]
        for lang, splits in spec["dates"].items()
        for split, values in splits.items()
    }
    return amounts, dates, {lang: [str(p) for p in values] for lang, values in spec["past"].items()}


AMOUNTS, DATES, PAST = _gold_slots()


# --- the date oracle: the documented convention, written apart from the extractor -------------
def resolve_spec(spec: str, today: date) -> date:
    """'+N' days; 'wd:W:D' weekday D (Mon=0) W weeks ahead (0 = coming, today included);
    'dom:D[:M]' day D, the next on/after today or M months ahead; 'me:M' month end M months
    ahead; 'md:M:D' month/day this year if not past, else next year."""
    kind, _, rest = spec.partition(":")
    if spec.startswith("+"):
        return today + timedelta(days=int(spec[1:]))
    args = [int(part) for part in rest.split(":")]
    if kind == "wd":
        weeks, weekday = args
        if weeks == 0:
            return today + timedelta(days=(weekday - today.weekday()) % 7)
        return today - timedelta(days=today.weekday()) + timedelta(days=7 * weeks + weekday)
    if kind == "dom":
        if len(args) == 2:
            return _clamped(today.year, today.month + args[1], args[0])
        candidate = _clamped(today.year, today.month, args[0])
        return candidate if candidate >= today else _clamped(today.year, today.month + 1, args[0])
    if kind == "me":
        return _clamped(today.year, today.month + args[0], 31)
    if kind == "md":
        candidate = _clamped(today.year, args[0], args[1])
        return candidate if candidate >= today else _clamped(today.year + 1, args[0], args[1])
    raise ValueError(f"unknown date spec {spec!r}")


def _clamped(year: int, month: int, day: int) -> date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


# --- noise: the ways real borrowers' text differs from clean templates --------------------------
_ZH_DIALECT = [
    ("我", "俺"),
    ("什么", "啥"),
    ("怎么", "咋"),
    ("没有", "木有"),
    ("没有", "没"),
    ("不知道", "不晓得"),
    ("这个", "这"),
    ("现在", "这会儿"),
    ("了", "勒"),
    ("的", "滴"),
]
_ZH_OPENERS = ["嗯", "那个", "喂", "呃", "就是", "我跟你说", "哎", "啊", "你好", "那啥", "是这样"]
_ZH_CLOSERS = ["啊", "呀", "哈", "吧", "啦", "嘛", "好吧", "行吗", "知道吗", "ok", "谢谢"]
_EN_OPENERS = ["um", "uh", "well", "look", "listen", "so", "ok", "yeah", "honestly", "hey", "sorry"]
_EN_CLOSERS = ["ok", "alright", "thanks", "man", "sorry", "ok?", "bye", "please"]
_EN_SLANG = [
    ("you", "u"),
    ("your", "ur"),
    ("going to", "gonna"),
    ("want to", "wanna"),
    ("I'm", "im"),
    ("don't", "dont"),
    ("can't", "cant"),
    ("I'll", "ill"),
    ("please", "pls"),
    ("tomorrow", "tmrw"),
    ("won't", "wont"),
    ("okay", "ok"),
]
_PROTECTED = re.compile(r"\{\w+\}")


def _noisy_zh(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        text = re.sub(r"[，。！？、,.!?\s]", "", text)  # ASR: no punctuation
    for plain, dialect in _ZH_DIALECT:
        if plain in text and rng.random() < 0.3:
            text = text.replace(plain, dialect, 1)
    if rng.random() < 0.35:
        text = rng.choice(_ZH_OPENERS) + ("，" if rng.random() < 0.5 else "") + text
    if rng.random() < 0.3:
        text = text + rng.choice(_ZH_CLOSERS)
    han = [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
    if rng.random() < 0.15 and len(han) > 3:  # an ASR stutter: one character said twice
        i = rng.choice(han)
        text = text[:i] + text[i] + text[i:]
    return text


def _noisy_en(text: str, rng: random.Random) -> str:
    for plain, slang in _EN_SLANG:
        if plain in text and rng.random() < 0.35:
            text = text.replace(plain, slang)
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.4:
        text = re.sub(r"[.,!?;]", "", text)
    if rng.random() < 0.3:
        text = rng.choice(_EN_OPENERS) + (", " if rng.random() < 0.5 else " ") + text
    if rng.random() < 0.25:
        text = text.rstrip(".") + " " + rng.choice(_EN_CLOSERS)
    if rng.random() < 0.2:
        text = _typo(text, rng)
    return text


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    words[i] = (
        (word[:j] + word[j + 1] + word[j] + word[j + 2 :])
        if rng.random() < 0.5
        else word[:j] + word[j + 1 :]
    )
    return " ".join(words)


NOISE: dict[str, Callable[[str, random.Random], str]] = {"zh": _noisy_zh, "en": _noisy_en}


@dataclass
class Example:
    text: str
    lang: str
    intent: str
    source: str
    today: date | None = None
    amount: Decimal | None = None
    date: date | None = None
    has_amount: bool = False
    has_date: bool = False

    def as_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {"text": self.text, "lang": self.lang, "intent": self.intent}
        if self.has_amount:
            row["amount"] = float(self.amount) if self.amount is not None else None
        if self.has_date:
            row["today"] = self.today.isoformat() if self.today else None
            row["date"] = self.date.isoformat() if self.date else None
        row["source"] = self.source
        return row


def _fill(
    template: str, lang: str, split: str, slots: dict[str, list[str]], rng: random.Random
) -> Example:
    """One filling of a template; gold amount/date come from the chosen slot values. Noise
    touches the template's own words, never the slot values (they stand as sentinels)."""
    example = Example(text="", lang=lang, intent="", source=f"template:{split}")
    values: list[str] = []
    chosen: dict[str, int] = {}

    def sentinel(match: re.Match[str]) -> str:
        key = match.group(0).strip("{}")
        if key not in chosen:  # the same slot twice in one template: the same value
            chosen[key] = len(values)
            values.append(_slot_value(key, lang, split, slots, example, rng))
        return f"\u27e6{chosen[key]}\u27e7"

    text = _PROTECTED.sub(sentinel, template)
    if rng.random() < 0.6:
        text = NOISE[lang](text, rng)
    for index, value in enumerate(values):
        text = text.replace(f"\u27e6{index}\u27e7", value)
    example.text = re.sub(r"\s+", " ", text).strip()
    return example


def _slot_value(
    key: str,
    lang: str,
    split: str,
    slots: dict[str, list[str]],
    example: Example,
    rng: random.Random,
) -> str:
    if key == "amount":
        surface, gold = rng.choice(AMOUNTS[(lang, split)])
        example.amount, example.has_amount = Decimal(gold), True
        return surface
    if key == "date":
        surface, spec = rng.choice(DATES[(lang, split)])
        example.today = rng.choice(REFERENCE_DATES)
        example.date, example.has_date = resolve_spec(spec, example.today), True
        return surface
    if key == "past":
        return rng.choice(PAST[lang])
    return str(rng.choice(slots[key]))


def _template_files(lang: str, split: str) -> list[Path]:
    """`zh_train.yaml`, then `zh_train_2.yaml`...; slot lists come from the first file."""
    return sorted((DATA / "templates").glob(f"{lang}_{split}*.yaml"))


def generate_templates(lang: str, split: str) -> Iterator[Example]:
    files = _template_files(lang, split)
    slots = yaml.safe_load(files[0].read_text("utf-8"))["slots"]
    rng = random.Random(f"huankuan-nlu-{lang}-{split}")
    for path in files:
        spec = yaml.safe_load(path.read_text("utf-8"))
        for intent, templates in spec["intents"].items():
            for template in templates:
                yield from _expand(str(template), intent, lang, split, slots, rng)


def _expand(
    template: str,
    intent: str,
    lang: str,
    split: str,
    slots: dict[str, list[str]],
    rng: random.Random,
) -> Iterator[Example]:
    if _PROTECTED.search(template):
        for _ in range(FILLS_PER_SLOT_TEMPLATE[split]):
            example = _fill(template, lang, split, slots, rng)
            example.intent = intent
            yield example
        return
    yield Example(template, lang, intent, f"template:{split}")
    for _ in range(VARIANTS_PER_PLAIN_TEMPLATE[split]):
        yield Example(NOISE[lang](template, rng), lang, intent, f"template:{split}")


def generate_hard_cases(lang: str, split: str) -> Iterator[Example]:
    """Hand-written hard cases: 'text || amount=500; date=+1; today=2026-11-25'."""
    spec = yaml.safe_load((DATA / f"hard_{lang}.yaml").read_text("utf-8"))
    for intent, lines in spec[split].items():
        for line in lines:
            text, _, gold = str(line).partition("||")
            example = Example(text.strip(), lang, intent, f"hand:{split}")
            fields = dict(part.strip().split("=", 1) for part in gold.split(";") if "=" in part)
            if "amount" in fields:
                example.has_amount = True
                example.amount = None if fields["amount"] == "null" else Decimal(fields["amount"])
            if "date" in fields:
                example.has_date = True
                example.today = date.fromisoformat(fields.get("today", "2026-11-25"))
                example.date = (
                    None
                    if fields["date"] == "null"
                    else resolve_spec(fields["date"], example.today)
                )
            yield example


def build(split: str) -> list[Example]:
    examples: list[Example] = []
    seen: set[tuple[str, str]] = set()
    for lang in ("zh", "en"):
        for example in (*generate_hard_cases(lang, split), *generate_templates(lang, split)):
            key = (example.text.lower(), example.lang)
            if key in seen:
                continue
            seen.add(key)
            examples.append(example)
    return examples


def main() -> None:
    train = build("train")
    heldout = build("heldout")
    train_texts = {e.text.lower() for e in train}
    heldout = [e for e in heldout if e.text.lower() not in train_texts]  # no leakage, ever
    for name, examples in (("train", train), ("heldout", heldout)):
        path = DATA / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for example in examples:
                out.write(json.dumps(example.as_json(), ensure_ascii=False) + "\n")
        counts = {lang: sum(1 for e in examples if e.lang == lang) for lang in ("zh", "en")}
        print(f"{path.name}: {len(examples)} examples {counts}")


if __name__ == "__main__":
    main()
