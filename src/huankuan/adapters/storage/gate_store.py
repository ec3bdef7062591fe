"""Storage of what the gate counts and what it decided: the contact history as a frame (read
set-based from contact_attempts), the gate decisions with their canonical inputs, and the
contact attempts dispatch records. Everything runs in the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, insert, select

from huankuan.adapters.channels.base import StoredDecision
from huankuan.adapters.storage import bulk
from huankuan.adapters.storage.cycle_store import sql_literal
from huankuan.adapters.storage.tables import contact_attempts, gate_decisions
from huankuan.compliance.facts import HISTORY_SCHEMA

# Contacts with anyone outside the debtor's side count however old they are (a third party is
# contacted once); the others only within the window the caller asks for.
_DEBTOR_SIDE_ROLES = "('self', 'attorney', 'estate_representative')"
_RAW_HISTORY = {**HISTORY_SCHEMA, "debt_ids": pl.String()}


def read_history(
    connection: Connection, *, since: datetime, until: datetime, debtors_sql: str | None = None
) -> pl.DataFrame:
    """Contacts that happened (decision 'allow') before `until` (naive UTC): those since
    `since`, and every one with a third party. `debtors_sql`: a subquery of debtor ids."""
    role = "COALESCE(ca.contact_role, cp.role, 'self')"
    sql = (
        f"SELECT ca.debtor_id, ca.contact_id, {role}, ca.at, ca.channel, ca.direction, "
        "ca.connected, ca.conversation, ca.debt_ids "
        "FROM contact_attempts ca LEFT JOIN contact_points cp ON cp.contact_id = ca.contact_id "
        f"WHERE ca.decision = 'allow' AND ca.at < {sql_literal(until)} "
        f"AND (ca.at >= {sql_literal(since)} OR {role} NOT IN {_DEBTOR_SIDE_ROLES})"
    )
    if debtors_sql is not None:
        sql += f" AND ca.debtor_id IN ({debtors_sql})"
    raw = bulk.read_frame(connection, sql, dict(_RAW_HISTORY))
    if raw.is_empty():
        return pl.DataFrame(schema=HISTORY_SCHEMA)
    return raw.with_columns(pl.col("debt_ids").str.json_decode(pl.List(pl.String())))


@dataclass(frozen=True)
class GateDecisionRow:
    decision_id: str
    action_id: str | None
    debtor_id: str
    decided_at: datetime  # naive UTC
    stage: str
    profile: str
    profile_hash: str
    gate_version: str
    decision: str
    rules: tuple[str, ...]
    next_allowed_at: datetime | None  # naive UTC
    inputs_hash: str
    inputs: str  # the canonical JSON


class SqlGateDecisions:
    """The `gate_decisions` table; also the lookup the channel adapters check before sending."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, row: GateDecisionRow) -> None:
        values = dict(row.__dict__)
        values["rules"] = json.dumps(list(row.rules))
        self._connection.execute(insert(gate_decisions).values(**values))

    def for_action(self, action_id: str) -> list[GateDecisionRow]:
        """Every stored decision on the action, oldest first."""
        rows = self._connection.execute(
            select(gate_decisions)
            .where(gate_decisions.c.action_id == action_id)
            .order_by(gate_decisions.c.decided_at, gate_decisions.c.decision_id)
        )
        return [_decision_row(dict(row._mapping)) for row in rows]

    def decision_for(self, action_id: str) -> StoredDecision | None:
        stored = self.for_action(action_id)
        if not stored:
            return None
        latest = stored[-1]
        attempt = json.loads(latest.inputs).get("attempt", {})
        return StoredDecision(
            decision_id=latest.decision_id,
            action_id=action_id,
            decision=latest.decision,
            channel=str(attempt.get("channel")),
            contact_id=attempt.get("contact_id"),
        )


def _decision_row(row: Mapping[str, Any]) -> GateDecisionRow:
    values = dict(row)
    values["rules"] = tuple(json.loads(values["rules"]))
    return GateDecisionRow(**values)


def record_attempt(connection: Connection, **values: Any) -> None:
    """One contact_attempts row; `rules` and `debt_ids` as lists."""
    values["rules"] = json.dumps(list(values["rules"]))
    values["debt_ids"] = json.dumps(sorted(values.get("debt_ids", ())))
    connection.execute(insert(contact_attempts).values(**values))
