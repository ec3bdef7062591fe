"""Ports: the interfaces the core needs from the outside world; adapters implement them.

Batch ports exchange Polars frames (typed only; the domain never imports Polars at run time).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import polars as pl


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class AuditLog(Protocol):
    def record(
        self,
        *,
        actor: str,
        action: str,
        entity_type: str,
        entity_id: str,
        details: Mapping[str, Any],
    ) -> None: ...


class Scorer(Protocol):
    """Scores accounts. Input: one row per account with the cycle's features.

    Output adds `score` (int 0..1000, higher = likelier to pay), `segment` and `score_reasons`
    (list of reason codes, strongest first).
    """

    name: str

    def score(self, features: pl.DataFrame) -> pl.DataFrame: ...


class ComplianceGate(Protocol):
    """Decides every planned contact. Input: one row per planned action, and the earlier
    contacts of the plan's debtors (one row each; none = no history); output adds `decision`
    ("allow"|"block"), `rules` (list of rule ids) and `next_allowed_at` (UTC or null).
    """

    version: str

    def evaluate_plan(
        self, actions: pl.DataFrame, history: pl.DataFrame | None = None
    ) -> pl.DataFrame: ...


class CycleStore(Protocol):
    """Set-based reads and writes of the daily cycle (bulk SQL inside the adapter).

    Frames carry stored values: naive UTC datetimes, account-local dates, minor units.
    Every method runs inside the caller's transaction.
    """

    def account_count(self) -> int: ...

    def latest_balance_as_of(self) -> date | None: ...

    def latest_completed_cycle(self) -> date | None: ...

    def cycle_ran(self, business_date: date) -> bool: ...

    def load_accounts(self) -> pl.DataFrame: ...

    def load_allocation_totals(self) -> pl.DataFrame: ...

    def load_pending_payments(self, received_before: datetime) -> pl.DataFrame: ...

    def save_allocations(self, allocations: pl.DataFrame) -> None: ...

    def load_settled_payments(
        self, received_from: datetime, received_before: datetime
    ) -> pl.DataFrame: ...

    def load_open_promises(self) -> pl.DataFrame: ...

    def save_promise_resolutions(self, resolutions: pl.DataFrame) -> None: ...

    def load_broken_promise_counts(self) -> pl.DataFrame: ...

    def load_contact_points(self) -> pl.DataFrame: ...

    def load_holds(self, starts_before: datetime, ends_after: datetime) -> pl.DataFrame: ...

    def load_contact_history(self, since: datetime, until: datetime) -> pl.DataFrame:
        """Contacts made before `until`: those since `since`, and all with third parties."""
        ...

    def replace_account_states(self, states: pl.DataFrame) -> None: ...

    def replace_plan(self, business_date: date, plan: pl.DataFrame) -> None: ...

    def load_plan(self, business_date: date) -> pl.DataFrame: ...

    def save_cycle_run(
        self,
        *,
        business_date: date,
        started_at: datetime,
        finished_at: datetime,
        status: str,
        stats: Mapping[str, Any],
    ) -> None: ...
