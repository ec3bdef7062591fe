"""`huankuan sample` (write a synthetic portfolio) and `huankuan import` (load lender files)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from huankuan.domain.errors import InvalidInput
from huankuan.entrypoints.cli.main import app, console, handles_errors

if TYPE_CHECKING:
    from huankuan.service_layer.ingest import ImportReport
    from huankuan.simulation.portfolio import SampleReport


class ImportKind(StrEnum):
    ACCOUNTS = "accounts"
    CONTACTS = "contacts"
    PAYMENTS = "payments"


class SampleLocale(StrEnum):
    MIXED = "mixed"
    ZH_CN = "zh_CN"
    EN_US = "en_US"


class SampleFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


def _parse_as_of(text: str | None) -> date:
    if text is None:
        from huankuan.config import load_settings

        today = load_settings().today
        return date.fromisoformat(today) if today else datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--as-of must be a date as YYYY-MM-DD, got {text!r}") from None


@app.command()
@handles_errors
def sample(
    out: Annotated[Path, typer.Option("--out", help="Directory for the files (created).")],
    accounts: Annotated[int, typer.Option("--accounts", min=1, help="Number of accounts.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed and arguments, same files.")] = 42,
    locale: Annotated[
        SampleLocale, typer.Option("--locale", help="mixed (60% zh_CN, 40% en_US), zh_CN or en_US.")
    ] = SampleLocale.MIXED,
    fmt: Annotated[SampleFormat, typer.Option("--format", help="csv or parquet.")] = (
        SampleFormat.CSV
    ),
    dirty: Annotated[
        bool, typer.Option("--dirty", help="Spoil 2% of the rows and write dirty-manifest.json.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Balance date, YYYY-MM-DD (default: today, UTC).")
    ] = None,
) -> None:
    """Write a synthetic portfolio (accounts, contacts, payments) in the import schema."""
    from huankuan.simulation.portfolio import generate_portfolio

    balance_date = _parse_as_of(as_of)
    with console.status(f"generating {accounts:,} accounts..."):
        report = generate_portfolio(
            out,
            accounts=accounts,
            seed=seed,
            locale=locale.value,
            fmt=fmt.value,
            dirty=dirty,
            as_of=balance_date,
        )
    render_sample_report(report)


def render_sample_report(report: SampleReport) -> None:
    table = Table(title=f"Sample portfolio in {report.out_dir}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("bad rows", justify="right")
    rows = {"accounts": report.accounts, "contacts": report.contacts, "payments": report.payments}
    for name, path in report.files.items():
        table.add_row(str(path), f"{rows[name]:,}", str(report.rejects_expected.get(name, "")))
    console.print(table)
    console.print(
        f"{report.debtors:,} debtors, generated in {report.seconds:.1f} s", soft_wrap=True
    )
    if report.manifest:
        console.print(f"dirty manifest: {report.manifest}", soft_wrap=True)


@app.command("import")
@handles_errors
def import_command(
    kind: Annotated[ImportKind, typer.Argument(help="accounts, contacts or payments.")],
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8, header row) or Parquet file.")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Any rejected row: store nothing, exit 2.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Rejects CSV (default: FILE.rejects.csv).")
    ] = None,
    encoding: Annotated[str, typer.Option("--encoding", help="CSV encoding, e.g. gbk.")] = (
        "utf-8"
    ),
) -> None:
    """Import a lender file; bad rows go to a rejects file, good rows in one transaction."""
    from huankuan.bootstrap import bootstrap
    from huankuan.service_layer.ingest import import_file

    application = bootstrap()
    with console.status(f"importing {file.name}...") as status:
        report = import_file(
            application,
            kind.value,
            file,
            strict=strict,
            rejects_path=rejects,
            encoding=encoding,
            progress=lambda message: status.update(f"{message}..."),
        )
    render_import_report(report)


def render_import_report(report: ImportReport) -> None:
    table = Table(title=f"import {report.kind}: {report.file.name}")
    for column in ("table", "inserted", "updated"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, counts in report.tables.items():
        table.add_row(
            name,
            f"{counts.get('inserted', 0):,}",
            f"{counts['updated']:,}" if "updated" in counts else "-",
        )
    console.print(table)
    console.print(
        f"{report.rows:,} rows read, {report.inserted:,} inserted, {report.updated:,} updated, "
        f"{report.rejected:,} rejected in {report.seconds:.1f} s",
        soft_wrap=True,
    )
    if report.rejected:
        console.print(
            f"[yellow]{report.rejected:,} rows rejected[/] "
            f"({report.problems:,} problems): see {report.rejects_path}",
            soft_wrap=True,
        )
