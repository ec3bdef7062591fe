"""Builds data/train.jsonl and data/heldout.jsonl from the hand-written sources in data/sources/.

Run `python -m huankuan.compliance.content.corpus_builder` after editing a source. Expansion is
deterministic: slot values and wrappers are drawn with a generator seeded by each template's text,
so the same sources always give byte-identical files.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from huankuan.compliance.content.corpus import (
    DATA_DIR,
    HELDOUT_FILE,
    TRAIN_FILE,
    LabelledText,
    write_labelled,
)
from huankuan.compliance.content.model import CATEGORIES, LANGUAGES, Category

SOURCES_DIR = DATA_DIR / "sources"
_SLOT = re.compile(r"\{(\w+)\}")
_NO_WRAP: dict[str, list[str]] = {"prefix": [""], "suffix": [""]}


@dataclass(frozen=True)
class _Variant:
    context: dict[str, Any]
    categories: tuple[Category, ...]


def build_split(split: str) -> list[LabelledText]:
    """Every `<lang>_<split>*.yaml` source, expanded; duplicates (text and context) dropped."""
    examples: list[LabelledText] = []
    for lang in LANGUAGES:
        seen: set[tuple[str, str]] = set()
        start = len(examples)
        for path in sorted(SOURCES_DIR.glob(f"{lang}_{split}*.yaml")):
            source = yaml.safe_load(path.read_text("utf-8"))
            for text, variant, origin in _expand_source(source, path.name):
                key = (text, repr(sorted(variant.context.items())))
                if key in seen:
                    continue
                seen.add(key)
                examples.append(
                    LabelledText(
                        id=f"{lang}-{split}-{len(examples) - start + 1:05d}",
                        lang=lang,
                        text=text,
                        categories=variant.categories,
                        context=variant.context,
                        source=origin,
                    )
                )
    return examples


def _expand_source(source: dict[str, Any], file_name: str) -> list[tuple[str, _Variant, str]]:
    slots: dict[str, list[str]] = source["slots"]
    wrap: dict[str, list[str]] = source["wrap"]
    count: int = source["variants_per_template"]
    expanded: list[tuple[str, _Variant, str]] = []
    for group_index, group in enumerate(source["groups"]):
        for template_index, template in enumerate(group["templates"]):
            origin = f"{file_name}#groups[{group_index}].templates[{template_index}]"
            # Context examples state precise facts: no wrapper may add a greeting or a lender
            # name that changes what a third party learns.
            wrappers = _NO_WRAP if "contexts" in group else wrap
            for text in _texts(template, slots, wrappers, count):
                expanded.extend((text, variant, origin) for variant in _variants(group))
    return expanded


def _variants(group: dict[str, Any]) -> list[_Variant]:
    if "contexts" in group:
        return [
            _Variant(dict(item["context"]), _ordered(item["labels"])) for item in group["contexts"]
        ]
    return [_Variant({}, _ordered(group["labels"]))]


def _ordered(labels: list[str]) -> tuple[Category, ...]:
    unknown = set(labels) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)}")
    return tuple(category for category in CATEGORIES if category in labels)


def _texts(
    template: str, slots: dict[str, list[str]], wrap: dict[str, list[str]], count: int
) -> list[str]:
    """The bare template once (slots filled), then wrapped variants, without duplicates."""
    rng = random.Random(int.from_bytes(hashlib.sha256(template.encode()).digest()[:8], "big"))
    texts: list[str] = []
    for attempt in range(count * 3):
        body = _fill(template, slots, rng)
        if attempt == 0:
            text = body
        else:
            prefix = _fill(rng.choice(wrap["prefix"]), slots, rng)
            suffix = rng.choice(wrap["suffix"])
            text = prefix + body + suffix
        if text not in texts:
            texts.append(text)
        if len(texts) == count:
            break
    return texts


def _fill(template: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    return _SLOT.sub(lambda match: rng.choice(slots[match.group(1)]), template)


def build_all() -> tuple[int, int]:
    train = build_split("train")
    train_texts = {example.text for example in train}
    heldout = [example for example in build_split("heldout") if example.text not in train_texts]
    write_labelled(TRAIN_FILE, train)
    write_labelled(HELDOUT_FILE, heldout)
    return len(train), len(heldout)


def main() -> None:  # pragma: no cover - maintenance entry point
    train, heldout = build_all()
    print(f"wrote {train} training and {heldout} held-out examples to {Path(DATA_DIR)}")


if __name__ == "__main__":  # pragma: no cover
    main()
