"""Bilingual outbound texts (zh.yaml, en.yaml): versioned YAML validated on load, rendered with
the debtor's name, the amount due and the account reference, and screened by the content guard
before any channel sends them (service_layer/dispatch.py). A template that carries a portal
link (`{url}`) is rendered only with one: the agent's "send portal link" action
(service_layer/portal_invite.py) gives it; dispatch and the free message form never do."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huankuan.domain.errors import InvalidInput, NotFound
from huankuan.domain.model import Channel
from huankuan.domain.money import Money
from huankuan.yaml_schema import load_yaml, validate

TEMPLATE_DIR = Path(__file__).parent
LANGUAGES = ("zh", "en")
PLACEHOLDERS = frozenset({"name", "amount", "reference", "url"})
LINK = "url"  # the placeholder of a portal link: only the portal-link action fills it
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Text = Annotated[str, StringConstraints(min_length=3)]


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: tuple[Channel, ...] = Field(min_length=1)
    subject: Text | None = None
    text: Text

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(
            part[1]
            for value in (self.subject, self.text)
            for part in string.Formatter().parse(value or "")
            if part[1]
        )

    @property
    def carries_link(self) -> bool:
        return LINK in self.placeholders


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
        if template.carries_link and template.channels != (Channel.SMS,):
            raise document.error(("templates", name, "channels"), "a link is sent by SMS only")
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


def carries_link(template: str) -> bool:
    """Whether the template (in any language) needs a portal link to be rendered."""
    return any(
        spec.carries_link
        for found in packaged_templates().values()
        if (spec := found.templates.get(template)) is not None
    )


def render(
    template: str,
    lang: str,
    channel: Channel,
    *,
    name: str,
    amount: Money,
    reference: str,
    url: str | None = None,
) -> Rendered:
    """The template's text (and subject) in `lang`; NotFound when it is missing for the
    language or does not serve the channel; InvalidInput when it carries a link and `url` is
    not given."""
    found = packaged_templates().get(lang)
    spec = None if found is None else found.templates.get(template)
    if spec is None or channel not in spec.channels:
        raise NotFound(f"no {lang} template {template!r} for {channel.value}")
    if spec.carries_link and url is None:
        raise InvalidInput(f"the {lang} template {template!r} carries a portal link: give one")
    values = {"name": name, "amount": format_amount(amount, lang), "reference": reference}
    if url is not None:
        values[LINK] = url
    subject = None if spec.subject is None else spec.subject.format(**values)
    return Rendered(template, lang, spec.text.format(**values), subject)
