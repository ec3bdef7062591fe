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
