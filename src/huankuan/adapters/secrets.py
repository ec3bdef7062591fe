"""Secrets the process needs (signing keys): from the settings when set there, else generated
once and kept in a file only the owner may read, so they survive restarts and never enter the
repository."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create(directory: Path, name: str, *, nbytes: int = 48) -> str:
    path = directory / name
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    directory.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    # Created with 0600 from the start: there is no moment at which others could read it.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
