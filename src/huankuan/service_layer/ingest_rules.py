"""Column rules of the import schema, as Polars expressions.

Each rule has two halves: `typed` parses the (stripped, non-empty) text into its stored type
(null when it cannot), and `reason` explains, in one sentence, why a value is refused (null
when it is fine). Reasons read the typed column, so each value is parsed once; the more costly
diagnoses only look at values that failed to parse.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import lru_cache

import polars as pl

from huankuan.domain.money import CURRENCY_EXPONENTS
from huankuan.service_layer.ingest_phones import E164_PATTERN
from huankuan.service_layer.ingest_schema import MINOR_UNITS_MAX_DIGITS, Column

MISSING = "required value is missing"
EMAIL_PATTERN = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
TIMESTAMP_PATTERN = (
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
BOOLEAN_WORDS = {
    "true": True,
    "t": True,
    "yes": True,
    "y": True,
    "1": True,
    "false": False,
    "f": False,
    "no": False,
    "n": False,
    "0": False,
}
_MONEY_LIMIT = 10**MINOR_UNITS_MAX_DIGITS


@lru_cache(maxsize=1)
def known_timezones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def _boolean_spellings() -> dict[str, bool]:
    """Every capitalisation of the boolean words (cheaper than lower-casing each value)."""
    spellings: dict[str, bool] = {}
    for word, meaning in BOOLEAN_WORDS.items():
        for variant in (word, word.upper(), word.capitalize()):
            spellings[variant] = meaning
    return spellings


def typed_name(column: Column) -> str:
    return f"_typed_{column.name}"


def helpers(column: Column, frame: pl.DataFrame) -> list[pl.Series | pl.Expr]:
    """Columns computed before the rules run (list parsing by distinct value, timestamps)."""
    value = pl.col(column.name)
    if column.rule == "choice_list":
        return list(_choice_lists(frame[column.name], column))
    if column.rule == "timestamp":
        return [value.str.extract_groups(TIMESTAMP_PATTERN).alias(f"_parts_{column.name}")]
    return []


def typed(column: Column) -> pl.Expr:
    value = pl.col(column.name)
    rule = column.rule
    if rule in ("money", "positive_money", "integer"):
        return value.cast(pl.Int64, strict=False)
    if rule == "date":
        return _date(value)
    if rule == "boolean":
        words = value.replace_strict(_boolean_spellings(), default=None, return_dtype=pl.Boolean)
        return pl.when(value.is_null()).then(True).otherwise(words)
    if rule == "choice_list":
        return pl.col(f"_canonical_{column.name}")
    if rule == "timestamp":
        return _utc_timestamp(pl.col(f"_parts_{column.name}"))
    return value


def reason(column: Column) -> pl.Expr:
    """The one reason (or null) this column gives for refusing a row."""
    value = pl.col(column.name)
    too_long = (
        value.str.len_chars() > column.max_length
        if column.max_length is not None
        else pl.lit(False)
    )
    return (
        pl.when(value.is_null())
        .then(pl.lit(MISSING if column.required else None))
        .when(too_long)
        .then(pl.lit(f"longer than {column.max_length} characters"))
        .otherwise(_RULES[column.rule](column, value, pl.col(typed_name(column))))
    )


Rule = Callable[[Column, pl.Expr, pl.Expr], pl.Expr]


def _no_rule(_column: Column, _value: pl.Expr, _typed: pl.Expr) -> pl.Expr:
    return pl.lit(None, dtype=pl.String)


def _money(column: Column, value: pl.Expr, amount: pl.Expr) -> pl.Expr:
    failed = pl.when(amount.is_null()).then(value)  # diagnose only what did not parse
    reason = (
        pl.when(failed.str.contains(r"^[+-]?\d+$"))
        .then(pl.lit(f"too large: at most {MINOR_UNITS_MAX_DIGITS} digits"))
        .when(failed.str.contains(r"(?i)^[+-]?[\d.]*\d[\d.]*e[+-]?\d+$"))
        .then(pl.lit("money is an integer number of minor units, not scientific notation"))
        .when(failed.str.contains(".", literal=True))
        .then(
            pl.lit(
                "money is an integer number of minor units (write 1250 for 12.50), not a decimal"
            )
        )
        .when(amount.is_null())
        .then(pl.lit("not an integer number of minor units"))
        .when(amount.abs() >= _MONEY_LIMIT)
        .then(pl.lit(f"too large: at most {MINOR_UNITS_MAX_DIGITS} digits"))
        .when(amount < 0)
        .then(pl.lit("must not be negative"))
        .when(pl.lit(column.rule == "positive_money") & (amount == 0))
        .then(pl.lit("must be greater than 0"))
    )
    return reason


def _integer(column: Column, _value: pl.Expr, number: pl.Expr) -> pl.Expr:
    return pl.when(number.is_null() | (number < column.low) | (number > column.high)).then(
        pl.lit(f"must be a whole number from {column.low} to {column.high}")
    )


def _date(value: pl.Expr) -> pl.Expr:
    parsed = value.str.to_date("%Y-%m-%d", strict=False)
    return pl.when(value.str.len_bytes() == 10).then(parsed)


def _date_rule(_column: Column, value: pl.Expr, parsed: pl.Expr) -> pl.Expr:
    failed = pl.when(parsed.is_null()).then(value)
    return (
        pl.when(~failed.str.contains(r"^\d{4}-\d{2}-\d{2}$"))
        .then(pl.lit("expected a date as YYYY-MM-DD"))
        .when(parsed.is_null())
        .then(pl.lit("not a real calendar date"))
    )


def _choice(column: Column, value: pl.Expr, _typed: pl.Expr) -> pl.Expr:
    return pl.when(~value.is_in(column.choices)).then(
        pl.lit(f"must be one of: {', '.join(column.choices)}")
    )


def _currency(_column: Column, value: pl.Expr, _typed: pl.Expr) -> pl.Expr:
    return pl.when(~value.is_in(list(CURRENCY_EXPONENTS))).then(
        pl.lit(f"unknown currency; accepted: {', '.join(CURRENCY_EXPONENTS)}")
    )


def _timezone(_column: Column, value: pl.Expr, _typed: pl.Expr) -> pl.Expr:
    return pl.when(~value.is_in(known_timezones())).then(
        pl.lit("unknown time zone; use an IANA name such as Asia/Shanghai or America/New_York")
    )


def _boolean(_column: Column, _value: pl.Expr, parsed: pl.Expr) -> pl.Expr:
    return pl.when(parsed.is_null()).then(pl.lit("expected true or false"))


def _choice_lists(values: pl.Series, column: Column) -> tuple[pl.Series, pl.Series]:
    """Canonical ';'-joined text (choices order) and unknown items, per row; computed once per
    distinct value, since such columns repeat a handful of values."""
    distinct = values.drop_nulls().unique().to_list()
    canonical, unknown = {}, {}
    for text in distinct:
        items = {item.strip() for item in text.split(";") if item.strip()}
        canonical[text] = ";".join(choice for choice in column.choices if choice in items)
        strange = sorted(items - set(column.choices))
        unknown[text] = ", ".join(strange) if strange else None
    return (
        values.replace_strict(canonical, default=None, return_dtype=pl.String).alias(
            f"_canonical_{column.name}"
        ),
        values.replace_strict(unknown, default=None, return_dtype=pl.String).alias(
            f"_unknown_{column.name}"
        ),
    )


def _choice_list(column: Column, _value: pl.Expr, _typed: pl.Expr) -> pl.Expr:
    unknown = pl.col(f"_unknown_{column.name}")
    return pl.when(unknown.is_not_null()).then(
        pl.format(
            "unknown value(s): {}; expected ';'-separated values among: {}",
            unknown,
            pl.lit(", ".join(column.choices)),
        )
    )


def _contact_value(_column: Column, value: pl.Expr, _typed: pl.Expr) -> pl.Expr:
    kind = pl.col("kind")
    phone, email = pl.when(kind == "phone").then(value), pl.when(kind == "email").then(value)
    return (
        pl.when(~phone.str.contains(E164_PATTERN))
        .then(
            pl.lit(
                "phone numbers must be in E.164 form: + country code and digits, "
                "e.g. +8613812345678"
            )
        )
        .when((kind == "phone") & ~pl.col("_phone_ok"))
        .then(pl.lit("not a valid phone number"))
        .when(~email.str.contains(EMAIL_PATTERN))
        .then(pl.lit("not a valid e-mail address"))
    )


def _timestamp(column: Column, _value: pl.Expr, _typed: pl.Expr) -> pl.Expr:
    parts = pl.col(f"_parts_{column.name}")
    hour, minute = parts.struct[1].cast(pl.Int64), parts.struct[2].cast(pl.Int64)
    second = parts.struct[3].cast(pl.Int64).fill_null(0)
    offset = parts.struct[5]
    return (
        pl.when(parts.struct[0].is_null())
        .then(
            pl.lit("expected an ISO-8601 date-time with UTC offset, e.g. 2026-11-27T10:15:00+08:00")
        )
        .when(offset.is_null())
        .then(pl.lit("has no UTC offset; add one, e.g. +08:00, -05:00 or Z"))
        .when(parts.struct[0].str.to_date("%Y-%m-%d", strict=False).is_null())
        .then(pl.lit("not a real calendar date"))
        .when((hour > 23) | (minute > 59) | (second > 59))
        .then(pl.lit("not a real time of day"))
        .when(_offset_minutes(offset).abs() > 18 * 60)
        .then(pl.lit("impossible UTC offset"))
    )


def _offset_minutes(offset: pl.Expr) -> pl.Expr:
    digits = offset.str.replace(":", "", literal=True)
    sign = pl.when(digits.str.starts_with("-")).then(-1).otherwise(1)
    hours = digits.str.slice(1, 2).cast(pl.Int64, strict=False)
    minutes = digits.str.slice(3, 2).cast(pl.Int64, strict=False)
    return pl.when(offset == "Z").then(0).otherwise(sign * (hours * 60 + minutes))


def _utc_timestamp(parts: pl.Expr) -> pl.Expr:
    """The instant as a naive UTC datetime (microseconds)."""
    fraction = parts.struct[4].fill_null("").str.pad_end(6, "0").str.slice(0, 6)
    local = parts.struct[0].str.to_date("%Y-%m-%d", strict=False).cast(
        pl.Datetime("us")
    ) + pl.duration(
        hours=parts.struct[1].cast(pl.Int64, strict=False),
        minutes=parts.struct[2].cast(pl.Int64, strict=False),
        seconds=parts.struct[3].cast(pl.Int64, strict=False).fill_null(0),
        microseconds=fraction.cast(pl.Int64, strict=False),
    )
    return local - pl.duration(minutes=_offset_minutes(parts.struct[5]))


_RULES: dict[str, Rule] = {
    "id": _no_rule,
    "text": _no_rule,
    "money": _money,
    "positive_money": _money,
    "integer": _integer,
    "date": _date_rule,
    "choice": _choice,
    "currency": _currency,
    "timezone": _timezone,
    "boolean": _boolean,
    "choice_list": _choice_list,
    "contact_value": _contact_value,
    "timestamp": _timestamp,
}
