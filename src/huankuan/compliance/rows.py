"""Frame rows ⇄ the scalar gate's facts: a plan row as an `Attempt` and a `GateDebtor`, history
rows as `ContactEvent`s, and back. The batch gate uses these where it defers to the scalar one
(next_allowed_at with a history), and the tests build both forms from the same cases."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import polars as pl

from huankuan.compliance.facts import (
    HISTORY_SCHEMA,
    Attempt,
    ContactEvent,
    GateDebtor,
)
from huankuan.domain.model import Channel, ContactRole


def aware(moment: datetime) -> datetime:
    """A stored naive-UTC instant as an aware one."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def opt_outs(stored: str | None) -> frozenset[str]:
    return frozenset(name for name in (stored or "").split(";") if name)


def attempt_from_row(row: Mapping[str, Any]) -> Attempt:
    account = row.get("account_id")
    return Attempt(
        channel=Channel(row["channel"]),
        at=aware(row["scheduled_at"]),
        contact_role=ContactRole(row["contact_role"]),
        template=row["template"] or "",
        discloses_debt=True if row["discloses_debt"] is None else bool(row["discloses_debt"]),
        contact_timezone=row["contact_timezone"],
        contact_valid=bool(row["contact_valid"]),
        contact_consent=bool(row["contact_consent"]),
        contact_opted_out=opt_outs(row["contact_opted_out"]),
        contact_id=row.get("contact_id"),
        debt_ids=frozenset({account}) if account else frozenset(),
        purpose=row.get("purpose") or "collection",
        contact_refused=bool(row.get("contact_refused") or False),
    )


def debtor_from_row(row: Mapping[str, Any]) -> GateDebtor:
    return GateDebtor(
        timezone=row["debtor_timezone"],
        hold_types=frozenset(row["hold_types"] or ()),
        unreachable=bool(row["debtor_unreachable"]),
    )


def event_from_row(row: Mapping[str, Any]) -> ContactEvent:
    """A stored contact; an unknown `connected` counts as connected, and so does a contact
    recorded with a conversation (as `batch_history.prepare_history` reads them)."""
    conversation = bool(row["conversation"])
    return ContactEvent(
        at=aware(row["at"]),
        channel=Channel(row["channel"]),
        contact_role=ContactRole(row["contact_role"] or ContactRole.SELF.value),
        connected=row["connected"] is None or bool(row["connected"]) or conversation,
        conversation=conversation,
        direction="inbound" if row["direction"] == "inbound" else "outbound",
        debt_ids=frozenset(row["debt_ids"] or ()),
        contact_id=row["contact_id"],
    )


def events_by_debtor(history: pl.DataFrame) -> dict[str, list[ContactEvent]]:
    found: dict[str, list[ContactEvent]] = {}
    for row in history.iter_rows(named=True):
        found.setdefault(row["debtor_id"], []).append(event_from_row(row))
    return found


def history_frame(events: Iterable[tuple[str, ContactEvent]]) -> pl.DataFrame:
    """(debtor id, contact) pairs as a frame of HISTORY_SCHEMA."""
    rows = [
        {
            "debtor_id": debtor_id,
            "contact_id": event.contact_id,
            "contact_role": event.contact_role.value,
            "at": naive_utc(event.at),
            "channel": event.channel.value,
            "direction": event.direction,
            "connected": event.connected,
            "conversation": event.conversation,
            "debt_ids": sorted(event.debt_ids),
        }
        for debtor_id, event in events
    ]
    return pl.DataFrame(rows, schema=HISTORY_SCHEMA)
