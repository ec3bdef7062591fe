"""Amounts and dates, resolved against fixed reference dates under the convention of docs/nlu.md."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huankuan.dialogue.nlu.amounts import extract_amount
from huankuan.dialogue.nlu.dates import extract_date
from huankuan.dialogue.nlu.text import normalize

WEDNESDAY = date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
LATE_DECEMBER = date(2026, 12, 20)  # a Sunday; month and year roll over
LEAP_FEBRUARY = date(2028, 2, 10)


def amount(text: str, balance: str | None = None) -> Decimal | None:
    return extract_amount(normalize(text), Decimal(balance) if balance else None)


def day(text: str, today: date = WEDNESDAY) -> date | None:
    return extract_date(normalize(text), today)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("五百", "500"),
        ("两千五", "2500"),
        ("一万二", "12000"),
        ("3千", "3000"),
        ("5k", "5000"),
        ("$200", "200"),
        ("200块", "200"),
        ("two hundred", "200"),
        ("三百五", "350"),
        ("1.5万", "15000"),
        ("一万多块", "10000"),
        ("八百块钱", "800"),
        ("¥800", "800"),
        ("2.5k", "2500"),
        ("$1,200.50", "1200.50"),
        ("fifteen hundred", "1500"),
        ("a grand", "1000"),
        ("two hundred and fifty dollars", "250"),
        ("I can do fifty", "50"),
        ("300 bucks", "300"),
        ("我下周五还五百块", "500"),
        ("下个月15号还两千", "2000"),
        ("3天后还300", "300"),
        ("I can pay 200 on the 3rd", "200"),
        ("我31号还两千五", "2500"),
        ("每月还500", "500"),
        ("I owe $3000 but can only pay $500", "500"),
        ("我能还500，剩下2500下个月还", "500"),
        ("下午3点前还1000", "1000"),
        ("能不能先还1000剩下的分期", "1000"),
    ],
)
def test_it_reads_amounts(text: str, expected: str) -> None:
    assert amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "分12期",
        "还一点",
        "万一还不上",
        "千万别打了",
        "一了百了",
        "十分感谢",
        "给我三天时间",
        "one more time",
        "in two weeks",
        "我的账号是6222021234567890",
        "3个月",
        "我有2个孩子",
        "两三千",  # a range: no single amount
        "half of it",  # a share with no balance known
    ],
)
def test_it_finds_no_amount_where_there_is_none(text: str) -> None:
    assert amount(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("half of it", "1500.00"),
        ("我先还一半", "1500.00"),
        ("I'll pay the full amount", "3000.00"),
        ("全部还清", "3000.00"),
        ("三分之一", "1000.00"),
    ],
)
def test_it_reads_shares_of_the_balance(text: str, expected: str) -> None:
    assert amount(text, "3000") == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("明天", WEDNESDAY, date(2026, 11, 26)),
        ("后天", WEDNESDAY, date(2026, 11, 27)),
        ("大后天", WEDNESDAY, date(2026, 11, 28)),
        ("下周五", WEDNESDAY, date(2026, 12, 4)),
        ("这周五", WEDNESDAY, date(2026, 11, 27)),
        ("周五", WEDNESDAY, date(2026, 11, 27)),
        ("周五", FRIDAY, FRIDAY),  # the coming Friday is today on a Friday
        ("下周五", FRIDAY, date(2026, 12, 4)),
        ("月底", WEDNESDAY, date(2026, 11, 30)),
        ("月底", LATE_DECEMBER, date(2026, 12, 31)),
        ("下个月15号", WEDNESDAY, date(2026, 12, 15)),
        ("下个月15号", LATE_DECEMBER, date(2027, 1, 15)),
        ("15号", WEDNESDAY, date(2026, 12, 15)),
        ("15号", LATE_DECEMBER, date(2027, 1, 15)),
        ("二十五号", WEDNESDAY, date(2026, 11, 25)),  # on or after today
        ("31号", WEDNESDAY, date(2026, 11, 30)),  # clamped to the month's last day
        ("下个月底", LEAP_FEBRUARY, date(2028, 3, 31)),
        ("月底", LEAP_FEBRUARY, date(2028, 2, 29)),
        ("3天后", WEDNESDAY, date(2026, 11, 28)),
        ("三天后", LATE_DECEMBER, date(2026, 12, 23)),
        ("两周后", LATE_DECEMBER, date(2027, 1, 3)),
        ("12月5号", WEDNESDAY, date(2026, 12, 5)),
        ("12月5号", LATE_DECEMBER, date(2027, 12, 5)),
        ("下周", WEDNESDAY, date(2026, 11, 30)),  # a period: its first day
        ("下个月", LATE_DECEMBER, date(2027, 1, 1)),
        ("礼拜天", WEDNESDAY, date(2026, 11, 29)),
        ("下下周一", WEDNESDAY, date(2026, 12, 7)),
        ("今晚", WEDNESDAY, WEDNESDAY),
        ("下午三点前", WEDNESDAY, WEDNESDAY),
        ("昨天", WEDNESDAY, date(2026, 11, 24)),
        ("tomorrow", WEDNESDAY, date(2026, 11, 26)),
        ("tmrw", LATE_DECEMBER, date(2026, 12, 21)),
        ("next Friday", WEDNESDAY, date(2026, 12, 4)),
        ("this Friday", WEDNESDAY, date(2026, 11, 27)),
        ("on Friday", FRIDAY, FRIDAY),
        ("next Monday", LATE_DECEMBER, date(2026, 12, 21)),  # Sunday: next week starts tomorrow
        ("on the 3rd", WEDNESDAY, date(2026, 12, 3)),
        ("on the 3rd", LATE_DECEMBER, date(2027, 1, 3)),
        ("by the 20th", LATE_DECEMBER, date(2026, 12, 20)),
        ("end of the month", LATE_DECEMBER, date(2026, 12, 31)),
        ("end of next month", LATE_DECEMBER, date(2027, 1, 31)),
        ("in two weeks", WEDNESDAY, date(2026, 12, 9)),
        ("in 3 days", LATE_DECEMBER, date(2026, 12, 23)),
        ("a week from now", WEDNESDAY, date(2026, 12, 2)),
        ("Dec 5", WEDNESDAY, date(2026, 12, 5)),
        ("Dec 5", LATE_DECEMBER, date(2027, 12, 5)),
        ("the 5th of January", LATE_DECEMBER, date(2027, 1, 5)),
        ("12/24", WEDNESDAY, date(2026, 12, 24)),
        ("this weekend", WEDNESDAY, date(2026, 11, 28)),
        ("2026-12-24", WEDNESDAY, date(2026, 12, 24)),
        ("I'll pay 200 on the 3rd", WEDNESDAY, date(2026, 12, 3)),
        ("我下个月十五号还两千五", WEDNESDAY, date(2026, 12, 15)),
    ],
)
def test_it_resolves_dates_under_one_convention(text: str, today: date, expected: date) -> None:
    assert day(text, today) == expected


@pytest.mark.parametrize(
    "text",
    ["我先还一点", "还两千五百块", "my account number is 12345", "过几天", "soon", "我欠你们钱"],
)
def test_it_finds_no_date_where_there_is_none(text: str) -> None:
    assert day(text) is None


@given(st.text(max_size=60), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_extractors_never_crash_on_any_text(text: str, today: date) -> None:
    normal = normalize(text)
    extract_date(normal, today)
    extract_amount(normal, Decimal("1000"))
