"""Load versioned YAML (strategies, compliance profiles) and validate it with line-precise errors.

Every failure is a `ConfigError(file, line, field, reason)`: YAML syntax, duplicate keys, schema
violations found by Pydantic, and the semantic checks callers add through `YamlDocument.error`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from huankuan.domain.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)
PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus the line (1-based) where each mapping key or list item starts."""

    file: str
    data: Any
    lines: Mapping[PathKey, int]

    def line_of(self, path: Sequence[str | int]) -> int:
        """The line of `path`, or of its nearest ancestor present in the file."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)

    def error(self, path: Sequence[str | int], reason: str) -> ConfigError:
        return ConfigError(self.file, self.line_of(path), field_name(path), reason)


def field_name(path: Sequence[str | int]) -> str:
    """`("treatments", "M1", "high", 0, "channel")` → `treatments.M1.high[0].channel`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


class _DuplicateCheckingLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys (YAML silently keeps the last one)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1, seen[key])
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 reads `21:30` as the base-60 integer 1290; we write clock times unquoted, so integers
# are resolved without the sexagesimal form and `21:30` stays the string "21:30".
_DuplicateCheckingLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_DuplicateCheckingLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, first_line: int) -> None:
        self.key, self.line, self.first_line = key, line, first_line


def load_yaml(path: Path | str, text: str | None = None) -> YamlDocument:
    """Parse `path` (or `text`, reported as `path`) into a document that knows its lines."""
    file = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(file, None, "(file)", f"cannot read: {error.strerror}") from error
    loader = _DuplicateCheckingLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _DuplicateKey as duplicate:
        raise ConfigError(
            file,
            duplicate.line,
            str(duplicate.key),
            f"duplicate key (first defined on line {duplicate.first_line})",
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(file, line, "(syntax)", f"invalid YAML: {error.problem}") from None
    finally:
        loader.dispose()
    if node is None:
        raise ConfigError(file, 1, "(document)", "the file is empty")
    lines: dict[PathKey, int] = {(): node.start_mark.line + 1}
    _index_lines(node, (), lines)
    return YamlDocument(file=file, data=data, lines=lines)


def _index_lines(node: Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = SafeConstructor().construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                key = str(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*path, key), lines)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _index_lines(item, (*path, index), lines)


_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_clock(value: object) -> time:
    """`"08:00"` → time(8, 0); anything else is an error that shows the expected form.

    Use as a Pydantic before-validator for local wall-clock fields.
    """
    if isinstance(value, time):
        return value
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"must be a 24-hour clock time HH:MM, got {value!r}")
    return time(int(match[1]), int(match[2]))


def validate(document: YamlDocument, model: type[Model]) -> Model:
    """Validate the document against `model`; the first problem becomes a ConfigError."""
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        errors = error.errors(include_url=False)
        # A misspelt field shows up twice, as unknown and as missing: name the misspelling.
        extra = [e for e in errors if e["type"] == "extra_forbidden"]
        first = extra[0] if extra else errors[0]
        path = _data_path(document, first["loc"])
        reason = _reason(first)
        if extra:
            reason += _suggestion(str(first["loc"][-1]), first["loc"][:-1], errors)
        if str(first["type"]).startswith("union_tag"):
            path = (*path, str(first.get("ctx", {}).get("discriminator", "kind")).strip("'"))
        raise document.error(path, reason) from None


def _suggestion(name: str, parent: Sequence[Any], errors: Sequence[Mapping[str, Any]]) -> str:
    missing = [
        str(e["loc"][-1])
        for e in errors
        if e["type"] == "missing" and tuple(e["loc"][:-1]) == tuple(parent)
    ]
    close = difflib.get_close_matches(name, missing, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def load_model(path: Path | str, model: type[Model]) -> tuple[Model, YamlDocument]:
    document = load_yaml(path)
    return validate(document, model), document


def _data_path(document: YamlDocument, loc: Sequence[str | int]) -> PathKey:
    """Pydantic's location minus the parts that do not index the data (union tags)."""
    path: PathKey = ()
    for position, part in enumerate(loc):
        candidate = (*path, part)
        if candidate in document.lines or position == len(loc) - 1:
            path = candidate
    return path


def _reason(error: Mapping[str, Any]) -> str:
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "extra_forbidden":
        return "is not a known field"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")
