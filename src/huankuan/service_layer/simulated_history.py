"""`huankuan simulate history`: a simulated portfolio with N days of past, into an empty database.

The strategy simulator runs the strategy for `days` days ending yesterday (or `--until`); its
book at the end becomes the accounts (balances as of the last day), and its event log the
payments (reflected), promises, contact attempts, complaints and holds. The daily cycle can
then run for today, and `huankuan scoring train --from-history` has outcomes to learn from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from huankuan.adapters.storage import bulk
from huankuan.adapters.storage.scoring_store import ScoringStore
from huankuan.domain.errors import InvalidInput
from huankuan.simulation.assumptions import load_assumptions
from huankuan.simulation.book import Book, build_book, first_due_on, opened_on
from huankuan.simulation.strategy_sim import RunFigures, simulate
from huankuan.strategy.experiment import load_arms

if TYPE_CHECKING:
    from huankuan.bootstrap import App

TABLE_ORDER = (
    "debtors",
    "accounts",
    "contact_points",
    "payments",
    "promises",
    "contact_attempts",
    "complaints",
    "holds",
)


@dataclass(frozen=True)
class HistoryReport:
    first_day: date
    last_day: date
    rows: dict[str, int]
    figures: RunFigures
    assumptions: str


def simulate_history(
    app: App,
    *,
    days: int,
    accounts: int,
    seed: int,
    until: date,
    strategy_file: Path | None = None,
    assumptions_file: Path | None = None,
) -> HistoryReport:
    assumptions, statement = load_assumptions(assumptions_file)
    start = until - timedelta(days=days - 1)
    book = build_book(accounts, seed, start, assumptions)
    figures, log = simulate(
        book,
        load_arms(strategy_file or app.settings.strategy_file),
        assumptions,
        days=days,
        seed=seed,
        label="history",
        record=True,
    )
    assert log is not None
    tables = {**book_tables(book, until), **log.tables()}
    if "contact_attempts" in tables:
        tables["contact_attempts"] = _with_gate_columns(tables["contact_attempts"])
    with app.uow() as uow:
        store = ScoringStore(uow.connection)
        if store.table_count("accounts"):
            raise InvalidInput(
                "simulate history needs an empty database (it writes a whole portfolio); "
                "use a new HUANKUAN_DATABASE_URL"
            )
        rows = {
            name: bulk.insert_frame(uow.connection, name, tables[name])
            for name in TABLE_ORDER
            if name in tables
        }
        uow.commit()
    return HistoryReport(start, until, rows, figures, statement)


def book_tables(book: Book, as_of: date) -> dict[str, pl.DataFrame]:
    static = book.frame()
    chinese = pl.Series(book.chinese)
    debtors = static.select(
        "debtor_id",
        pl.format("Simulated debtor {}", pl.col("debtor_id")).alias("name"),
        pl.format("SIM{}", pl.col("debtor_id")).alias("national_id"),
        pl.lit(None, pl.Date).alias("date_of_birth"),
        pl.col("debtor_timezone").alias("timezone"),
        "locale",
        "jurisdiction",
    )
    components = book.components
    accounts = static.select(
        "account_id",
        "debtor_id",
        pl.lit("cash_loan").alias("product"),
        pl.when(chinese).then(pl.lit("CNY")).otherwise(pl.lit("USD")).alias("currency"),
        pl.Series("principal_minor", components[:, 3]),
        pl.Series("interest_minor", components[:, 2]),
        pl.Series("penalty_minor", components[:, 1]),
        pl.Series("fees_minor", components[:, 0]),
        pl.Series("paid_to_date_minor", book.paid),
        pl.Series("instalment_minor", book.instalment),
        pl.Series("term_months", book.term.astype(np.int32)),
        pl.Series("first_due_on", first_due_on(book)),
        pl.Series("opened_on", opened_on(book)),
        pl.lit(as_of).alias("balance_as_of"),
        pl.col("debtor_timezone").alias("timezone"),
    )
    return {"debtors": debtors, "accounts": accounts, "contact_points": _contacts(book, static)}


def _contacts(book: Book, static: pl.DataFrame) -> pl.DataFrame:
    phones = pl.Series(book.phones)
    slots: list[tuple[str, str, str, pl.Expr | pl.Series, pl.Expr | pl.Series]] = [
        ("P1", "phone", "self", pl.lit(True), phones >= 1),
        ("P2", "phone", "self", phones >= 2, pl.lit(True)),
        ("E1", "email", "self", pl.lit(True), pl.lit(True)),
        ("L1", "address", "self", pl.lit(True), pl.lit(True)),
        ("K1", "phone", "emergency_contact", pl.lit(True), pl.lit(True)),
    ]
    parts = []
    for slot, kind, role, present, valid in slots:
        frame = static.with_columns(present.alias("_present"), valid.alias("_valid"))
        parts.append(
            frame.filter(pl.col("_present")).select(
                pl.format("{}-{}", pl.col("debtor_id"), pl.lit(slot)).alias("contact_id"),
                "debtor_id",
                pl.lit(kind).alias("kind"),
                pl.format("{}:{}", pl.lit(slot), pl.col("debtor_id")).alias("value"),
                pl.lit(role).alias("role"),
                pl.lit(None, pl.String).alias("timezone"),
                pl.col("_valid").alias("valid"),
                pl.lit(True).alias("consent"),
                pl.lit("").alias("opted_out"),
            )
        )
    return pl.concat(parts)


def _with_gate_columns(attempts: pl.DataFrame) -> pl.DataFrame:
    """What the gate counts on each attempt: role, connection, conversation and the debt."""
    outcome = pl.col("outcome")
    calls = pl.col("channel").is_in(["robot_call", "agent_call"])
    spoke = outcome.is_in(
        ["promise_to_pay", "refused", "hardship", "dispute", "right_party_contact", "complaint"]
    )
    return attempts.with_columns(
        pl.when(pl.col("contact_id").str.ends_with("-K1"))
        .then(pl.lit("emergency_contact"))
        .otherwise(pl.lit("self"))
        .alias("contact_role"),
        pl.lit("outbound").alias("direction"),
        pl.when(calls).then(pl.lit(True)).otherwise(None).alias("connected"),
        (calls & spoke).alias("conversation"),
        pl.format('["{}"]', pl.col("debtor_id").str.replace("^SD", "S")).alias("debt_ids"),
    )
