"""Entities of collection work: debtors, contact points, accounts, cases and their events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from huankuan.domain.delinquency import DueSchedule
from huankuan.domain.money import Money
from huankuan.domain.waterfall import Allocation


class ContactRole(StrEnum):
    SELF = "self"
    EMERGENCY_CONTACT = "emergency_contact"
    WORKPLACE = "workplace"
    THIRD_PARTY = "third_party"
    # Stand for the debtor rather than being third parties: the debtor's attorney, and the
    # executor or administrator of a deceased debtor's estate (12 CFR 1006.2(e), 1006.6(a)).
    ATTORNEY = "attorney"
    ESTATE_REPRESENTATIVE = "estate_representative"


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    ROBOT_CALL = "robot_call"
    AGENT_CALL = "agent_call"
    LETTER = "letter"
    CHAT = "chat"  # a robot chat opened in the borrower portal or app, reached by phone number

    @property
    def contact_kind(self) -> ContactKind:
        if self in (Channel.SMS, Channel.ROBOT_CALL, Channel.AGENT_CALL, Channel.CHAT):
            return ContactKind.PHONE
        return ContactKind.EMAIL if self is Channel.EMAIL else ContactKind.ADDRESS


class HoldType(StrEnum):
    DISPUTE = "dispute"
    CEASE_CONTACT = "cease_contact"
    ATTORNEY = "attorney"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    WELFARE = "welfare"
    COMPLAINT_REVIEW = "complaint_review"
    HARDSHIP_PLAN = "hardship_plan"


class Jurisdiction(StrEnum):
    CN_NIFA = "CN-NIFA"
    US_REGF = "US-RegF"


@dataclass(slots=True)
class Debtor:
    debtor_id: str
    name: str
    national_id: str
    date_of_birth: date | None
    timezone: str
    locale: str  # "zh_CN" | "en_US"
    jurisdiction: Jurisdiction


@dataclass(slots=True)
class ContactPoint:
    contact_id: str
    debtor_id: str
    kind: ContactKind
    value: str
    role: ContactRole
    timezone: str | None = None
    valid: bool = True
    consent: bool = True
    opted_out: frozenset[Channel] = frozenset()

    def usable_for(self, channel: Channel) -> bool:
        return (
            self.valid
            and self.consent
            and channel not in self.opted_out
            and channel.contact_kind == self.kind
        )


@dataclass(slots=True)
class Balances:
    """Outstanding amount by component, all in the account's currency."""

    fees: int
    penalty: int
    interest: int
    principal: int

    @property
    def total(self) -> int:
        return self.fees + self.penalty + self.interest + self.principal


@dataclass(slots=True)
class Account:
    account_id: str
    debtor_id: str
    product: str
    currency: str
    balances: Balances
    schedule: DueSchedule
    paid_to_date_minor: int
    balance_as_of: date
    timezone: str
    opened_on: date

    def outstanding(self) -> Money:
        return Money(self.balances.total, self.currency)


@dataclass(slots=True)
class Case:
    """The collection work on one debtor, over one or more accounts."""

    case_id: str
    debtor_id: str
    account_ids: list[str] = field(default_factory=list)
    assigned_to: str | None = None


@dataclass(slots=True)
class Payment:
    payment_id: str
    account_id: str
    amount: Money
    received_at: datetime  # aware, UTC
    method: str
    allocation: Allocation | None = None


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


@dataclass(slots=True)
class PromiseToPay:
    promise_id: str
    account_id: str
    amount: Money
    promised_on: date  # the day the promise was made (account-local)
    due_on: date
    status: PromiseStatus = PromiseStatus.OPEN
    resolved_on: date | None = None

    def resolve(self, paid_minor: int, business_date: date, grace_days: int) -> PromiseStatus:
        """Kept when payments since the promise cover it; broken once the grace has passed."""
        if self.status is not PromiseStatus.OPEN:
            return self.status
        if paid_minor >= self.amount.minor:
            self.status, self.resolved_on = PromiseStatus.KEPT, business_date
        elif (business_date - self.due_on).days > grace_days:
            self.status, self.resolved_on = PromiseStatus.BROKEN, business_date
        return self.status


@dataclass(slots=True)
class Instalment:
    due_on: date
    amount: Money


@dataclass(slots=True)
class RepaymentPlan:
    plan_id: str
    account_id: str
    down_payment: Money
    instalments: list[Instalment]
    discount: Money

    @property
    def total(self) -> Money:
        total = self.down_payment
        for instalment in self.instalments:
            total = total + instalment.amount
        return total


@dataclass(slots=True)
class Hold:
    hold_id: str
    debtor_id: str
    hold_type: HoldType
    starts_at: datetime
    reason: str
    ends_at: datetime | None = None
    account_id: str | None = None

    def active_at(self, moment: datetime) -> bool:
        return self.starts_at <= moment and (self.ends_at is None or moment < self.ends_at)


@dataclass(slots=True)
class ContactAttempt:
    attempt_id: str
    debtor_id: str
    contact_id: str
    channel: Channel
    at: datetime
    decision: str
    rules: tuple[str, ...]
    outcome: str | None = None  # no_answer, busy, connected, right_party_contact, ...


@dataclass(slots=True)
class Dispute:
    dispute_id: str
    account_id: str
    opened_at: datetime
    reason: str
    written: bool
    verified_at: datetime | None = None


@dataclass(slots=True)
class Complaint:
    complaint_id: str
    debtor_id: str
    opened_at: datetime
    channel: str
    summary: str
    resolved_at: datetime | None = None
