"""One trained NLU pipeline per test session (training takes seconds; every NLU test shares it)."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from huankuan.dialogue.nlu import NluPipeline

# Keyed by corpus and code digests inside, so a stale model is never reused.
NLU_CACHE_DIR = Path(tempfile.gettempdir()) / "huankuan-test-nlu-cache"


@cache
def trained_pipeline() -> NluPipeline:
    return NluPipeline.load(cache_dir=NLU_CACHE_DIR)
