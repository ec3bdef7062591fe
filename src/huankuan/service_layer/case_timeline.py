"""A case's history as one timeline, newest first: contact attempts (with the gate's decision,
its rules, the outcome and who made it), payments, promises, plans, disputes, complaints,
holds, hand-offs, notes, outbound messages (with the content guard's verdict) and robot
conversations with their transcripts. Each entry is plain data for the API and the pages."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from huankuan.adapters.storage.repositories import from_db_time
from huankuan.adapters.storage.workbench_store import Row, SqlWorkbenchStore
from huankuan.dialogue.tracker import Event
from huankuan.domain.casework import Handoff
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

Scrub = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime  # aware UTC
    kind: str  # contact_attempt, payment, promise, plan, dispute, complaint, hold, handoff,
    #            note, message, conversation
    entity_id: str
    actor: str | None = None
    status: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def case_timeline(
    uow: SqlUnitOfWork, case: Row, account_ids: list[str], scrub: Scrub
) -> list[TimelineEntry]:
    """Every source merged, newest first. `scrub` masks personal data inside free texts."""
    store = SqlWorkbenchStore(uow.connection)
    debtor_id = case["debtor_id"]
    entries: list[TimelineEntry] = [
        *map(_attempt, store.attempts(debtor_id)),
        *map(_payment, store.payments(account_ids)),
        *_promises(store, account_ids),
        *map(_plan, store.plans(account_ids)),
        *map(_dispute, store.disputes(account_ids)),
        *map(_complaint, store.complaints(debtor_id)),
        *map(_hold, store.holds(debtor_id)),
        *map(_handoff, uow.handoffs.for_case(case["case_id"])),
        *(_note(row, scrub) for row in store.notes(case["case_id"])),
        *(_message(row, scrub) for row in store.messages(debtor_id)),
        *_conversations(uow, store.conversation_ids(debtor_id), scrub),
    ]
    return sorted(entries, key=lambda entry: (entry.at, entry.kind), reverse=True)


def _at(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        found = from_db_time(value)
        assert found is not None
        return found
    return datetime.combine(value, time(0, 0), tzinfo=UTC)


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return _at(value).isoformat() if isinstance(value, datetime) else value.isoformat()


def _from_row(
    row: Row,
    kind: str,
    *,
    at: datetime | date,
    entity_id: str,
    actor: str | None = None,
    status: str | None = None,
    columns: tuple[str, ...] = (),
    **converted: Any,
) -> TimelineEntry:
    """An entry built from one row: the named `columns` go into the details as stored, followed
    by the `converted` values."""
    return TimelineEntry(
        at=_at(at),
        kind=kind,
        entity_id=entity_id,
        actor=actor,
        status=status,
        details={**{name: row[name] for name in columns}, **converted},
    )


def _open_unless(ended_at: datetime | date | None, closed: str) -> str:
    return "open" if ended_at is None else closed


def _attempt(row: Row) -> TimelineEntry:
    return _from_row(
        row,
        "contact_attempt",
        at=row["at"],
        entity_id=row["attempt_id"],
        actor=row["actor"],
        status=row["decision"],
        columns=("channel", "direction", "contact_id", "contact_role", "decision"),
        rules=json.loads(row["rules"] or "[]"),
        outcome=row["outcome"],
        connected=row["connected"],
        conversation=bool(row["conversation"]),
        decision_id=row["decision_id"],
        action_id=row["action_id"],
    )


def _payment(row: Row) -> TimelineEntry:
    return _from_row(
        row,
        "payment",
        at=row["received_at"],
        entity_id=row["payment_id"],
        status=row["status"],
        columns=("account_id",),
        amount_minor=int(row["amount_minor"]),
        currency=row["currency"],
        method=row["method"],
    )


def _promises(store: SqlWorkbenchStore, account_ids: list[str]) -> list[TimelineEntry]:
    """A promise row keeps only the day it was made; the audit log has the instant."""
    made = store.recorded_at("promise.recorded", account_ids, "promise_id")
    return [_promise(row, made.get(row["promise_id"])) for row in store.promises(account_ids)]


def _promise(row: Row, made: datetime | None) -> TimelineEntry:
    return _from_row(
        row,
        "promise",
        at=made or row["promised_on"],
        entity_id=row["promise_id"],
        status=row["status"],
        columns=("account_id",),
        amount_minor=int(row["amount_minor"]),
        currency=row["currency"],
        due_on=_iso(row["due_on"]),
        resolved_on=_iso(row["resolved_on"]),
    )


def _plan(row: Row) -> TimelineEntry:
    instalments = int(row["instalments_minor"] or 0)
    return _from_row(
        row,
        "plan",
        at=row["created_at"],
        entity_id=row["plan_id"],
        status=row["status"],
        columns=("account_id",),
        plan_kind=row["kind"],
        currency=row["currency"],
        down_payment_minor=int(row["down_payment_minor"]),
        down_payment_due_on=_iso(row["down_payment_due_on"]),
        instalment_count=int(row["instalment_count"] or 0),
        total_minor=int(row["down_payment_minor"]) + instalments,
        discount_minor=int(row["discount_minor"]),
    )


def _dispute(row: Row) -> TimelineEntry:
    return _closable(
        row,
        "dispute",
        since="opened_at",
        until=("verified_at", "verified"),
        columns=("account_id", "reason"),
        written=bool(row["written"]),
    )


def _complaint(row: Row) -> TimelineEntry:
    return _closable(
        row,
        "complaint",
        since="opened_at",
        until=("resolved_at", "resolved"),
        columns=("channel", "summary"),
    )


def _hold(row: Row) -> TimelineEntry:
    return _closable(
        row,
        "hold",
        since="starts_at",
        until=("ends_at", "ended"),
        columns=("hold_type", "account_id", "reason"),
    )


def _closable(
    row: Row,
    kind: str,
    *,
    since: str,
    until: tuple[str, str],
    columns: tuple[str, ...],
    **converted: Any,
) -> TimelineEntry:
    """Disputes, complaints and holds: open from the `since` column until the `until` column
    is set, then in the status `until` names; that instant ends the details."""
    until_column, closed_status = until
    return _from_row(
        row,
        kind,
        at=row[since],
        entity_id=row[f"{kind}_id"],
        status=_open_unless(row[until_column], closed_status),
        columns=columns,
        **converted,
        **{until_column: _iso(row[until_column])},
    )


def _handoff(handoff: Handoff) -> TimelineEntry:
    return TimelineEntry(
        at=handoff.created_at,
        kind="handoff",
        entity_id=handoff.handoff_id,
        actor="robot" if handoff.conversation_id else None,
        status=_open_unless(handoff.resolved_at, "resolved"),
        details={
            "reason": handoff.reason,
            "priority": handoff.priority.value,
            "account_id": handoff.account_id,
            "conversation_id": handoff.conversation_id,
        },
    )


def _note(row: Row, scrub: Scrub) -> TimelineEntry:
    return _from_row(
        row,
        "note",
        at=row["created_at"],
        entity_id=row["note_id"],
        actor=row["author"],
        body=scrub(row["body"]),
    )


def _message(row: Row, scrub: Scrub) -> TimelineEntry:
    return _from_row(
        row,
        "message",
        at=row["created_at"],
        entity_id=row["message_id"],
        actor=row["created_by"],
        status=row["status"],
        columns=("account_id", "channel", "lang", "template"),
        text=scrub(row["text"]),
        content_verdict=row["content_verdict"],
        content_categories=json.loads(row["content_categories"] or "[]"),
        decision_id=row["decision_id"],
        next_allowed_at=_iso(row["next_allowed_at"]),
        sent_at=_iso(row["sent_at"]),
    )


def _conversations(
    uow: SqlUnitOfWork, conversation_ids: Iterable[str], scrub: Scrub
) -> list[TimelineEntry]:
    entries = []
    for conversation_id in conversation_ids:
        conversation = uow.conversations.get(conversation_id)
        events = uow.conversations.events(conversation_id)
        entries.append(
            TimelineEntry(
                at=conversation.created_at,
                kind="conversation",
                entity_id=conversation_id,
                actor=conversation.created_by,
                status="ended" if conversation.ended else conversation.state,
                details={
                    "account_id": conversation.account_id,
                    "channel": conversation.channel,
                    "lang": conversation.lang,
                    "state": conversation.state,
                    "end_reason": conversation.end_reason,
                    "decision_id": conversation.decision_id,
                    "transcript": [line for e in events if (line := _line(e, scrub)) is not None],
                },
            )
        )
    return entries


def _line(event: Event, scrub: Scrub) -> dict[str, Any] | None:
    """A transcript line: what the borrower said, and each robot sentence with its content
    guard verdict (a sentence held back by the guard was never sent)."""
    data = event.data
    if event.kind == "user_uttered":
        parse = data.get("parse")
        intent = parse.get("intent") if isinstance(parse, dict) else None
        return {
            "role": "borrower",
            "text": scrub(str(data["text"])),
            "at": event.at,
            "intent": intent,
        }
    if event.kind != "bot_uttered":
        return None
    categories = data.get("categories")
    return {
        "role": "robot",
        "text": scrub(str(data["text"])),
        "at": event.at,
        "verdict": data.get("verdict"),
        "categories": list(categories) if isinstance(categories, list) else [],
        "sent": data.get("sent") is True,
    }
