"""Set-based reads and writes of the import, inside the caller's transaction.

Lookups stage the file's keys in a temporary table and join, so a million ids cost one COPY
and one query; writes go through `bulk.upsert_frame`, or straight `insert_frame` when the
target table is still empty (the first load of a portfolio).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, select, text

from huankuan.adapters.storage.audit import SqlAuditLog
from huankuan.adapters.storage.bulk import insert_frame, read_frame, upsert_frame
from huankuan.domain.ports import Clock


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class IngestStore:
    def __init__(self, connection: Connection, clock: Clock) -> None:
        self._connection = connection
        self._clock = clock

    # -- lookups -------------------------------------------------------------------------
    def unknown_debtor_ids(self, ids: pl.Series) -> pl.Series:
        """Those of `ids` that no stored debtor has."""
        return self._with_keys(
            ids,
            "debtor_id",
            "SELECT s.debtor_id FROM {keys} s WHERE NOT EXISTS "
            "(SELECT 1 FROM debtors t WHERE t.debtor_id = s.debtor_id)",
            {"debtor_id": pl.String},
        )["debtor_id"]

    def accounts_for(self, ids: pl.Series) -> pl.DataFrame:
        """account_id, currency, timezone, balance_as_of of the stored accounts among `ids`."""
        return self._with_keys(
            ids,
            "account_id",
            "SELECT t.account_id, t.currency, t.timezone, t.balance_as_of FROM {keys} s "
            "JOIN accounts t ON t.account_id = s.account_id",
            {
                "account_id": pl.String,
                "currency": pl.String,
                "timezone": pl.String,
                "balance_as_of": pl.Date,
            },
        )

    def allocated_payments_for(self, ids: pl.Series) -> pl.DataFrame:
        """Stored payments among `ids` that the daily cycle has already allocated."""
        frame = self._with_keys(
            ids,
            "payment_id",
            "SELECT t.payment_id, t.account_id, t.amount_minor, t.currency, t.allocated_on "
            "FROM {keys} s JOIN payments t ON t.payment_id = s.payment_id "
            "WHERE t.status = 'allocated' OR t.allocated_on IS NOT NULL",
            {
                "payment_id": pl.String,
                "account_id": pl.String,
                "amount_minor": pl.Int64,
                "currency": pl.String,
                "allocated_on": pl.Date,
            },
        )
        return frame.with_columns(
            pl.col("allocated_on").cast(pl.String).fill_null("an earlier business date")
        )

    def stored_payment_ids(self, ids: pl.Series) -> pl.Series:
        return self._with_keys(
            ids,
            "payment_id",
            "SELECT s.payment_id FROM {keys} s JOIN payments t ON t.payment_id = s.payment_id",
            {"payment_id": pl.String},
        )["payment_id"]

    def _with_keys(
        self, ids: pl.Series, key: str, sql: str, schema: Mapping[str, Any]
    ) -> pl.DataFrame:
        """Run `sql` with the distinct `ids` staged as the temporary table `{keys}`."""
        keys = pl.DataFrame({key: ids.unique().drop_nulls()}, schema={key: pl.String})
        if keys.is_empty():
            return pl.DataFrame(schema=dict(schema))
        staging = f"ingest_keys_{key}"
        self._temp_table(staging, f"{_quote(key)} TEXT NOT NULL")
        insert_frame(self._connection, staging, keys)
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(text(f"ANALYZE {_quote(staging)}"))
        frame = read_frame(self._connection, sql.format(keys=_quote(staging)), dict(schema))
        self._connection.execute(text(f"DROP TABLE {_quote(staging)}"))
        return frame

    def _temp_table(self, name: str, columns_sql: str) -> None:
        self._connection.execute(text(f"DROP TABLE IF EXISTS {_quote(name)}"))
        self._connection.execute(text(f"CREATE TEMP TABLE {_quote(name)} ({columns_sql})"))

    # -- writes --------------------------------------------------------------------------
    def upsert(self, table: Table, frame: pl.DataFrame, key: Sequence[str]) -> tuple[int, int]:
        """(inserted, updated); a plain bulk insert when the table is still empty."""
        if frame.is_empty():
            return 0, 0
        if self._is_empty(table):
            return insert_frame(self._connection, table, frame), 0
        return upsert_frame(self._connection, table, frame, key)

    def insert_missing(self, table: Table, frame: pl.DataFrame, keys: Sequence[str]) -> int:
        """Insert the rows whose value in any of `keys` is not stored yet; never update."""
        if frame.is_empty():
            return 0
        if self._is_empty(table):
            return insert_frame(self._connection, table, frame)
        staging = f"ingest_new_{table.name}"
        dialect = self._connection.dialect
        self._temp_table(
            staging,
            ", ".join(
                f"{_quote(c)} {table.c[c].type.compile(dialect=dialect)}" for c in frame.columns
            ),
        )
        insert_frame(self._connection, staging, frame)
        column_list = ", ".join(_quote(c) for c in frame.columns)
        clash = " OR ".join(f"t.{_quote(k)} = s.{_quote(k)}" for k in keys)
        result = self._connection.execute(
            text(
                f"INSERT INTO {_quote(table.name)} ({column_list}) SELECT {column_list} "
                f"FROM {_quote(staging)} s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {_quote(table.name)} t WHERE {clash})"
            )
        )
        self._connection.execute(text(f"DROP TABLE {_quote(staging)}"))
        return int(result.rowcount or 0)

    def _is_empty(self, table: Table) -> bool:
        first = self._connection.execute(select(table.primary_key.columns[0]).limit(1))
        return first.first() is None

    def audit(self, *, action: str, entity_id: str, details: Mapping[str, Any]) -> None:
        SqlAuditLog(self._connection, self._clock).record(
            actor="import",
            action=action,
            entity_type="file",
            entity_id=entity_id,
            details=details,
        )
