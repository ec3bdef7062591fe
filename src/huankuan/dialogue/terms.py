"""The lender's terms per jurisdiction profile (scripts/terms.yaml): who the robot speaks for,
where borrowers complain, what is true to say about consequences, and the negotiation limits.
A stored account plus these terms make a `ConversationContext`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huankuan.dialogue.context import LANGS, PROFILES, Lang, NegotiationPolicy
from huankuan.domain.errors import InvalidInput
from huankuan.yaml_schema import YamlDocument, load_yaml, validate

TERMS_FILE = Path(__file__).with_name("scripts") / "terms.yaml"
Name = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Negotiation(_Strict):
    max_promise_days: int = Field(ge=0)
    min_promise_minor: int = Field(ge=0)
    min_promise_percent: Decimal
    plan_terms: tuple[int, ...]
    max_term: int = Field(ge=0)
    down_payment_percent: Decimal
    down_payment_days: int = Field(ge=0)
    max_discount_percent: Decimal
    settlement_discount_percent: Decimal
    hardship_hold_days: int = Field(ge=0)


class _ProfileTerms(_Strict):
    lender_name: dict[Lang, Name]
    agency_name: dict[Lang, Name] | None = None
    complaint_channel: Name
    reports_to_bureau: bool
    legal_action_possible: bool
    negotiation: _Negotiation


class _TermsFile(_Strict):
    version: int
    profiles: dict[str, _ProfileTerms]


@dataclass(frozen=True, slots=True)
class LenderTerms:
    lender_name: dict[Lang, str]  # per language
    agency_name: dict[Lang, str] | None
    complaint_channel: str
    reports_to_bureau: bool
    legal_action_possible: bool
    policy: NegotiationPolicy


def load_terms(path: Path | str = TERMS_FILE) -> dict[str, LenderTerms]:
    """The terms of every profile; a missing profile, language or contradictory limit is a
    ConfigError pointing at its line."""
    document = load_yaml(path)
    parsed = validate(document, _TermsFile)
    terms = {}
    for profile in PROFILES:
        if profile not in parsed.profiles:
            raise document.error(("profiles",), f"no terms for profile {profile!r}")
    for name, raw in parsed.profiles.items():
        if name not in PROFILES:
            raise document.error(("profiles", name), f"unknown profile {name!r}")
        terms[name] = _terms(document, name, raw)
    return terms


def _terms(document: YamlDocument, name: str, raw: _ProfileTerms) -> LenderTerms:
    for field, names in (("lender_name", raw.lender_name), ("agency_name", raw.agency_name)):
        if names is not None and set(names) != set(LANGS):
            raise document.error(("profiles", name, field), f"give it in {', '.join(LANGS)}")
    try:
        policy = NegotiationPolicy(**raw.negotiation.model_dump())
    except InvalidInput as error:
        raise document.error(("profiles", name, "negotiation"), str(error)) from error
    return LenderTerms(
        lender_name=dict(raw.lender_name),
        agency_name=dict(raw.agency_name) if raw.agency_name is not None else None,
        complaint_channel=raw.complaint_channel,
        reports_to_bureau=raw.reports_to_bureau,
        legal_action_possible=raw.legal_action_possible,
        policy=policy,
    )
