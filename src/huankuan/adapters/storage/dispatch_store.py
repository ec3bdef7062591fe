"""Set-based reads for dispatch: the day's due actions with everything the gate and the
templates need, the holds in force, the debtors' reachability and their contact history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
from sqlalchemy import Connection

from huankuan.adapters.storage import bulk
from huankuan.adapters.storage.cycle_store import sql_literal
from huankuan.adapters.storage.gate_store import read_history

# The history a send-time decision needs: the gate's longest window (7 local days) and a margin.
HISTORY_DAYS = 10

DUE_ACTIONS: dict[str, pl.DataType] = {
    "action_id": pl.String(),
    "account_id": pl.String(),
    "debtor_id": pl.String(),
    "contact_id": pl.String(),
    "channel": pl.String(),
    "contact_role": pl.String(),
    "template": pl.String(),
    "scheduled_at": pl.Datetime("us"),
    "priority": pl.Int32(),
    "debtor_timezone": pl.String(),
    "jurisdiction": pl.String(),
    "locale": pl.String(),
    "name": pl.String(),
    "address": pl.String(),
    "contact_timezone": pl.String(),
    "contact_valid": pl.Boolean(),
    "contact_consent": pl.Boolean(),
    "contact_opted_out": pl.String(),
    "currency": pl.String(),
    "amount_due_minor": pl.Int64(),
}
HOLDS: dict[str, pl.DataType] = {
    "debtor_id": pl.String(),
    "account_id": pl.String(),
    "hold_type": pl.String(),
}
PHONES: dict[str, pl.DataType] = {"debtor_id": pl.String(), "usable_self_phones": pl.Int64()}


class SqlDispatchStore:
    def __init__(self, connection: Connection, business_date: date) -> None:
        self._connection = connection
        self._day = sql_literal(business_date)
        self._debtors = f"SELECT debtor_id FROM action_plan WHERE business_date = {self._day}"

    def due_actions(self, now: datetime, channel: str | None) -> pl.DataFrame:
        """Actions the plan allowed, scheduled at or before `now` (naive UTC), not yet sent, in
        working order. The amount due is the latest cycle's balance of the account."""
        balance = "s.principal_minor + s.interest_minor + s.penalty_minor + s.fees_minor"
        imported = "a.principal_minor + a.interest_minor + a.penalty_minor + a.fees_minor"
        sql = (
            "SELECT p.action_id, p.account_id, p.debtor_id, p.contact_id, p.channel, "
            "p.contact_role, p.template, p.scheduled_at, p.priority, d.timezone, "
            "d.jurisdiction, d.locale, d.name, c.value, c.timezone, c.valid, c.consent, "
            f"c.opted_out, a.currency, COALESCE({balance}, {imported}) "
            "FROM action_plan p JOIN debtors d ON d.debtor_id = p.debtor_id "
            "JOIN contact_points c ON c.contact_id = p.contact_id "
            "JOIN accounts a ON a.account_id = p.account_id "
            "LEFT JOIN account_states s ON s.account_id = p.account_id "
            f"WHERE p.business_date = {self._day} AND p.decision = 'allow' "
            f"AND p.scheduled_at <= {sql_literal(now)} "
            "AND NOT EXISTS (SELECT 1 FROM contact_attempts x "
            "WHERE x.action_id = p.action_id AND x.decision = 'allow')"
        )
        frame = bulk.read_frame(self._connection, sql, dict(DUE_ACTIONS))
        if channel is not None:
            frame = frame.filter(pl.col("channel") == channel)
        return frame.sort("scheduled_at", "priority", "action_id")

    def holds_in_force(self, now: datetime) -> pl.DataFrame:
        moment = sql_literal(now)
        sql = (
            "SELECT debtor_id, account_id, hold_type FROM holds "
            f"WHERE starts_at <= {moment} AND (ends_at IS NULL OR ends_at > {moment}) "
            f"AND debtor_id IN ({self._debtors})"
        )
        return bulk.read_frame(self._connection, sql, dict(HOLDS))

    def usable_self_phones(self) -> pl.DataFrame:
        sql = (
            "SELECT debtor_id, count(*) FROM contact_points "
            "WHERE role = 'self' AND kind = 'phone' AND valid AND consent "
            f"AND debtor_id IN ({self._debtors}) GROUP BY debtor_id"
        )
        return bulk.read_frame(self._connection, sql, dict(PHONES))

    def history(self, now: datetime) -> pl.DataFrame:
        return read_history(
            self._connection,
            since=now - timedelta(days=HISTORY_DAYS),
            until=now + timedelta(seconds=1),
            debtors_sql=self._debtors,
        )
