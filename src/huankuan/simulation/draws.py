"""Seeded, vectorised random draws for the simulators (Polars series, no per-row Python).

Each named stream gets its own generator derived from (seed, name), so adding a new stream
never shifts the numbers an existing one produces: samples stay comparable across versions of
the generator that only add columns.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import polars as pl
import pyarrow as pa
from polars._typing import PolarsDataType

_TWO_TO_MINUS_53 = 2.0**-53


class Draws:
    """Random columns of length `n` for one named stream of one seed."""

    def __init__(self, seed: int, stream: str) -> None:
        # String seeds are hashed with SHA-512 by `random`: stable across runs and platforms.
        self._random = random.Random(f"huankuan:{seed}:{stream}")

    def uniform(self, n: int) -> pl.Series:
        """Floats in [0, 1) with 53 random bits each."""
        if n == 0:
            return pl.Series(values=[], dtype=pl.Float64)
        buffer = pa.py_buffer(self._random.randbytes(8 * n))
        bits = pl.Series(pa.Array.from_buffers(pa.uint64(), n, [None, buffer]))
        return (bits // 2048).cast(pl.Float64) * _TWO_TO_MINUS_53

    def normal(self, n: int) -> pl.Series:
        """Standard normal draws (Box–Muller)."""
        u1 = 1.0 - self.uniform(n)  # (0, 1]: log is finite
        u2 = self.uniform(n)
        return (-2.0 * u1.log()).sqrt() * (2.0 * math.pi * u2).cos()

    def integers(self, n: int, low: int, high: int) -> pl.Series:
        """Integers uniform in [low, high] (inclusive)."""
        span = high - low + 1
        return (self.uniform(n) * span).floor().cast(pl.Int64).clip(0, span - 1) + low

    def chance(self, n: int, probability: float | pl.Series) -> pl.Series:
        """True with `probability` (a number or a per-row series)."""
        return self.uniform(n) < probability

    def choice(
        self,
        n: int,
        values: Sequence[object],
        weights: Sequence[float] | None = None,
        dtype: PolarsDataType | None = None,
    ) -> pl.Series:
        """Values drawn with replacement, with the given relative weights."""
        return pl.Series(values=list(values), dtype=dtype).gather(
            self.indices(n, len(values), weights)
        )

    def indices(self, n: int, size: int, weights: Sequence[float] | None = None) -> pl.Series:
        """Indices in [0, size) drawn with the given relative weights (uniform by default)."""
        if weights is None:
            return self.integers(n, 0, size - 1).cast(pl.UInt32)
        if len(weights) != size:
            raise ValueError("one weight per value is needed")
        total = float(sum(weights))
        cumulative, running = [], 0.0
        for weight in weights[:-1]:
            running += weight / total
            cumulative.append(running)
        edges = pl.Series(values=cumulative, dtype=pl.Float64)
        return edges.search_sorted(self.uniform(n), side="right").cast(pl.UInt32)

    def python(self) -> random.Random:
        """The stream's generator, for the few scalar choices (e.g. Faker's seed)."""
        return self._random
