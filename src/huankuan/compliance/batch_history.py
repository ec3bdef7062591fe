"""The batch gate's view of the history: plan rows joined once to their debtor's earlier
contacts, reduced to per-row counters (how many contacts each history rule counts) and, for the
rows that wait, to release days (after how many local days each rule lets the row through)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

import polars as pl

from huankuan.compliance.facts import HISTORY_SCHEMA, SELF_PERSON
from huankuan.compliance.profiles import Rule
from huankuan.compliance.rules import history_counter, history_release_days
from huankuan.domain.model import ContactRole
from huankuan.localtime import local_to_utc, with_local_date


def counters_of(rules: Iterable[Rule]) -> dict[str, pl.Expr]:
    """Each distinct counter of the rules: column → which joined contacts it counts."""
    found: dict[str, pl.Expr] = {}
    for rule in rules:
        counter = history_counter(rule)
        if counter is not None:
            found.setdefault(*counter)
    return found


def release_days_of(rules: Iterable[Rule]) -> dict[str, pl.Expr]:
    found: dict[str, pl.Expr] = {}
    for rule in rules:
        release = history_release_days(rule)
        if release is not None:
            found.setdefault(*release)
    return found


def prepare_history(history: pl.DataFrame | None) -> pl.DataFrame:
    if history is None:
        history = pl.DataFrame(schema=HISTORY_SCHEMA)
    missing = [name for name in HISTORY_SCHEMA if name not in history.columns]
    if missing:
        raise ValueError(f"the history needs columns {missing}")
    return history.select(
        pl.col(name).cast(dtype) for name, dtype in HISTORY_SCHEMA.items()
    ).with_columns(
        pl.col("contact_role").fill_null(ContactRole.SELF.value),
        pl.col("direction").fill_null("outbound"),
        (pl.col("connected").fill_null(True) | pl.col("conversation").fill_null(False)).alias(
            "connected"
        ),
        pl.col("conversation").fill_null(False),
        pl.col("debt_ids").fill_null([]),
    )


def with_history_columns(
    frame: pl.DataFrame, events: pl.DataFrame, aggregations: dict[str, pl.Expr], fill: object
) -> pl.DataFrame:
    """Add one column per aggregation over each row's joined contacts (`fill` without any)."""
    if not aggregations:
        return frame
    if events.is_empty():
        return frame.with_columns(pl.lit(fill).alias(name) for name in aggregations)
    joined = _joined(frame, events)
    values = joined.group_by("_row").agg(expr.alias(name) for name, expr in aggregations.items())
    added = frame.join(values, on="_row", how="left", maintain_order="left")
    return added if fill is None else added.with_columns(pl.col(list(aggregations)).fill_null(fill))


def with_local_midnight(frame: pl.DataFrame, *, day_col: str, out: str) -> pl.DataFrame:
    """`out` = the naive UTC instant the local `day_col` starts in the row's debtor zone (UTC
    midnight for an unknown zone), as `Facts.local_midnight`."""

    def midnight(zone_name: str, day: date) -> datetime:
        start = datetime.combine(day, time())
        return local_to_utc(start, zone_name) or start

    keys = frame.select("debtor_timezone", day_col).unique().drop_nulls()
    values = [midnight(*row) for row in keys.iter_rows()]
    lookup = keys.with_columns(pl.Series(out, values, dtype=pl.Datetime("us")))
    return frame.join(lookup, on=["debtor_timezone", day_col], how="left", maintain_order="left")


def with_local_day(frame: pl.DataFrame, *, instant_col: str, out: str) -> pl.DataFrame:
    """The local date in the debtor's zone (the UTC date for an unknown zone)."""
    dated = with_local_date(frame, zone_col="debtor_timezone", instant_col=instant_col, out=out)
    return dated.with_columns(pl.col(out).fill_null(pl.col(instant_col).dt.date()))


def person(role: str, contact_id: str) -> pl.Expr:
    """The same person as `facts.person_key`: the debtor's own points are one person."""
    return (
        pl.when(pl.col(role) == ContactRole.SELF.value)
        .then(pl.lit(SELF_PERSON))
        .otherwise(pl.coalesce(pl.col(contact_id), pl.col(role)))
    )


def _joined(frame: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Plan rows × their debtor's contacts up to the row's instant, with `days_ago` counted
    in the debtor's local calendar."""
    who = person("contact_role", "contact_id")
    rows = frame.select(
        "_row",
        "debtor_id",
        "account_id",
        "debtor_timezone",
        "scheduled_at",
        who.alias("person"),
        pl.coalesce(pl.col("contact_id"), who).alias("number"),
    )
    rows = with_local_day(rows, instant_col="scheduled_at", out="_day")
    whom = person("contact_role", "contact_id")
    zones = rows.select("debtor_id", "debtor_timezone").unique()
    contacts = events.join(zones, on="debtor_id", how="inner").select(
        "debtor_id",
        "debtor_timezone",
        pl.col("at").alias("e_at"),
        pl.col("channel").alias("e_channel"),
        pl.col("direction").alias("e_direction"),
        pl.col("connected").alias("e_connected"),
        pl.col("conversation").alias("e_conversation"),
        pl.col("debt_ids").alias("e_debt_ids"),
        whom.alias("e_person"),
        pl.coalesce(pl.col("contact_id"), whom).alias("e_number"),
    )
    # Each contact's local day once (not once per plan row it meets).
    contacts = with_local_day(contacts, instant_col="e_at", out="_e_day")
    joined = rows.join(contacts, on=["debtor_id", "debtor_timezone"], how="inner").filter(
        pl.col("e_at") <= pl.col("scheduled_at")
    )
    return joined.with_columns(
        (pl.col("_day") - pl.col("_e_day")).dt.total_days().alias("days_ago")
    )
