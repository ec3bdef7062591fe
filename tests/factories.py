"""Builders that insert rows directly (for tests), and a synthetic N-account portfolio.

The small builders take a SQLAlchemy Connection and keyword overrides with sensible defaults;
datetimes may be aware (converted to naive UTC) or naive UTC. `bulk_portfolio` builds a whole
database of N accounts with bulk inserts, for the cycle's benchmarks:

    from tests.factories import bulk_portfolio
    with engine.begin() as connection:
        bulk_portfolio(connection, 100_000, seed=7)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection, insert

from huankuan.adapters.storage import bulk
from huankuan.adapters.storage.tables import (
    accounts,
    contact_points,
    debtors,
    holds,
    payments,
    promises,
)

BUSINESS_DATE = date(2026, 11, 28)
ZONES = {"CN-NIFA": "Asia/Shanghai", "US-RegF": "America/New_York"}
CURRENCIES = {"CN-NIFA": "CNY", "US-RegF": "USD"}


def utc(moment: datetime) -> datetime:
    """Stored form: naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def add_debtor(
    connection: Connection,
    debtor_id: str = "D1",
    *,
    jurisdiction: str = "CN-NIFA",
    **overrides: Any,
) -> str:
    row = {
        "debtor_id": debtor_id,
        "name": f"Debtor {debtor_id}",
        "national_id": f"ID{debtor_id}",
        "date_of_birth": date(1990, 3, 7),
        "timezone": ZONES.get(jurisdiction, "UTC"),
        "locale": "zh_CN" if jurisdiction == "CN-NIFA" else "en_US",
        "jurisdiction": jurisdiction,
        **overrides,
    }
    connection.execute(insert(debtors).values(**row))
    return debtor_id


def add_account(
    connection: Connection, account_id: str = "A1", debtor_id: str = "D1", **overrides: Any
) -> str:
    """Defaults: 6 × 1,000.00 instalments from 2026-09-01, nothing paid, balances as of the
    day before the business date, in the debtor's zone unless `timezone` is given."""
    row = {
        "account_id": account_id,
        "debtor_id": debtor_id,
        "product": "cash_loan",
        "currency": "CNY",
        "principal_minor": 500_000,
        "interest_minor": 20_000,
        "penalty_minor": 5_000,
        "fees_minor": 1_000,
        "paid_to_date_minor": 0,
        "instalment_minor": 100_000,
        "term_months": 6,
        "first_due_on": date(2026, 9, 1),
        "opened_on": date(2026, 8, 1),
        "balance_as_of": BUSINESS_DATE - timedelta(days=1),
        "timezone": None,
        **overrides,
    }
    if row["timezone"] is None:
        zone = (
            connection.execute(debtors.select().where(debtors.c.debtor_id == debtor_id))
            .one()
            .timezone
        )
        row["timezone"] = zone
    connection.execute(insert(accounts).values(**row))
    return account_id


def add_contact_point(
    connection: Connection,
    contact_id: str,
    debtor_id: str = "D1",
    *,
    kind: str = "phone",
    role: str = "self",
    **overrides: Any,
) -> str:
    row = {
        "contact_id": contact_id,
        "debtor_id": debtor_id,
        "kind": kind,
        "value": f"{kind}:{contact_id}",
        "role": role,
        "timezone": None,
        "valid": True,
        "consent": True,
        "opted_out": "",
        **overrides,
    }
    connection.execute(insert(contact_points).values(**row))
    return contact_id


def add_payment(
    connection: Connection,
    payment_id: str,
    account_id: str = "A1",
    *,
    amount_minor: int,
    received_at: datetime,
    status: str = "pending",
    **overrides: Any,
) -> str:
    row = {
        "payment_id": payment_id,
        "account_id": account_id,
        "amount_minor": amount_minor,
        "currency": "CNY",
        "received_at": utc(received_at),
        "method": "bank_transfer",
        "status": status,
        **overrides,
    }
    connection.execute(insert(payments).values(**row))
    return payment_id


def add_promise(
    connection: Connection,
    promise_id: str,
    account_id: str = "A1",
    *,
    amount_minor: int,
    promised_on: date,
    due_on: date,
    **overrides: Any,
) -> str:
    row = {
        "promise_id": promise_id,
        "account_id": account_id,
        "amount_minor": amount_minor,
        "currency": "CNY",
        "promised_on": promised_on,
        "due_on": due_on,
        "status": "open",
        **overrides,
    }
    connection.execute(insert(promises).values(**row))
    return promise_id


def add_hold(
    connection: Connection,
    hold_id: str,
    debtor_id: str = "D1",
    *,
    hold_type: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    account_id: str | None = None,
    reason: str = "test",
) -> str:
    connection.execute(
        insert(holds).values(
            hold_id=hold_id,
            debtor_id=debtor_id,
            account_id=account_id,
            hold_type=hold_type,
            starts_at=utc(starts_at),
            ends_at=None if ends_at is None else utc(ends_at),
            reason=reason,
        )
    )
    return hold_id


def add_borrower(
    connection: Connection,
    number: int,
    *,
    jurisdiction: str = "CN-NIFA",
    phones: int = 1,
    debtor: dict[str, Any] | None = None,
    **account: Any,
) -> tuple[str, str]:
    """A debtor D<n> with one account A<n> and `phones` usable phones of their own."""
    debtor_id, account_id = f"D{number}", f"A{number}"
    add_debtor(connection, debtor_id, jurisdiction=jurisdiction, **(debtor or {}))
    add_account(
        connection, account_id, debtor_id, currency=CURRENCIES.get(jurisdiction, "CNY"), **account
    )
    for index in range(phones):
        add_contact_point(connection, f"C{number}-{index + 1}", debtor_id)
    return debtor_id, account_id


# -- a synthetic portfolio for benchmarks ---------------------------------------------------

US_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
]
CN_ZONES = ["Asia/Shanghai", "Asia/Urumqi"]
HOLD_TYPES = [
    "dispute",
    "cease_contact",
    "attorney",
    "bankruptcy",
    "deceased",
    "welfare",
    "complaint_review",
    "hardship_plan",
]


def _draw(index: pl.Expr, seed: int, stream: int) -> pl.Expr:
    """A uniform draw in [0, 1) per row, reproducible for (seed, stream, row)."""
    return (index.hash(seed * 1_000 + stream) % 1_000_000).cast(pl.Float64) / 1_000_000


def _pick(draw: pl.Expr, options: list[str]) -> pl.Expr:
    position = (draw * len(options)).floor().cast(pl.Int64)
    return pl.lit(pl.Series(options)).gather(position)


def bulk_portfolio(
    connection: Connection, n: int, seed: int = 7, business_date: date = BUSINESS_DATE
) -> dict[str, int]:
    """Insert N debtors with one account each, their contact points, payments, promises and
    holds (70 % CN-NIFA, 30 % US-RegF; DPD spread over every bucket). Returns row counts."""
    frames = _portfolio_frames(n, seed, business_date)
    counts = {}
    for table, frame in frames.items():
        counts[table] = bulk.insert_frame(connection, table, frame)
    return counts


def _portfolio_frames(n: int, seed: int, business_date: date) -> dict[str, pl.DataFrame]:
    i = pl.int_range(n, dtype=pl.Int64).alias("i")
    base = pl.select(i).with_columns(
        pl.format("D{}", pl.col("i").cast(pl.String).str.zfill(7)).alias("debtor_id"),
        pl.format("A{}", pl.col("i").cast(pl.String).str.zfill(7)).alias("account_id"),
        (_draw(pl.col("i"), seed, 1) < 0.7).alias("cn"),
    )
    people = base.with_columns(
        pl.when(pl.col("cn"))
        .then(_pick(_draw(pl.col("i"), seed, 2), CN_ZONES))
        .otherwise(_pick(_draw(pl.col("i"), seed, 2), US_ZONES))
        .alias("timezone"),
        pl.when(pl.col("cn"))
        .then(pl.lit("CN-NIFA"))
        .otherwise(pl.lit("US-RegF"))
        .alias("jurisdiction"),
    )
    return {
        "debtors": _debtors(people),
        "accounts": _accounts(people, seed, business_date),
        "contact_points": _contacts(people, seed),
        "payments": _payments(people, seed, business_date),
        "promises": _promises(people, seed, business_date),
        "holds": _holds(people, seed, business_date),
    }


def _debtors(people: pl.DataFrame) -> pl.DataFrame:
    return people.select(
        "debtor_id",
        pl.format("Debtor {}", pl.col("i")).alias("name"),
        pl.format("ID{}", pl.col("i")).alias("national_id"),
        pl.lit(date(1988, 5, 17)).alias("date_of_birth"),
        "timezone",
        pl.when(pl.col("cn")).then(pl.lit("zh_CN")).otherwise(pl.lit("en_US")).alias("locale"),
        "jurisdiction",
    )


def _accounts(people: pl.DataFrame, seed: int, business_date: date) -> pl.DataFrame:
    overdue_draw = _draw(pl.col("i"), seed, 3)
    overdue = (
        pl.when(overdue_draw < 0.2)
        .then(0)
        .when(overdue_draw < 0.55)
        .then(1)
        .when(overdue_draw < 0.7)
        .then(2)
        .when(overdue_draw < 0.8)
        .then(3)
        .when(overdue_draw < 0.9)
        .then(5)
        .otherwise(9)
    )
    instalment = ((_draw(pl.col("i"), seed, 4) * 45 + 5).floor() * 10_000).cast(pl.Int64)
    term = _pick(_draw(pl.col("i"), seed, 5), ["6", "12", "24"]).cast(pl.Int32)
    frame = (
        people.with_columns(
            overdue.alias("overdue"),
            instalment.alias("instalment_minor"),
            term.alias("term_months"),
            (_draw(pl.col("i"), seed, 6) * 27 + 1).floor().cast(pl.Int32).alias("due_day"),
        )
        .with_columns(
            (pl.col("overdue") + (_draw(pl.col("i"), seed, 7) * 4).floor().cast(pl.Int32))
            .clip(None, pl.col("term_months"))
            .alias("elapsed"),
        )
        .with_columns(
            pl.date(business_date.year, business_date.month, pl.col("due_day"))
            .dt.offset_by(pl.format("{}mo", 1 - pl.col("elapsed")))
            .alias("first_due_on"),
            (pl.col("elapsed") - pl.col("overdue")).clip(0, None).alias("paid_count"),
        )
    )
    remaining = pl.col("term_months") - pl.col("paid_count")
    return frame.select(
        "account_id",
        "debtor_id",
        pl.lit("cash_loan").alias("product"),
        pl.when(pl.col("cn")).then(pl.lit("CNY")).otherwise(pl.lit("USD")).alias("currency"),
        (pl.col("instalment_minor") * remaining * 85 // 100).alias("principal_minor"),
        (pl.col("instalment_minor") * remaining * 12 // 100).alias("interest_minor"),
        (pl.col("instalment_minor") * pl.col("overdue") * 3 // 100).alias("penalty_minor"),
        (pl.col("overdue").cast(pl.Int64) * 1_500).alias("fees_minor"),
        (pl.col("instalment_minor") * pl.col("paid_count")).alias("paid_to_date_minor"),
        "instalment_minor",
        "term_months",
        "first_due_on",
        pl.col("first_due_on").dt.offset_by("-1mo").alias("opened_on"),
        pl.lit(business_date - timedelta(days=1)).alias("balance_as_of"),
        "timezone",
    )


def _contacts(people: pl.DataFrame, seed: int) -> pl.DataFrame:
    slots = [
        ("P1", "phone", "self", 1.0),
        ("P2", "phone", "self", 0.4),
        ("E1", "email", "self", 0.7),
        ("L1", "address", "self", 0.8),
        ("K1", "phone", "emergency_contact", 0.6),
    ]
    parts = []
    for stream, (slot, kind, role, share) in enumerate(slots, start=10):
        draw = _draw(pl.col("i"), seed, stream)
        chosen = people.filter(draw < share)
        flags = [_draw(pl.col("i"), seed, stream + 20 + k) for k in range(4)]
        parts.append(
            chosen.select(
                pl.format("C{}-{}", pl.col("i").cast(pl.String).str.zfill(7), pl.lit(slot)).alias(
                    "contact_id"
                ),
                "debtor_id",
                pl.lit(kind).alias("kind"),
                pl.format("{}:{}", pl.lit(slot), pl.col("i")).alias("value"),
                pl.lit(role).alias("role"),
                pl.when(flags[0] < 0.03)
                .then(pl.lit("Asia/Tokyo"))
                .otherwise(None)
                .alias("timezone"),
                (flags[1] >= 0.08).alias("valid"),
                (flags[2] >= 0.03).alias("consent"),
                pl.when(flags[3] < 0.03)
                .then(pl.lit("sms"))
                .when(flags[3] < 0.05)
                .then(pl.lit("sms;robot_call"))
                .otherwise(pl.lit(""))
                .alias("opted_out"),
            )
        )
    return pl.concat(parts)


def _payments(people: pl.DataFrame, seed: int, business_date: date) -> pl.DataFrame:
    midnight = datetime.combine(business_date, datetime.min.time())
    pending = people.filter(_draw(pl.col("i"), seed, 40) < 0.3).select(
        pl.format("P{}-1", pl.col("i")).alias("payment_id"),
        "account_id",
        ((_draw(pl.col("i"), seed, 41) * 200 + 10).floor() * 1_000)
        .cast(pl.Int64)
        .alias("amount_minor"),
        pl.col("cn").alias("_cn"),
        (
            pl.lit(midnight)
            - pl.duration(minutes=(_draw(pl.col("i"), seed, 42) * 2_880).floor().cast(pl.Int64))
        ).alias("received_at"),
        pl.lit("pending").alias("status"),
    )
    reflected = people.filter(_draw(pl.col("i"), seed, 43) < 0.2).select(
        pl.format("P{}-0", pl.col("i")).alias("payment_id"),
        "account_id",
        ((_draw(pl.col("i"), seed, 44) * 100 + 10).floor() * 1_000)
        .cast(pl.Int64)
        .alias("amount_minor"),
        pl.col("cn").alias("_cn"),
        (
            pl.lit(midnight)
            - pl.duration(days=(_draw(pl.col("i"), seed, 45) * 20 + 2).floor().cast(pl.Int64))
        ).alias("received_at"),
        pl.lit("reflected").alias("status"),
    )
    return (
        pl.concat([pending, reflected])
        .with_columns(
            pl.when(pl.col("_cn")).then(pl.lit("CNY")).otherwise(pl.lit("USD")).alias("currency"),
            pl.lit("bank_transfer").alias("method"),
        )
        .drop("_cn")
    )


def _promises(people: pl.DataFrame, seed: int, business_date: date) -> pl.DataFrame:
    offset = (_draw(pl.col("i"), seed, 51) * 12 - 8).floor().cast(pl.Int64)
    return people.filter(_draw(pl.col("i"), seed, 50) < 0.05).select(
        pl.format("PTP{}", pl.col("i")).alias("promise_id"),
        "account_id",
        pl.lit(50_000, pl.Int64).alias("amount_minor"),
        pl.when(pl.col("cn")).then(pl.lit("CNY")).otherwise(pl.lit("USD")).alias("currency"),
        (pl.lit(business_date) + pl.duration(days=offset - 7)).alias("promised_on"),
        (pl.lit(business_date) + pl.duration(days=offset)).alias("due_on"),
        pl.lit("open").alias("status"),
    )


def _holds(people: pl.DataFrame, seed: int, business_date: date) -> pl.DataFrame:
    start = datetime.combine(business_date - timedelta(days=10), datetime.min.time())
    return people.filter(_draw(pl.col("i"), seed, 60) < 0.02).select(
        pl.format("H{}", pl.col("i")).alias("hold_id"),
        "debtor_id",
        pl.lit(None, pl.String).alias("account_id"),
        _pick(_draw(pl.col("i"), seed, 61), HOLD_TYPES).alias("hold_type"),
        pl.lit(start).alias("starts_at"),
        pl.lit(None, pl.Datetime("us")).alias("ends_at"),
        pl.lit("synthetic").alias("reason"),
    )
