"""Request and response bodies of the workbench API (cases, accounts, the queue, the actions),
and the mapping from the service layer's views to them. Money is exact: integer minor units
with the currency, never a float."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from huankuan.domain.money import Money
from huankuan.service_layer.case_timeline import TimelineEntry
from huankuan.service_layer.case_view import (
    AccountView,
    CallVerdict,
    CaseSummary,
    CaseView,
    DebtorView,
    HoldView,
)
from huankuan.service_layer.workbench_queue import Queue, QueueHandoff, QueueItem

Text = Annotated[str, Field(min_length=1, max_length=2000)]
Id = Annotated[str, Field(min_length=1, max_length=96)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests ---------------------------------------------------------------------------------


class OutcomeIn(_Body):
    outcome: str = Field(
        min_length=1,
        max_length=32,
        description="no_answer, voicemail, busy, not_in_service, right_party_contact, "
        "wrong_party, refused, promise_to_pay, plan, dispute, hardship, callback_requested.",
    )
    account_id: str | None = Field(default=None, description="Default: the case's first account.")
    contact_id: str | None = Field(default=None, description="Default: the debtor's own phone.")
    action_id: str | None = Field(default=None, description="The queue item worked, if any.")
    note: str | None = Field(default=None, max_length=2000)


class PromiseIn(_Body):
    account_id: Id
    amount_minor: int = Field(gt=0, description="Minor units (fen, cents).")
    due_on: date


class PlanIn(_Body):
    account_id: Id
    kind: Literal["instalments", "settlement"]
    term: int = Field(default=0, ge=0, le=120, description="Monthly instalments (instalments).")
    down_payment_minor: int | None = Field(default=None, ge=0, description="Default: policy's.")
    discount_minor: int = Field(default=0, ge=0, description="Settlement only; default: policy's.")
    first_due_on: date | None = Field(default=None, description="Default: the policy's.")


class DisputeIn(_Body):
    account_id: Id
    reason: Text
    written: bool = False


class ComplaintIn(_Body):
    channel: str = Field(min_length=1, max_length=16, description="phone, email, letter, …")
    summary: Text


class HoldIn(_Body):
    hold_type: str = Field(min_length=1, max_length=24)
    reason: Text
    days: int | None = Field(default=None, description="Default: until lifted.")
    account_id: str | None = None


class MessageIn(_Body):
    channel: Literal["sms", "email"]
    template: str | None = Field(default=None, max_length=64)
    text: str | None = Field(default=None, max_length=4000)
    subject: str | None = Field(default=None, max_length=200)
    lang: Literal["zh", "en"] | None = None
    account_id: str | None = None


class PortalLinkIn(_Body):
    account_id: Id | None = Field(default=None, description="Default: the case's first account.")
    lang: Literal["zh", "en"] | None = Field(default=None, description="Default: the debtor's.")


class NoteIn(_Body):
    body: Text


class RevealIn(_Body):
    reason: str = Field(default="", max_length=500)


# -- responses --------------------------------------------------------------------------------


class MoneyOut(BaseModel):
    minor: int
    currency: str


class Created(BaseModel):
    id: str


class CallLoggedOut(BaseModel):
    attempt_id: str
    decision_id: str
    action_id: str
    outcome: str


class MessageSentOut(BaseModel):
    id: str
    status: str
    decision_id: str
    provider_id: str


class PortalLinkSentOut(BaseModel):
    """The link by its id (its token went to the debtor's phone only) and the SMS."""

    link_id: str
    expires_at: datetime
    message_id: str
    status: str
    decision_id: str
    provider_id: str


class ContactOut(BaseModel):
    contact_id: str
    kind: str
    role: str
    value: str
    valid: bool
    consent: bool
    opted_out: str
    invalid_reason: str | None


class DebtorOut(BaseModel):
    debtor_id: str
    name: str
    national_id: str
    date_of_birth: str | None
    timezone: str
    locale: str
    jurisdiction: str
    masked: bool
    contacts: list[ContactOut]


class AccountOut(BaseModel):
    account_id: str
    case_id: str
    debtor_id: str
    product: str
    currency: str
    total: MoneyOut
    principal: MoneyOut
    interest: MoneyOut
    penalty: MoneyOut
    fees: MoneyOut
    paid_to_date: MoneyOut
    instalment: MoneyOut
    balances_from: Literal["cycle", "import"]
    as_of: date
    days_past_due: int | None
    bucket: str | None
    segment: str | None
    oldest_unpaid_due_on: date | None
    opened_on: date
    first_due_on: date
    timezone: str


class HoldOut(BaseModel):
    hold_id: str
    hold_type: str
    account_id: str | None
    reason: str
    starts_at: datetime
    ends_at: datetime | None


class VerdictOut(BaseModel):
    """The gate's verdict now on an agent calling the debtor about the account."""

    account_id: str
    contact_id: str | None
    contact: str
    decision: Literal["allow", "block"]
    rules: list[str]
    next_allowed_at: datetime | None
    explanation: str


class TimelineOut(BaseModel):
    at: datetime
    kind: str
    entity_id: str
    actor: str | None
    status: str | None
    details: dict[str, Any]


class CaseOut(BaseModel):
    case_id: str
    status: str
    assigned_to: str | None
    at: datetime
    debtor: DebtorOut
    accounts: list[AccountOut]
    holds: list[HoldOut]
    call_verdicts: list[VerdictOut]
    timeline: list[TimelineOut]


class CaseSummaryOut(BaseModel):
    case_id: str
    debtor_id: str
    debtor_name: str
    jurisdiction: str
    assigned_to: str | None
    status: str
    account_count: int


class QueueItemOut(BaseModel):
    action_id: str
    case_id: str
    account_id: str
    debtor_id: str
    debtor_name: str
    contact_id: str
    contact: str
    contact_role: str
    channel: str
    template: str
    priority: int
    scheduled_at: datetime
    timezone: str
    bucket: str
    segment: str
    decision: Literal["allow", "block"]
    rules: list[str]
    next_allowed_at: datetime | None


class HandoffOut(BaseModel):
    handoff_id: str
    case_id: str
    debtor_name: str
    reason: str
    priority: str
    created_at: datetime
    account_id: str | None
    conversation_id: str | None


class QueueOut(BaseModel):
    business_date: date | None
    at: datetime
    ready: list[QueueItemOut]
    blocked: list[QueueItemOut]
    blocked_count: int
    handoffs: list[HandoffOut]


# -- from the service layer's views -------------------------------------------------------------


def money_out(amount: Money) -> MoneyOut:
    return MoneyOut(minor=amount.minor, currency=amount.currency)


def debtor_out(debtor: DebtorView) -> DebtorOut:
    return DebtorOut(
        debtor_id=debtor.debtor_id,
        name=debtor.name,
        national_id=debtor.national_id,
        date_of_birth=debtor.date_of_birth,
        timezone=debtor.timezone,
        locale=debtor.locale,
        jurisdiction=debtor.jurisdiction,
        masked=debtor.masked,
        contacts=[ContactOut.model_validate(c, from_attributes=True) for c in debtor.contacts],
    )


def account_out(account: AccountView) -> AccountOut:
    amounts = ("principal", "interest", "penalty", "fees", "paid_to_date", "instalment")
    fields: dict[str, Any] = {
        name: getattr(account, name) for name in AccountOut.model_fields if hasattr(account, name)
    }
    fields.update({name: money_out(getattr(account, name)) for name in amounts})
    fields["total"] = money_out(account.total)
    fields["balances_from"] = "cycle" if account.from_cycle else "import"
    return AccountOut.model_validate(fields)


def hold_out(hold: HoldView) -> HoldOut:
    return HoldOut.model_validate(hold, from_attributes=True)


def verdict_out(verdict: CallVerdict) -> VerdictOut:
    return VerdictOut(
        account_id=verdict.account_id,
        contact_id=verdict.contact_id,
        contact=verdict.contact,
        decision="allow" if verdict.allowed else "block",
        rules=list(verdict.rules),
        next_allowed_at=verdict.next_allowed_at,
        explanation=verdict.explanation,
    )


def timeline_out(entry: TimelineEntry) -> TimelineOut:
    return TimelineOut.model_validate(entry, from_attributes=True)


def case_out(case: CaseView) -> CaseOut:
    return CaseOut(
        case_id=case.case_id,
        status=case.status,
        assigned_to=case.assigned_to,
        at=case.at,
        debtor=debtor_out(case.debtor),
        accounts=[account_out(account) for account in case.accounts],
        holds=[hold_out(hold) for hold in case.holds],
        call_verdicts=[verdict_out(verdict) for verdict in case.verdicts],
        timeline=[timeline_out(entry) for entry in case.timeline],
    )


def summary_out(summary: CaseSummary) -> CaseSummaryOut:
    return CaseSummaryOut.model_validate(summary, from_attributes=True)


def queue_out(queue: Queue) -> QueueOut:
    return QueueOut(
        business_date=queue.business_date,
        at=queue.at,
        ready=[_item(item) for item in queue.ready],
        blocked=[_item(item) for item in queue.blocked],
        blocked_count=queue.blocked_count,
        handoffs=[_handoff(handoff) for handoff in queue.handoffs],
    )


def _item(item: QueueItem) -> QueueItemOut:
    fields = {
        name: getattr(item, name) for name in QueueItemOut.model_fields if hasattr(item, name)
    }
    fields["rules"] = list(item.rules)
    return QueueItemOut(**fields, decision="allow" if item.allowed else "block")


def _handoff(handoff: QueueHandoff) -> HandoffOut:
    return HandoffOut.model_validate(handoff, from_attributes=True)
