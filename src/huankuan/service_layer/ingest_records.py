"""What each import file becomes in storage: checks against stored data, then table frames.

accounts → debtors, cases (one per debtor, never reassigned), accounts, lender-reported holds;
contacts → contact_points; payments → payments (status `reflected` or `pending`, never
touching what the daily cycle wrote).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from huankuan.adapters.storage import tables
from huankuan.adapters.storage.ingest_store import IngestStore
from huankuan.service_layer.ingest_validation import (
    Checked,
    check_debtor_consistency,
    check_payments,
    check_references,
)

LENDER_HOLD_REASON = "reported by lender"
ACCOUNT_COLUMNS = [
    "account_id",
    "debtor_id",
    "product",
    "currency",
    "principal_minor",
    "interest_minor",
    "penalty_minor",
    "fees_minor",
    "paid_to_date_minor",
    "instalment_minor",
    "term_months",
    "first_due_on",
    "opened_on",
    "balance_as_of",
    "timezone",
]
PAYMENT_COLUMNS = ["payment_id", "account_id", "amount_minor", "currency", "received_at", "method"]


@dataclass
class Saved:
    inserted: int
    updated: int
    tables: dict[str, dict[str, int]] = field(default_factory=dict)


def check_stored(kind: str, store: IngestStore, rows: pl.DataFrame) -> Checked:
    """Rules that need other rows of the file or stored data."""
    if kind == "accounts":
        return check_debtor_consistency(rows)
    if kind == "contacts":
        return check_references(
            rows,
            "debtor_id",
            store.unknown_debtor_ids(rows["debtor_id"]),
            "unknown debtor; import the accounts file first",
        )
    accounts = store.accounts_for(rows["account_id"])
    checked = check_payments(rows, accounts, store.allocated_payments_for(rows["payment_id"]))
    checked.rows = checked.rows.join(
        accounts.select("account_id", _timezone="timezone", _balance_as_of="balance_as_of"),
        on="account_id",
        how="left",
        maintain_order="left",
    )
    return checked


def save(kind: str, store: IngestStore, rows: pl.DataFrame) -> Saved:
    return {"accounts": _save_accounts, "contacts": _save_contacts, "payments": _save_payments}[
        kind
    ](store, rows)


def _save_accounts(store: IngestStore, rows: pl.DataFrame) -> Saved:
    first_rows = rows.unique("debtor_id", keep="first", maintain_order=True)
    debtors = first_rows.select(
        "debtor_id",
        pl.col("debtor_name").alias("name"),
        "national_id",
        "date_of_birth",
        "timezone",
        "locale",
        "jurisdiction",
    )
    debtors_inserted, debtors_updated = store.upsert(tables.debtors, debtors, ["debtor_id"])
    cases = first_rows.select(case_id=pl.lit("C-") + pl.col("debtor_id"), debtor_id="debtor_id")
    cases_inserted = store.insert_missing(tables.cases, cases, ["case_id", "debtor_id"])
    inserted, updated = store.upsert(tables.accounts, rows.select(ACCOUNT_COLUMNS), ["account_id"])
    holds_inserted = store.insert_missing(tables.holds, lender_holds(rows), ["hold_id"])
    return Saved(
        inserted,
        updated,
        {
            "debtors": {"inserted": debtors_inserted, "updated": debtors_updated},
            "cases": {"inserted": cases_inserted},
            "accounts": {"inserted": inserted, "updated": updated},
            "holds": {"inserted": holds_inserted},
        },
    )


def lender_holds(rows: pl.DataFrame) -> pl.DataFrame:
    """One hold per listed type, id f"IMP-{account_id}-{type}", from the balance date 00:00 UTC."""
    listed = rows.filter(pl.col("holds").is_not_null() & (pl.col("holds") != ""))
    return (
        listed.select(
            "account_id", "debtor_id", "balance_as_of", hold_type=pl.col("holds").str.split(";")
        )
        .explode("hold_type")
        .select(
            hold_id=pl.format("IMP-{}-{}", pl.col("account_id"), pl.col("hold_type")),
            debtor_id="debtor_id",
            account_id="account_id",
            hold_type="hold_type",
            starts_at=pl.col("balance_as_of").cast(pl.Datetime("us")),
            reason=pl.lit(LENDER_HOLD_REASON),
        )
    )


def _save_contacts(store: IngestStore, rows: pl.DataFrame) -> Saved:
    contacts = rows.drop("line").with_columns(pl.col("opted_out").fill_null(""))
    inserted, updated = store.upsert(tables.contact_points, contacts, ["contact_id"])
    return Saved(inserted, updated, {"contact_points": {"inserted": inserted, "updated": updated}})


def _save_payments(store: IngestStore, rows: pl.DataFrame) -> Saved:
    stored = store.stored_payment_ids(rows["payment_id"]).implode()
    fresh = with_status(rows.filter(~pl.col("payment_id").is_in(stored)))
    inserted, _ = store.upsert(
        tables.payments, fresh.select(*PAYMENT_COLUMNS, "status"), ["payment_id"]
    )
    # Stored payments keep their status and allocation: only the lender's columns update.
    known = rows.filter(pl.col("payment_id").is_in(stored)).select(PAYMENT_COLUMNS)
    _, updated = store.upsert(tables.payments, known, ["payment_id"])
    return Saved(inserted, updated, {"payments": {"inserted": inserted, "updated": updated}})


def with_status(rows: pl.DataFrame) -> pl.DataFrame:
    """`reflected` when received (account-local date) before the account's balance date, since
    the imported balances already include it; `pending` otherwise, for the cycle to allocate."""
    if rows.is_empty():
        return rows.with_columns(status=pl.lit(None, dtype=pl.String))
    parts = []
    for (zone,), part in rows.partition_by("_timezone", as_dict=True).items():
        local_date = (
            pl.col("received_at")
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(str(zone))
            .dt.date()
        )
        parts.append(
            part.with_columns(
                status=pl.when(local_date < pl.col("_balance_as_of"))
                .then(pl.lit("reflected"))
                .otherwise(pl.lit("pending"))
            )
        )
    return pl.concat(parts).sort("line")
