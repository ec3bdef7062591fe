"""The robot's sentences per language (responses/zh.yaml, en.yaml), validated on load: known
placeholders only, well-formed templates, hotlines for every profile. Rendering fills the
placeholders; a missing value is a bug, raised as such."""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huankuan.dialogue.context import PROFILES, Lang
from huankuan.yaml_schema import YamlDocument, load_yaml, validate

RESPONSES_DIR = Path(__file__).resolve().parent
DEFAULT_HOTLINES = "default"
# Every value the robot can put into a sentence (computed by the bot from the account facts and
# the conversation's slots); a template naming anything else is a configuration error.
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "debtor_name",
        "lender",
        "collector",
        "robot_id",
        "amount_due",
        "due_date",
        "complaint_channel",
        "latest_date",
        "min_amount",
        "max_term",
        "hold_days",
        "proposal_amount",
        "proposal_date",
        "term",
        "instalment",
        "first_date",
        "last_date",
        "discount",
        "hotlines",
        "callback_when",
    }
)
Name = Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]


class ResponseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lang: Literal["zh", "en"]
    hotlines: dict[str, list[Annotated[str, StringConstraints(min_length=1)]]]
    messages: dict[Name, dict[Name, Annotated[str, StringConstraints(min_length=1)]]] = Field(
        min_length=1
    )


class Responses:
    """One language's sentences, addressed by "group.key"."""

    def __init__(self, lang: Lang, templates: Mapping[str, str], hotlines: Mapping[str, list[str]]):
        self.lang = lang
        self.templates = dict(templates)
        self.hotlines = {profile: list(lines) for profile, lines in hotlines.items()}

    def keys(self) -> set[str]:
        return set(self.templates)

    def placeholders(self, key: str) -> set[str]:
        return placeholders_of(self.templates[key])

    def render(self, key: str, values: Mapping[str, str]) -> str:
        template = self.templates[key]
        missing = self.placeholders(key) - set(values)
        if missing:
            raise KeyError(f"{self.lang}:{key} needs {sorted(missing)}")
        return template.format_map(values)

    def hotlines_for(self, profile: str) -> list[str]:
        return self.hotlines.get(profile) or self.hotlines[DEFAULT_HOTLINES]

    @classmethod
    def load(cls, lang: Lang, path: Path | str | None = None) -> Responses:
        document = load_yaml(path or RESPONSES_DIR / f"{lang}.yaml")
        data = validate(document, ResponseFile)
        if data.lang != lang:
            raise document.error(("lang",), f"expected {lang!r}, the file says {data.lang!r}")
        _check(document, data)
        templates = {
            f"{group}.{key}": text
            for group, messages in data.messages.items()
            for key, text in messages.items()
        }
        return cls(lang, templates, data.hotlines)


@cache
def packaged_responses(lang: Lang) -> Responses:
    return Responses.load(lang)


def placeholders_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _check(document: YamlDocument, data: ResponseFile) -> None:
    if DEFAULT_HOTLINES not in data.hotlines:
        raise document.error(("hotlines",), f"a {DEFAULT_HOTLINES!r} list is required")
    for profile, lines in data.hotlines.items():
        if profile != DEFAULT_HOTLINES and profile not in PROFILES:
            raise document.error(("hotlines", profile), f"unknown profile {profile!r}")
        if not lines:
            raise document.error(("hotlines", profile), "at least one hotline is required")
    for group, messages in data.messages.items():
        for key, text in messages.items():
            path = ("messages", group, key)
            try:
                names = placeholders_of(text)
            except ValueError as error:
                raise document.error(path, f"malformed template: {error}") from None
            unknown = sorted(name for name in names if name not in PLACEHOLDERS)
            if unknown:
                raise document.error(path, f"unknown placeholder(s) {unknown}")


def parity_problems(first: Responses, second: Responses) -> list[str]:
    """Keys or placeholders present in one language and not the other."""
    problems = [
        f"{key} is missing in {missing_in.lang}"
        for present, missing_in in ((first, second), (second, first))
        for key in sorted(present.keys() - missing_in.keys())
    ]
    for key in sorted(first.keys() & second.keys()):
        if first.placeholders(key) != second.placeholders(key):
            problems.append(
                f"{key}: {first.lang} has {sorted(first.placeholders(key))}, "
                f"{second.lang} has {sorted(second.placeholders(key))}"
            )
    return problems
