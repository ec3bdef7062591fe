"""Treatment selection: from scored accounts and contact points to the day's planned actions.

Set-based: the strategy becomes a small frame of treatments, joined to accounts on (bucket,
segment) and to contact points on (debtor, role, kind). For each treatment the usable contact
points come first (valid, consented, not opted out of the channel), then the others by id, and
the first `max_attempts` are planned; unusable ones are still planned so that the gate records
why they are not contacted. Scheduled times are worked out once per (zone, local time).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from huankuan.domain.model import Channel
from huankuan.localtime import with_utc_from_local
from huankuan.strategy.loader import ANY_SEGMENT, Strategy, Treatment
from huankuan.strategy.segmentation import PATH_KEY, path_key, with_paths

TREATMENT_SCHEMA: dict[str, pl.DataType] = {
    PATH_KEY: pl.String(),
    "bucket": pl.String(),  # the table's cell (null for a named path)
    "segment": pl.String(),
    "treatment": pl.Int32(),
    "channel": pl.String(),
    "contact_kind": pl.String(),
    "template": pl.String(),
    "priority": pl.Int32(),
    "send_at": pl.Time(),
    "max_attempts": pl.Int32(),
    "contact_role": pl.String(),
    "discloses_debt": pl.Boolean(),
    "only_if_unreachable": pl.Boolean(),
}

# Columns the selection needs on its inputs.
ACCOUNT_COLUMNS = (
    "account_id",
    "debtor_id",
    "bucket",
    "segment",
    PATH_KEY,
    "debtor_timezone",
    "jurisdiction",
    "debtor_unreachable",
    "hold_types",
)
CONTACT_COLUMNS = (
    "contact_id",
    "debtor_id",
    "kind",
    "role",
    "timezone",
    "valid",
    "consent",
    "opted_out",
)
CALLS = [Channel.ROBOT_CALL.value, Channel.AGENT_CALL.value]


def treatment_frame(strategy: Strategy) -> pl.DataFrame:
    """One row per (path key, treatment, send time): every bucket × segment cell of the table
    (`any` expanded to every segment) and every named path; each retry is its own row."""
    segments = [segment.name for segment in strategy.segments]
    rows: list[dict[str, object]] = []
    for bucket, by_segment in strategy.treatments.items():
        for segment_key, treatments in by_segment.items():
            targets = segments if segment_key == ANY_SEGMENT else [segment_key]
            for treatment in treatments:
                for segment in targets:
                    _add_rows(rows, f"table/{bucket}/{segment}", treatment, bucket, segment)
    for name, treatments in strategy.paths.items():
        for treatment in treatments:
            _add_rows(rows, path_key(name), treatment, None, None)
    return pl.DataFrame(rows, schema=TREATMENT_SCHEMA)


def _add_rows(
    rows: list[dict[str, object]],
    key: str,
    treatment: Treatment,
    bucket: str | None,
    segment: str | None,
) -> None:
    for send_at in treatment.send_times():
        rows.append(
            {
                PATH_KEY: key,
                "bucket": bucket,
                "segment": segment,
                "treatment": len(rows),
                "channel": treatment.channel.value,
                "contact_kind": treatment.channel.contact_kind.value,
                "template": treatment.template,
                "priority": treatment.priority,
                "send_at": send_at,
                "max_attempts": treatment.max_attempts,
                "contact_role": treatment.contact_role.value,
                "discloses_debt": treatment.disclosure,
                "only_if_unreachable": treatment.only_if == "unreachable",
            }
        )


def opted_out_of(channel: pl.Expr, opted_out: pl.Expr) -> pl.Expr:
    """The stored ';'-joined opt-outs cover the channel ("call" = both calls, "all" = all)."""
    names = opted_out.fill_null("").str.split(";")
    return (
        names.list.contains(channel)
        | names.list.contains(pl.lit("all"))
        | (channel.is_in(CALLS) & names.list.contains(pl.lit("call")))
    )


def plan_treatments(
    accounts: pl.DataFrame, contacts: pl.DataFrame, strategy: Strategy, business_date: date
) -> pl.DataFrame:
    """The day's planned actions (before the gate), numbered per account.

    One sort orders each account's candidates by (priority, send_at, treatment), usable
    contact points first: a treatment's rows stay together, so the contact rank and the
    action number are positions in runs of equal keys.
    """
    routed = accounts if PATH_KEY in accounts.columns else with_paths(accounts, strategy)
    wanted = (
        routed.select(ACCOUNT_COLUMNS)
        .with_row_index("_account")
        .join(treatment_frame(strategy).drop("bucket", "segment"), on=PATH_KEY, how="inner")
        .filter(~pl.col("only_if_unreachable") | pl.col("debtor_unreachable"))
    )
    candidates = wanted.join(
        contacts.select(CONTACT_COLUMNS).rename(
            {
                "kind": "contact_kind",
                "role": "contact_role",
                "timezone": "contact_timezone",
                "valid": "contact_valid",
                "consent": "contact_consent",
                "opted_out": "contact_opted_out",
            }
        ),
        on=["debtor_id", "contact_role", "contact_kind"],
        how="inner",
    )
    usable = (
        pl.col("contact_valid")
        & pl.col("contact_consent")
        & ~opted_out_of(pl.col("channel"), pl.col("contact_opted_out"))
    )
    chosen = (
        candidates.with_columns(usable.alias("_usable"))
        .sort(
            ["_account", "priority", "send_at", "treatment", "_usable", "contact_id"],
            descending=[False, False, False, False, True, False],
        )
        .with_columns(position_in_run(["_account", "treatment"]).alias("_rank"))
        .filter(pl.col("_rank") < pl.col("max_attempts"))
    )
    return _number_and_schedule(chosen, business_date)


def position_in_run(keys: list[str]) -> pl.Expr:
    """0, 1, 2… within each run of equal `keys` in a frame sorted by them (no group-by)."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    starts = pl.any_horizontal([pl.col(key) != pl.col(key).shift(1) for key in keys])
    first = pl.when(starts.fill_null(True)).then(row).otherwise(None).forward_fill()
    return row - first


def _number_and_schedule(chosen: pl.DataFrame, business_date: date) -> pl.DataFrame:
    stamp = business_date.strftime("%Y%m%d")
    numbered = chosen.with_columns(
        pl.format(
            "{}-{}-{}", pl.lit(stamp), pl.col("account_id"), position_in_run(["_account"]) + 1
        ).alias("action_id"),
        pl.lit(business_date).dt.combine(pl.col("send_at")).alias("_local"),
    )
    scheduled = with_utc_from_local(
        numbered, zone_col="debtor_timezone", local_col="_local", out="scheduled_at"
    )
    # An unknown zone has no local time: keep the wall time as if UTC; the gate blocks it.
    return scheduled.with_columns(
        pl.col("scheduled_at").fill_null(pl.col("_local")),
        pl.lit(business_date).alias("business_date"),
        pl.col("debtor_timezone").alias("timezone"),
    ).drop(
        "_account",
        "_usable",
        "_rank",
        "_local",
        "only_if_unreachable",
        "max_attempts",
        "treatment",
        "send_at",
        "contact_kind",
        PATH_KEY,
    )
