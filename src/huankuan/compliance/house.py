"""House profiles: a base jurisdiction profile plus restrictions of our own, never fewer.

A house file (`profiles/house/*.yaml`) names its base (`extends`), adds rules with new ids, and
may restate a base rule by its id to make it stricter; only the fields it changes need be
written. Rules only ever add blocks, so added rules cannot relax anything; a restated rule can,
and is checked field by field. Wider hours, a higher cap, a shorter window, a narrower count,
fewer blocked channels, more exceptions, a changed kind, or removing a base rule (`remove:`)
are ConfigErrors naming the house file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from huankuan.compliance.profiles import (
    AfterConversationRule,
    ConsentRule,
    ContactFrequencyRule,
    ContactHoursRule,
    ContactRefusedRule,
    HoldRule,
    Profile,
    ProfileName,
    Rule,
    RuleId,
    Text,
    ThirdPartyPurposeRule,
    ThirdPartyRolesRule,
    ThirdPartyUnreachableRule,
    Version,
    check_rule,
)
from huankuan.yaml_schema import YamlDocument, load_yaml, validate


class HouseProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: ProfileName
    extends: ProfileName
    version: Version
    title: Text
    rules: tuple[Rule, ...] = Field(min_length=1)
    remove: tuple[RuleId, ...] = ()  # only so that an attempt is refused by name


def load_house_profile(path: Path | str, bases: Mapping[str, Profile]) -> Profile:
    document = load_yaml(path)
    base = _base(document, bases)
    merged = YamlDocument(document.file, _merged_data(document, base), document.lines)
    house = validate(merged, HouseProfile)
    if house.remove:
        raise document.error(
            ("remove", 0),
            f"a house profile cannot remove base rule {house.remove[0]}: house profiles only "
            "add restrictions",
        )
    if house.profile in bases:
        raise document.error(("profile",), f"{house.profile} is a base profile's name")
    restated = _check_rules(document, base, house.rules)
    rules = [restated.get(rule.id, rule) for rule in base.rules]
    rules.extend(rule for rule in house.rules if rule.id not in restated)
    return Profile(
        profile=house.profile,
        version=house.version,
        title=house.title,
        rules=tuple(rules),
        extends=base.label,
    )


def _base(document: YamlDocument, bases: Mapping[str, Profile]) -> Profile:
    data = document.data
    name = data.get("extends") if isinstance(data, dict) else None
    if name is None:
        raise document.error(("extends",), "is required: the base profile this one restricts")
    if name not in bases:
        known = ", ".join(sorted(bases))
        raise document.error(("extends",), f"unknown base profile {name!r}; base profiles: {known}")
    return bases[name]


def _merged_data(document: YamlDocument, base: Profile) -> Any:
    """The house data with each restated base rule completed from the base rule's fields."""
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return data
    by_id = {rule.id: rule for rule in base.rules}
    rules = []
    for index, entry in enumerate(data["rules"]):
        base_rule = by_id.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if base_rule is None:
            rules.append(entry)
            continue
        if "kind" in entry and entry["kind"] != base_rule.kind:
            raise document.error(
                ("rules", index, "kind"),
                f"cannot change the kind of base rule {base_rule.id} ({base_rule.kind})",
            )
        rules.append({**base_rule.model_dump(), **entry})
    return {**data, "rules": rules}


def _check_rules(document: YamlDocument, base: Profile, rules: tuple[Rule, ...]) -> dict[str, Rule]:
    """The restated base rules by id, after checking every house rule."""
    by_id = {rule.id: rule for rule in base.rules}
    base_holds = {rule.hold_type: rule.id for rule in base.rules if isinstance(rule, HoldRule)}
    seen: dict[str, int] = {}
    restated: dict[str, Rule] = {}
    for index, rule in enumerate(rules):
        check_rule(document, index, rule, seen)
        base_rule = by_id.get(rule.id)
        if base_rule is not None:
            _check_tighter(document, index, base_rule, rule)
            restated[rule.id] = rule
        elif isinstance(rule, HoldRule) and rule.hold_type in base_holds:
            raise document.error(
                ("rules", index, "hold_type"),
                f"{rule.hold_type.value} already has base rule {base_holds[rule.hold_type]}: "
                "restate that rule by its id to make it stricter",
            )
    return restated


def _check_tighter(document: YamlDocument, index: int, base: Rule, rule: Rule) -> None:
    for field, compare in TIGHTER.get(type(rule), ()):
        problem = compare(getattr(base, field), getattr(rule, field), base, rule)
        if problem is not None:
            raise document.error(
                ("rules", index, field),
                f"relaxes base rule {base.id}: {problem} (house profiles only add restrictions)",
            )


Compare = Callable[[Any, Any, Any, Any], str | None]


def _not_before(old: Any, new: Any, *_: Any) -> str | None:
    return None if new >= old else f"{_text(new)} is earlier than the base's {_text(old)}"


def _not_after(old: Any, new: Any, *_: Any) -> str | None:
    return None if new <= old else f"{_text(new)} is later than the base's {_text(old)}"


def _at_most(old: int, new: int, *_: Any) -> str | None:
    return None if new <= old else f"{new} is more than the base's {old}"


def _at_least(old: int, new: int, *_: Any) -> str | None:
    return None if new >= old else f"{new} is less than the base's {old}"


def _same(old: Any, new: Any, *_: Any) -> str | None:
    return None if new == old else f"{_text(new)} differs from the base's {_text(old)}"


def _keeps_all(old: tuple[Any, ...], new: tuple[Any, ...], *_: Any) -> str | None:
    dropped = [_text(item) for item in old if item not in new]
    return None if not dropped else f"drops {', '.join(dropped)}"


def _adds_none(old: tuple[Any, ...], new: tuple[Any, ...], *_: Any) -> str | None:
    added = [_text(item) for item in new if item not in old]
    return None if not added else f"adds {', '.join(added)}"


def _inclusive_end(
    old: bool, new: bool, base: ContactHoursRule, rule: ContactHoursRule
) -> str | None:
    if rule.end < base.end or not new or old:
        return None
    return "includes the closing minute the base excludes"


# A count per person includes the counts per person-and-debt and per number: it is stricter.
_PER_ORDER = {"person_and_debt": {"person_and_debt", "person"}, "number": {"number", "person"}}


def _per(old: str, new: str, *_: Any) -> str | None:
    if new == old or new in _PER_ORDER.get(old, set()):
        return None
    return f"counting per {new} counts fewer contacts than per {old}"


def _text(value: Any) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(getattr(value, "value", value))


TIGHTER: dict[type, tuple[tuple[str, Compare], ...]] = {
    ContactHoursRule: (
        ("zone", _same),
        ("start", _not_before),
        ("end", _not_after),
        ("end_inclusive", _inclusive_end),
        ("channels", _keeps_all),
    ),
    HoldRule: (
        ("hold_type", _same),
        ("blocks", _keeps_all),
        ("except_roles", _adds_none),
        ("except_purposes", _adds_none),
    ),
    ConsentRule: (("channels", _keeps_all),),
    ThirdPartyRolesRule: (("allowed_roles", _adds_none),),
    ThirdPartyPurposeRule: (("templates", _adds_none), ("purposes", _adds_none)),
    ThirdPartyUnreachableRule: (("roles", _keeps_all),),
    ContactFrequencyRule: (
        ("max_contacts", _at_most),
        ("window_days", _at_least),
        ("per", _per),
        ("counts", _same),
        ("channels", _keeps_all),
    ),
    AfterConversationRule: (("window_days", _at_least), ("per", _per), ("channels", _keeps_all)),
    ContactRefusedRule: (("channels", _keeps_all),),
}
