"""Case work records that conversations (and later agents) create: a case queued for a human,
a scheduled callback, and an outbound message waiting for (or past) its channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class HandoffPriority(StrEnum):
    URGENT = "urgent"  # self-harm: a trained colleague, before anything else
    NORMAL = "normal"


@dataclass(slots=True)
class Handoff:
    handoff_id: str
    case_id: str
    reason: str
    priority: HandoffPriority
    created_at: datetime  # aware UTC
    account_id: str | None = None
    conversation_id: str | None = None
    details: str = "{}"  # JSON
    resolved_at: datetime | None = None


@dataclass(slots=True)
class Callback:
    callback_id: str
    account_id: str
    debtor_id: str
    channel: str
    created_at: datetime
    contact_id: str | None = None
    conversation_id: str | None = None
    requested_date: date | None = None
    requested_time: str | None = None  # "HH:MM", the debtor's local time
    scheduled_at: datetime | None = None  # aware UTC; None: the gate allows no time soon
    status: str = "scheduled"


class MessageStatus(StrEnum):
    QUEUED = "queued"  # allowed by the gate, waiting for its channel
    SENT = "sent"
    DEFERRED = "deferred"  # the gate allows it later (next_allowed_at)
    BLOCKED = "blocked"  # the gate or the content guard refuses it


@dataclass(slots=True)
class QueuedMessage:
    message_id: str
    account_id: str
    debtor_id: str
    channel: str
    lang: str
    template: str
    text: str
    content_verdict: str
    created_at: datetime
    status: MessageStatus
    content_categories: tuple[str, ...] = ()
    contact_id: str | None = None
    conversation_id: str | None = None
    decision_id: str | None = None
    next_allowed_at: datetime | None = None
    provider_id: str | None = None
    sent_at: datetime | None = None
    created_by: str | None = None  # "robot", "user:<name>"
