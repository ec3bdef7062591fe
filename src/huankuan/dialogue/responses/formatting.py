"""Amounts and dates as the robot says them: exact from minor units (¥1,250.00, $1,250.00) and
dates with their weekday (2026年11月27日（周五）, Friday, November 27, 2026)."""

from __future__ import annotations

from datetime import date

from huankuan.domain.money import CURRENCY_EXPONENTS, Money

CURRENCY_SYMBOLS: dict[str, str] = {
    "CNY": "¥",
    "USD": "$",
    "HKD": "HK$",
    "EUR": "€",
    "GBP": "£",
    "SGD": "S$",
    "CAD": "CA$",
    "AUD": "A$",
    "JPY": "JP¥",
    "KRW": "₩",
}
_ZH_WEEKDAYS = "一二三四五六日"
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_money(money: Money) -> str:
    """The exact amount with its currency symbol and thousands separators; no float on the way."""
    exponent = CURRENCY_EXPONENTS[money.currency]
    sign = "-" if money.minor < 0 else ""
    whole, fraction = divmod(abs(money.minor), 10**exponent)
    text = f"{whole:,}" + (f".{fraction:0{exponent}d}" if exponent else "")
    return f"{sign}{CURRENCY_SYMBOLS.get(money.currency, money.currency + ' ')}{text}"


def format_date(day: date, lang: str) -> str:
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日（周{_ZH_WEEKDAYS[day.weekday()]}）"
    return f"{_EN_WEEKDAYS[day.weekday()]}, {_EN_MONTHS[day.month - 1]} {day.day}, {day.year}"


def format_callback(day: date | None, clock: str | None, lang: str) -> str:
    """When a callback is due, in words: a date, a time today, or both."""
    when = format_date(day, lang) if day is not None else ("今天" if lang == "zh" else "today")
    if clock is None:
        return when
    return f"{when}{clock}" if lang == "zh" else f"{when} at {clock}"
