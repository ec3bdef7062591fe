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


# -- the agent workbench (issue 5): actions a person takes on a case they may act on ----------


@dataclass(frozen=True, slots=True)
class LogCallOutcome:
    """An agent's call and what came of it; the gate decides the call at the time it is logged.
    `action_id`: the queue item worked (a plan action), so it leaves the queue."""

    case_id: str
    outcome: str  # no_answer, busy, voicemail, right_party_contact, wrong_party, refused, …
    account_id: str | None = None  # default: the case's first account
    contact_id: str | None = None  # default: the plan item's, else the debtor's own phone
    action_id: str | None = None
    note: str | None = None
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class RecordCasePromise:
    case_id: str
    account_id: str
    amount_minor: int
    due_on: date
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class RecordCasePlan:
    """An instalment plan of `term` months, or a one-off settlement (`kind` "settlement") at
    the discount the policy allows; `down_payment_minor` None: the policy's minimum."""

    case_id: str
    account_id: str
    kind: str  # "instalments" | "settlement"
    term: int = 0
    down_payment_minor: int | None = None
    discount_minor: int = 0
    first_due_on: date | None = None  # the down payment's date; default: the policy's
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class OpenCaseDispute:
    case_id: str
    account_id: str
    reason: str
    written: bool
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class OpenCaseComplaint:
    case_id: str
    channel: str  # how the borrower complained: phone, email, letter, chat, regulator, …
    summary: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class PlaceCaseHold:
    case_id: str
    hold_type: str
    reason: str
    days: int | None = None  # None: until lifted
    account_id: str | None = None  # None: every account of the debtor
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class SendCaseMessage:
    """An SMS or email to the debtor, from a template or as free text (exactly one of them)."""

    case_id: str
    channel: str  # "sms" | "email"
    template: str | None = None
    text: str | None = None
    subject: str | None = None  # a free-text email's subject
    lang: str | None = None  # default: the debtor's language
    account_id: str | None = None
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class SendPortalLink:
    """A new borrower-portal link for one of the case's accounts, sent by SMS to the debtor's
    own phone."""

    case_id: str
    account_id: str | None = None  # default: the case's first account
    lang: str | None = None  # default: the debtor's language
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class AddCaseNote:
    case_id: str
    body: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class RevealPersonalData:
    """Show the debtor's personal data in clear; the reveal itself is audited."""

    case_id: str
    reason: str = ""
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class AssignCase:
    """Give a case to an agent (or move it from one agent to another)."""

    case_id: str
    username: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class AssignCases:
    """Give several cases to one agent, all or none."""

    case_ids: tuple[str, ...]
    username: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class ResolveFlag:
    """Close a flagged conversation or message with a resolution code and a note."""

    flag_id: str
    resolution: str
    note: str
    actor: str = "system"
