"""The daily cycle: one business date, one transaction, set-based from end to end.

reconcile payments ▶ promises ▶ days past due & bucket ▶ holds ▶ score ▶ treatments ▶ gate ▶
store the plan, the run and one audit row. Idempotent per business date: a re-run replaces
the day's plan and states with identical ones; allocations and promise resolutions, once made,
are not made again. Dates after today, before the data, or before the last completed cycle
are refused before anything is written.
"""

from __future__ import annotations

import time as clock_time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import Connection

from huankuan.adapters.storage.cycle_store import SqlCycleStore
from huankuan.compliance.batch import ProfileGate
from huankuan.domain.errors import CycleDateError, InvalidInput
from huankuan.domain.ports import ComplianceGate, CycleStore, Scorer
from huankuan.scoring.scorecard import RuleScorecard
from huankuan.service_layer import cycle_steps as steps
from huankuan.service_layer.cycle_strategy import StrategyExtensions
from huankuan.service_layer.scoring import trained_scorer
from huankuan.strategy.experiment import load_arms
from huankuan.strategy.loader import Strategy, load_strategy
from huankuan.strategy.selection import plan_treatments

if TYPE_CHECKING:
    from huankuan.bootstrap import App
    from huankuan.config import Settings

TOP_RULES = 10
# Local days of contact history the gate needs (its longest window is 7 days), plus one.
HISTORY_DAYS = 8


@dataclass(frozen=True)
class CycleParts:
    """The data-driven parts of a cycle: strategy, scorer and compliance gate."""

    strategy: Strategy
    scorer: Scorer
    gate: ComplianceGate
    # Champion/challenger arms and capacity allocation (issue 6); None: plan the strategy as is.
    extensions: StrategyExtensions | None = None

    @classmethod
    def load(
        cls,
        strategy_file: Path | None = None,
        *,
        connection: Connection | None = None,
        business_date: date | None = None,
        use_models: bool = True,
    ) -> CycleParts:
        """With a connection and a date: the latest trained model when one is stored (else the
        rule scorecard, the cold start), and the strategy's arms and allocation."""
        strategy = load_strategy(strategy_file)
        scorer: Scorer | None = None
        extensions = None
        if connection is not None and business_date is not None:
            if use_models:
                scorer = trained_scorer(
                    connection, strategy.segment_cutoffs(), business_date, strategy.bucket_scheme
                )
            arms = load_arms(strategy_file)
            if len(arms) > 1 or strategy.allocation is not None:
                extensions = StrategyExtensions(arms, connection, business_date)
        return cls(
            strategy,
            scorer or RuleScorecard(strategy.segment_cutoffs()),
            ProfileGate.from_directory(),
            extensions,
        )


@dataclass(frozen=True)
class CycleReport:
    business_date: date
    accounts: int
    accounts_by_bucket: dict[str, int]
    payments_allocated: int
    amount_allocated: dict[str, int]  # payment amounts by currency, minor units
    amount_unapplied: dict[str, int]  # the part exceeding every balance (overpayments)
    promises_kept: int
    promises_broken: int
    actions_planned: int
    treatments_by_channel: dict[str, int]
    allowed: int
    blocked: int
    blocked_by_rule: list[tuple[str, int]]  # most frequent first
    strategy: str
    scorer: str
    gate_version: str
    rerun: bool
    step_seconds: dict[str, float] = field(default_factory=dict)
    strategy_extras: dict[str, Any] = field(default_factory=dict)  # arms, allocation figures

    def stats(self) -> dict[str, Any]:
        stats = asdict(self)
        stats["business_date"] = self.business_date.isoformat()
        stats["blocked_by_rule"] = [list(pair) for pair in self.blocked_by_rule]
        return stats


class StepTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        started = clock_time.perf_counter()
        yield
        self.seconds[step] = round(clock_time.perf_counter() - started, 3)


def today_for(app: App) -> date:
    if app.settings.today:
        try:
            return date.fromisoformat(app.settings.today)
        except ValueError:
            raise InvalidInput(
                f"HUANKUAN_TODAY must be a date as YYYY-MM-DD, got {app.settings.today!r}"
            ) from None
    return app.clock.now().astimezone(UTC).date()


def check_business_date(store: CycleStore, business_date: date, today: date) -> None:
    if business_date > today:
        raise CycleDateError(f"{business_date} is in the future (today is {today})")
    if store.account_count() == 0:
        raise CycleDateError("no accounts are stored: import accounts first (huankuan import)")
    latest = store.latest_balance_as_of()
    if latest is not None and business_date < latest:
        raise CycleDateError(
            f"{business_date} is before the data: balances are as of {latest}; "
            f"run the cycle for {latest} or later"
        )
    last_cycle = store.latest_completed_cycle()
    if last_cycle is not None and business_date < last_cycle:
        raise CycleDateError(
            f"{business_date} is before the last completed cycle ({last_cycle}); "
            "cycles only move forward"
        )


def run_cycle(app: App, business_date: date, *, parts: CycleParts | None = None) -> CycleReport:
    """Run the cycle for `business_date` in one transaction and return what it did."""
    started_at = _utc_now(app)
    with app.uow() as uow:
        store = SqlCycleStore(uow.connection)
        check_business_date(store, business_date, today_for(app))
        parts = parts or CycleParts.load(
            app.settings.strategy_file,
            connection=uow.connection,
            business_date=business_date,
            use_models=app.settings.scoring_model == "latest",
        )
        rerun = store.cycle_ran(business_date)
        cycle = DailyCycle(store, business_date, app.settings, parts)
        outcome = cycle.run()
        report = _report(business_date, outcome, parts, rerun, cycle.timer.seconds)
        if parts.extensions is not None:
            report = replace(report, strategy_extras=dict(parts.extensions.stats))
        store.save_cycle_run(
            business_date=business_date,
            started_at=started_at,
            finished_at=_utc_now(app),
            status="completed",
            stats=report.stats(),
        )
        uow.audit.record(
            actor="system",
            action="cycle.completed",
            entity_type="cycle",
            entity_id=business_date.isoformat(),
            details=report.stats(),
        )
        uow.commit()
    return report


def _utc_now(app: App) -> datetime:
    return app.clock.now().astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class CycleOutcome:
    accounts: pl.DataFrame  # one row per account: balances, DPD, bucket, holds, score
    allocations: pl.DataFrame  # payments allocated by this run
    resolutions: pl.DataFrame  # promises kept or broken by this run
    decided: pl.DataFrame  # the plan with its gate decisions


class DailyCycle:
    """The cycle's steps over one store, in order, each timed."""

    def __init__(
        self, store: CycleStore, business_date: date, settings: Settings, parts: CycleParts
    ) -> None:
        self.store, self.business_date = store, business_date
        self.settings, self.parts = settings, parts
        self.timer = StepTimer()

    def run(self) -> CycleOutcome:
        timer, day, strategy = self.timer, self.business_date, self.parts.strategy
        with timer("load_accounts"):
            accounts = self.store.load_accounts()
        with timer("reconcile_payments"):
            accounts, allocations = self.reconcile(accounts)
        with timer("promises"):
            settled, resolutions = self.promises(accounts)
        with timer("days_past_due"):
            accounts = steps.with_delinquency(accounts, day, strategy.bucket_scheme)
        with timer("holds"):
            accounts = self.with_holds(accounts)
        with timer("load_contact_points"):
            contacts = self.store.load_contact_points()
        with timer("score"):
            accounts = self.score(accounts, contacts, settled)
        with timer("store_account_states"):
            self.store.replace_account_states(_states(accounts, day))
        with timer("select_treatments"):
            active = accounts.filter(pl.col("bucket") != strategy.current_bucket)
            extensions = self.parts.extensions
            plan = (
                extensions.plan(active, contacts)
                if extensions is not None
                else plan_treatments(active, contacts, strategy, day)
            )
        with timer("load_contact_history"):
            since, until = steps.utc_window(day, HISTORY_DAYS, 1)
            history = self.store.load_contact_history(since, until)
        with timer("compliance_gate"):
            decided = self.parts.gate.evaluate_plan(plan, history)
        if self.parts.extensions is not None:
            with timer("allocation"):
                decided = self.parts.extensions.allocate(decided, accounts)
        with timer("store_plan"):
            rules = steps.rules_as_json(pl.col("rules")).alias("rules")
            self.store.replace_plan(day, decided.with_columns(rules))
        return CycleOutcome(accounts, allocations, resolutions, decided)

    def reconcile(self, accounts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Allocate the pending payments up to the day; return current balances and them."""
        totals = self.store.load_allocation_totals()
        _, received_before = steps.utc_window(self.business_date, 0, 0)
        due = steps.payments_due_for_allocation(
            self.store.load_pending_payments(received_before), accounts, self.business_date
        )
        allocations = steps.allocate_payments(
            due,
            steps.current_balances(accounts, totals),
            self.settings.waterfall,
            self.business_date,
        )
        self.store.save_allocations(allocations)
        after = steps.allocated_totals_after(totals, allocations)
        return steps.current_balances(accounts, after), allocations

    def promises(self, accounts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Resolve open promises; return the settled payments (local days) and resolutions."""
        promises = self.store.load_open_promises()
        earliest = self.business_date - timedelta(days=steps.RECENT_DAYS)
        first_promised = promises["promised_on"].min()
        if isinstance(first_promised, date):
            earliest = min(earliest, first_promised)
        start, end = steps.utc_window(self.business_date, (self.business_date - earliest).days, 0)
        settled = steps.settled_on_local_days(
            self.store.load_settled_payments(start, end), accounts
        )
        resolutions = steps.resolve_promises(
            promises, settled, self.business_date, self.settings.promise_grace_days
        )
        self.store.save_promise_resolutions(resolutions)
        return settled, resolutions

    def with_holds(self, accounts: pl.DataFrame) -> pl.DataFrame:
        start, end = steps.utc_window(self.business_date, 0, 0)
        holds = steps.hold_types_by_account(
            self.store.load_holds(end, start), accounts, self.business_date
        )
        return accounts.join(holds, on="account_id", how="left").with_columns(
            pl.col("hold_types").fill_null([])
        )

    def score(
        self, accounts: pl.DataFrame, contacts: pl.DataFrame, settled: pl.DataFrame
    ) -> pl.DataFrame:
        features = steps.scoring_features(
            accounts,
            phones=steps.usable_self_phones(contacts),
            recent=steps.recent_payment_counts(settled, self.business_date),
            broken=self.store.load_broken_promise_counts(),
        )
        return self.parts.scorer.score(features)


def _states(accounts: pl.DataFrame, business_date: date) -> pl.DataFrame:
    return accounts.with_columns(
        pl.lit(business_date).alias("business_date"),
        steps.rules_as_json(pl.col("score_reasons")).alias("score_reasons"),
    )


def _report(
    business_date: date,
    outcome: CycleOutcome,
    parts: CycleParts,
    rerun: bool,
    seconds: dict[str, float],
) -> CycleReport:
    accounts, allocations = outcome.accounts, outcome.allocations
    resolutions, decided = outcome.resolutions, outcome.decided
    order = [band.name for band in parts.strategy.bucket_scheme.bands]
    by_bucket = _counts(accounts, "bucket")
    blocked = decided.filter(pl.col("decision") == "block")
    rule_counts = blocked.select(pl.col("rules").explode().drop_nulls()).group_by("rules").len()
    top = sorted(rule_counts.iter_rows(), key=lambda row: (-row[1], row[0]))[:TOP_RULES]
    amounts = (
        allocations.group_by("currency")
        .agg(pl.col("amount_minor").sum(), pl.col("unapplied_minor").sum())
        .sort("currency")
    )
    statuses = _counts(resolutions, "status")
    return CycleReport(
        business_date=business_date,
        accounts=accounts.height,
        accounts_by_bucket={name: by_bucket.get(name, 0) for name in order},
        payments_allocated=allocations.height,
        amount_allocated={currency: int(total) for currency, total, _ in amounts.iter_rows()},
        amount_unapplied={
            currency: int(extra) for currency, _, extra in amounts.iter_rows() if extra
        },
        promises_kept=statuses.get("kept", 0),
        promises_broken=statuses.get("broken", 0),
        actions_planned=decided.height,
        treatments_by_channel=_counts(decided, "channel"),
        allowed=decided.height - blocked.height,
        blocked=blocked.height,
        blocked_by_rule=[(str(rule), int(count)) for rule, count in top],
        strategy=parts.strategy.label,
        scorer=parts.scorer.name,
        gate_version=parts.gate.version,
        rerun=rerun,
        step_seconds=dict(seconds),
    )


def _counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    counted = frame.group_by(column).len().sort(column)
    return {str(key): int(count) for key, count in counted.iter_rows()}
