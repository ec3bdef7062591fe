"""What every rule mechanism sees: the facts of one attempt (scalar) or the columns (batch).

A mechanism is a few small functions for one rule `kind`:
- `scalar(rule, facts)` returns "block", "apply" (the rule conditioned an allowed attempt) or
  None (not applicable);
- `vector(rule)` returns the same as two boolean Polars expressions (blocks, applies) over the
  batch columns (`BATCH_COLUMNS`, plus the counter columns of history rules);
- `release(rule, facts)`, for a block that ends by itself with time, the earliest later instant
  at which this rule alone would let the same attempt through (None: waiting would not help);
- `counter(rule)`, for a rule that reads the history: which of the plan rows' joined earlier
  contacts (`HISTORY_BATCH_COLUMNS`) it counts, as (column, boolean expr); the batch gate sums
  them per row into that column;
- `release_days(rule)`, for a history rule that waits out: an aggregation over the same join
  giving the days after the row's local day at which the rule lets the row through.
The property tests hold the scalar and batch forms to agreeing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal

import polars as pl

from huankuan.compliance.facts import Attempt, ContactEvent, GateDebtor
from huankuan.localtime import local_to_utc, micros_of_day, utc_to_local

Outcome = Literal["block", "apply"] | None
Verdicts = tuple[pl.Expr, pl.Expr]  # (blocks, applies), both boolean and never null
ScalarCheck = Callable[[Any, "Facts"], Outcome]
VectorCheck = Callable[[Any], Verdicts]
ReleaseCheck = Callable[[Any, "Facts"], datetime | None]
CounterCheck = Callable[[Any], tuple[str, pl.Expr]]  # (column, which contacts count)
ReleaseDays = Callable[[Any], tuple[str, pl.Expr]]  # (column, days until the release)

# Batch columns the mechanisms read (prepared by the batch gate from ACTION_SCHEMA).
BATCH_COLUMNS = (
    "channel",
    "contact_role",
    "template",
    "purpose",
    "discloses_debt",
    "contact_valid",
    "contact_consent",
    "contact_refused",
    "opted_out",  # list[str]
    "hold_types",  # list[str]
    "debtor_unreachable",
    "debtor_micros",  # microseconds since local midnight in the debtor's zone (null: bad zone)
    "contact_micros",  # the same in the contact point's own zone
    "contact_zone_differs",  # the contact point has its own zone, different from the debtor's
)
# Columns of the plan rows joined to their debtor's earlier contacts (one row per pair).
HISTORY_BATCH_COLUMNS = (
    "_row",  # the plan row
    "person",
    "number",
    "account_id",
    "days_ago",  # the plan row's local day minus the contact's local day (debtor's zone)
    "e_channel",
    "e_direction",
    "e_connected",
    "e_conversation",
    "e_debt_ids",
    "e_person",
    "e_number",
)


@dataclass(frozen=True, slots=True)
class Facts:
    attempt: Attempt
    debtor: GateDebtor
    at: datetime  # aware UTC
    zone_micros: tuple[int | None, ...]  # per candidate zone of the debtor, the debtor's first
    contact_micros: int | None
    contact_zone_differs: bool
    history: tuple[ContactEvent, ...]
    day: date  # the attempt's local date in the debtor's zone

    @property
    def debtor_micros(self) -> int | None:
        return self.zone_micros[0]

    def moved(self, at: datetime) -> Facts:
        """The same attempt, history and debtor at another instant."""
        return make_facts(self.attempt, self.history, self.debtor, at)

    def local_day(self, moment: datetime) -> date:
        return local_day(moment, self.debtor.timezone)

    def local_midnight(self, day: date) -> datetime:
        """The instant (aware UTC) the local `day` starts in the debtor's zone."""
        start = local_to_utc(datetime.combine(day, time()), self.debtor.timezone)
        return (start or datetime.combine(day, time())).replace(tzinfo=UTC)

    def earlier_contacts(self) -> list[tuple[ContactEvent, int]]:
        """(contact, days before the attempt's local day) for every contact up to the attempt."""
        return [
            (event, (self.day - self.local_day(event.at)).days)
            for event in self.history
            if event.at <= self.at
        ]


def local_day(moment: datetime, zone_name: str) -> date:
    """The local calendar date of an aware instant; the UTC date when the zone is unknown (the
    contact-hours rule blocks such an attempt anyway)."""
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    local = utc_to_local(naive, zone_name)
    return (local or naive).date()


def make_facts(
    attempt: Attempt, history: tuple[ContactEvent, ...], debtor: GateDebtor, at: datetime
) -> Facts:
    naive = at.astimezone(UTC).replace(tzinfo=None)
    zone_micros = []
    for zone_name in debtor.candidate_zones:
        local = utc_to_local(naive, zone_name)
        zone_micros.append(None if local is None else micros_of_day(local))
    differs = attempt.contact_timezone is not None and attempt.contact_timezone != debtor.timezone
    contact_local = (
        utc_to_local(naive, attempt.contact_timezone)
        if (differs and attempt.contact_timezone is not None)
        else None
    )
    return Facts(
        attempt=attempt,
        debtor=debtor,
        at=at.astimezone(UTC),
        zone_micros=tuple(zone_micros),
        contact_micros=None if contact_local is None else micros_of_day(contact_local),
        contact_zone_differs=differs,
        history=history,
        day=local_day(at, debtor.timezone),
    )


NEVER = pl.lit(False)


def one_of(column: str, values: list[str]) -> pl.Expr:
    """`column` is one of `values` (never, for no values)."""
    return pl.col(column).is_in(values) if values else NEVER
