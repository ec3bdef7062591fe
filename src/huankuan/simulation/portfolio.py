"""The sample portfolio generator: accounts, contacts and payments files in the import schema.

Seeded and reproducible (same arguments, byte-identical files); vectorised with Polars so a
million accounts take about a minute. `--dirty` mode spoils a known share of rows and writes a
manifest of what the import must reject (see `dirty.py`).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from huankuan.domain.errors import InvalidInput
from huankuan.simulation.dirty import as_text, spoil
from huankuan.simulation.sample_accounts import ACCOUNTS_PER_DEBTOR, build_accounts, build_debtors
from huankuan.simulation.sample_contacts import CONTACT_COLUMNS, build_contacts
from huankuan.simulation.sample_payments import PAYMENT_COLUMNS, build_payments

ACCOUNT_COLUMNS = [
    "account_id",
    "debtor_id",
    "debtor_name",
    "national_id",
    "date_of_birth",
    "locale",
    "jurisdiction",
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
    "holds",
]
FILE_COLUMNS = {
    "accounts": ACCOUNT_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "payments": PAYMENT_COLUMNS,
}
LOCALE_MODES = ("mixed", "zh_CN", "en_US")
FORMATS = ("csv", "parquet")
MANIFEST_NAME = "dirty-manifest.json"


@dataclass
class SampleReport:
    out_dir: Path
    accounts: int
    debtors: int
    contacts: int
    payments: int
    files: dict[str, Path]
    seconds: float
    rejects_expected: dict[str, int] = field(default_factory=dict)
    manifest: Path | None = None


def generate_portfolio(
    out_dir: Path | str,
    *,
    accounts: int,
    seed: int,
    locale: str = "mixed",
    fmt: str = "csv",
    dirty: bool = False,
    as_of: date,
) -> SampleReport:
    """Write accounts/contacts/payments files (and, when dirty, the manifest) into `out_dir`."""
    started = time.perf_counter()
    _check_arguments(accounts, locale, fmt)
    frames, debtor_count, eligible = _build(accounts, seed, locale, as_of)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = SampleReport(
        out_dir=out,
        accounts=accounts,
        debtors=debtor_count,
        contacts=frames["contacts"].height,
        payments=frames["payments"].height,
        files={},
        seconds=0.0,
    )
    manifest: dict[str, object] = {
        "seed": seed,
        "accounts": accounts,
        "format": fmt,
        "as_of": as_of.isoformat(),
        "files": {},
    }
    for name, frame in frames.items():
        columns = FILE_COLUMNS[name]
        output = frame.select(columns)
        if dirty:
            output, defects = spoil(seed, name, as_text(output), **eligible[name])
            manifest["files"][name] = defects.manifest(first_line=2 if fmt == "csv" else 1)  # type: ignore[index]
            report.rejects_expected[name] = len(defects.rows_index)
        report.files[name] = _write(output, out / f"{name}.{fmt}", fmt)
    if dirty:
        report.manifest = out / MANIFEST_NAME
        report.manifest.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    else:
        (out / MANIFEST_NAME).unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report


def _check_arguments(accounts: int, locale: str, fmt: str) -> None:
    if accounts < 1:
        raise InvalidInput(f"--accounts must be at least 1, got {accounts}")
    if locale not in LOCALE_MODES:
        expected = ", ".join(LOCALE_MODES)
        raise InvalidInput(f"unknown --locale {locale!r}; expected one of {expected}")
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown --format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _build(
    accounts: int, seed: int, locale: str, as_of: date
) -> tuple[dict[str, pl.DataFrame], int, dict[str, dict[str, pl.Series]]]:
    debtor_count = max(1, math.ceil(accounts / ACCOUNTS_PER_DEBTOR))
    debtors = build_debtors(seed, debtor_count, locale, as_of)
    account_frame = build_accounts(seed, debtors, accounts, as_of)
    contacts = build_contacts(seed, debtors)
    payments = build_payments(seed, account_frame, as_of)
    paid_accounts = payments["account_id"].unique()
    # A spoilt account must leave its debtor another good account and have no payments, so
    # that its rejection cascades nowhere; a duplicate copies the debtor's first account id.
    eligible = {
        "accounts": {
            "eligible": (account_frame["account_index"] >= debtor_count)
            & ~account_frame["account_id"].is_in(paid_accounts.implode()),
            "duplicate_source": account_frame["debtor_index"],
        },
        "contacts": {"eligible": pl.Series([True] * contacts.height, dtype=pl.Boolean)},
        "payments": {"eligible": pl.Series([True] * payments.height, dtype=pl.Boolean)},
    }
    frames = {"accounts": account_frame, "contacts": contacts, "payments": payments}
    return frames, debtor_count, eligible


def _write(frame: pl.DataFrame, path: Path, fmt: str) -> Path:
    if fmt == "csv":
        frame.write_csv(path, date_format="%Y-%m-%d")
    else:
        frame.write_parquet(path, compression="zstd", statistics=False)
    return path
