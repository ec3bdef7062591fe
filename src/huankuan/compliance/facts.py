"""What the gate decides on: one contact attempt, the debtor's state, and the decision.

The scalar types are the reference; the batch gate takes the same facts as frame columns
(`ACTION_SCHEMA`) and must decide every row exactly as `engine.evaluate` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import polars as pl

from huankuan.domain.model import Channel, ContactRole

DecisionValue = Literal["allow", "block"]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One planned or immediate contact on one channel to one contact point."""

    channel: Channel
    at: datetime | None = None  # aware; None = now
    contact_role: ContactRole = ContactRole.SELF
    template: str = ""
    discloses_debt: bool = True
    contact_timezone: str | None = None  # the contact point's own zone, when it has one
    contact_valid: bool = True
    contact_consent: bool = True
    contact_opted_out: frozenset[str] = frozenset()  # channel names (and "call" for both calls)


@dataclass(frozen=True, slots=True)
class GateDebtor:
    """The debtor-side facts the gate needs: where they are and which holds are active."""

    timezone: str
    hold_types: frozenset[str] = frozenset()
    unreachable: bool = False  # no usable (valid, consented) phone of their own


@dataclass(frozen=True, slots=True)
class Decision:
    decision: DecisionValue
    rules: tuple[str, ...]  # blocking rules when blocked, else the rules that applied
    explanation: str
    next_allowed_at: datetime | None = None  # aware UTC; None when waiting would not help
    gate_version: str = ""  # engine and profile version, as stored on plan rows

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"


# Columns of the batch gate's input frame (one row per planned action).
ACTION_SCHEMA: dict[str, pl.DataType] = {
    "action_id": pl.String(),
    "jurisdiction": pl.String(),
    "debtor_timezone": pl.String(),
    "contact_timezone": pl.String(),  # null = same as the debtor's
    "scheduled_at": pl.Datetime("us"),  # naive UTC
    "channel": pl.String(),
    "contact_role": pl.String(),
    "template": pl.String(),
    "discloses_debt": pl.Boolean(),
    "contact_valid": pl.Boolean(),
    "contact_consent": pl.Boolean(),
    "contact_opted_out": pl.String(),  # ';'-joined, as stored
    "hold_types": pl.List(pl.String()),
    "debtor_unreachable": pl.Boolean(),
}
