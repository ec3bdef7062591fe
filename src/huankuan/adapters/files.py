"""Reading tabular import files (CSV or Parquet) into text frames with physical line numbers.

Every file-level problem (missing file, bad encoding, wrong columns, no rows) is an
`InvalidInput` naming the file and what to do; row-level problems are left to validation.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from huankuan.domain.errors import InvalidInput

CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
_UTF8_NAMES = {"utf-8", "utf8", "utf-8-sig", "utf_8"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class TableFile:
    path: Path
    frame: pl.DataFrame  # text columns of the schema (absent optional ones as nulls) + `line`
    sha256: str
    format: str


def read_table(
    path: Path, *, columns: list[str], required: list[str], encoding: str = "utf-8"
) -> TableFile:
    """Read `path` (by extension) as text columns `columns`; `line` is the physical line
    (header = 1) for CSV and the 1-based row number for Parquet."""
    fmt = _format_of(path)
    data = _read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    if fmt == "csv":
        text = _as_utf8(data, encoding, path)
        header = _csv_header(text, path)
        _check_header(header, columns, required, path)
        frame = _read_csv(text, path)
    else:
        frame = _read_parquet(data, path)
        _check_header(frame.columns, columns, required, path)
        frame = _parquet_as_text(frame, path).with_row_index("line", offset=1)
    frame = frame.with_columns(pl.col("line").cast(pl.Int64)).with_columns(
        pl.lit(None, dtype=pl.String).alias(name) for name in columns if name not in frame.columns
    )
    frame = frame.filter(~pl.all_horizontal(pl.col(columns).is_null()))  # blank lines
    if frame.is_empty():
        raise InvalidInput(f"{path.name}: the file has a header but no rows")
    return TableFile(path=path, frame=frame.select("line", *columns), sha256=digest, format=fmt)


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise InvalidInput(
        f"{path.name}: unsupported file type {suffix or '(none)'!r}; expected .csv or .parquet"
    )


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InvalidInput(f"no such file: {path}")
    if not path.is_file():
        raise InvalidInput(f"not a file: {path}")
    data = path.read_bytes()
    if not data or data.isspace():
        raise InvalidInput(f"{path.name}: the file is empty")
    return data


def _as_utf8(data: bytes, encoding: str, path: Path) -> bytes:
    """The file's bytes as UTF-8 (without a byte-order mark); UTF-8 input is checked by the
    CSV reader, which calls `utf8_problem` when it finds a bad sequence."""
    if encoding.lower() in _UTF8_NAMES:
        return data.removeprefix(codecs.BOM_UTF8)
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise InvalidInput(f"unknown encoding {encoding!r}") from error
    try:
        return data.decode(encoding).removeprefix("\ufeff").encode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{path.name}: the file is not valid {encoding} (byte {error.start}: {error.reason})"
        ) from error


def utf8_problem(data: bytes, path: Path) -> InvalidInput | None:
    """What is wrong with `data` as UTF-8, or None if nothing is."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return InvalidInput(_not_utf8_message(data, error, path))
    return None


def _not_utf8_message(data: bytes, error: UnicodeDecodeError, path: Path) -> str:
    try:
        looks_chinese = bool(_CJK.search(data.decode("gb18030")))
    except UnicodeDecodeError:
        looks_chinese = False
    if looks_chinese:
        return (
            f"{path.name}: the file is not UTF-8 (it looks like GBK/GB18030); re-save it as "
            "UTF-8 or pass --encoding gbk"
        )
    bad = data[error.start : error.start + 1].hex()
    return (
        f"{path.name}: the file is not UTF-8 (invalid byte 0x{bad} at offset "
        f"{error.start}); re-save it as UTF-8 or pass --encoding with its encoding"
    )


def _csv_header(data: bytes, path: Path) -> list[str]:
    end = data.find(b"\n")
    try:
        first_line = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as error:
        raise utf8_problem(data, path) or InvalidInput(str(error)) from error
    header = next(csv.reader([first_line]), [])
    names = [name.strip() for name in header]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise InvalidInput(f"{path.name}: column(s) named more than once: {', '.join(duplicated)}")
    return names


def _check_header(found: list[str], columns: list[str], required: list[str], path: Path) -> None:
    missing = [name for name in required if name not in found]
    unknown = [name for name in found if name not in columns]
    if not missing and not unknown:
        return
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    optional = [name for name in columns if name not in required]
    raise InvalidInput(
        f"{path.name}: {'; '.join(problems)}. Expected columns: {', '.join(columns)} "
        f"(optional: {', '.join(optional)})"
    )


def _read_csv(data: bytes, path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_csv(data, infer_schema=False, has_header=True, raise_if_empty=True)
    except (pl.exceptions.PolarsError, ValueError) as error:
        problem = utf8_problem(data, path)
        if problem is not None:
            raise problem from error
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InvalidInput(f"{path.name}: not a readable CSV file: {detail}") from error
    frame = frame.rename({name: name.strip() for name in frame.columns})
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    record_ends = frame.height + 1 if data.endswith(b"\n") else frame.height
    if data.count(b"\n") == record_ends:  # no line breaks inside quoted fields
        return frame.with_columns(line=row + 2)
    # Quoted fields may hold line breaks: a record starts after all earlier records' lines.
    breaks = pl.sum_horizontal(
        pl.col(name).str.count_matches("\n").fill_null(0) for name in frame.columns
    )
    return frame.with_columns(line=row + 2 + breaks.cum_sum().shift(1, fill_value=0))


def _read_parquet(data: bytes, path: Path) -> pl.DataFrame:
    try:
        return pl.read_parquet(data)
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise InvalidInput(f"{path.name}: not a readable Parquet file: {error}") from error


def _parquet_as_text(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    conversions = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Date:
            conversions.append(column.dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            offset = "%:z" if dtype.time_zone else ""
            conversions.append(column.dt.strftime(f"%Y-%m-%dT%H:%M:%S%.6f{offset}"))
        elif dtype.is_numeric() or dtype in (pl.String, pl.Boolean, pl.Null):
            conversions.append(column.cast(pl.String))
        else:
            raise InvalidInput(
                f"{path.name}: column {name} has type {dtype}; expected text, "
                "numbers, booleans or dates"
            )
    return frame.select(conversions)
