"""Robot conversations: the summary row and the append-only events (the tracker's, stored as
JSON), read back in order so that replaying them rebuilds the conversation exactly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from huankuan.adapters.storage.repositories import from_db_time, to_db_time
from huankuan.adapters.storage.tables import conversation_events, conversations
from huankuan.dialogue.tracker import Event, JsonObject
from huankuan.domain.conversations import Conversation
from huankuan.domain.errors import ConcurrentUpdate, NotFound


class SqlConversationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, conversation: Conversation) -> None:
        values = asdict(conversation)
        values["created_at"] = to_db_time(conversation.created_at)
        values["updated_at"] = to_db_time(conversation.updated_at)
        self._connection.execute(insert(conversations).values(**values))

    def get(self, conversation_id: str) -> Conversation:
        row = self._connection.execute(
            select(conversations).where(conversations.c.conversation_id == conversation_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"no conversation {conversation_id!r}")
        values = dict(row._mapping)
        values["created_at"] = from_db_time(values["created_at"])
        values["updated_at"] = from_db_time(values["updated_at"])
        return Conversation(**values)

    def save_summary(self, conversation: Conversation) -> None:
        self._connection.execute(
            update(conversations)
            .where(conversations.c.conversation_id == conversation.conversation_id)
            .values(
                state=conversation.state,
                ended=conversation.ended,
                end_reason=conversation.end_reason,
                updated_at=to_db_time(conversation.updated_at),
            )
        )

    def append(self, conversation_id: str, events: Iterable[Event], default_at: datetime) -> None:
        """Store new events. Two writers appending the same sequence numbers collide on the
        primary key: the second gets ConcurrentUpdate and its turn is not stored."""
        rows = [_event_row(conversation_id, event, default_at) for event in events]
        if not rows:
            return
        try:
            self._connection.execute(insert(conversation_events), rows)
        except IntegrityError as error:  # the transaction is lost: the caller's uow rolls back
            raise ConcurrentUpdate(
                f"conversation {conversation_id} was changed meanwhile; send the message again"
            ) from error

    def events(self, conversation_id: str) -> list[Event]:
        rows = self._connection.execute(
            select(conversation_events)
            .where(conversation_events.c.conversation_id == conversation_id)
            .order_by(conversation_events.c.seq)
        )
        return [_event(row._mapping) for row in rows]


def _event_row(conversation_id: str, event: Event, default_at: datetime) -> dict[str, Any]:
    at = datetime.fromisoformat(event.at) if event.at is not None else default_at
    return {
        "conversation_id": conversation_id,
        "seq": event.seq,
        "at": to_db_time(at),
        "type": event.kind,
        # The event's own `at` (None or ISO) is kept verbatim, so a replay sees the same event.
        "payload": {"data": event.data, "at": event.at},
    }


def _event(row: Mapping[Any, Any]) -> Event:
    payload = cast(dict[str, Any], row["payload"])
    return Event.from_dict(
        {
            "seq": row["seq"],
            "kind": row["type"],
            "data": cast(JsonObject, payload["data"]),
            "at": payload.get("at"),
        }
    )
