"""Importing lender files: read, validate every row, store the good ones in one transaction.

Each problem becomes a line of the rejects file (line, column, value, reason). Without
`strict`, good rows are stored and bad ones reported; with it, one reject stores nothing.
All writes, and the one audit row per import, share a single transaction, so an interrupted
import leaves the database as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from huankuan.adapters.files import TableFile, read_table
from huankuan.adapters.storage.ingest_store import IngestStore
from huankuan.domain.errors import InvalidInput
from huankuan.service_layer.ingest_records import check_stored, save
from huankuan.service_layer.ingest_schema import SCHEMAS
from huankuan.service_layer.ingest_validation import Checked, check_rows

if TYPE_CHECKING:
    from huankuan.bootstrap import App

Progress = Callable[[str], None]


@dataclass
class ImportReport:
    kind: str
    file: Path
    rows: int
    inserted: int
    updated: int
    rejected: int  # rows with at least one problem
    rejects_path: Path | None
    seconds: float
    problems: int = 0  # lines in the rejects file
    tables: dict[str, dict[str, int]] = field(default_factory=dict)


def default_rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.csv")


def import_file(
    app: App,
    kind: str,
    path: Path | str,
    *,
    strict: bool = False,
    rejects_path: Path | str | None = None,
    encoding: str = "utf-8",
    progress: Progress | None = None,
) -> ImportReport:
    """Import one accounts, contacts or payments file (CSV or Parquet) into the database."""
    started = time.perf_counter()
    say = progress or _silent
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise InvalidInput(f"unknown import kind {kind!r}; expected one of {', '.join(SCHEMAS)}")
    path = Path(path)
    say(f"reading {path.name}")
    table = read_table(
        path, columns=schema.names, required=schema.required_names, encoding=encoding
    )
    say(f"validating {table.frame.height:,} rows")
    checked = check_rows(schema, table.frame)
    with app.engine.begin() as connection:
        store = IngestStore(connection, app.clock)
        say("checking against stored data")
        stored_check = check_stored(kind, store, checked.rows)
        report = _report_rejects(kind, table, [checked, stored_check], rejects_path)
        if strict and report.rejected:
            raise InvalidInput(
                f"{path.name}: {report.rejected:,} of {report.rows:,} rows rejected and --strict "
                f"is set: nothing was stored. Rejects: {report.rejects_path}"
            )
        say(f"storing {stored_check.rows.height:,} rows")
        _store(store, stored_check.rows, report, table)
    report.seconds = time.perf_counter() - started
    return report


def _silent(_message: str) -> None:
    return None


def _report_rejects(
    kind: str, table: TableFile, checks: list[Checked], rejects_path: Path | str | None
) -> ImportReport:
    """The report so far, with every problem written to the rejects file."""
    problems = pl.concat([check.problems for check in checks]).sort("line", maintain_order=True)
    default = default_rejects_path(table.path)
    return ImportReport(
        kind=kind,
        file=table.path,
        rows=table.frame.height,
        inserted=0,
        updated=0,
        rejected=problems["line"].n_unique(),
        rejects_path=_write_rejects(problems, Path(rejects_path or default), default),
        seconds=0.0,
        problems=problems.height,
    )


def _store(store: IngestStore, rows: pl.DataFrame, report: ImportReport, table: TableFile) -> None:
    """Save the good rows and audit the import, in the caller's transaction."""
    saved = save(report.kind, store, rows)
    report.inserted, report.updated, report.tables = saved.inserted, saved.updated, saved.tables
    store.audit(
        action=f"import.{report.kind}",
        entity_id=table.path.name,
        details={
            "file": table.path.name,
            "sha256": table.sha256,
            "rows": report.rows,
            "inserted": report.inserted,
            "updated": report.updated,
            "rejected": report.rejected,
        },
    )


def _write_rejects(problems: pl.DataFrame, path: Path, default: Path) -> Path | None:
    """Write the rejects file; with no rejects, remove a stale default one and return None."""
    if problems.is_empty():
        if path == default:
            path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    problems.write_csv(path)
    return path
