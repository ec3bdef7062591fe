"""Which patterns can possibly match a text, decided without running them.

Every text is tried against every rule of both lexicons (~540 regular expressions), and most of
the rule layer's time went into calls that fail: a Chinese pattern on an English sentence, a
pattern about 坐牢 on a sentence without 牢. From each pattern's parse tree we take the
characters (and character classes: a CJK ideograph, a Latin letter, a digit) that every match
must contain; a pattern whose requirements are not all in the text is skipped. The analysis is
conservative: anything it does not understand requires nothing, so no match is ever skipped.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The regular-expression parser of the standard library (re._parser; the public alias
# sre_parse is deprecated). Its node names are stable within a Python version.
_PARSER: Any = importlib.import_module("re._parser")

CJK, LATIN, DIGIT = "<cjk>", "<latin>", "<digit>"
_CLASS_RANGES = (
    (CJK, "\u4e00", "\u9fff"),
    (CJK, "\u3400", "\u4dbf"),
    (LATIN, "a", "z"),
    (LATIN, "A", "Z"),
    (DIGIT, "0", "9"),
)
Requirement = frozenset[str]
_NOTHING: Requirement = frozenset()


def text_atoms(text: str) -> frozenset[str]:
    """The characters of a text plus the classes it has a character of."""
    characters = set(text)
    classes = {name for name in (CJK, LATIN, DIGIT) if any(_class(c) == name for c in characters)}
    return frozenset(characters | classes)


def required_atoms(pattern: re.Pattern[str]) -> Requirement:
    """Characters and classes every match of `pattern` contains (empty when unsure)."""
    if pattern.flags & re.IGNORECASE:
        return _NOTHING
    try:
        return _sequence(_PARSER.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unfamiliar node: require nothing rather than risk a skip
        return _NOTHING


def _class(char: str, last: str | None = None) -> str | None:
    """The class of `char` (of every character from `char` to `last`, when given)."""
    for name, low, high in _CLASS_RANGES:
        if low <= char <= high and (last is None or low <= last <= high):
            return name
    return None


def _sequence(items: Any) -> Requirement:
    required: set[str] = set()
    for op, argument in items:
        required |= _item(_name(op), argument)
    return frozenset(required)


def _item(op: str, argument: Any) -> Requirement:
    if op == "LITERAL":
        char = chr(argument)
        kind = _class(char)
        return frozenset({char, kind}) if kind else frozenset({char})
    if op == "IN":
        return _set(argument)
    if op == "SUBPATTERN":
        added_flags = argument[1]
        return _NOTHING if added_flags & re.IGNORECASE else _sequence(argument[-1])
    if op == "ATOMIC_GROUP":
        return _sequence(argument)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        minimum, _, body = argument
        return _sequence(body) if minimum >= 1 else _NOTHING
    if op == "BRANCH":
        branches = [_sequence(branch) for branch in argument[1]]
        return frozenset.intersection(*branches) if branches else _NOTHING
    return _NOTHING  # assertions, anchors, any character, back references


def _set(members: Any) -> Requirement:
    """A character set: the one character, or the class all its members share."""
    kinds: set[str | None] = set()
    for op, argument in members:
        name = _name(op)
        if name == "LITERAL":
            kinds.add(_class(chr(argument)))
        elif name == "RANGE":
            kinds.add(_class(chr(argument[0]), chr(argument[1])))
        else:  # NEGATE, CATEGORY (\w, \d, \s): no requirement
            return _NOTHING
    if len(members) == 1 and _name(members[0][0]) == "LITERAL":
        return _item("LITERAL", members[0][1])
    kind = kinds.pop() if len(kinds) == 1 else None
    return frozenset({kind}) if kind else _NOTHING


def _name(op: Any) -> str:
    return str(getattr(op, "name", ""))
