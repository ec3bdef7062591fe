"""Known-bad rows for import tests: a fixed share of each file replaced, one defect per row.

Bad rows are chosen so that nothing else depends on them (a bad account has no payments and
its debtor keeps a good account), so the import must reject exactly these rows; the manifest
says how many, of which kind, and on which lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from huankuan.simulation.draws import Draws

DIRTY_SHARE = 0.02

DEFECT_KINDS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "negative_money",
        "non_numeric_money",
        "impossible_date",
        "unknown_currency",
        "duplicate_id",
        "unknown_timezone",
        "missing_required",
    ),
    "contacts": ("invalid_phone", "unknown_timezone", "duplicate_id", "missing_required"),
    "payments": (
        "negative_money",
        "non_numeric_money",
        "impossible_date",
        "unknown_currency",
        "duplicate_id",
        "missing_required",
    ),
}
ID_COLUMN = {"accounts": "account_id", "contacts": "contact_id", "payments": "payment_id"}
MONEY_COLUMNS = {
    "accounts": (
        "principal_minor",
        "interest_minor",
        "penalty_minor",
        "fees_minor",
        "paid_to_date_minor",
        "instalment_minor",
    ),
    "payments": ("amount_minor",),
}
DATE_COLUMNS = {"accounts": ("first_due_on", "opened_on", "balance_as_of", "date_of_birth")}
REQUIRED_COLUMNS = {
    "accounts": (
        "debtor_id",
        "debtor_name",
        "product",
        "currency",
        "principal_minor",
        "first_due_on",
    ),
    "contacts": ("debtor_id", "kind", "value", "role"),
    "payments": ("account_id", "amount_minor", "received_at", "method"),
}
BAD_VALUES = {
    "non_numeric_money": ("12.50", "1e3", "abc", "1,200"),
    "impossible_date": ("2026-02-30", "2025-04-31", "2026-13-01"),
    "impossible_timestamp": ("2026-02-30T10:15:00+08:00", "2025-04-31T09:00:00-05:00"),
    "unknown_currency": ("XYZ", "RMB", "US$"),
    "invalid_phone": ("+86123456", "+11234567890", "+8600000000000", "13812345678"),
    "unknown_timezone": ("Asia/Beijing", "America/Boston", "Mars/Olympus"),
}


@dataclass
class FileDefects:
    rows: int
    rows_index: list[int] = field(default_factory=list)  # 0-based indexes of the bad rows
    by_kind: dict[str, int] = field(default_factory=dict)

    def manifest(self, first_line: int) -> dict[str, object]:
        return {
            "rows": self.rows,
            "rejects": len(self.rows_index),
            "by_kind": dict(sorted(self.by_kind.items())),
            "lines": [index + first_line for index in self.rows_index],
        }


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text, formatted as in the CSV files (so defects can be any string)."""
    return frame.with_columns(pl.all().cast(pl.String))


def spoil(
    seed: int,
    name: str,
    frame: pl.DataFrame,
    eligible: pl.Series,
    duplicate_source: pl.Series | None = None,
) -> tuple[pl.DataFrame, FileDefects]:
    """Replace DIRTY_SHARE of the eligible rows of `frame` (text) with one-defect rows.

    `duplicate_source` gives, per row, an earlier good row whose id a duplicate may copy
    (default: the nearest earlier good row).
    """
    draws = Draws(seed, f"dirty:{name}")
    wanted = round(frame.height * DIRTY_SHARE)
    candidates = pl.DataFrame(
        {"row": pl.int_range(frame.height, eager=True), "key": draws.uniform(frame.height)}
    ).filter(eligible)
    chosen = sorted(candidates.sort("key", maintain_order=True).head(wanted)["row"].to_list())
    defects = FileDefects(rows=frame.height)
    if not chosen:
        return frame, defects
    chosen_set = set(chosen)
    rows = frame[chosen].to_dicts()
    ids = frame[ID_COLUMN[name]]
    rng = draws.python()
    kinds = DEFECT_KINDS[name]
    for position, (index, row) in enumerate(zip(chosen, rows, strict=True)):
        source = _duplicate_source(index, chosen_set, duplicate_source)
        options = [kind for kind in kinds if _applies(kind, row, source)]
        kind = options[position % len(options)]
        _corrupt(name, kind, row, rng, None if source is None else ids[source])
        defects.by_kind[kind] = defects.by_kind.get(kind, 0) + 1
    defects.rows_index = chosen
    bad = pl.DataFrame(rows, schema=frame.schema).with_columns(row=pl.Series(chosen))
    good = frame.with_row_index("row").filter(~pl.col("row").is_in(chosen))
    spoilt = pl.concat([good.with_columns(pl.col("row").cast(pl.Int64)), bad], how="diagonal").sort(
        "row"
    )
    return spoilt.drop("row"), defects


def _duplicate_source(index: int, bad: set[int], given: pl.Series | None) -> int | None:
    if given is not None:
        source = int(given[index])
        return source if source < index and source not in bad else None
    source = index - 1
    while source >= 0 and source in bad:
        source -= 1
    return source if source >= 0 else None


def _applies(kind: str, row: dict[str, object], source: int | None) -> bool:
    if kind == "duplicate_id":
        return source is not None
    if kind == "invalid_phone":
        return row.get("kind") == "phone"
    return True


def _corrupt(
    name: str, kind: str, row: dict[str, object], rng: object, duplicate_of: str | None
) -> None:
    choose = rng.choice  # type: ignore[attr-defined]
    if kind == "negative_money":
        column = choose(MONEY_COLUMNS[name])
        value = row[column]
        row[column] = "-" + (str(value) if value not in (None, "0") else "100")
    elif kind == "non_numeric_money":
        row[choose(MONEY_COLUMNS[name])] = choose(BAD_VALUES[kind])
    elif kind == "impossible_date":
        if name == "payments":
            row["received_at"] = choose(BAD_VALUES["impossible_timestamp"])
        else:
            row[choose(DATE_COLUMNS[name])] = choose(BAD_VALUES[kind])
    elif kind == "unknown_currency":
        row["currency"] = choose(BAD_VALUES[kind])
    elif kind == "duplicate_id":
        row[ID_COLUMN[name]] = duplicate_of
    elif kind == "invalid_phone":
        row["value"] = choose(BAD_VALUES[kind])
    elif kind == "unknown_timezone":
        row["timezone"] = choose(BAD_VALUES[kind])
    elif kind == "missing_required":
        row[choose(REQUIRED_COLUMNS[name])] = None
    else:  # pragma: no cover - the kinds are a closed list
        raise ValueError(kind)
