"""Importing accounts, contacts and payments into SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select, text

from huankuan.adapters.storage import tables
from huankuan.adapters.storage.audit import verify_chain
from huankuan.bootstrap import App
from huankuan.domain.errors import InvalidInput
from huankuan.service_layer.ingest import import_file
from huankuan.simulation.portfolio import generate_portfolio

AS_OF = date(2026, 11, 28)
KINDS = ("accounts", "contacts", "payments")
TABLES = ("debtors", "cases", "accounts", "holds", "contact_points", "payments", "audit_log")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("samples")
    generate_portfolio(root / "clean", accounts=200, seed=8, as_of=AS_OF)
    generate_portfolio(root / "dirty", accounts=400, seed=9, dirty=True, as_of=AS_OF)
    generate_portfolio(root / "parquet", accounts=200, seed=8, fmt="parquet", as_of=AS_OF)
    return root


@pytest.fixture
def clean(samples: Path, tmp_path: Path) -> Path:
    """A private copy of the clean sample (tests edit files and rejects land next to them)."""
    return Path(shutil.copytree(samples / "clean", tmp_path / "clean"))


def counts(app: App) -> dict[str, int]:
    with app.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in TABLES
        }


def snapshot(app: App) -> dict[str, list[tuple]]:
    with app.engine.connect() as connection:
        return {
            table: sorted(tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}")))
            for table in TABLES
            if table != "audit_log"
        }


def import_all(app: App, directory: Path, fmt: str = "csv") -> dict[str, object]:
    return {kind: import_file(app, kind, directory / f"{kind}.{fmt}") for kind in KINDS}


def test_it_imports_all_three_files_of_a_sample(app: App, clean: Path) -> None:
    reports = import_all(app, clean)
    accounts = pl.read_csv(clean / "accounts.csv", infer_schema=False)
    stored = counts(app)
    assert stored["accounts"] == accounts.height == reports["accounts"].inserted
    assert stored["debtors"] == stored["cases"] == accounts["debtor_id"].n_unique()
    assert stored["holds"] == accounts["holds"].drop_nulls().str.split(";").list.len().sum()
    assert stored["contact_points"] == reports["contacts"].inserted == reports["contacts"].rows
    assert stored["payments"] == reports["payments"].inserted == reports["payments"].rows
    assert stored["audit_log"] == 3
    assert all(report.rejected == 0 and report.rejects_path is None for report in reports.values())


def test_it_changes_nothing_when_the_same_files_are_imported_again(app: App, clean: Path) -> None:
    import_all(app, clean)
    before = snapshot(app)
    again = import_all(app, clean)
    assert [(r.inserted, r.updated) for r in again.values()] == [(0, 0)] * 3
    assert all(not any(table.values()) for r in again.values() for table in r.tables.values())
    assert snapshot(app) == before
    assert counts(app)["audit_log"] == 6


def test_it_updates_only_the_rows_that_changed(app: App, clean: Path) -> None:
    import_all(app, clean)
    path = clean / "accounts.csv"
    accounts = pl.read_csv(path, infer_schema=False)
    accounts.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("1"))
        .otherwise(pl.col("fees_minor"))
        .alias("fees_minor")
    ).write_csv(path)
    report = import_file(app, "accounts", path)
    assert (report.inserted, report.updated) == (0, 1)
    assert report.tables["debtors"] == {"inserted": 0, "updated": 0}


def test_it_imports_parquet_files_like_csv(app: App, samples: Path) -> None:
    reports = import_all(app, samples / "parquet", fmt="parquet")
    csv_rows = pl.read_csv(samples / "clean" / "contacts.csv", infer_schema=False).height
    assert reports["contacts"].inserted == csv_rows
    assert counts(app)["accounts"] == 200


def test_it_rejects_exactly_the_spoilt_rows_of_a_dirty_sample(
    app: App,
    samples: Path,
    tmp_path: Path,
) -> None:
    directory = Path(shutil.copytree(samples / "dirty", tmp_path / "dirty"))
    manifest = json.loads((directory / "dirty-manifest.json").read_text(encoding="utf-8"))
    for kind in KINDS:
        report = import_file(app, kind, directory / f"{kind}.csv")
        expected = manifest["files"][kind]
        assert report.rejected == expected["rejects"], kind
        assert report.inserted == expected["rows"] - expected["rejects"]
        rejects = pl.read_csv(report.rejects_path, infer_schema=False)
        assert rejects.columns == ["line", "column", "value", "reason"]
        assert rejects["line"].cast(pl.Int64).to_list() == expected["lines"]


def test_it_stores_nothing_in_strict_mode_when_a_row_is_rejected(
    app: App,
    samples: Path,
    tmp_path: Path,
) -> None:
    directory = Path(shutil.copytree(samples / "dirty", tmp_path / "dirty"))
    with pytest.raises(InvalidInput, match="--strict is set: nothing was stored"):
        import_file(app, "accounts", directory / "accounts.csv", strict=True)
    assert not any(counts(app).values())
    assert (directory / "accounts.csv.rejects.csv").exists()


def test_it_writes_rejects_where_asked(app: App, samples: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "bad.csv"
    report = import_file(app, "accounts", samples / "dirty" / "accounts.csv", rejects_path=target)
    assert report.rejects_path == target and target.exists()


def test_it_rejects_later_rows_of_an_inconsistent_debtor_and_keeps_the_first(
    app: App,
    clean: Path,
) -> None:
    path = clean / "accounts.csv"
    accounts = pl.read_csv(path, infer_schema=False)
    shared = accounts.filter(pl.col("debtor_id").is_duplicated())["debtor_id"][0]
    rows = accounts.with_row_index("row").filter(pl.col("debtor_id") == shared)["row"]
    first, later = rows[0], rows[1]
    accounts.with_columns(
        pl.when(pl.int_range(pl.len()) == later)
        .then(pl.lit("Someone Else"))
        .otherwise(pl.col("debtor_name"))
        .alias("debtor_name")
    ).write_csv(path)
    report = import_file(app, "accounts", path)
    assert report.rejected == 1
    rejects = pl.read_csv(report.rejects_path, infer_schema=False)
    assert rejects.row(0)[:3] == (str(later + 2), "debtor_name", "Someone Else")
    assert (
        f"has debtor_name {accounts['debtor_name'][first]} on line {first + 2}"
        in rejects["reason"][0]
    )


def test_it_rejects_contacts_of_unknown_debtors(app: App, clean: Path) -> None:
    report = import_file(app, "contacts", clean / "contacts.csv")
    assert report.inserted == 0 and report.rejected == report.rows
    rejects = pl.read_csv(report.rejects_path, infer_schema=False)
    assert set(rejects["reason"]) == {"unknown debtor; import the accounts file first"}


def _payments_file(directory: Path, rows: list[dict[str, str]]) -> Path:
    path = directory / "extra-payments.csv"
    pl.DataFrame(rows).write_csv(path)
    return path


def test_it_marks_payments_reflected_before_the_local_balance_date_and_pending_after(
    app: App,
    clean: Path,
) -> None:
    import_file(app, "accounts", clean / "accounts.csv")
    accounts = pl.read_csv(clean / "accounts.csv", infer_schema=False)
    new_york = accounts.filter(pl.col("timezone") == "America/New_York").row(0, named=True)
    shanghai = accounts.filter(pl.col("timezone") == "Asia/Shanghai").row(0, named=True)
    rows = [  # local 27 Nov in New York is already 28 Nov in UTC: still before the snapshot
        ("N1", new_york, "2026-11-27T23:30:00-05:00"),
        ("N2", new_york, "2026-11-28T00:10:00-05:00"),
        ("S1", shanghai, "2026-11-27T23:59:59+08:00"),
        ("S2", shanghai, "2026-11-28T00:00:00+08:00"),
    ]
    path = _payments_file(
        clean,
        [
            {
                "payment_id": pid,
                "account_id": account["account_id"],
                "amount_minor": "100",
                "currency": account["currency"],
                "received_at": at,
                "method": "test",
            }
            for pid, account, at in rows
        ],
    )
    assert import_file(app, "payments", path).inserted == 4
    with app.engine.connect() as connection:
        stored = dict(
            connection.execute(
                text("SELECT payment_id, status FROM payments WHERE method = 'test'")
            ).all()
        )
        received = connection.execute(
            select(tables.payments.c.received_at).where(tables.payments.c.payment_id == "N1")
        ).scalar_one()
    assert stored == {"N1": "reflected", "N2": "pending", "S1": "reflected", "S2": "pending"}
    assert received == datetime(2026, 11, 28, 4, 30)


def test_it_keeps_the_status_and_allocation_of_stored_payments(app: App, clean: Path) -> None:
    import_all(app, clean)
    payments = pl.read_csv(clean / "payments.csv", infer_schema=False)
    allocated, other = payments["payment_id"][0], payments["payment_id"][1]
    with app.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE payments SET status = 'allocated', allocated_on = :on, "
                "alloc_fees_minor = 1 WHERE payment_id IN (:a, :b)"
            ),
            {"on": date(2026, 11, 28), "a": allocated, "b": other},
        )
    payments.with_columns(
        pl.when(pl.col("payment_id") == allocated)
        .then(pl.lit("1"))
        .otherwise(pl.col("amount_minor"))
        .alias("amount_minor"),
        pl.when(pl.col("payment_id") == other)
        .then(pl.lit("cash"))
        .otherwise(pl.col("method"))
        .alias("method"),
    ).write_csv(clean / "payments.csv")
    report = import_file(app, "payments", clean / "payments.csv")
    assert (report.inserted, report.updated, report.rejected) == (0, 1, 1)
    rejects = pl.read_csv(report.rejects_path, infer_schema=False)
    assert rejects["reason"].to_list() == [
        f"payment {allocated} was allocated on 2026-11-28; send a correction as a new payment"
    ]
    with app.engine.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT payment_id, status, alloc_fees_minor, method FROM payments "
                "WHERE payment_id IN (:a, :b) ORDER BY payment_id"
            ),
            {"a": allocated, "b": other},
        ).all()
    assert [tuple(row)[:3] for row in stored] == [
        (allocated, "allocated", 1),
        (other, "allocated", 1),
    ]
    assert stored[1].method == "cash"


def test_it_never_reassigns_a_case_or_reopens_a_lifted_hold(app: App, clean: Path) -> None:
    import_file(app, "accounts", clean / "accounts.csv")
    with app.engine.begin() as connection:
        case_id = connection.execute(text("SELECT min(case_id) FROM cases")).scalar_one()
        hold_id = connection.execute(text("SELECT min(hold_id) FROM holds")).scalar_one()
        connection.execute(
            text("UPDATE cases SET assigned_to = 'agent7' WHERE case_id = :c"), {"c": case_id}
        )
        connection.execute(
            text("UPDATE holds SET ends_at = :at WHERE hold_id = :h"),
            {"at": datetime(2026, 11, 28, 8), "h": hold_id},
        )
    import_file(app, "accounts", clean / "accounts.csv")
    with app.engine.connect() as connection:
        assigned = connection.execute(
            text("SELECT assigned_to FROM cases WHERE case_id = :c"), {"c": case_id}
        ).scalar_one()
        hold = connection.execute(
            select(tables.holds.c.ends_at, tables.holds.c.reason).where(
                tables.holds.c.hold_id == hold_id
            )
        ).one()
    assert assigned == "agent7"
    assert hold == (datetime(2026, 11, 28, 8), "reported by lender")
    assert hold_id.startswith("IMP-A")


def test_it_refuses_a_gbk_file_and_imports_it_with_encoding_gbk(app: App, clean: Path) -> None:
    path = clean / "accounts-gbk.csv"
    path.write_bytes((clean / "accounts.csv").read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(InvalidInput, match="it looks like GBK/GB18030"):
        import_file(app, "accounts", path)
    assert counts(app)["accounts"] == 0
    report = import_file(app, "accounts", path, encoding="gbk")
    assert report.inserted == 200
    with app.engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM debtors")).scalars().all()
    expected = pl.read_csv(clean / "accounts.csv", infer_schema=False)["debtor_name"]
    assert set(names) == set(expected)


def test_it_writes_one_audit_row_per_import_with_the_file_hash(app: App, clean: Path) -> None:
    import hashlib

    report = import_file(app, "accounts", clean / "accounts.csv")
    with app.engine.connect() as connection:
        row = connection.execute(
            text("SELECT actor, action, entity_id, details FROM audit_log")
        ).one()
        assert verify_chain(connection).ok
    details = json.loads(row.details)
    assert (row.actor, row.action, row.entity_id) == ("import", "import.accounts", "accounts.csv")
    assert details == {
        "file": "accounts.csv",
        "sha256": hashlib.sha256((clean / "accounts.csv").read_bytes()).hexdigest(),
        "rows": 200,
        "inserted": report.inserted,
        "updated": 0,
        "rejected": 0,
    }
