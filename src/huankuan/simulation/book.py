"""The strategy simulator's starting book: N debtors with one instalment loan each, as arrays.

Seeded (NumPy PCG64 from the seed) and vectorised. Each debtor's persona is drawn with the
shared persona shares (`personas.PERSONAS`); the persona stays hidden from the strategy and
only drives behaviour. Due dates follow the cycle's rule exactly: instalment k falls due on
`first_due_on` + k calendar months, and an account is overdue from the first unpaid one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from huankuan.simulation.assumptions import Assumptions
from huankuan.simulation.personas import PERSONAS

PERSONA_NAMES = [persona.value for persona in PERSONAS]
ZONES = {"CN-NIFA": "Asia/Shanghai", "US-RegF": "America/New_York"}


@dataclass
class Book:
    """Mutable simulation state, one entry per account (index = account number)."""

    start: date
    account_ids: list[str]
    debtor_ids: list[str]
    persona: np.ndarray  # int index into PERSONA_NAMES
    chinese: np.ndarray  # bool: CN-NIFA, zh, Asia/Shanghai (else US-RegF, en, New York)
    instalment: np.ndarray  # minor units
    term: np.ndarray
    due_days: np.ndarray  # (accounts, term + 1) ordinal day of each due date; last = never
    paid: np.ndarray  # minor units paid so far (cumulative, the schedule's rule)
    components: np.ndarray  # (accounts, 4): fees, penalty, interest, principal outstanding
    phones: np.ndarray  # usable phones of their own (0, 1 or 2)

    @property
    def size(self) -> int:
        return len(self.account_ids)

    @property
    def outstanding(self) -> np.ndarray:
        return np.asarray(self.components.sum(axis=1), dtype=np.int64)

    def days_past_due(self, day: date) -> np.ndarray:
        index = np.minimum(self.paid // np.maximum(self.instalment, 1), self.term)
        due = self.due_days[np.arange(self.size), index]
        today = day.toordinal()
        return np.asarray(np.where(due < today, today - due, 0), dtype=np.int64)

    def instalments_overdue(self, day: date) -> np.ndarray:
        """How many due dates before `day` are not covered by the payments."""
        covered = self.paid // np.maximum(self.instalment, 1)
        fallen = (self.due_days < day.toordinal()).sum(axis=1)
        return np.asarray(np.maximum(fallen - covered, 0), dtype=np.int64)

    def frame(self) -> pl.DataFrame:
        """Static columns as a frame (ids, persona, language, jurisdiction, zone)."""
        return pl.DataFrame(
            {
                "account_id": self.account_ids,
                "debtor_id": self.debtor_ids,
                "persona": [PERSONA_NAMES[i] for i in self.persona],
                "jurisdiction": np.where(self.chinese, "CN-NIFA", "US-RegF"),
                "locale": np.where(self.chinese, "zh_CN", "en_US"),
                "debtor_timezone": np.where(self.chinese, ZONES["CN-NIFA"], ZONES["US-RegF"]),
            }
        )


def build_book(accounts: int, seed: int, start: date, assumptions: Assumptions) -> Book:
    rng = np.random.default_rng([seed, 20261128])
    spec = assumptions.book
    shares = np.asarray([traits.share for traits in PERSONAS.values()])
    persona = rng.choice(len(PERSONA_NAMES), size=accounts, p=shares / shares.sum())
    chinese = rng.random(accounts) < spec.cn_share
    instalment = (
        np.round(rng.uniform(spec.instalment.min, spec.instalment.max, accounts)) * 100
    ).astype(np.int64)
    term = rng.choice(np.asarray(spec.terms), size=accounts)
    months = np.asarray(list(spec.months_overdue), dtype=np.int64)
    weights = np.asarray(list(spec.months_overdue.values()), dtype=np.float64)
    overdue = rng.choice(months, size=accounts, p=weights / weights.sum())
    elapsed = np.minimum(overdue + rng.integers(0, 4, accounts), term)
    overdue = np.minimum(overdue, elapsed)
    paid_count = elapsed - overdue
    # The first unpaid instalment fell due `overdue` months (minus a random day) ago.
    offset_days = rng.integers(1, 28, accounts)
    due_days = _due_days(start, elapsed, offset_days, term)
    unreachable = np.asarray(PERSONA_NAMES)[persona] == "unreachable"
    phones = np.where(unreachable, 0, 1 + (rng.random(accounts) < spec.second_phone))
    remaining = (term - paid_count) * instalment
    components = np.column_stack(
        [
            overdue * 1_500,  # fees
            instalment * overdue * 3 // 100,  # penalty
            remaining * 12 // 100,  # interest
            remaining * 85 // 100,  # principal
        ]
    ).astype(np.int64)
    return Book(
        start=start,
        account_ids=[f"S{i:07d}" for i in range(accounts)],
        debtor_ids=[f"SD{i:07d}" for i in range(accounts)],
        persona=persona,
        chinese=chinese,
        instalment=instalment,
        term=term,
        due_days=due_days,
        paid=(paid_count * instalment).astype(np.int64),
        components=components,
        phones=phones.astype(np.int64),
    )


def _due_days(
    start: date, elapsed: np.ndarray, offset_days: np.ndarray, term: np.ndarray
) -> np.ndarray:
    """Ordinal due dates: the `elapsed`-th instalment (1-based) fell due `offset` days before
    the month containing `start`, and each instalment is a calendar month after the last."""
    size, longest = elapsed.size, int(term.max())
    table = np.full((size, longest + 1), date.max.toordinal(), dtype=np.int64)
    anchor_month = start.year * 12 + start.month - 1
    for k in range(longest):
        month = anchor_month - elapsed + 1 + k  # instalment k+1's month
        days = _month_day_ordinals(month, offset_days)
        table[:, k] = np.where(k < term, days, table[:, k])
    return table


def _month_day_ordinals(months: np.ndarray, day_of_month: np.ndarray) -> np.ndarray:
    """Ordinal of (year, month, day) for arrays of absolute months (year × 12 + month − 1)."""
    unique = np.unique(months)
    firsts = {int(m): date(int(m) // 12, int(m) % 12 + 1, 1).toordinal() for m in unique}
    base = np.vectorize(firsts.__getitem__, otypes=[np.int64])(months)
    return np.asarray(base + day_of_month - 1, dtype=np.int64)


def first_due_on(book: Book) -> list[date]:
    return [date.fromordinal(int(day)) for day in book.due_days[:, 0]]


def opened_on(book: Book) -> list[date]:
    return [date.fromordinal(int(day)) - timedelta(days=30) for day in book.due_days[:, 0]]
