"""The SQL of flag review: finding what needs a supervisor's eyes (robot sentences the content
guard held back, outbound messages it blocked, urgent self-harm hand-offs, welfare holds) that
has no flag yet, upserting flags idempotently, and listing and closing them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.elements import ColumnElement

from huankuan.adapters.storage.repositories import to_db_time
from huankuan.adapters.storage.tables import (
    cases,
    conversation_events,
    conversations,
    debtors,
    flag_reviews,
    handoffs,
    holds,
    outbound_messages,
)

EVENT_ID_SEPARATOR = "#"  # a conversation event's flag source id: "<conversation_id>#<seq>"


def _unflagged(source_type: str, source_id: Any) -> ColumnElement[bool]:
    return ~(
        select(flag_reviews.c.flag_id)
        .where(flag_reviews.c.source_type == source_type, flag_reviews.c.source_id == source_id)
        .exists()
    )


class SqlFlagStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- finding -----------------------------------------------------------------------------

    def latest_source_at(self, source_type: str) -> datetime | None:
        """When the newest flagged thing of this type happened (flags open at their source's
        time), so that a sync reads only what came after it (and a margin)."""
        return self._connection.execute(
            select(func.max(flag_reviews.c.opened_at)).where(
                flag_reviews.c.source_type == source_type
            )
        ).scalar_one_or_none()

    def withheld_sentences(self, since: datetime | None) -> Sequence[Any]:
        """Robot sentences screened as violations (by the content guard or the script's
        identity gate) and not flagged yet, with the debtor and case."""
        events = conversation_events.c
        source_id = events.conversation_id + EVENT_ID_SEPARATOR + cast(events.seq, String)
        verdict = events.payload[("data", "verdict")].as_string()
        query = (
            select(
                source_id.label("source_id"),
                events.at,
                events.payload,
                conversations.c.debtor_id,
                debtors.c.name,
                cases.c.case_id,
            )
            .join(conversations, conversations.c.conversation_id == events.conversation_id)
            .join(debtors, debtors.c.debtor_id == conversations.c.debtor_id)
            .outerjoin(cases, cases.c.debtor_id == conversations.c.debtor_id)
            .where(events.type == "bot_uttered", verdict == "violation")
            .where(_unflagged("conversation", source_id))
            .order_by(events.at, source_id)
        )
        if since is not None:
            query = query.where(events.at >= since)
        return self._connection.execute(query).all()

    def blocked_messages(self, since: datetime | None) -> Sequence[Any]:
        messages = outbound_messages.c
        query = (
            select(
                messages.message_id.label("source_id"),
                messages.created_at.label("at"),
                messages.text,
                messages.content_categories,
                messages.channel,
                messages.created_by,
                messages.debtor_id,
                debtors.c.name,
                cases.c.case_id,
            )
            .join(debtors, debtors.c.debtor_id == messages.debtor_id)
            .outerjoin(cases, cases.c.debtor_id == messages.debtor_id)
            .where(messages.content_verdict == "violation")
            .where(_unflagged("message", messages.message_id))
            .order_by(messages.created_at, messages.message_id)
        )
        if since is not None:
            query = query.where(messages.created_at >= since)
        return self._connection.execute(query).all()

    def urgent_handoffs(self) -> Sequence[Any]:
        query = (
            select(
                handoffs.c.handoff_id.label("source_id"),
                handoffs.c.created_at.label("at"),
                handoffs.c.reason,
                handoffs.c.conversation_id,
                handoffs.c.case_id,
            )
            .where(handoffs.c.priority == "urgent")
            .where(_unflagged("handoff", handoffs.c.handoff_id))
            .order_by(handoffs.c.created_at)
        )
        return self._connection.execute(query).all()

    def welfare_holds(self) -> Sequence[Any]:
        query = (
            select(
                holds.c.hold_id.label("source_id"),
                holds.c.starts_at.label("at"),
                holds.c.reason,
                holds.c.debtor_id,
                debtors.c.name,
                cases.c.case_id,
            )
            .join(debtors, debtors.c.debtor_id == holds.c.debtor_id)
            .outerjoin(cases, cases.c.debtor_id == holds.c.debtor_id)
            .where(holds.c.hold_type == "welfare")
            .where(_unflagged("hold", holds.c.hold_id))
            .order_by(holds.c.starts_at)
        )
        return self._connection.execute(query).all()

    def urgent_handoff_times(self, debtor_ids: Iterable[str]) -> dict[str, list[datetime]]:
        """When each debtor's case got an urgent hand-off (to tell a robot's welfare hold, which
        comes with one, from a hold a person placed)."""
        query = (
            select(cases.c.debtor_id, handoffs.c.created_at)
            .join(cases, cases.c.case_id == handoffs.c.case_id)
            .where(handoffs.c.priority == "urgent", cases.c.debtor_id.in_(list(debtor_ids)))
        )
        found: dict[str, list[datetime]] = {}
        for debtor_id, created_at in self._connection.execute(query):
            found.setdefault(str(debtor_id), []).append(created_at)
        return found

    # -- writing -----------------------------------------------------------------------------

    def add(self, values: Mapping[str, Any]) -> bool:
        """Insert the flag unless its (source type, source id, kind) is flagged already (a
        concurrent sync): True when it was new."""
        dialect = self._connection.dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(flag_reviews)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(flag_reviews.c.flag_id)
        )
        return self._connection.execute(statement).first() is not None

    def resolve(self, flag_id: str, values: Mapping[str, Any]) -> bool:
        """Close the flag if it is still open (False: someone closed it meanwhile)."""
        result = self._connection.execute(
            update(flag_reviews)
            .where(flag_reviews.c.flag_id == flag_id, flag_reviews.c.status == "open")
            .values(status="resolved", **values)
        )
        return result.rowcount == 1

    def close_handoff(self, handoff_id: str, at: datetime) -> bool:
        """Mark the hand-off dealt with, if it is still open (False: it was already)."""
        result = self._connection.execute(
            update(handoffs)
            .where(handoffs.c.handoff_id == handoff_id, handoffs.c.resolved_at.is_(None))
            .values(resolved_at=to_db_time(at))
        )
        return result.rowcount == 1

    # -- reading -----------------------------------------------------------------------------

    def get(self, flag_id: str) -> Any:
        return self._connection.execute(
            select(flag_reviews).where(flag_reviews.c.flag_id == flag_id)
        ).one_or_none()

    def page(
        self, *, status: str | None, kind: str | None, limit: int, offset: int
    ) -> tuple[int, Sequence[Any]]:
        """Flags, self-harm first, then the oldest open first (the longest waiting); resolved
        ones newest first."""
        query = select(flag_reviews)
        if status is not None:
            query = query.where(flag_reviews.c.status == status)
        if kind is not None:
            query = query.where(flag_reviews.c.kind == kind)
        total = self._connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        ordered = query.order_by(
            flag_reviews.c.status,  # "open" before "resolved"
            (flag_reviews.c.kind != "self_harm"),
            flag_reviews.c.resolved_at.desc(),
            flag_reviews.c.opened_at,
            flag_reviews.c.source_type,
            flag_reviews.c.source_id,
        )
        return int(total), self._connection.execute(ordered.limit(limit).offset(offset)).all()

    def open_counts(self) -> dict[str, int]:
        rows = self._connection.execute(
            select(flag_reviews.c.kind, func.count())
            .where(flag_reviews.c.status == "open")
            .group_by(flag_reviews.c.kind)
        )
        return {str(kind): int(n) for kind, n in rows}
