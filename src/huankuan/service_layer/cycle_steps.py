"""The daily cycle's steps as frame functions: no I/O, one pass over all accounts each.

Each step has a scalar reference in the domain (waterfall.allocate, PromiseToPay.resolve,
DueSchedule/days_past_due/BucketScheme) and tests that hold the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import polars as pl

from huankuan.domain.delinquency import BucketScheme
from huankuan.localtime import day_bounds_utc, with_local_date

BALANCE = {
    component: f"{component}_minor" for component in ("fees", "penalty", "interest", "principal")
}
ALLOCATED = {component: f"alloc_{component}_minor" for component in BALANCE}
RECENT_DAYS = 30


def utc_window(business_date: date, days_before: int, days_after: int) -> tuple[datetime, datetime]:
    """A UTC range wide enough to hold every local day from D − before to D + after anywhere."""
    start = datetime.combine(business_date - timedelta(days=days_before + 1), time())
    end = datetime.combine(business_date + timedelta(days=days_after + 2), time())
    return start, end


def current_balances(accounts: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """Imported balances minus everything allocated since; adds `applied_minor` (allocated)."""
    joined = accounts.join(totals, on="account_id", how="left").with_columns(
        pl.col(list(ALLOCATED.values())).fill_null(0)
    )
    return joined.with_columns(
        *[(pl.col(BALANCE[c]) - pl.col(ALLOCATED[c])).alias(BALANCE[c]) for c in BALANCE],
        pl.sum_horizontal(list(ALLOCATED.values())).alias("applied_minor"),
    ).drop(list(ALLOCATED.values()))


def payments_due_for_allocation(
    pending: pl.DataFrame, accounts: pl.DataFrame, business_date: date
) -> pl.DataFrame:
    """Pending payments received on or before the business date (account-local)."""
    with_zone = pending.join(
        accounts.select("account_id", "account_timezone", pl.col("currency").alias("_currency")),
        on="account_id",
        how="inner",
    )
    local = with_local_date(
        with_zone, zone_col="account_timezone", instant_col="received_at", out="received_on"
    )
    return local.filter(pl.col("received_on") <= business_date)


def allocate_payments(
    payments: pl.DataFrame, balances: pl.DataFrame, waterfall: Sequence[str], business_date: date
) -> pl.DataFrame:
    """Split each payment over the account's components in waterfall order, in received order.

    Payments in a row against fixed balances fill the components like one running total: the
    part of component i after k payments is clamp(cumulative_k − balances before i, 0, b_i), so
    payment k's part is the difference of that at k and k − 1. Payments in another currency
    than the account's are left pending.
    """
    ordered = (
        payments.filter(pl.col("currency") == pl.col("_currency"))
        .join(balances.select("account_id", *BALANCE.values()), on="account_id", how="inner")
        .sort("account_id", "received_at", "payment_id")
        .with_columns(pl.col("amount_minor").cum_sum().over("account_id").alias("_after"))
        .with_columns((pl.col("_after") - pl.col("amount_minor")).alias("_before"))
    )
    parts, earlier = [], pl.lit(0, pl.Int64)
    for component in waterfall:
        cap = pl.max_horizontal(pl.col(BALANCE[component]), pl.lit(0))
        parts.append(
            (
                _filled(pl.col("_after"), earlier, cap) - _filled(pl.col("_before"), earlier, cap)
            ).alias(ALLOCATED[component])
        )
        earlier = earlier + cap
    allocated = ordered.with_columns(parts)
    return allocated.with_columns(
        (pl.col("amount_minor") - pl.sum_horizontal(list(ALLOCATED.values()))).alias(
            "unapplied_minor"
        ),
        pl.lit(business_date).alias("allocated_on"),
    ).select(
        "payment_id",
        "account_id",
        "amount_minor",
        "currency",
        *ALLOCATED.values(),
        "unapplied_minor",
        "allocated_on",
    )


def _filled(total: pl.Expr, earlier: pl.Expr, cap: pl.Expr) -> pl.Expr:
    """How much of a component (capacity `cap`, after `earlier` of other components) a running
    total of `total` has filled."""
    return pl.min_horizontal(pl.max_horizontal(total - earlier, pl.lit(0)), cap)


def allocated_totals_after(before: pl.DataFrame, allocations: pl.DataFrame) -> pl.DataFrame:
    new = allocations.group_by("account_id").agg(pl.col(list(ALLOCATED.values())).sum())
    return (
        pl.concat([before, new.select(before.columns)])
        .group_by("account_id")
        .agg(pl.col(list(ALLOCATED.values())).sum())
    )


def settled_on_local_days(settled: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    with_zone = settled.join(
        accounts.select("account_id", "account_timezone"), on="account_id", how="inner"
    )
    return with_local_date(
        with_zone, zone_col="account_timezone", instant_col="received_at", out="received_on"
    )


def resolve_promises(
    promises: pl.DataFrame, settled: pl.DataFrame, business_date: date, grace_days: int
) -> pl.DataFrame:
    """Kept when payments from promised_on through due_on + grace cover the amount; broken
    once the business date is past due_on + grace. Returns only the promises that changed."""
    deadline = pl.col("due_on").dt.offset_by(f"{grace_days}d")
    paid = (
        promises.join(
            settled.select("account_id", "amount_minor", "received_on"),
            on="account_id",
            how="inner",
            suffix="_paid",
        )
        .filter(
            (pl.col("received_on") >= pl.col("promised_on"))
            & (pl.col("received_on") <= deadline)
            & (pl.col("received_on") <= business_date)
        )
        .group_by("promise_id")
        .agg(pl.col("amount_minor_paid").sum().alias("paid_minor"))
    )
    judged = (
        promises.join(paid, on="promise_id", how="left")
        .with_columns(pl.col("paid_minor").fill_null(0))
        .with_columns(
            pl.when(pl.col("paid_minor") >= pl.col("amount_minor"))
            .then(pl.lit("kept"))
            .when(pl.lit(business_date) > deadline)
            .then(pl.lit("broken"))
            .otherwise(pl.lit(None, pl.String))
            .alias("status"),
            pl.lit(business_date).alias("resolved_on"),
        )
    )
    return judged.filter(pl.col("status").is_not_null())


def with_delinquency(
    accounts: pl.DataFrame, business_date: date, scheme: BucketScheme
) -> pl.DataFrame:
    """Adds paid_minor, oldest_unpaid_due_on, days_past_due and bucket (DueSchedule rules)."""
    paid = pl.col("paid_to_date_minor") + pl.col("applied_minor")
    index = pl.col("paid_minor") // pl.col("instalment_minor")
    due_on = pl.col("first_due_on").dt.offset_by(pl.format("{}mo", index))
    overdue = (pl.col("instalment_minor") > 0) & (index < pl.col("term_months"))
    frame = (
        accounts.with_columns(paid.alias("paid_minor"))
        .with_columns(pl.when(overdue).then(due_on).otherwise(None).alias("_due_on"))
        .with_columns(
            pl.when(pl.col("_due_on") < business_date)
            .then(pl.col("_due_on"))
            .otherwise(None)
            .alias("oldest_unpaid_due_on")
        )
        .with_columns(
            (pl.lit(business_date) - pl.col("oldest_unpaid_due_on"))
            .dt.total_days()
            .fill_null(0)
            .cast(pl.Int32)
            .alias("days_past_due")
        )
        .drop("_due_on")
    )
    return frame.with_columns(bucket_expression(pl.col("days_past_due"), scheme).alias("bucket"))


def bucket_expression(days: pl.Expr, scheme: BucketScheme) -> pl.Expr:
    last = scheme.bands[-1]
    bucket: pl.Expr = pl.lit(last.name)
    for band in reversed(scheme.bands[:-1]):
        bucket = pl.when(days <= band.max_days).then(pl.lit(band.name)).otherwise(bucket)
    return bucket


def hold_types_by_account(
    holds: pl.DataFrame, accounts: pl.DataFrame, business_date: date
) -> pl.DataFrame:
    """Hold types active on the business date in the debtor's zone, per account: a hold with
    an account applies to that account only, one without to all the debtor's accounts. A hold
    counts if it overlaps the local day at all (the conservative reading)."""
    owners = accounts.select("account_id", "debtor_id", "debtor_timezone")
    general = (
        holds.filter(pl.col("account_id").is_null())
        .drop("account_id")
        .join(owners, on="debtor_id", how="inner")
    )
    specific = holds.filter(pl.col("account_id").is_not_null()).join(
        owners, on=["account_id", "debtor_id"], how="inner"
    )
    applied = pl.concat([general.select(specific.columns), specific])
    bounds = _day_bounds(applied.select("debtor_timezone").unique(), business_date)
    active = applied.join(bounds, on="debtor_timezone", how="left").filter(
        (pl.col("starts_at") < pl.col("_day_end"))
        & (pl.col("ends_at").is_null() | (pl.col("ends_at") > pl.col("_day_start")))
    )
    return active.group_by("account_id").agg(
        pl.col("hold_type").unique().sort().alias("hold_types")
    )


def _day_bounds(zones: pl.DataFrame, business_date: date) -> pl.DataFrame:
    rows = []
    for (zone_name,) in zones.iter_rows():
        bounds = day_bounds_utc(zone_name, business_date) or (
            datetime.combine(business_date, time()),
            datetime.combine(business_date + timedelta(days=1), time()),
        )
        rows.append({"debtor_timezone": zone_name, "_day_start": bounds[0], "_day_end": bounds[1]})
    return pl.DataFrame(
        rows,
        schema={
            "debtor_timezone": pl.String(),
            "_day_start": pl.Datetime("us"),
            "_day_end": pl.Datetime("us"),
        },
    )


def usable_self_phones(contacts: pl.DataFrame) -> pl.DataFrame:
    """Per debtor: phones of their own that are valid and consented."""
    return (
        contacts.filter(
            (pl.col("role") == "self")
            & (pl.col("kind") == "phone")
            & pl.col("valid")
            & pl.col("consent")
        )
        .group_by("debtor_id")
        .agg(pl.len().cast(pl.Int64).alias("usable_self_phones"))
    )


def recent_payment_counts(settled: pl.DataFrame, business_date: date) -> pl.DataFrame:
    first = business_date - timedelta(days=RECENT_DAYS - 1)
    return (
        settled.filter((pl.col("received_on") >= first) & (pl.col("received_on") <= business_date))
        .group_by("account_id")
        .agg(pl.len().cast(pl.Int64).alias("recent_payments"))
    )


def scoring_features(
    accounts: pl.DataFrame, *, phones: pl.DataFrame, recent: pl.DataFrame, broken: pl.DataFrame
) -> pl.DataFrame:
    return (
        accounts.join(phones, on="debtor_id", how="left")
        .join(recent, on="account_id", how="left")
        .join(broken, on="account_id", how="left")
        .with_columns(
            pl.col("usable_self_phones", "recent_payments", "broken_promises").fill_null(0),
            pl.sum_horizontal(list(BALANCE.values())).alias("outstanding_minor"),
            (pl.col("instalment_minor") * pl.col("term_months")).alias("scheduled_minor"),
        )
        .with_columns((pl.col("usable_self_phones") == 0).alias("debtor_unreachable"))
    )


def rules_as_json(rules: pl.Expr) -> pl.Expr:
    """A list of rule ids (plain identifiers) as JSON array text."""
    return (
        pl.when(rules.list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.format('["{}"]', rules.list.join('", "')))
    )
