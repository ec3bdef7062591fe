"""The stored action plan of one business date, shaped for people and scripts."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from huankuan.adapters.storage.cycle_store import SqlCycleStore
from huankuan.domain.errors import NotFound
from huankuan.localtime import with_local_iso

if TYPE_CHECKING:
    from huankuan.bootstrap import App

# The JSON Lines contract of `huankuan plan --format jsonl`, in this order.
PLAN_FIELDS = (
    "action_id",
    "account_id",
    "debtor_id",
    "channel",
    "contact_role",
    "template",
    "scheduled_at",
    "priority",
    "decision",
    "rules",
)


def day_plan(app: App, business_date: date) -> pl.DataFrame:
    """The plan rows in working order (time, then priority); `scheduled_at` is debtor-local
    ISO-8601 with its offset and `rules` a list of rule ids."""
    with app.engine.connect() as connection:
        store = SqlCycleStore(connection)
        plan = store.load_plan(business_date)
        if plan.is_empty() and not store.cycle_ran(business_date):
            raise NotFound(
                f"no cycle has run for {business_date}: run "
                f"`huankuan cycle --date {business_date}` first"
            )
    plan = plan.sort("scheduled_at", "priority", "action_id")
    local = with_local_iso(plan, zone_col="timezone", instant_col="scheduled_at", out="_local")
    return local.with_columns(
        pl.col("_local")
        .fill_null(pl.col("scheduled_at").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
        .alias("scheduled_at"),
        pl.col("rules").str.json_decode(pl.List(pl.String())),
    ).select(PLAN_FIELDS)
