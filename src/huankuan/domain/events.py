"""Events: facts that happened (past-tense names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PromiseRecorded:
    promise_id: str
    account_id: str


@dataclass(frozen=True, slots=True)
class PromiseKept:
    promise_id: str
    on: date


@dataclass(frozen=True, slots=True)
class PromiseBroken:
    promise_id: str
    on: date


@dataclass(frozen=True, slots=True)
class HoldPlaced:
    hold_id: str
    debtor_id: str
    hold_type: str


@dataclass(frozen=True, slots=True)
class CycleCompleted:
    business_date: date
    planned_actions: int
