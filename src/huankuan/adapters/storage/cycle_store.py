"""The daily cycle's storage (the CycleStore port): whole-table reads and writes as frames.

Reads go through `bulk.read_frame` (COPY on PostgreSQL) with literal bounds, so that PostgreSQL
can stream them; the literals come from typed dates and datetimes, never from user text.
Writes are COPY/executemany into the target or into a temporary table joined by one UPDATE.
Everything runs in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from huankuan.adapters.storage import bulk

ACCOUNTS: dict[str, pl.DataType] = {
    "account_id": pl.String(),
    "debtor_id": pl.String(),
    "currency": pl.String(),
    "principal_minor": pl.Int64(),
    "interest_minor": pl.Int64(),
    "penalty_minor": pl.Int64(),
    "fees_minor": pl.Int64(),
    "paid_to_date_minor": pl.Int64(),
    "instalment_minor": pl.Int64(),
    "term_months": pl.Int32(),
    "first_due_on": pl.Date(),
    "balance_as_of": pl.Date(),
    "account_timezone": pl.String(),
    "debtor_timezone": pl.String(),
    "jurisdiction": pl.String(),
}
ALLOCATION_TOTALS: dict[str, pl.DataType] = {
    "account_id": pl.String(),
    "alloc_fees_minor": pl.Int64(),
    "alloc_penalty_minor": pl.Int64(),
    "alloc_interest_minor": pl.Int64(),
    "alloc_principal_minor": pl.Int64(),
}
PENDING_PAYMENTS: dict[str, pl.DataType] = {
    "payment_id": pl.String(),
    "account_id": pl.String(),
    "amount_minor": pl.Int64(),
    "currency": pl.String(),
    "received_at": pl.Datetime("us"),
}
SETTLED_PAYMENTS: dict[str, pl.DataType] = {
    "account_id": pl.String(),
    "amount_minor": pl.Int64(),
    "received_at": pl.Datetime("us"),
}
OPEN_PROMISES: dict[str, pl.DataType] = {
    "promise_id": pl.String(),
    "account_id": pl.String(),
    "amount_minor": pl.Int64(),
    "promised_on": pl.Date(),
    "due_on": pl.Date(),
}
BROKEN_COUNTS: dict[str, pl.DataType] = {"account_id": pl.String(), "broken_promises": pl.Int64()}
CONTACT_POINTS: dict[str, pl.DataType] = {
    "contact_id": pl.String(),
    "debtor_id": pl.String(),
    "kind": pl.String(),
    "role": pl.String(),
    "timezone": pl.String(),
    "valid": pl.Boolean(),
    "consent": pl.Boolean(),
    "opted_out": pl.String(),
}
HOLDS: dict[str, pl.DataType] = {
    "debtor_id": pl.String(),
    "account_id": pl.String(),
    "hold_type": pl.String(),
    "starts_at": pl.Datetime("us"),
    "ends_at": pl.Datetime("us"),
}
PLAN: dict[str, pl.DataType] = {
    "action_id": pl.String(),
    "account_id": pl.String(),
    "debtor_id": pl.String(),
    "contact_id": pl.String(),
    "channel": pl.String(),
    "contact_role": pl.String(),
    "template": pl.String(),
    "scheduled_at": pl.Datetime("us"),
    "timezone": pl.String(),
    "priority": pl.Int32(),
    "bucket": pl.String(),
    "segment": pl.String(),
    "decision": pl.String(),
    "rules": pl.String(),
    "next_allowed_at": pl.Datetime("us"),
    "gate_version": pl.String(),
}
PLAN_COLUMNS = (
    "action_id",
    "business_date",
    "account_id",
    "debtor_id",
    "contact_id",
    "channel",
    "contact_role",
    "template",
    "scheduled_at",
    "timezone",
    "priority",
    "bucket",
    "segment",
    "decision",
    "rules",
    "next_allowed_at",
    "gate_version",
)
STATE_COLUMNS = (
    "account_id",
    "business_date",
    "days_past_due",
    "bucket",
    "oldest_unpaid_due_on",
    "fees_minor",
    "penalty_minor",
    "interest_minor",
    "principal_minor",
    "score",
    "segment",
    "score_reasons",
)
ALLOCATION_COLUMNS = (
    "payment_id",
    "alloc_fees_minor",
    "alloc_penalty_minor",
    "alloc_interest_minor",
    "alloc_principal_minor",
    "unapplied_minor",
    "allocated_on",
)


def sql_literal(value: date | datetime) -> str:
    """A SQL literal for a typed date or naive UTC datetime (stored format on both databases)."""
    if isinstance(value, datetime):
        return "'" + value.strftime("%Y-%m-%d %H:%M:%S") + "'"
    return "'" + value.isoformat() + "'"


class SqlCycleStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._postgres = connection.dialect.name == "postgresql"

    def _scalar(self, sql: str) -> Any:
        return self._connection.execute(text(sql)).scalar_one_or_none()

    # -- what is there ----------------------------------------------------------------------
    def account_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM accounts") or 0)

    def latest_balance_as_of(self) -> date | None:
        return _as_date(self._scalar("SELECT max(balance_as_of) FROM accounts"))

    def latest_completed_cycle(self) -> date | None:
        return _as_date(
            self._scalar("SELECT max(business_date) FROM cycle_runs WHERE status = 'completed'")
        )

    def cycle_ran(self, business_date: date) -> bool:
        return self._scalar(
            f"SELECT count(*) FROM cycle_runs WHERE business_date = {sql_literal(business_date)}"
        ) not in (None, 0)

    # -- reads ------------------------------------------------------------------------------
    def load_accounts(self) -> pl.DataFrame:
        return self._read(
            "SELECT a.account_id, a.debtor_id, a.currency, a.principal_minor, a.interest_minor, "
            "a.penalty_minor, a.fees_minor, a.paid_to_date_minor, a.instalment_minor, "
            "a.term_months, a.first_due_on, a.balance_as_of, a.timezone, d.timezone, "
            "d.jurisdiction FROM accounts a JOIN debtors d ON d.debtor_id = a.debtor_id",
            ACCOUNTS,
        )

    def load_allocation_totals(self) -> pl.DataFrame:
        return self._read(
            "SELECT account_id, sum(alloc_fees_minor), sum(alloc_penalty_minor), "
            "sum(alloc_interest_minor), sum(alloc_principal_minor) FROM payments "
            "WHERE status = 'allocated' GROUP BY account_id",
            ALLOCATION_TOTALS,
        )

    def load_pending_payments(self, received_before: datetime) -> pl.DataFrame:
        return self._read(
            "SELECT payment_id, account_id, amount_minor, currency, received_at FROM payments "
            f"WHERE status = 'pending' AND received_at < {sql_literal(received_before)}",
            PENDING_PAYMENTS,
        )

    def load_settled_payments(
        self, received_from: datetime, received_before: datetime
    ) -> pl.DataFrame:
        """Allocated and reflected payments received in [from, before)."""
        return self._read(
            "SELECT account_id, amount_minor, received_at FROM payments "
            "WHERE status IN ('allocated', 'reflected') "
            f"AND received_at >= {sql_literal(received_from)} "
            f"AND received_at < {sql_literal(received_before)}",
            SETTLED_PAYMENTS,
        )

    def load_open_promises(self) -> pl.DataFrame:
        return self._read(
            "SELECT promise_id, account_id, amount_minor, promised_on, due_on FROM promises "
            "WHERE status = 'open'",
            OPEN_PROMISES,
        )

    def load_broken_promise_counts(self) -> pl.DataFrame:
        return self._read(
            "SELECT account_id, count(*) FROM promises WHERE status = 'broken' GROUP BY account_id",
            BROKEN_COUNTS,
        )

    def load_contact_points(self) -> pl.DataFrame:
        return self._read(
            "SELECT contact_id, debtor_id, kind, role, timezone, valid, consent, opted_out "
            "FROM contact_points",
            CONTACT_POINTS,
        )

    def load_holds(self, starts_before: datetime, ends_after: datetime) -> pl.DataFrame:
        """Holds overlapping [ends_after, starts_before)."""
        return self._read(
            "SELECT debtor_id, account_id, hold_type, starts_at, ends_at FROM holds "
            f"WHERE starts_at < {sql_literal(starts_before)} "
            f"AND (ends_at IS NULL OR ends_at > {sql_literal(ends_after)})",
            HOLDS,
        )

    def load_contact_history(self, since: datetime, until: datetime) -> pl.DataFrame:
        from huankuan.adapters.storage.gate_store import read_history

        return read_history(self._connection, since=since, until=until)

    def load_plan(self, business_date: date) -> pl.DataFrame:
        return self._read(
            f"SELECT {', '.join(PLAN)} FROM action_plan "
            f"WHERE business_date = {sql_literal(business_date)}",
            PLAN,
        )

    def _read(self, sql: str, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        return bulk.read_frame(self._connection, sql, dict(schema))

    # -- writes -----------------------------------------------------------------------------
    def save_allocations(self, allocations: pl.DataFrame) -> None:
        """Mark the payments allocated with their parts; only payments still pending change."""
        self._update_from(
            "payments",
            allocations.select(ALLOCATION_COLUMNS),
            key="payment_id",
            assignments=[f"{c} = s.{c}" for c in ALLOCATION_COLUMNS[1:]] + ["status = 'allocated'"],
            condition="payments.status = 'pending'",
        )

    def save_promise_resolutions(self, resolutions: pl.DataFrame) -> None:
        self._update_from(
            "promises",
            resolutions.select("promise_id", "status", "resolved_on"),
            key="promise_id",
            assignments=["status = s.status", "resolved_on = s.resolved_on"],
            condition="promises.status = 'open'",
        )

    def replace_account_states(self, states: pl.DataFrame) -> None:
        """The states table holds the latest cycle's state of every account."""
        if self._postgres:
            self._connection.execute(text("TRUNCATE account_states"))
        else:
            self._connection.execute(text("DELETE FROM account_states"))
        bulk.insert_frame(self._connection, "account_states", states.select(STATE_COLUMNS))

    def replace_plan(self, business_date: date, plan: pl.DataFrame) -> None:
        """Make the stored plan of the day equal `plan`, writing only the rows that differ.

        A re-run usually plans the same day identically; rewriting a million equal rows (and
        leaving a million dead ones behind) would cost far more than reading them back.
        """
        day = sql_literal(business_date)
        new = plan.select(PLAN_COLUMNS)
        if self._scalar(f"SELECT 1 FROM action_plan WHERE business_date = {day} LIMIT 1") is None:
            bulk.insert_frame(self._connection, "action_plan", new)
            return
        old = self.load_plan(business_date)
        comparable = new.select(pl.col(name).cast(dtype) for name, dtype in PLAN.items())
        stale = old.join(comparable, on=list(PLAN), how="anti", nulls_equal=True)
        fresh = comparable.join(old, on=list(PLAN), how="anti", nulls_equal=True)
        if stale.height:
            self._connection.execute(text("DROP TABLE IF EXISTS cycle_stale_actions"))
            self._connection.execute(
                text("CREATE TEMP TABLE cycle_stale_actions (action_id VARCHAR(96))")
            )
            bulk.insert_frame(self._connection, "cycle_stale_actions", stale.select("action_id"))
            self._connection.execute(
                text(
                    "DELETE FROM action_plan WHERE action_id IN "
                    "(SELECT action_id FROM cycle_stale_actions)"
                )
            )
            self._connection.execute(text("DROP TABLE cycle_stale_actions"))
        rows = new.join(fresh.select("action_id"), on="action_id", how="semi")
        bulk.insert_frame(self._connection, "action_plan", rows)

    def save_cycle_run(
        self,
        *,
        business_date: date,
        started_at: datetime,
        finished_at: datetime,
        status: str,
        stats: Mapping[str, Any],
    ) -> None:
        self._connection.execute(
            text(f"DELETE FROM cycle_runs WHERE business_date = {sql_literal(business_date)}")
        )
        self._connection.execute(
            text(
                "INSERT INTO cycle_runs (business_date, started_at, finished_at, status, stats) "
                "VALUES (:business_date, :started_at, :finished_at, :status, :stats)"
            ),
            {
                "business_date": business_date,
                "started_at": started_at,
                "finished_at": finished_at,
                "status": status,
                "stats": json.dumps(stats, sort_keys=True, ensure_ascii=False),
            },
        )

    def _update_from(
        self, table: str, frame: pl.DataFrame, *, key: str, assignments: list[str], condition: str
    ) -> None:
        if frame.is_empty():
            return
        staging = f"cycle_{table}"
        columns = ", ".join(frame.columns)
        self._connection.execute(text(f"DROP TABLE IF EXISTS {staging}"))
        self._connection.execute(
            text(f"CREATE TEMP TABLE {staging} AS SELECT {columns} FROM {table} WHERE 1 = 0")
        )
        bulk.insert_frame(self._connection, staging, frame)
        self._connection.execute(
            text(
                f"UPDATE {table} SET {', '.join(assignments)} FROM {staging} s "
                f"WHERE {table}.{key} = s.{key} AND {condition}"
            )
        )
        self._connection.execute(text(f"DROP TABLE {staging}"))


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
