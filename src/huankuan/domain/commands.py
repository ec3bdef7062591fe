"""Commands: what someone asks the system to do (imperative names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from huankuan.domain.model import HoldType


@dataclass(frozen=True, slots=True)
class RunDailyCycle:
    business_date: date
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class RecordPromise:
    account_id: str
    amount_minor: int
    due_on: date
    promised_on: date
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class PlaceHold:
    debtor_id: str
    hold_type: HoldType
    starts_at: datetime
    reason: str
    ends_at: datetime | None = None
    account_id: str | None = None
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class LiftHold:
    hold_id: str
    at: datetime
    actor: str = "system"


# -- robot conversations (issue 4) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartConversation:
    account_id: str
    lang: str | None = None  # "zh" | "en"; default: the debtor's locale
    channel: str = "chat"  # "chat" | "voice" | "sms"
    profile: str | None = None  # "CN-NIFA" | "US-RegF"; default: the debtor's jurisdiction
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class SendMessage:
    """A borrower's message to a robot conversation."""

    conversation_id: str
    text: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class RecordPlan:
    account_id: str
    kind: str  # "instalments" | "settlement"
    currency: str
    down_payment_minor: int
    down_payment_due_on: date
    instalments: tuple[tuple[date, int], ...]  # (due_on, amount_minor)
    discount_minor: int
    agreed_on: date
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class OpenDispute:
    account_id: str
    reason: str
    written: bool
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class OpenComplaint:
    debtor_id: str
    channel: str
    summary: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class HandOff:
    """Queue the case for a human: `priority` "urgent" (self-harm) or "normal"."""

    debtor_id: str
    account_id: str
    reason: str
    priority: str
    details: str = "{}"  # JSON
    conversation_id: str | None = None
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class ScheduleCallback:
    account_id: str
    debtor_id: str
    contact_id: str | None
    channel: str
    requested_date: date | None
    requested_time: str | None  # "HH:MM" local
    scheduled_at: datetime | None  # aware UTC; None when no allowed time was found
    conversation_id: str | None = None
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class MarkContactInvalid:
    """Stop using a contact point for collection (a wrong party answered, …)."""

    contact_id: str
    reason: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class AddUser:
    username: str
    role: str
    password: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class CreateApiToken:
    username: str
    actor: str = "system"
