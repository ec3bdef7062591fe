"""Which treatment path each account follows: the first matching rule's path, else the
bucket × score-segment table.

Set-based: every rule becomes one boolean expression, and one `when/then` chain picks the
first. Columns a rule needs but the frame lacks take the value of "nothing known" (no payment,
no contact, no complaint), so a cold-start cycle without history still segments.
"""

from __future__ import annotations

import polars as pl

from huankuan.strategy.extensions import NO_HOLD, Condition, Range
from huankuan.strategy.loader import Strategy

PATH_KEY = "path_key"
SEPARATOR = "/"
DEFAULTS: dict[str, pl.Expr] = {
    "broken_promises": pl.lit(0),
    "recent_payments": pl.lit(0),
    "right_party_contacts_30d": pl.lit(0.0),
    "complaints_90d": pl.lit(0.0),
    "debtor_unreachable": pl.lit(False),
    "hold_types": pl.lit([], dtype=pl.List(pl.String)),
    "score": pl.lit(0),
    "outstanding_minor": pl.lit(0),
}


def table_key(bucket: pl.Expr | str, segment: pl.Expr | str) -> pl.Expr:
    """The key of a bucket × segment cell of `treatments:`."""
    parts = [pl.lit(v) if isinstance(v, str) else v for v in (bucket, segment)]
    return pl.concat_str([pl.lit("table"), *parts], separator=SEPARATOR)


def path_key(name: str) -> str:
    return f"path{SEPARATOR}{name}"


def language_expression(columns: list[str]) -> pl.Expr:
    if "locale" in columns:
        return pl.col("locale").fill_null("").str.slice(0, 2)
    if "jurisdiction" in columns:
        return (
            pl.when(pl.col("jurisdiction") == "CN-NIFA").then(pl.lit("zh")).otherwise(pl.lit("en"))
        )
    return pl.lit("")


def with_paths(accounts: pl.DataFrame, strategy: Strategy) -> pl.DataFrame:
    """`accounts` plus `path_key`: the treatment path each account follows today."""
    missing = [value.alias(name) for name, value in DEFAULTS.items() if name not in accounts]
    frame = accounts.with_columns(missing) if missing else accounts
    frame = frame.with_columns(
        language_expression(frame.columns).alias("_language"),
        pl.col("hold_types").cast(pl.List(pl.String)),
    )
    chosen: pl.Expr = table_key(pl.col("bucket"), pl.col("segment"))
    for rule in reversed(strategy.rules):
        chosen = (
            pl.when(condition_expression(rule.when))
            .then(pl.lit(path_key(rule.path)))
            .otherwise(chosen)
        )
    return frame.with_columns(chosen.alias(PATH_KEY)).drop(
        ["_language", *[name for name in DEFAULTS if name not in accounts]]
    )


def condition_expression(when: Condition) -> pl.Expr:
    tests: list[pl.Expr] = []
    if when.buckets:
        tests.append(pl.col("bucket").is_in(list(when.buckets)))
    if when.segments:
        tests.append(pl.col("segment").is_in(list(when.segments)))
    if when.score is not None:
        tests.append(_within(pl.col("score"), when.score))
    if when.balance is not None:
        tests.append(_within(pl.col("outstanding_minor") / 100, when.balance))
    if when.languages:
        tests.append(pl.col("_language").is_in(list(when.languages)))
    if when.previous_outcomes:
        tests.append(pl.any_horizontal([OUTCOMES[name] for name in when.previous_outcomes]))
    if when.holds:
        tests.append(_holds(when.holds))
    return pl.all_horizontal(tests) if tests else pl.lit(True)


def _within(value: pl.Expr, bounds: Range) -> pl.Expr:
    test = pl.lit(True)
    if bounds.min is not None:
        test = test & (value >= bounds.min)
    if bounds.max is not None:
        test = test & (value <= bounds.max)
    return test


def _holds(holds: tuple[str, ...]) -> pl.Expr:
    if NO_HOLD in holds:
        return pl.col("hold_types").list.len() == 0
    wanted = pl.lit(list(holds), dtype=pl.List(pl.String))
    return pl.col("hold_types").list.set_intersection(wanted).list.len() > 0


OUTCOMES: dict[str, pl.Expr] = {
    "promise_broken": pl.col("broken_promises") > 0,
    "recent_payment": pl.col("recent_payments") > 0,
    "right_party_contact_30d": pl.col("right_party_contacts_30d") > 0,
    "no_right_party_contact_30d": pl.col("right_party_contacts_30d") <= 0,
    "complaint_90d": pl.col("complaints_90d") > 0,
    "unreachable": pl.col("debtor_unreachable"),
}
