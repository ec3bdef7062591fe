"""Bilingual outbound texts (zh.yaml, en.yaml): versioned YAML validated on load, rendered with
the debtor's name, the amount due and the account reference, and screened by the content guard
before any channel sends them (service_layer/dispatch.py)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huankuan.domain.errors import NotFound
from huankuan.domain.model import Channel
from huankuan.domain.money import Money
from huankuan.yaml_schema import load_yaml, validate

TEMPLATE_DIR = Path(__file__).parent
LANGUAGES = ("zh", "en")
PLACEHOLDERS = frozenset({"name", "amount", "reference"})
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Text = Annotated[str, StringConstraints(min_length=3)]


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: tuple[Channel, ...] = Field(min_length=1)
    subject: Text | None = None
    text: Text


class TemplateSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Literal["zh", "en"]
    version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){1,3}$")]
    templates: dict[Name, Template] = Field(min_length=1)


@dataclass(frozen=True)
class Rendered:
    template: str
    lang: str
    text: str
    subject: str | None


def load_templates(path: Path) -> TemplateSet:
    document = load_yaml(path)
    templates = validate(document, TemplateSet)
    for name, template in templates.templates.items():
        for field in ("subject", "text"):
            value = getattr(template, field)
            used = {part[1] for part in string.Formatter().parse(value or "") if part[1]}
            unknown = sorted(used - PLACEHOLDERS)
            if unknown:
                raise document.error(
                    ("templates", name, field),
                    f"unknown placeholder(s) {unknown}; known: {', '.join(sorted(PLACEHOLDERS))}",
                )
        if Channel.EMAIL in template.channels and template.subject is None:
            raise document.error(("templates", name, "subject"), "an email template needs one")
    return templates


@cache
def packaged_templates() -> dict[str, TemplateSet]:
    return {lang: load_templates(TEMPLATE_DIR / f"{lang}.yaml") for lang in LANGUAGES}


def language_of(locale: str | None) -> str:
    return "zh" if (locale or "").lower().startswith("zh") else "en"


def format_amount(amount: Money, lang: str) -> str:
    number = f"{amount.major:,}"
    if amount.currency == "CNY":
        return f"{number}元" if lang == "zh" else f"CNY {number}"
    if amount.currency == "USD":
        return f"${number}"
    return f"{number} {amount.currency}"


def render(
    template: str, lang: str, channel: Channel, *, name: str, amount: Money, reference: str
) -> Rendered:
    """The template's text (and subject) in `lang`; NotFound when it is missing for the
    language or does not serve the channel."""
    found = packaged_templates().get(lang)
    spec = None if found is None else found.templates.get(template)
    if spec is None or channel not in spec.channels:
        raise NotFound(f"no {lang} template {template!r} for {channel.value}")
    values = {"name": name, "amount": format_amount(amount, lang), "reference": reference}
    subject = None if spec.subject is None else spec.subject.format(**values)
    return Rendered(template, lang, spec.text.format(**values), subject)
