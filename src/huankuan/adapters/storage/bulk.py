"""Bulk reads and writes of Polars frames: COPY on PostgreSQL, executemany on SQLite.

These are the set-based paths the import and the daily cycle use; everything else goes through
repositories. All functions run inside the caller's transaction (a SQLAlchemy Connection).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, text

BATCH_ROWS = 50_000
READ_BATCH_ROWS = 100_000


def _is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def _driver(connection: Connection) -> Any:
    """The DB-API connection under SQLAlchemy's (psycopg or sqlite3), for COPY and executemany."""
    raw = connection.connection.driver_connection
    if raw is None:
        raise RuntimeError("the database connection is closed")
    return raw


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_frame(
    connection: Connection,
    sql: str,
    schema: dict[str, Any],
    params: dict[str, Any] | None = None,
) -> pl.DataFrame:
    """Run `sql` (named :params) and return its rows as a frame with exactly `schema`."""
    if _is_postgres(connection) and not params:
        return _read_frame_copy(connection, sql, schema)
    # Fetch in chunks: a million rows as Python tuples would cost gigabytes at the peak.
    result = connection.execute(text(sql), params or {})
    frames = []
    while rows := result.fetchmany(READ_BATCH_ROWS):
        if _is_postgres(connection):
            frames.append(pl.DataFrame(rows, schema=schema, orient="row"))
        else:
            frames.append(_from_sqlite_rows(rows, schema))
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames, rechunk=True) if len(frames) > 1 else frames[0]


def _from_sqlite_rows(rows: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """SQLite hands back dates as text and booleans as integers; convert them to `schema`."""

    def raw_type(dtype: pl.DataType) -> pl.DataType:
        if dtype == pl.Date or isinstance(dtype, pl.Datetime):
            return pl.String()
        return pl.Int64() if dtype == pl.Boolean else dtype

    frame = pl.DataFrame(rows, schema={n: raw_type(t) for n, t in schema.items()}, orient="row")
    conversions = []
    for name, dtype in schema.items():
        if dtype == pl.Date:
            conversions.append(pl.col(name).str.slice(0, 10).str.to_date("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            conversions.append(
                pl.col(name)
                .str.replace("T", " ")
                .str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us")
                .cast(dtype)
            )
        elif dtype == pl.Boolean:
            conversions.append(pl.col(name).cast(pl.Boolean))
    return frame.with_columns(conversions) if conversions else frame


def _read_frame_copy(connection: Connection, sql: str, schema: dict[str, Any]) -> pl.DataFrame:
    raw = _driver(connection)
    buffer = io.BytesIO()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pl.DataFrame(schema=schema)
    read_schema = {
        name: (pl.String if dtype == pl.Boolean else dtype) for name, dtype in schema.items()
    }
    # Polars 2 reads an unquoted empty field (COPY's NULL) as null and a quoted "" as "".
    frame = pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=read_schema)
    bools = [
        pl.col(name).replace_strict({"t": True, "f": False}, return_dtype=pl.Boolean)
        for name, dtype in schema.items()
        if dtype == pl.Boolean
    ]
    return frame.with_columns(bools) if bools else frame


def _csv_bytes(frame: pl.DataFrame) -> bytes:
    return frame.write_csv(
        include_header=False, quote_style="non_numeric", datetime_format="%Y-%m-%dT%H:%M:%S%.f"
    ).encode("utf-8")


def insert_frame(connection: Connection, table: Table | str, frame: pl.DataFrame) -> int:
    """Append all rows of `frame` (columns named as the table's) to `table`."""
    if frame.is_empty():
        return 0
    name = table if isinstance(table, str) else table.name
    columns = frame.columns
    if _is_postgres(connection):
        raw = _driver(connection)
        column_list = ", ".join(_quote(c) for c in columns)
        with (
            raw.cursor() as cursor,
            cursor.copy(
                f"COPY {_quote(name)} ({column_list}) FROM STDIN WITH (FORMAT csv)"
            ) as copy,
        ):
            for start in range(0, frame.height, BATCH_ROWS):
                copy.write(_csv_bytes(frame.slice(start, BATCH_ROWS)))
        return frame.height
    placeholders = ", ".join("?" for _ in columns)
    statement = (
        f"INSERT INTO {_quote(name)} ({', '.join(_quote(c) for c in columns)}) "
        f"VALUES ({placeholders})"
    )
    cursor = _driver(connection).cursor()
    rows = frame.iter_rows()
    while batch := list(itertools.islice(rows, BATCH_ROWS)):
        cursor.executemany(statement, batch)
    return frame.height


def _stage(connection: Connection, table: Table, frame: pl.DataFrame) -> str:
    staging = f"staging_{table.name}"
    connection.execute(text(f"DROP TABLE IF EXISTS {_quote(staging)}"))
    if _is_postgres(connection):
        connection.execute(
            text(
                f"CREATE TEMP TABLE {_quote(staging)} (LIKE {_quote(table.name)} "
                "INCLUDING DEFAULTS) ON COMMIT DROP"
            )
        )
    else:
        connection.execute(
            text(
                f"CREATE TEMP TABLE {_quote(staging)} AS SELECT * FROM {_quote(table.name)} WHERE 0"
            )
        )
    insert_frame(connection, staging, frame)
    return staging


def upsert_frame(
    connection: Connection, table: Table, frame: pl.DataFrame, key: Sequence[str]
) -> tuple[int, int]:
    """Insert new rows and update changed ones, keyed by `key`; unchanged rows are untouched.

    Returns (inserted, updated). Idempotent: the same frame twice gives (0, 0) the second time.
    """
    if frame.is_empty():
        return 0, 0
    staging = _stage(connection, table, frame)
    columns = frame.columns
    others = [c for c in columns if c not in key]
    join = " AND ".join(f"t.{_quote(k)} = s.{_quote(k)}" for k in key)
    distinct = (
        " OR ".join(
            f"t.{_quote(c)} IS DISTINCT FROM s.{_quote(c)}"
            if _is_postgres(connection)
            else f"t.{_quote(c)} IS NOT s.{_quote(c)}"
            for c in others
        )
        or "FALSE"
    )
    target = _quote(table.name)
    inserted = connection.execute(
        text(
            f"SELECT count(*) FROM {_quote(staging)} s WHERE NOT EXISTS "
            f"(SELECT 1 FROM {target} t WHERE {join})"
        )
    ).scalar_one()
    updated = connection.execute(
        text(f"SELECT count(*) FROM {_quote(staging)} s JOIN {target} t ON {join} WHERE {distinct}")
    ).scalar_one()
    column_list = ", ".join(_quote(c) for c in columns)
    assignments = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in others)
    changed = " OR ".join(
        f"{target}.{_quote(c)} IS DISTINCT FROM excluded.{_quote(c)}"
        if _is_postgres(connection)
        else f"{target}.{_quote(c)} IS NOT excluded.{_quote(c)}"
        for c in others
    )
    action = f"DO UPDATE SET {assignments} WHERE {changed}" if others else "DO NOTHING"
    connection.execute(
        text(
            f"INSERT INTO {target} ({column_list}) SELECT {column_list} FROM {_quote(staging)} "
            f"WHERE TRUE ON CONFLICT ({', '.join(_quote(k) for k in key)}) {action}"
        )
    )
    connection.execute(text(f"DROP TABLE IF EXISTS {_quote(staging)}"))
    return int(inserted), int(updated)


def existing_keys(
    connection: Connection, table: Table, column: str, keys: Iterable[str]
) -> set[str]:
    """Which of `keys` are already stored in `table.column` (staged, one query)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    frame = pl.DataFrame({column: keys}, schema={column: pl.String})
    staging = f"keys_{table.name}"
    connection.execute(text(f"DROP TABLE IF EXISTS {_quote(staging)}"))
    connection.execute(text(f"CREATE TEMP TABLE {_quote(staging)} ({_quote(column)} TEXT)"))
    insert_frame(connection, staging, frame)
    found = (
        connection.execute(
            text(
                f"SELECT s.{_quote(column)} FROM {_quote(staging)} s JOIN {_quote(table.name)} t "
                f"ON t.{_quote(column)} = s.{_quote(column)}"
            )
        )
        .scalars()
        .all()
    )
    connection.execute(text(f"DROP TABLE {_quote(staging)}"))
    return set(found)
