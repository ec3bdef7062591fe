"""Storage for scoring and strategy work: history reads, the model registry, arm assignments.

History reads are whole-table, set-based (`bulk.read_frame`, COPY on PostgreSQL); local days
are worked out in Polars from each account's (or debtor's) zone. Model versions are rows of
`scoring_models` (artifact text and metrics JSON). Everything runs in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from huankuan.adapters.storage import bulk
from huankuan.adapters.storage.cycle_store import sql_literal
from huankuan.localtime import with_local_date
from huankuan.scoring.features import History

ACCOUNTS: dict[str, pl.DataType] = {
    "account_id": pl.String(),
    "debtor_id": pl.String(),
    "currency": pl.String(),
    "outstanding_minor": pl.Int64(),
    "paid_to_date_minor": pl.Int64(),
    "instalment_minor": pl.Int64(),
    "term_months": pl.Int32(),
    "first_due_on": pl.Date(),
    "balance_as_of": pl.Date(),
    "account_timezone": pl.String(),
    "debtor_timezone": pl.String(),
    "locale": pl.String(),
    "jurisdiction": pl.String(),
    "allocated_minor": pl.Int64(),
}
MODEL_ROW: dict[str, pl.DataType] = {
    "version": pl.Int64(),
    "kind": pl.String(),
    "target": pl.String(),
    "trained_at": pl.Datetime("us"),
    "history_until": pl.Date(),
    "training_rows": pl.Int64(),
    "features": pl.String(),
    "metrics": pl.String(),
    "artifact": pl.String(),
}


class ScoringStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _read(self, sql: str, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        return bulk.read_frame(self._connection, sql, dict(schema))

    # -- history ------------------------------------------------------------------------------
    def accounts(self) -> pl.DataFrame:
        """Accounts with their current outstanding (imported − allocated) and phones."""
        frame = self._read(
            "SELECT a.account_id, a.debtor_id, a.currency, "
            "a.principal_minor + a.interest_minor + a.penalty_minor + a.fees_minor "
            "- coalesce(p.allocated, 0), a.paid_to_date_minor, a.instalment_minor, "
            "a.term_months, a.first_due_on, a.balance_as_of, a.timezone, d.timezone, d.locale, "
            "d.jurisdiction, coalesce(p.allocated, 0) FROM accounts a "
            "JOIN debtors d ON d.debtor_id = a.debtor_id LEFT JOIN ("
            "SELECT account_id, sum(coalesce(alloc_fees_minor, 0) "
            "+ coalesce(alloc_penalty_minor, 0) + coalesce(alloc_interest_minor, 0) "
            "+ coalesce(alloc_principal_minor, 0)) AS allocated"
            " FROM payments WHERE status = 'allocated' GROUP BY account_id) p "
            "ON p.account_id = a.account_id",
            ACCOUNTS,
        )
        phones = self._read(
            "SELECT debtor_id, count(*) FROM contact_points WHERE role = 'self' AND kind = 'phone' "
            "AND valid AND consent GROUP BY debtor_id",
            {"debtor_id": pl.String(), "usable_self_phones": pl.Int64()},
        )
        return frame.join(phones, on="debtor_id", how="left").with_columns(
            pl.col("usable_self_phones").fill_null(0)
        )

    def settled_payments(self, accounts: pl.DataFrame) -> pl.DataFrame:
        """Reflected and allocated payments, each with its account-local day `on`."""
        raw = self._read(
            "SELECT account_id, amount_minor, received_at FROM payments "
            "WHERE status IN ('allocated', 'reflected')",
            {
                "account_id": pl.String(),
                "amount_minor": pl.Int64(),
                "received_at": pl.Datetime("us"),
            },
        )
        zoned = raw.join(accounts.select("account_id", "account_timezone"), on="account_id")
        local = with_local_date(
            zoned, zone_col="account_timezone", instant_col="received_at", out="on"
        )
        return local.select("account_id", "on", "amount_minor")

    def history(self, accounts: pl.DataFrame, payments: pl.DataFrame) -> History:
        debtors = accounts.select("debtor_id", "debtor_timezone").unique("debtor_id")
        promises = self._read(
            "SELECT account_id, promised_on, status, resolved_on FROM promises",
            {
                "account_id": pl.String(),
                "promised_on": pl.Date(),
                "status": pl.String(),
                "resolved_on": pl.Date(),
            },
        )
        attempts = self._local(
            self._read(
                "SELECT debtor_id, at, channel, outcome FROM contact_attempts "
                "WHERE decision = 'allow'",
                {
                    "debtor_id": pl.String(),
                    "at": pl.Datetime("us"),
                    "channel": pl.String(),
                    "outcome": pl.String(),
                },
            ),
            debtors,
            "at",
        )
        complaints = self._local(
            self._read(
                "SELECT debtor_id, opened_at FROM complaints",
                {"debtor_id": pl.String(), "opened_at": pl.Datetime("us")},
            ),
            debtors,
            "opened_at",
        )
        return History(
            payments=payments,
            promises=promises,
            attempts=attempts.select("debtor_id", "on", "channel", "outcome"),
            complaints=complaints.select("debtor_id", "on"),
        )

    @staticmethod
    def _local(frame: pl.DataFrame, debtors: pl.DataFrame, instant: str) -> pl.DataFrame:
        zoned = frame.join(debtors, on="debtor_id", how="inner")
        return with_local_date(zoned, zone_col="debtor_timezone", instant_col=instant, out="on")

    # -- the model registry -------------------------------------------------------------------
    def next_model_version(self) -> int:
        value = self._connection.execute(text("SELECT max(version) FROM scoring_models")).scalar()
        return int(value or 0) + 1

    def save_model(
        self,
        *,
        version: int,
        kind: str,
        target: str,
        trained_at: datetime,
        history_until: date,
        training_rows: int,
        features: list[str],
        metrics: Mapping[str, Any],
        artifact: str,
    ) -> None:
        self._connection.execute(
            text(
                "INSERT INTO scoring_models (version, kind, target, trained_at, history_until, "
                "training_rows, features, metrics, artifact) VALUES (:version, :kind, :target, "
                ":trained_at, :history_until, :training_rows, :features, :metrics, :artifact)"
            ),
            {
                "version": version,
                "kind": kind,
                "target": target,
                "trained_at": trained_at,
                "history_until": history_until,
                "training_rows": training_rows,
                "features": json.dumps(features),
                "metrics": json.dumps(metrics, sort_keys=True),
                "artifact": artifact,
            },
        )

    def model_rows(self, version: int | None = None) -> pl.DataFrame:
        """The rows of one version (default: the latest); empty when none is stored."""
        chosen = version if version is not None else self.next_model_version() - 1
        return bulk.read_frame(
            self._connection,
            f"SELECT {', '.join(MODEL_ROW)} FROM scoring_models WHERE version = :version",
            dict(MODEL_ROW),
            {"version": chosen},
        )

    def model_versions(self) -> pl.DataFrame:
        return self._read(
            "SELECT version, kind, target, trained_at, history_until, training_rows, metrics "
            "FROM scoring_models ORDER BY version, kind, target",
            {
                name: MODEL_ROW[name]
                for name in (
                    "version",
                    "kind",
                    "target",
                    "trained_at",
                    "history_until",
                    "training_rows",
                    "metrics",
                )
            },
        )

    # -- champion/challenger ------------------------------------------------------------------
    def assignments(self, experiment: str) -> pl.DataFrame:
        return bulk.read_frame(
            self._connection,
            "SELECT account_id, arm, assigned_on, balance_minor, currency "
            "FROM strategy_assignments WHERE experiment = :experiment",
            {
                "account_id": pl.String(),
                "arm": pl.String(),
                "assigned_on": pl.Date(),
                "balance_minor": pl.Int64(),
                "currency": pl.String(),
            },
            {"experiment": experiment},
        )

    def save_assignments(self, experiment: str, rows: pl.DataFrame) -> None:
        """Record new assignments (accounts already assigned keep their arm)."""
        if rows.is_empty():
            return
        bulk.insert_frame(
            self._connection,
            "strategy_assignments",
            rows.select(
                pl.lit(experiment).alias("experiment"),
                "account_id",
                "arm",
                "assigned_on",
                "balance_minor",
                "currency",
            ),
        )

    def experiments(self) -> list[str]:
        rows = self._connection.execute(
            text("SELECT DISTINCT experiment FROM strategy_assignments ORDER BY experiment")
        )
        return [str(row[0]) for row in rows]

    def allowed_actions_since(self, since: date) -> pl.DataFrame:
        return self._read(
            "SELECT account_id, channel, count(*) FROM action_plan WHERE decision = 'allow' "
            f"AND business_date >= {sql_literal(since)} GROUP BY account_id, channel",
            {"account_id": pl.String(), "channel": pl.String(), "actions": pl.Int64()},
        )

    def complaints_since(self, since: date) -> pl.DataFrame:
        return self._read(
            "SELECT a.account_id, count(*) FROM complaints c JOIN accounts a "
            f"ON a.debtor_id = c.debtor_id WHERE c.opened_at >= {sql_literal(since)} "
            "GROUP BY a.account_id",
            {"account_id": pl.String(), "complaints": pl.Int64()},
        )

    def table_count(self, table: str) -> int:
        return int(self._connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
