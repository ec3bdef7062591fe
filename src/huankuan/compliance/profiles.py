"""Jurisdiction profiles: the gate's rules as versioned YAML data, validated on load.

A profile is a list of rules; each rule has a stable id, a `kind` (the mechanism in
`compliance/rules/` that evaluates it), a citation and a plain-language explanation. Adding a
rule of an existing kind is a YAML change; a new kind is one small module plus one schema class.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from huankuan.domain.errors import ConfigError
from huankuan.domain.model import Channel, ContactRole, HoldType, Jurisdiction
from huankuan.yaml_schema import YamlDocument, load_yaml, parse_clock, validate

PROFILE_DIR = Path(__file__).with_name("profiles")
ALL_CHANNELS: tuple[Channel, ...] = tuple(Channel)

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
Text = Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]
Version = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){1,3}$")]


def _channels(value: object) -> object:
    return ALL_CHANNELS if value == "all" else value


Clock = Annotated[time, BeforeValidator(parse_clock)]
Channels = Annotated[tuple[Channel, ...], BeforeValidator(_channels), Field(min_length=1)]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RuleId
    citation: Text
    explanation: Text


class ContactHoursRule(_Rule):
    """Contact only inside a local-time window (in the debtor's or the contact point's zone)."""

    kind: Literal["contact_hours"]
    zone: Literal["debtor", "contact_point"]
    start: Clock
    end: Clock
    end_inclusive: bool
    channels: Channels


class HoldRule(_Rule):
    """While a hold of `hold_type` is active, the listed channels are blocked."""

    kind: Literal["hold"]
    hold_type: HoldType
    blocks: Channels


class UnrecognisedHoldRule(_Rule):
    """A hold type the profile does not know blocks everything (fail closed)."""

    kind: Literal["unrecognised_hold"]


class OptOutRule(_Rule):
    """The contact point opted out of this channel ("call" covers robot and agent calls)."""

    kind: Literal["opt_out"]


class ConsentRule(_Rule):
    """No recorded consent for this contact point on these channels."""

    kind: Literal["consent"]
    channels: Channels


class InvalidContactRule(_Rule):
    """The contact point is known to be invalid (wrong number, bounced, returned mail)."""

    kind: Literal["invalid_contact"]


class ThirdPartyRolesRule(_Rule):
    """Only these roles other than the debtor may be contacted at all."""

    kind: Literal["third_party_roles"]
    allowed_roles: tuple[ContactRole, ...]


class ThirdPartyDisclosureRule(_Rule):
    """Nobody but the debtor may be told about the debt."""

    kind: Literal["third_party_disclosure"]


class ThirdPartyPurposeRule(_Rule):
    """Contact with anyone but the debtor only with these (location) templates."""

    kind: Literal["third_party_purpose"]
    templates: tuple[str, ...] = Field(min_length=1)


class ThirdPartyUnreachableRule(_Rule):
    """Contact with these roles only while the debtor is unreachable."""

    kind: Literal["third_party_only_if_unreachable"]
    roles: tuple[ContactRole, ...] = Field(min_length=1)


Rule = Annotated[
    ContactHoursRule
    | HoldRule
    | UnrecognisedHoldRule
    | OptOutRule
    | ConsentRule
    | InvalidContactRule
    | ThirdPartyRolesRule
    | ThirdPartyDisclosureRule
    | ThirdPartyPurposeRule
    | ThirdPartyUnreachableRule,
    Field(discriminator="kind"),
]


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: Jurisdiction
    version: Version
    title: Text
    rules: tuple[Rule, ...] = Field(min_length=1)

    @property
    def label(self) -> str:
        """What the plan stores as `gate_version`, e.g. `US-RegF@2026.11.1`."""
        return f"{self.profile.value}@{self.version}"

    def hold_rule(self, hold_type: str) -> HoldRule | None:
        return next(
            (
                rule
                for rule in self.rules
                if isinstance(rule, HoldRule) and rule.hold_type == hold_type
            ),
            None,
        )


def load_profile(path: Path | str) -> Profile:
    document = load_yaml(path)
    profile = validate(document, Profile)
    _check_semantics(document, profile)
    return profile


def load_profiles(directory: Path = PROFILE_DIR) -> dict[str, Profile]:
    """Every `*.yaml` profile in `directory`, by jurisdiction name."""
    profiles: dict[str, Profile] = {}
    for path in sorted(directory.glob("*.yaml")):
        profile = load_profile(path)
        if profile.profile.value in profiles:
            raise ConfigError(str(path), 1, "profile", f"{profile.profile.value} is defined twice")
        profiles[profile.profile.value] = profile
    return profiles


def _check_semantics(document: YamlDocument, profile: Profile) -> None:
    seen: dict[str, int] = {}
    holds: dict[str, int] = {}
    for index, rule in enumerate(profile.rules):
        if rule.id in seen:
            raise document.error(
                ("rules", index, "id"), f"duplicate rule id {rule.id} (also rules[{seen[rule.id]}])"
            )
        seen[rule.id] = index
        if isinstance(rule, ContactHoursRule) and rule.end <= rule.start:
            raise document.error(("rules", index, "end"), "must be later than start")
        if isinstance(rule, HoldRule):
            if rule.hold_type.value in holds:
                raise document.error(
                    ("rules", index, "hold_type"), f"{rule.hold_type.value} already has a rule"
                )
            holds[rule.hold_type.value] = index
    _require(document, profile, holds)


def _require(document: YamlDocument, profile: Profile, holds: dict[str, int]) -> None:
    missing = [hold.value for hold in HoldType if hold.value not in holds]
    if missing:
        raise document.error(("rules",), f"no hold rule for: {', '.join(missing)}")
    kinds: set[Any] = {(rule.kind, getattr(rule, "zone", None)) for rule in profile.rules}
    for kind, zone in (
        ("contact_hours", "debtor"),
        ("unrecognised_hold", None),
        ("opt_out", None),
        ("invalid_contact", None),
    ):
        if (kind, zone) not in kinds:
            what = f"{kind} rule with zone {zone}" if zone else f"{kind} rule"
            raise document.error(("rules",), f"a profile needs a {what}")
