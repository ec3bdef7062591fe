"""CLI commands (placeholder until implemented)."""

from __future__ import annotations

from huankuan.entrypoints.cli.main import app  # noqa: F401
