"""Champion/challenger: which arm (strategy) each account is in, by stable hashing.

An account's arm is a pure function of (experiment name, account id): BLAKE2b of the two gives
a number in [0, 1); the champion takes [0, 1 − Σ shares) and each challenger the next slice of
its share, in file order. So the split is reproducible on any machine and Python version, an
account never changes arm while the experiment runs, and a new challenger only takes accounts
from the champion's slice end. The cycle also records each assignment (with the balance at
that time) so the report can measure against it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from huankuan.strategy.checks import challenger_path
from huankuan.strategy.loader import DEFAULT_STRATEGY, Strategy, load_strategy

CHAMPION = "champion"


@dataclass(frozen=True)
class Arm:
    name: str
    strategy: Strategy
    share: float


def load_arms(strategy_file: Path | str | None = None) -> list[Arm]:
    """The champion (this file) first, then its challengers; one arm when no experiment."""
    path = Path(strategy_file or DEFAULT_STRATEGY)
    champion = load_strategy(path)
    if champion.experiment is None:
        return [Arm(CHAMPION, champion, 1.0)]
    challengers = [
        Arm(c.arm, load_strategy(challenger_path(str(path), c.strategy)), c.share)
        for c in champion.experiment.challengers
    ]
    taken = sum(arm.share for arm in challengers)
    return [Arm(CHAMPION, champion, 1.0 - taken), *challengers]


def stable_units(keys: Sequence[str], salt: str) -> np.ndarray:
    """A number in [0, 1) per key, the same everywhere (BLAKE2b, 64 bits)."""
    prefix = salt.encode("utf-8") + b"\x1f"
    digests = b"".join(
        hashlib.blake2b(prefix + key.encode("utf-8"), digest_size=8).digest() for key in keys
    )
    return np.frombuffer(digests, dtype=">u8").astype(np.float64) / 2.0**64


def assign_arms(account_ids: pl.Series, experiment: str, arms: Sequence[Arm]) -> pl.Series:
    """The arm name of each account (in order)."""
    units = stable_units(account_ids.to_list(), experiment)
    edges = np.cumsum([arm.share for arm in arms])[:-1]
    index = np.searchsorted(edges, units, side="right")
    names = pl.Series([arm.name for arm in arms])
    return names.gather(pl.Series(index, dtype=pl.UInt32)).alias("arm")


def experiment_name(arms: Sequence[Arm]) -> str | None:
    experiment = arms[0].strategy.experiment
    return None if experiment is None else experiment.name
