"""What every rule mechanism sees: the facts of one attempt (scalar) or the columns (batch).

A mechanism is a pair of small functions for one rule `kind`: `scalar(rule, facts)` returns
"block", "apply" (the rule conditioned an allowed attempt) or None (not applicable), and
`vector(rule)` returns the same as two boolean Polars expressions (blocks, applies) over the
batch columns listed in `BATCH_COLUMNS`. The property test holds them to agreeing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import polars as pl

from huankuan.compliance.facts import Attempt, GateDebtor

Outcome = Literal["block", "apply"] | None
Verdicts = tuple[pl.Expr, pl.Expr]  # (blocks, applies), both boolean and never null
ScalarCheck = Callable[[Any, "Facts"], Outcome]
VectorCheck = Callable[[Any], Verdicts]

# Batch columns the mechanisms read (prepared by the engine from ACTION_SCHEMA).
BATCH_COLUMNS = (
    "channel",
    "contact_role",
    "template",
    "discloses_debt",
    "contact_valid",
    "contact_consent",
    "opted_out",  # list[str]
    "hold_types",  # list[str]
    "debtor_unreachable",
    "debtor_micros",  # microseconds since local midnight in the debtor's zone (null: bad zone)
    "contact_micros",  # the same in the contact point's own zone
    "contact_zone_differs",  # the contact point has its own zone, different from the debtor's
)


@dataclass(frozen=True, slots=True)
class Facts:
    attempt: Attempt
    debtor: GateDebtor
    at: datetime  # aware UTC
    debtor_micros: int | None
    contact_micros: int | None
    contact_zone_differs: bool


NEVER = pl.lit(False)
