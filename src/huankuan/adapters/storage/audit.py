"""The append-only, hash-chained audit log: who did what to which entity, and when.

Each row's hash covers the previous row's hash and its own content, so an edited or deleted
row breaks the chain (`verify_chain`). Bulk operations are audited once per batch with counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from huankuan.adapters.storage.tables import audit_log
from huankuan.domain.ports import Clock

GENESIS = "0" * 64


def _row_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: str,
) -> str:
    payload = "\x1f".join(
        [prev_hash, at.isoformat(), actor, action, entity_type, entity_id, details]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class SqlAuditLog:
    """Appends to `audit_log` inside the caller's transaction."""

    def __init__(self, connection: Connection, clock: Clock) -> None:
        self._connection = connection
        self._clock = clock

    def record(
        self,
        *,
        actor: str,
        action: str,
        entity_type: str,
        entity_id: str,
        details: Mapping[str, Any],
    ) -> None:
        last = self._connection.execute(
            select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).scalar_one_or_none()
        prev_hash = last or GENESIS
        at = self._clock.now().replace(tzinfo=None, microsecond=0)
        body = json.dumps(details, sort_keys=True, ensure_ascii=False, default=str)
        self._connection.execute(
            insert(audit_log).values(
                at=at,
                actor=actor,
                action=action,
                entity_type=entity_type,
                entity_id=entity_id,
                details=body,
                prev_hash=prev_hash,
                hash=_row_hash(prev_hash, at, actor, action, entity_type, entity_id, body),
            )
        )


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_bad_seq: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(connection: Connection) -> ChainReport:
    prev_hash, expected_seq, rows = GENESIS, None, 0
    for row in connection.execute(select(audit_log).order_by(audit_log.c.seq)):
        rows += 1
        if expected_seq is not None and row.seq != expected_seq:
            return ChainReport(rows, expected_seq, f"row {expected_seq} is missing")
        if row.prev_hash != prev_hash:
            return ChainReport(rows, row.seq, "previous-hash link broken (row deleted or edited)")
        recomputed = _row_hash(
            row.prev_hash,
            row.at,
            row.actor,
            row.action,
            row.entity_type,
            row.entity_id,
            row.details,
        )
        if recomputed != row.hash:
            return ChainReport(rows, row.seq, "row content does not match its hash (edited)")
        prev_hash, expected_seq = row.hash, row.seq + 1
    return ChainReport(rows, None, None)
