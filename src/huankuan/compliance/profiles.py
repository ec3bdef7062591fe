"""Jurisdiction profiles: the gate's rules as versioned YAML data, validated on load.

A profile is a list of rules; each rule has a stable id, a `kind` (the mechanism in
`compliance/rules/` that evaluates it), a citation and a plain-language explanation. Adding a
rule of an existing kind is a YAML change; a new kind is one small module plus one schema class.
"""

from __future__ import annotations

import hashlib
import json
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from huankuan.compliance.facts import Purpose
from huankuan.domain.errors import ConfigError
from huankuan.domain.model import Channel, ContactRole, HoldType
from huankuan.yaml_schema import YamlDocument, load_yaml, parse_clock, validate

PROFILE_DIR = Path(__file__).with_name("profiles")
ALL_CHANNELS: tuple[Channel, ...] = tuple(Channel)

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
Text = Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]
Version = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){1,3}$")]
ProfileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*$")]


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
    """While a hold of `hold_type` is active, the listed channels are blocked, except for
    attempts to `except_roles` (the attorney, the estate's representative) or for one of
    `except_purposes` (the notices a cease request permits); those the hold only conditions."""

    kind: Literal["hold"]
    hold_type: HoldType
    blocks: Channels
    except_roles: tuple[ContactRole, ...] = ()
    except_purposes: tuple[Purpose, ...] = ()


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
    """Contact with a third party only for these purposes, or with these (location) templates."""

    kind: Literal["third_party_purpose"]
    templates: tuple[str, ...] = Field(min_length=1)
    purposes: tuple[Purpose, ...] = ("location",)


class ThirdPartyUnreachableRule(_Rule):
    """Contact with these roles only while the debtor is unreachable."""

    kind: Literal["third_party_only_if_unreachable"]
    roles: tuple[ContactRole, ...] = Field(min_length=1)


class ContactFrequencyRule(_Rule):
    """At most `max_contacts` outbound contacts on `channels` within `window_days` consecutive
    local calendar days (the attempt's day and the days before it, in the debtor's zone).

    `per`: which earlier contacts share the attempt's count: the same `person`, the same
    `person_and_debt` (a contact about several debts counts for each), or the same `number`.
    `counts`: `connected` contacts (calls that connected, whether or not anyone spoke, and
    every written message) or `unanswered` dials (calls without a conversation). Calls the
    debtor placed never count.
    """

    kind: Literal["contact_frequency"]
    max_contacts: int = Field(ge=1, le=1000)
    window_days: int = Field(ge=1, le=366)
    per: Literal["person", "person_and_debt", "number"]
    counts: Literal["connected", "unanswered"]
    channels: Channels


class AfterConversationRule(_Rule):
    """No attempt on `channels` for `window_days` local days after a telephone conversation
    with the same person (about the same debt when `per` says so); the conversation's day is
    day 1, and it counts whoever placed the call."""

    kind: Literal["after_conversation"]
    window_days: int = Field(ge=1, le=366)
    per: Literal["person", "person_and_debt"]
    channels: Channels


class ThirdPartyOnceRule(_Rule):
    """A third party is communicated with at most once (a connected call or a written message)."""

    kind: Literal["third_party_once"]


class ContactRefusedRule(_Rule):
    """The person being contacted asked not to be contacted: the listed channels stop."""

    kind: Literal["contact_refused"]
    channels: Channels


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
    | ThirdPartyUnreachableRule
    | ContactFrequencyRule
    | AfterConversationRule
    | ThirdPartyOnceRule
    | ContactRefusedRule,
    Field(discriminator="kind"),
]


class Profile(BaseModel):
    """A jurisdiction profile, or a house profile resolved onto its base (`extends`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: ProfileName
    version: Version
    title: Text
    rules: tuple[Rule, ...] = Field(min_length=1)
    extends: str | None = None  # the base profile's label, for a resolved house profile

    @property
    def label(self) -> str:
        """What decisions store as the profile version, e.g. `US-RegF@2026.12.1`, or for a house
        profile `US-MA@2026.12.1+US-RegF@2026.12.1`."""
        own = f"{self.profile}@{self.version}"
        return f"{own}+{self.extends}" if self.extends else own

    @property
    def fingerprint(self) -> str:
        """sha256 of the rules as validated: a replay notices a profile edited in place."""
        body = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

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
    """A base profile file (a house profile needs its base: see `load_profiles`)."""
    document = load_yaml(path)
    if isinstance(document.data, dict) and "extends" in document.data:
        raise document.error(("extends",), "a house profile is loaded with its base profiles")
    profile = validate(document, Profile)
    check_semantics(document, profile)
    return profile


def load_profiles(directory: Path = PROFILE_DIR) -> dict[str, Profile]:
    """Every `*.yaml` base profile in `directory` and every house profile in `house/`, by name."""
    from huankuan.compliance.house import load_house_profile

    profiles: dict[str, Profile] = {}
    for path in sorted(directory.glob("*.yaml")):
        _add(profiles, path, load_profile(path))
    bases = dict(profiles)
    for path in sorted((directory / "house").glob("*.yaml")):
        _add(profiles, path, load_house_profile(path, bases))
    return profiles


def _add(profiles: dict[str, Profile], path: Path, profile: Profile) -> None:
    if profile.profile in profiles:
        raise ConfigError(str(path), 1, "profile", f"{profile.profile} is defined twice")
    profiles[profile.profile] = profile


def check_rule(document: YamlDocument, index: int, rule: Rule, seen: dict[str, int]) -> None:
    """Checks every profile's rules pass: a unique id (recorded in `seen`), sane hours."""
    if rule.id in seen:
        raise document.error(
            ("rules", index, "id"), f"duplicate rule id {rule.id} (also rules[{seen[rule.id]}])"
        )
    seen[rule.id] = index
    if isinstance(rule, ContactHoursRule) and rule.end <= rule.start:
        raise document.error(("rules", index, "end"), "must be later than start")


def check_semantics(document: YamlDocument, profile: Profile) -> None:
    seen: dict[str, int] = {}
    holds: dict[str, int] = {}
    for index, rule in enumerate(profile.rules):
        check_rule(document, index, rule, seen)
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
