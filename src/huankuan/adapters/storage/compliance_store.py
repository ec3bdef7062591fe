"""The compliance role's reads: stored gate decisions (by id, by action, recent ones filtered by
decision and rule), the complaints register, and what the audit log holds."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, case, func, select

from huankuan.adapters.storage.gate_store import GateDecisionRow
from huankuan.adapters.storage.tables import audit_log, cases, complaints, debtors, gate_decisions


def _decision_row(row: Mapping[str, Any]) -> GateDecisionRow:
    return GateDecisionRow(**{**row, "rules": tuple(json.loads(row["rules"]))})


class SqlComplianceReads:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def decisions_for(self, ident: str) -> list[GateDecisionRow]:
        """The decision with this id, else every decision on the action with this id (oldest
        first)."""
        d = gate_decisions.c
        for column in (d.decision_id, d.action_id):
            rows = self._connection.execute(
                select(gate_decisions).where(column == ident).order_by(d.decided_at, d.decision_id)
            ).all()
            if rows:
                return [_decision_row(dict(row._mapping)) for row in rows]
        return []

    def recent_decisions(
        self,
        *,
        decision: str | None,
        rule: str | None,
        stage: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[GateDecisionRow]]:
        d = gate_decisions.c
        query = select(gate_decisions)
        if decision is not None:
            query = query.where(d.decision == decision)
        if stage is not None:
            query = query.where(d.stage == stage)
        if rule is not None:
            # `rules` is a JSON list of ids: match the quoted id, never a prefix of another.
            query = query.where(d.rules.contains(f'"{rule}"', autoescape=True))
        total = self._connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        page = query.order_by(d.decided_at.desc(), d.decision_id).limit(limit).offset(offset)
        rows = self._connection.execute(page).all()
        return int(total), [_decision_row(dict(row._mapping)) for row in rows]

    def complaints(
        self, *, status: str | None, limit: int, offset: int
    ) -> tuple[dict[str, int], Sequence[Any]]:
        """Complaints with their debtor and case, open ones first (oldest first), then resolved
        ones (newest first); and the counts open / resolved."""
        c = complaints.c
        query = (
            select(complaints, debtors.c.name, cases.c.case_id)
            .join(debtors, debtors.c.debtor_id == c.debtor_id)
            .outerjoin(cases, cases.c.debtor_id == c.debtor_id)
        )
        if status == "open":
            query = query.where(c.resolved_at.is_(None))
        elif status == "resolved":
            query = query.where(c.resolved_at.is_not(None))
        is_open = case((c.resolved_at.is_(None), 0), else_=1)
        ordered = query.order_by(is_open, c.resolved_at.desc(), c.opened_at, c.complaint_id)
        rows = self._connection.execute(ordered.limit(limit).offset(offset)).all()
        open_count, resolved_count = self._connection.execute(
            select(func.coalesce(func.sum(1 - is_open), 0), func.coalesce(func.sum(is_open), 0))
        ).one()
        return {"open": int(open_count), "resolved": int(resolved_count)}, rows

    def audit_counts(self) -> Sequence[Any]:
        """(action, rows) over the whole log, most frequent first."""
        return self._connection.execute(
            select(audit_log.c.action, func.count().label("n"))
            .group_by(audit_log.c.action)
            .order_by(func.count().desc(), audit_log.c.action)
        ).all()

    def last_audit_row(self) -> Any:
        return self._connection.execute(
            select(audit_log.c.seq, audit_log.c.at, audit_log.c.action)
            .order_by(audit_log.c.seq.desc())
            .limit(1)
        ).one_or_none()
