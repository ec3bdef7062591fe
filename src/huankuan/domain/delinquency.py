"""Days past due, buckets and the due schedule: the reference (scalar) definitions.

The daily cycle computes the same quantities set-based; its tests compare against these.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from huankuan.domain.errors import ConfigError


def add_months(start: date, months: int) -> date:
    """`start` moved by whole months, clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True, slots=True)
class DueSchedule:
    """Equal monthly instalments starting on `first_due_on`."""

    first_due_on: date
    instalment_minor: int
    term_months: int

    def due_date(self, index: int) -> date:
        return add_months(self.first_due_on, index)

    def oldest_unpaid_due_on(self, paid_minor: int, as_of: date) -> date | None:
        """The due date of the oldest instalment not covered by `paid_minor`, if already due."""
        if self.instalment_minor <= 0:
            return None
        index = paid_minor // self.instalment_minor
        if index >= self.term_months:
            return None
        due_on = self.due_date(index)
        return due_on if due_on < as_of else None


def days_past_due(oldest_unpaid_due_on: date | None, business_date: date) -> int:
    """Whole days since the oldest unpaid due date (0 when nothing is overdue)."""
    if oldest_unpaid_due_on is None or oldest_unpaid_due_on >= business_date:
        return 0
    return (business_date - oldest_unpaid_due_on).days


@dataclass(frozen=True, slots=True)
class Band:
    name: str
    min_days: int
    max_days: int | None  # inclusive; None = open-ended


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("current", 0, 0),
    Band("M1", 1, 30),
    Band("M2", 31, 60),
    Band("M3", 61, 90),
    Band("M4+", 91, 180),
    Band("write_off", 181, None),
)


@dataclass(frozen=True, slots=True)
class BucketScheme:
    """DPD bands, contiguous from 0 and ordered; early bands may be split (M1a/M1b)."""

    bands: tuple[Band, ...] = DEFAULT_BANDS

    def __post_init__(self) -> None:
        expected = 0
        for band in self.bands:
            if band.min_days != expected:
                raise ConfigError("buckets", None, band.name, f"must start at day {expected}")
            if band.max_days is None:
                break
            if band.max_days < band.min_days:
                raise ConfigError("buckets", None, band.name, "max_days is below min_days")
            expected = band.max_days + 1
        if self.bands[-1].max_days is not None:
            raise ConfigError("buckets", None, self.bands[-1].name, "last band must be open-ended")

    def bucket(self, dpd: int) -> str:
        for band in self.bands:
            if band.max_days is None or dpd <= band.max_days:
                return band.name
        raise AssertionError("unreachable: last band is open-ended")
