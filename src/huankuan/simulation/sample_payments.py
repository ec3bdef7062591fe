"""Synthetic payments: partial payments received in the ten days before the balance snapshot
(already inside the balances) and a few received on the snapshot day or the two days after
(for the daily cycle to reconcile). Times are local daytime, written with the local offset.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from huankuan.simulation.draws import Draws
from huankuan.simulation.personas import trait

METHODS = {
    "zh_CN": {"alipay": 0.45, "wechat_pay": 0.35, "bank_transfer": 0.2},
    "en_US": {"ach": 0.5, "debit_card": 0.35, "check": 0.15},
}
PAYMENT_COLUMNS = ["payment_id", "account_id", "amount_minor", "currency", "received_at", "method"]


def build_payments(seed: int, accounts: pl.DataFrame, as_of: date) -> pl.DataFrame:
    draws = Draws(seed, "payments")
    reflected = accounts.filter(pl.col("partial_minor") > 0).with_columns(
        amount_minor=pl.col("partial_minor"),
        day_offset=pl.lit(-1),
        kind=pl.lit(0),
    )
    reflected = reflected.with_columns(day_offset=-draws.integers(reflected.height, 1, 10))
    late = accounts.filter(
        draws.chance(accounts.height, trait(accounts["persona"], "pays_after_snapshot"))
    )
    late = late.with_columns(
        amount_minor=_late_amount(draws, late),
        day_offset=draws.integers(late.height, 0, 2),
        kind=pl.lit(1),
    )
    payments = pl.concat([reflected, late], how="diagonal_relaxed").sort("account_index", "kind")
    payments = _with_times(draws, payments, as_of)
    width = max(8, len(str(payments.height)))
    return payments.with_columns(
        payment_id=pl.lit("P") + (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(width),
        method=_methods(draws, payments),
    ).select(PAYMENT_COLUMNS)


def _late_amount(draws: Draws, late: pl.DataFrame) -> pl.Series:
    """A full instalment, the whole arrears, or part of an instalment; never above the debt."""
    n = late.height
    choice = draws.indices(n, 3, [0.5, 0.2, 0.3])
    fraction = 0.2 + 0.6 * draws.uniform(n)
    balance = (
        pl.col("principal_minor")
        + pl.col("interest_minor")
        + pl.col("penalty_minor")
        + pl.col("fees_minor")
    )
    return late.select(
        pl.when(pl.lit(choice) == 0)
        .then(pl.col("instalment_minor"))
        .when(pl.lit(choice) == 1)
        .then(pl.col("overdue_minor"))
        .otherwise((pl.col("instalment_minor") * pl.lit(fraction)).floor().cast(pl.Int64))
        .clip(1, pl.max_horizontal(balance, 1))
    ).to_series()


def _with_times(draws: Draws, payments: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """received_at as ISO-8601 with the account's local offset, 08:00–21:59 local time."""
    n = payments.height
    local = (
        pl.lit(as_of).cast(pl.Datetime("us"))
        + pl.duration(days=pl.col("day_offset"))
        + pl.duration(seconds=pl.lit(draws.integers(n, 8 * 3600, 22 * 3600 - 1)))
    )
    payments = payments.with_columns(local=local, row=pl.int_range(pl.len()))
    parts = []
    for (zone,), part in payments.partition_by(
        "timezone", as_dict=True, maintain_order=True
    ).items():
        parts.append(
            part.with_columns(
                received_at=pl.col("local")
                .dt.replace_time_zone(str(zone), ambiguous="earliest")
                .dt.strftime("%Y-%m-%dT%H:%M:%S%:z")
            )
        )
    return pl.concat(parts).sort("row").drop("local", "row")


def _methods(draws: Draws, payments: pl.DataFrame) -> pl.Series:
    n = payments.height
    options = {
        code: draws.choice(n, list(m), list(m.values()), dtype=pl.String)
        for code, m in METHODS.items()
    }
    return payments.select(
        pl.when(pl.col("locale") == "zh_CN").then(options["zh_CN"]).otherwise(options["en_US"])
    ).to_series()
