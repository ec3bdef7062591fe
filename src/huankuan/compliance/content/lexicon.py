"""Lexicons: versioned YAML rule sets per language, validated on load with line-precise errors.

A lexicon holds the rules (stable id, category, plain-language explanation, regular expressions
over normalised text, optional context conditions), the negation policy and the vocabulary the
amount checks use. The mechanisms live in `rules.py` and `amounts.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from huankuan.compliance.content.model import (
    CATEGORIES,
    CONTEXT_KEYS,
    LANGUAGES,
    RECIPIENT_ROLES,
    Category,
    Language,
)
from huankuan.compliance.content.prefilter import Requirement, required_atoms
from huankuan.compliance.content.yaml_nodes import NodeReader

LEXICON_DIR = Path(__file__).parent / "lexicons"
SCHEMA = "huankuan.content-lexicon/1"
_RULE_ID = re.compile(r"^content\.(zh|en)\.[a-z_]+\.[a-z0-9_]+$")
_AMOUNT_CHECKS = ("fee_above_contract", "rate_above_cap", "due_above_balance")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: Category
    explanation: str
    patterns: tuple[re.Pattern[str], ...]
    # A hit is dropped when a negation cue ("不会", "will not") closely precedes it.
    negatable: bool
    # Context conditions, all of which must hold: key -> accepted values (None = unknown).
    applies_when: tuple[tuple[str, frozenset[object]], ...]
    # Another pattern that must also occur somewhere in the text.
    requires: tuple[re.Pattern[str], ...]
    # Per pattern, the characters every match contains (prefilter.py): a cheap skip.
    requirements: tuple[Requirement, ...] = ()

    def candidates(self, atoms: frozenset[str]) -> list[re.Pattern[str]]:
        """The patterns that can match a text made of `atoms` (prefilter.text_atoms)."""
        return [
            pattern
            for pattern, required in zip(self.patterns, self.requirements, strict=True)
            if required <= atoms
        ]


@dataclass(frozen=True, slots=True)
class NegationPolicy:
    cues: re.Pattern[str]
    blockers: re.Pattern[str]
    window: int


@dataclass(frozen=True, slots=True)
class AmountCheck:
    id: str
    explanation: str


@dataclass(frozen=True, slots=True)
class AmountVocabulary:
    fee_words: re.Pattern[str]
    due_words: re.Pattern[str]
    relief_words: re.Pattern[str]
    per_day: re.Pattern[str]
    per_month: re.Pattern[str]
    per_week: re.Pattern[str] | None  # optional in the lexicon
    default_cap_percent: float
    checks: dict[str, AmountCheck]


@dataclass(frozen=True, slots=True)
class Lexicon:
    lang: Language
    version: str
    rules: tuple[Rule, ...]
    negation: NegationPolicy
    amounts: AmountVocabulary

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)


@cache
def default_lexicons() -> tuple[Lexicon, ...]:
    """The packaged lexicons, loaded once per process."""
    return tuple(load_lexicon(LEXICON_DIR / f"{lang}.yaml") for lang in LANGUAGES)


def load_lexicon(path: Path) -> Lexicon:
    reader = NodeReader(path)
    root = reader.root()
    top = reader.mapping(
        root,
        "<document>",
        required={"schema", "version", "lang", "negation", "amounts", "rules"},
        optional={"lists"},
    )
    if reader.string(top["schema"], "schema") != SCHEMA:
        raise reader.fail(top["schema"], "schema", f"expected {SCHEMA}")
    lang = reader.string(top["lang"], "lang")
    if lang not in LANGUAGES:
        raise reader.fail(top["lang"], "lang", f"expected one of {', '.join(LANGUAGES)}")
    lists = _lists(reader, top["lists"]) if "lists" in top else {}
    rules = _rules(reader, top["rules"], lang, lists)
    return Lexicon(
        lang=lang,
        version=str(reader.scalar(top["version"], "version")),
        rules=rules,
        negation=_negation(reader, top["negation"]),
        amounts=_amounts(reader, top["amounts"], lang),
    )


_LIST_REFERENCE = re.compile(r"<<(\w+)>>")


def _lists(reader: NodeReader, node: yaml.Node) -> dict[str, str]:
    """Named word lists, referenced from patterns as <<name>> (expanded to one alternation)."""
    entries = reader.mapping(node, "lists", required=set(), optional=set(_names(reader, node)))
    lists = {}
    for name, items in entries.items():
        words = [reader.string(item, f"lists.{name}") for item in reader.sequence(items, name)]
        lists[name] = "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
    return lists


def _names(reader: NodeReader, node: yaml.Node) -> list[str]:
    if not isinstance(node, yaml.MappingNode):
        raise reader.fail(node, "lists", "expected a mapping of name -> list of words")
    return [reader.string(key, "lists") for key, _ in node.value]


def _regex(
    reader: NodeReader, node: yaml.Node, field: str, lists: dict[str, str] | None = None
) -> re.Pattern[str]:
    source = reader.string(node, field)
    for name in _LIST_REFERENCE.findall(source):
        if lists is None or name not in lists:
            raise reader.fail(node, field, f"unknown list <<{name}>>")
    if lists:
        source = _LIST_REFERENCE.sub(lambda match: lists[match.group(1)], source)
    try:
        return re.compile(source)
    except re.error as error:
        raise reader.fail(node, field, f"invalid regular expression: {error}") from error


def _alternation(reader: NodeReader, node: yaml.Node, field: str) -> re.Pattern[str]:
    """A list of regexes compiled into one alternation (each checked on its own first)."""
    parts = [_regex(reader, item, field).pattern for item in reader.sequence(node, field)]
    return re.compile("|".join(f"(?:{part})" for part in parts))


def _rules(
    reader: NodeReader, node: yaml.Node, lang: str, lists: dict[str, str]
) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(reader.sequence(node, "rules")):
        rule = _rule(reader, item, f"rules[{index}]", lang, lists)
        if rule.id in seen:
            raise reader.fail(item, f"rules[{index}].id", f"duplicate rule id {rule.id}")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def _rule(
    reader: NodeReader, node: yaml.Node, field: str, lang: str, lists: dict[str, str]
) -> Rule:
    fields = reader.mapping(
        node,
        field,
        required={"id", "category", "explanation", "patterns"},
        optional={"negatable", "applies_when", "requires"},
    )
    rule_id = reader.string(fields["id"], f"{field}.id")
    if not _RULE_ID.match(rule_id) or rule_id.split(".")[1] != lang:
        raise reader.fail(fields["id"], f"{field}.id", f"expected content.{lang}.<group>.<name>")
    category = reader.string(fields["category"], f"{field}.category")
    if category not in CATEGORIES:
        raise reader.fail(
            fields["category"], f"{field}.category", f"expected one of {', '.join(CATEGORIES)}"
        )
    patterns = tuple(
        _regex(reader, item, f"{field}.patterns", lists)
        for item in reader.sequence(fields["patterns"], f"{field}.patterns")
    )
    requires = (
        tuple(
            _regex(reader, item, f"{field}.requires", lists)
            for item in reader.sequence(fields["requires"], f"{field}.requires")
        )
        if "requires" in fields
        else ()
    )
    negatable = (
        reader.boolean(fields["negatable"], f"{field}.negatable") if "negatable" in fields else True
    )
    applies_when = (
        _conditions(reader, fields["applies_when"], f"{field}.applies_when")
        if "applies_when" in fields
        else ()
    )
    return Rule(
        id=rule_id,
        category=category,
        explanation=reader.string(fields["explanation"], f"{field}.explanation"),
        patterns=patterns,
        negatable=negatable,
        applies_when=applies_when,
        requires=requires,
        requirements=tuple(required_atoms(pattern) for pattern in patterns),
    )


def _conditions(
    reader: NodeReader, node: yaml.Node, field: str
) -> tuple[tuple[str, frozenset[object]], ...]:
    entries = reader.mapping(node, field, required=set(), optional=set(CONTEXT_KEYS))
    conditions = []
    for key, values_node in entries.items():
        values = frozenset(
            reader.scalar(item, f"{field}.{key}")
            for item in reader.sequence(values_node, f"{field}.{key}")
        )
        allowed: set[object] = (
            {None, *RECIPIENT_ROLES} if key == "recipient_role" else {None, True, False}
        )
        if not values <= allowed:
            raise reader.fail(
                values_node,
                f"{field}.{key}",
                "accepted values: " + ", ".join(sorted(map(str, allowed))),
            )
        conditions.append((key, values))
    return tuple(conditions)


def _negation(reader: NodeReader, node: yaml.Node) -> NegationPolicy:
    fields = reader.mapping(
        node, "negation", required={"cues", "blockers", "window"}, optional=set()
    )
    return NegationPolicy(
        cues=_alternation(reader, fields["cues"], "negation.cues"),
        blockers=_alternation(reader, fields["blockers"], "negation.blockers"),
        window=int(reader.number(fields["window"], "negation.window", minimum=1)),
    )


def _amounts(reader: NodeReader, node: yaml.Node, lang: str) -> AmountVocabulary:
    fields = reader.mapping(
        node,
        "amounts",
        required={
            "fee_words",
            "due_words",
            "relief_words",
            "per_day",
            "per_month",
            "default_cap_percent",
            "checks",
        },
        optional={"per_week"},
    )
    checks_node = reader.mapping(
        fields["checks"], "amounts.checks", required=set(_AMOUNT_CHECKS), optional=set()
    )
    checks = {}
    for name, check_node in checks_node.items():
        where = f"amounts.checks.{name}"
        check = reader.mapping(check_node, where, required={"id", "explanation"}, optional=set())
        check_id = reader.string(check["id"], f"{where}.id")
        if not _RULE_ID.match(check_id) or check_id.split(".")[1] != lang:
            raise reader.fail(check["id"], f"{where}.id", f"expected content.{lang}.amount.<name>")
        checks[name] = AmountCheck(check_id, reader.string(check["explanation"], where))
    return AmountVocabulary(
        fee_words=_alternation(reader, fields["fee_words"], "amounts.fee_words"),
        due_words=_alternation(reader, fields["due_words"], "amounts.due_words"),
        relief_words=_alternation(reader, fields["relief_words"], "amounts.relief_words"),
        per_day=_alternation(reader, fields["per_day"], "amounts.per_day"),
        per_month=_alternation(reader, fields["per_month"], "amounts.per_month"),
        per_week=(
            _alternation(reader, fields["per_week"], "amounts.per_week")
            if "per_week" in fields
            else None
        ),
        default_cap_percent=reader.number(
            fields["default_cap_percent"], "amounts.default_cap_percent"
        ),
        checks=checks,
    )
