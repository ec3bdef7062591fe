"""Robot conversations as the case sees them: the stored summary of one conversation, and the
account facts a conversation starts from. The conversation itself is its events
(dialogue/tracker.py); these are the plain records around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from huankuan.domain.model import ContactPoint

CONVERSATION_CHANNELS = ("chat", "voice", "sms")


@dataclass(slots=True)
class Conversation:
    conversation_id: str
    account_id: str
    debtor_id: str
    contact_id: str | None
    lang: str  # "zh" | "en"
    channel: str  # "chat" | "voice" | "sms"
    profile: str  # the jurisdiction profile the robot follows
    state: str
    created_by: str
    created_at: datetime  # aware UTC
    updated_at: datetime
    ended: bool = False
    end_reason: str | None = None
    decision_id: str | None = None  # the gate decision that allowed the contact


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What the robot may know about an account before it speaks, as stored."""

    account_id: str
    debtor_id: str
    debtor_name: str
    jurisdiction: str
    locale: str  # "zh_CN" | "en_US"
    debtor_timezone: str
    currency: str
    amount_due_minor: int  # the latest cycle's balance, else the imported one
    oldest_unpaid_due_on: date | None
    first_due_on: date
    contact_points: tuple[ContactPoint, ...] = ()
    hold_types: frozenset[str] = field(default_factory=frozenset)  # active now
    case_id: str | None = None
    assigned_to: str | None = None
