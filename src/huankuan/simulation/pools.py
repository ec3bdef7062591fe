"""Pools of Faker names, addresses and e-mail user names, built once per seed and locale.

Faker costs tens of microseconds a call, far too slow for a million rows; a few thousand pooled
values sampled with vectorised draws look just as varied in a portfolio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
from faker import Faker

from huankuan.simulation.draws import Draws

NAMES_PER_POOL = 3000  # at most; small samples get smaller pools (Faker's cost is per value)
_NOT_USERNAME = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class LocalePool:
    names: tuple[str, ...]
    addresses: tuple[str, ...]
    user_names: tuple[str, ...]


def pool_size(debtors: int) -> int:
    return min(NAMES_PER_POOL, max(50, debtors))


@lru_cache(maxsize=8)
def locale_pool(locale: str, seed: int, size: int) -> LocalePool:
    """`size` names and e-mail user names and `size // 2` addresses for `locale`."""
    fake = Faker(locale)
    fake.seed_instance(seed)
    names = tuple(fake.name() for _ in range(size))
    # Addresses go into one CSV field: no line breaks.
    addresses = tuple(
        fake.address().replace("\r", "").replace("\n", ", ") for _ in range(size // 2)
    )
    user_names = tuple(
        _NOT_USERNAME.sub("", fake.user_name().lower()) or "user" for _ in range(size)
    )
    return LocalePool(names, addresses, user_names)


def sample(draws: Draws, n: int, pool: tuple[str, ...]) -> pl.Series:
    """`n` values drawn uniformly (with replacement) from `pool`."""
    return pl.Series(values=list(pool), dtype=pl.String).gather(draws.indices(n, len(pool)))
