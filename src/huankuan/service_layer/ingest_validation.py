"""Row validation of import files, vectorised: every problem becomes one reject line
(line, column, value, reason); rows without problems come out typed.

Input frames hold text (as read from CSV, or Parquet cast to text) plus the physical `line`.
Each column rule yields at most one reason per row; rules across columns (opened_on after
first_due_on), across rows (duplicate ids, inconsistent debtors) and against stored data
(unknown debtor or account, changed allocated payment) add their own reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from huankuan.service_layer.ingest_phones import valid_e164_numbers
from huankuan.service_layer.ingest_rules import helpers, reason, typed, typed_name
from huankuan.service_layer.ingest_schema import DEBTOR_COLUMNS, FileSchema

PROBLEM_SCHEMA = {"line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}


@dataclass
class Checked:
    rows: pl.DataFrame  # typed good rows, with `line`
    problems: pl.DataFrame  # PROBLEM_SCHEMA


def check_rows(schema: FileSchema, frame: pl.DataFrame) -> Checked:
    """Apply the column, cross-column and duplicate rules of `schema` to a text frame."""
    frame = frame.with_columns(
        pl.col(name).str.strip_chars().replace("", None) for name in schema.names
    )
    frame = frame.with_columns(
        *(helper for column in schema.columns for helper in helpers(column, frame)),
        *_contact_helpers(schema, frame),
    )
    frame = frame.with_columns(typed(column).alias(typed_name(column)) for column in schema.columns)
    reasons = [(column.name, reason(column)) for column in schema.columns]
    if schema.kind == "accounts":
        reasons.append(("opened_on", _opened_after_first_due()))
    evaluated = frame.with_columns(
        reason_expr.alias(f"_reason_{i}") for i, (_, reason_expr) in enumerate(reasons)
    )
    problems = pl.concat(
        [
            *(
                evaluated.filter(pl.col(f"_reason_{i}").is_not_null()).select(
                    "line", column=pl.lit(name), value=pl.col(name), reason=pl.col(f"_reason_{i}")
                )
                for i, (name, _) in enumerate(reasons)
            ),
            _duplicates(frame, schema.id_column),
        ],
        how="vertical_relaxed",
    ).sort("line", maintain_order=True)
    good = evaluated.filter(~pl.col("line").is_in(problems["line"].unique().implode()))
    rows = good.select("line", *(pl.col(typed_name(c)).alias(c.name) for c in schema.columns))
    return Checked(rows=rows, problems=_problems(problems))


def _contact_helpers(schema: FileSchema, frame: pl.DataFrame) -> list[pl.Series]:
    if schema.kind != "contacts":
        return []
    phones = frame.select(pl.when(pl.col("kind") == "phone").then(pl.col("value"))).to_series()
    return [valid_e164_numbers(phones).alias("_phone_ok")]


def _problems(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col(name).cast(dtype) for name, dtype in PROBLEM_SCHEMA.items())


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def _duplicates(frame: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """Every row repeating an id of an earlier row (the file is in line order)."""
    identifier = pl.col(id_column)
    ids = frame[id_column]
    repeated_rows = ids.is_not_null() & ~ids.is_first_distinct()
    if not repeated_rows.any():
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    repeated = frame.filter(repeated_rows)
    first_lines = (
        frame.filter(identifier.is_in(repeated[id_column].implode()))
        .group_by(id_column)
        .agg(_first_line=pl.col("line").min())
    )
    return repeated.join(first_lines, on=id_column, how="left").select(
        "line",
        column=pl.lit(id_column),
        value=identifier,
        reason=pl.format(
            "duplicate {} in this file (first on line {})", pl.lit(id_column), pl.col("_first_line")
        ),
    )


def _opened_after_first_due() -> pl.Expr:
    opened, first_due = pl.col("_typed_opened_on"), pl.col("_typed_first_due_on")
    return pl.when(opened > first_due).then(
        pl.format("opened_on is after first_due_on ({})", pl.col("first_due_on"))
    )


def check_debtor_consistency(rows: pl.DataFrame) -> Checked:
    """A debtor on several rows must have the same debtor columns; later rows that differ from
    the debtor's first good row are rejected (one reject line per differing column)."""
    ranked = rows.filter(pl.col("debtor_id").is_duplicated()).with_columns(
        *(pl.col(c).first().over("debtor_id").alias(f"_first_{c}") for c in DEBTOR_COLUMNS),
        _first_line=pl.col("line").min().over("debtor_id"),
    )
    problems = pl.concat(
        [
            ranked.filter(pl.col(c).ne_missing(pl.col(f"_first_{c}"))).select(
                "line",
                column=pl.lit(c),
                value=pl.col(c).cast(pl.String),
                reason=pl.format(
                    "debtor {} has {} {} on line {}; this row differs",
                    pl.col("debtor_id"),
                    pl.lit(c),
                    pl.col(f"_first_{c}").cast(pl.String).fill_null("(empty)"),
                    pl.col("_first_line"),
                ),
            )
            for c in DEBTOR_COLUMNS
        ]
    )
    bad = problems["line"].unique().implode()
    return Checked(rows=rows.filter(~pl.col("line").is_in(bad)), problems=_problems(problems))


def check_references(rows: pl.DataFrame, column: str, unknown: pl.Series, reason: str) -> Checked:
    """Rows whose `column` is among the `unknown` ids are rejected with `reason`."""
    missing = pl.col(column).is_in(unknown.implode())
    problems = rows.filter(missing).select(
        "line", column=pl.lit(column), value=pl.col(column), reason=pl.lit(reason)
    )
    return Checked(rows=rows.filter(~missing), problems=_problems(problems))


def check_payments(rows: pl.DataFrame, accounts: pl.DataFrame, stored: pl.DataFrame) -> Checked:
    """Payments need a stored account of the same currency, and may not change the amount,
    account or currency of a payment the cycle has already allocated.

    `accounts`: account_id, currency (stored); `stored`: payment_id, account_id, amount_minor,
    currency, allocated_on (stored payments among this file's ids, allocated ones only).
    """
    unknown = rows.filter(~pl.col("account_id").is_in(accounts["account_id"].implode()))
    known = check_references(
        rows, "account_id", unknown["account_id"], "unknown account; import the accounts file first"
    )
    joined = known.rows.join(
        accounts.select("account_id", _account_currency="currency"),
        on="account_id",
        how="left",
        maintain_order="left",
    )
    problems = _problems(
        pl.concat(
            [known.problems, _currency_mismatches(joined), _allocated_changes(joined, stored)]
        ).sort("line", maintain_order=True)
    )
    bad = problems["line"].unique().implode()
    return Checked(rows=known.rows.filter(~pl.col("line").is_in(bad)), problems=problems)


def _currency_mismatches(payments: pl.DataFrame) -> pl.DataFrame:
    return _problems(
        payments.filter(pl.col("currency") != pl.col("_account_currency")).select(
            "line",
            column=pl.lit("currency"),
            value=pl.col("currency"),
            reason=pl.format(
                "currency differs from the account's currency ({})", pl.col("_account_currency")
            ),
        )
    )


def _allocated_changes(payments: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """One problem per changed amount, account or currency of an allocated payment."""
    allocated = payments.join(
        stored.rename(lambda c: f"_stored_{c}"),
        how="inner",
        left_on="payment_id",
        right_on="_stored_payment_id",
    )
    reason = pl.format(
        "payment {} was allocated on {}; send a correction as a new payment",
        pl.col("payment_id"),
        pl.col("_stored_allocated_on"),
    )
    return pl.concat(
        [
            _problems(
                allocated.filter(pl.col(c).ne_missing(pl.col(f"_stored_{c}"))).select(
                    "line", column=pl.lit(c), value=pl.col(c).cast(pl.String), reason=reason
                )
            )
            for c in ("amount_minor", "account_id", "currency")
        ]
    )
