"""The dependency rule of DESIGN.md §3, checked on the source (an import-linter equivalent)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "huankuan"
FRAMEWORKS = (
    "sqlalchemy",
    "fastapi",
    "pydantic",
    "pydantic_settings",
    "alembic",
    "typer",
    "rich",
    "starlette",
    "jinja2",
    "psycopg",
)
PURE_PACKAGES = ("domain", "compliance", "scoring", "strategy", "dialogue", "simulation")
OUTER_LAYERS = (
    "huankuan.adapters",
    "huankuan.entrypoints",
    "huankuan.service_layer",
    "huankuan.bootstrap",
    "huankuan.config",
)


def _runtime_imports(path: Path) -> list[str]:
    """Modules imported at run time (imports under `if TYPE_CHECKING:` are only for types)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(child) for child in ast.walk(node))
    names = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py")) if (SRC / package).exists() else []


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_it_keeps_frameworks_out_of_the_domain(path: Path) -> None:
    offending = [
        name
        for name in _runtime_imports(path)
        if name.split(".")[0] in (*FRAMEWORKS, "polars", "yaml")
    ]
    assert not offending, f"{path.name} imports {offending}"


@pytest.mark.parametrize(
    "path",
    [p for package in PURE_PACKAGES for p in _modules(package)],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_it_keeps_pure_packages_free_of_storage_and_web(path: Path) -> None:
    offending = [
        name
        for name in _runtime_imports(path)
        if name.startswith(OUTER_LAYERS)
        or name.split(".")[0]
        in ("sqlalchemy", "fastapi", "alembic", "psycopg", "typer", "starlette")
    ]
    assert not offending, f"{path.relative_to(SRC)} imports {offending}"
