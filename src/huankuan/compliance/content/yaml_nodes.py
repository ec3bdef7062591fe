"""Reading YAML through its node tree so that every validation error names a file and a line."""

from __future__ import annotations

from pathlib import Path

import yaml

from huankuan.domain.errors import ConfigError


class NodeReader:
    """Typed accessors over PyYAML nodes of one file; each failure raises ConfigError."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def root(self) -> yaml.Node:
        try:
            node = yaml.compose(self.file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise ConfigError(str(self.file), line, "<document>", str(error)) from error
        if node is None:
            raise ConfigError(str(self.file), None, "<document>", "the file is empty")
        return node

    def fail(self, node: yaml.Node, field: str, reason: str) -> ConfigError:
        return ConfigError(str(self.file), node.start_mark.line + 1, field, reason)

    def mapping(
        self, node: yaml.Node, field: str, *, required: set[str], optional: set[str]
    ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, "expected a mapping")
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.string(key_node, field)
            if key in result:
                raise self.fail(key_node, f"{field}.{key}", "duplicate key")
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(key_node, f"{field}.{key}", f"unknown key; allowed: {allowed}")
            result[key] = value_node
        missing = sorted(required - set(result))
        if missing:
            raise self.fail(node, field, f"missing key(s): {', '.join(missing)}")
        return result

    def sequence(self, node: yaml.Node, field: str, *, non_empty: bool = True) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, field, "expected a list")
        if non_empty and not node.value:
            raise self.fail(node, field, "must not be empty")
        return list(node.value)

    def string(self, node: yaml.Node, field: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            raise self.fail(node, field, "expected a string")
        value = str(node.value)
        if not value.strip():
            raise self.fail(node, field, "must not be blank")
        return value

    def scalar(self, node: yaml.Node, field: str) -> object:
        """A plain scalar (string, bool, int, float or null), built by the safe loader."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field, "expected a scalar")
        return yaml.SafeLoader(b"").construct_object(node, deep=True)

    def boolean(self, node: yaml.Node, field: str) -> bool:
        value = self.scalar(node, field)
        if not isinstance(value, bool):
            raise self.fail(node, field, "expected true or false")
        return value

    def number(self, node: yaml.Node, field: str, *, minimum: float = 0) -> float:
        value = self.scalar(node, field)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise self.fail(node, field, f"expected a number >= {minimum}")
        return float(value)
