"""The champion/challenger report from the database: per arm, recovery since assignment, the
cost of the actions the gate allowed (priced with the champion's channel economics) and
complaints, each with a 95 % interval (`strategy/report.py`)."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Connection

from huankuan.adapters.storage.scoring_store import ScoringStore
from huankuan.domain.errors import NotFound
from huankuan.domain.model import Channel
from huankuan.strategy.extensions import DEFAULT_ECONOMICS, Allocation
from huankuan.strategy.report import ArmFigures, arm_report


def experiment_report(
    connection: Connection, experiment: str | None, allocation: Allocation | None
) -> tuple[str, list[ArmFigures]]:
    store = ScoringStore(connection)
    names = store.experiments()
    if not names:
        raise NotFound(
            "no champion/challenger assignments are recorded (run the cycle with an "
            "experiment in the strategy)"
        )
    chosen = experiment or names[-1]
    if chosen not in names:
        raise NotFound(f"no experiment {chosen!r}; recorded: {', '.join(names)}")
    assignments = store.assignments(chosen)
    first = assignments["assigned_on"].min()
    since = first if isinstance(first, date) else date.min
    return chosen, arm_report(_per_account(store, assignments, since, allocation))


def _per_account(
    store: ScoringStore, assignments: pl.DataFrame, since: date, allocation: Allocation | None
) -> pl.DataFrame:
    accounts = store.accounts()
    payments = store.settled_payments(accounts).join(
        assignments.select("account_id", "assigned_on"), on="account_id"
    )
    recovered = (
        payments.filter(pl.col("on") >= pl.col("assigned_on"))
        .group_by("account_id")
        .agg(pl.col("amount_minor").sum().alias("recovered_minor"))
    )
    prices = {
        channel.value: (
            allocation.economics(channel).cost if allocation else _default_cost(channel)
        )
        for channel in Channel
    }
    cost = (
        store.allowed_actions_since(since)
        .with_columns(
            (pl.col("actions") * pl.col("channel").replace_strict(prices, default=0.0)).alias(
                "cost"
            )
        )
        .group_by("account_id")
        .agg(pl.col("cost").sum())
    )
    complaints = store.complaints_since(since)
    return (
        assignments.join(recovered, on="account_id", how="left")
        .join(cost, on="account_id", how="left")
        .join(complaints, on="account_id", how="left")
        .with_columns(
            pl.col("recovered_minor").fill_null(0),
            pl.col("cost").fill_null(0.0),
            (pl.col("complaints").fill_null(0) > 0).alias("complained"),
        )
    )


def _default_cost(channel: Channel) -> float:
    economics = DEFAULT_ECONOMICS.get(channel)
    return economics.cost if economics else 0.0
