"""The one date convention of the robot (documented in docs/nlu.md), as plain date arithmetic.

Weeks start on Monday. "下周五" / "next Friday" is the Friday of next week. "这周五" / "this
Friday" / "周五" / "Friday" is the coming Friday, today when today is a Friday. "15号" / "the 15th"
is the next 15th on or after today. A day past the end of a month is clamped to the month's last
day. "月底" / "end of the month" is the last day of this month. A period ("下周", "next month")
resolves to its first day.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(on: date, months: int, day: int | None = None) -> date:
    """The same (or the given) day `months` later, clamped to the month's last day."""
    index = on.year * 12 + (on.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day if day is not None else on.day, last))


def coming_weekday(today: date, weekday: int) -> date:
    """The next given weekday (Monday = 0), today included."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def weekday_of_next_week(today: date, weekday: int, weeks_ahead: int = 1) -> date:
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * weeks_ahead + weekday)


def next_day_of_month(today: date, day: int) -> date:
    """The next date with this day of month on or after today (clamped to short months)."""
    candidate = add_months(today.replace(day=1), 0, day)
    if candidate < today:
        candidate = add_months(today.replace(day=1), 1, day)
    return candidate


def day_of_month_in(today: date, months_ahead: int, day: int) -> date:
    return add_months(today.replace(day=1), months_ahead, day)


def next_month_day(today: date, month: int, day: int, year: int | None = None) -> date | None:
    """Month and day: this year when on or after today, else next year (unless a year is said)."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is not None:
        return add_months(date(year, month, 1), 0, day)
    candidate = add_months(date(today.year, month, 1), 0, day)
    if candidate < today:
        candidate = add_months(date(today.year + 1, month, 1), 0, day)
    return candidate
