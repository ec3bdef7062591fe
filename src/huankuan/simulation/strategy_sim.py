"""What-if simulation: run collection strategies on simulated borrowers, day by day.

Each day: instalments fall due and some are paid on time; overdue borrowers pay on their own
(self-cure) or keep or break promises; the strategy (scorer → segments and rules → treatment
paths, its champion/challenger arms, and its capacity allocation when enabled) plans the day's
actions; a stand-in gate drops what holds, call hours and frequency caps forbid; borrowers
respond by persona, channel and time of day (`behaviour.py`). The same book and seed under two
strategies differ only by the strategy. With `record=True` the run keeps every event, which
`huankuan simulate history` writes to the database as the portfolio's past.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

from huankuan.domain.ports import Scorer
from huankuan.scoring.scorecard import RuleScorecard
from huankuan.simulation import behaviour
from huankuan.simulation.assumptions import Assumptions
from huankuan.simulation.book import Book
from huankuan.simulation.events import EventLog
from huankuan.simulation.planning import plan_day, stable_arm_index
from huankuan.strategy.experiment import Arm

HOLD_TYPES = ("dispute", "complaint_review", "welfare", "hardship_plan")


@dataclass
class State:
    """What the borrowers and the collector remember between days (one entry per account)."""

    book: Book
    promise_amount: np.ndarray
    promise_due: np.ndarray  # ordinal
    promise_made: np.ndarray  # ordinal
    broken: np.ndarray
    hold_until: dict[str, np.ndarray]  # exclusive ordinal end
    contacts: np.ndarray  # (7, accounts) ring of daily contact counts
    calls: np.ndarray  # (7, accounts)
    payments: np.ndarray  # (30, accounts) ring: paid that day

    @classmethod
    def fresh(cls, book: Book) -> State:
        n = book.size
        return cls(
            book=book,
            promise_amount=np.zeros(n, dtype=np.int64),
            promise_due=np.zeros(n, dtype=np.int64),
            promise_made=np.zeros(n, dtype=np.int64),
            broken=np.zeros(n, dtype=np.int64),
            hold_until={name: np.zeros(n, dtype=np.int64) for name in HOLD_TYPES},
            contacts=np.zeros((7, n), dtype=np.int64),
            calls=np.zeros((7, n), dtype=np.int64),
            payments=np.zeros((30, n), dtype=bool),
        )

    def on_hold(self, name: str, day: date) -> np.ndarray:
        return self.hold_until[name] > day.toordinal()


@dataclass
class RunFigures:
    label: str
    start_outstanding: float  # major units
    collected: list[float] = field(default_factory=list)  # per day, major units
    cost: list[float] = field(default_factory=list)
    contacts: list[dict[str, int]] = field(default_factory=list)
    complaints: list[int] = field(default_factory=list)
    right_party: list[int] = field(default_factory=list)
    promises: list[int] = field(default_factory=list)
    broken: list[int] = field(default_factory=list)
    by_arm: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def recovery_curve(self) -> list[float]:
        total, curve = 0.0, []
        for amount in self.collected:
            total += amount
            curve.append(total / self.start_outstanding if self.start_outstanding else 0.0)
        return curve

    def totals(self) -> dict[str, float]:
        collected, cost = sum(self.collected), sum(self.cost)
        contacts = sum(sum(day.values()) for day in self.contacts)
        return {
            "recovered": round(collected, 2),
            "recovery_rate": round(self.recovery_curve[-1] if self.collected else 0.0, 4),
            "cost": round(cost, 2),
            "net": round(collected - cost, 2),
            "contacts": contacts,
            "complaints": sum(self.complaints),
            "right_party_contacts": sum(self.right_party),
            "promises": sum(self.promises),
            "promises_broken": sum(self.broken),
        }


def simulate(
    book: Book,
    arms: Sequence[Arm],
    assumptions: Assumptions,
    *,
    days: int,
    seed: int,
    label: str,
    scorer: Scorer | None = None,
    experiment: str = "simulation",
    record: bool = False,
) -> tuple[RunFigures, EventLog | None]:
    """Run `days` days from `book.start`; the book is changed in place (pass a fresh one)."""
    rng = np.random.default_rng([seed, 61])
    table = behaviour.PersonaTable.from_assumptions(assumptions)
    state = State.fresh(book)
    scorer = scorer or RuleScorecard(arms[0].strategy.segment_cutoffs())
    figures = RunFigures(label, float(book.outstanding.sum()) / 100)
    log = EventLog(book) if record else None
    static = (
        book.frame()
        .with_row_index("_account")
        .with_columns(pl.Series("persona_index", book.persona))
    )
    arm_of = _arm_assignment(book, arms, experiment)
    for offset in range(days):
        day = book.start + timedelta(days=offset)
        _one_day(state, table, assumptions, rng, day, figures, log, static, arms, arm_of, scorer)
    return figures, log


def _arm_assignment(book: Book, arms: Sequence[Arm], experiment: str) -> np.ndarray:
    if len(arms) == 1:
        return np.zeros(book.size, dtype=np.int64)
    return stable_arm_index(book.account_ids, experiment, [arm.share for arm in arms])


def _one_day(
    state: State,
    table: behaviour.PersonaTable,
    assumptions: Assumptions,
    rng: np.random.Generator,
    day: date,
    figures: RunFigures,
    log: EventLog | None,
    static: pl.DataFrame,
    arms: Sequence[Arm],
    arm_of: np.ndarray,
    scorer: Scorer,
) -> None:
    slot7, slot30 = day.toordinal() % 7, day.toordinal() % 30
    state.contacts[slot7] = 0
    state.calls[slot7] = 0
    state.payments[slot30] = False
    collected = _payments_without_contact(state, table, assumptions, rng, day, log)
    broken = _break_promises(state, assumptions, day, log)
    actions = plan_day(state, static, arms, arm_of, scorer, assumptions, day)
    responses = behaviour.respond(actions, table, assumptions, state.contacts.sum(axis=0), rng)
    collected += _after_contact(state, table, assumptions, rng, day, actions, responses, log)
    _count_contacts(state, actions, slot7)
    channel_counts = actions.group_by("channel").len().iter_rows()
    figures.collected.append(collected / 100)
    figures.cost.append(float(actions["cost"].sum()) if actions.height else 0.0)
    figures.contacts.append({str(name): int(count) for name, count in channel_counts})
    figures.complaints.append(int(responses.complained.sum()))
    figures.right_party.append(
        int(
            np.isin(
                responses.outcome,
                ["promise_to_pay", "refused", "hardship", "dispute", "right_party_contact"],
            ).sum()
        )
    )
    figures.promises.append(int((np.asarray(responses.outcome) == "promise_to_pay").sum()))
    figures.broken.append(broken)
    _tally_arms(figures, actions, arms)


def _payments_without_contact(
    state: State,
    table: behaviour.PersonaTable,
    assumptions: Assumptions,
    rng: np.random.Generator,
    day: date,
    log: EventLog | None,
) -> float:
    book = state.book
    on_time = behaviour.on_time_payers(book, table, day, rng)
    paid = _pay(state, on_time, book.instalment[on_time], day, log)
    overdue = book.days_past_due(day) > 0
    on_plan = state.on_hold("hardship_plan", day)
    curers = behaviour.self_curers(
        book, table, overdue, on_plan, rng, assumptions.hardship_plan_self_cure
    )
    paid += _pay(state, curers, behaviour.payment_amounts(book, table, curers, day, rng), day, log)
    keepers = np.flatnonzero(
        (state.promise_amount > 0)
        & (state.promise_due == day.toordinal())
        & (rng.random(book.size) < table.keep_promise[book.persona])
    )
    paid += _pay(state, keepers, state.promise_amount[keepers], day, log)
    if log is not None:
        log.resolve_promises(keepers, "kept", day)
    state.promise_amount[keepers] = 0
    return paid


def _break_promises(state: State, assumptions: Assumptions, day: date, log: EventLog | None) -> int:
    late = np.flatnonzero(
        (state.promise_amount > 0) & (state.promise_due + assumptions.grace_days < day.toordinal())
    )
    state.broken[late] += 1
    state.promise_amount[late] = 0
    if log is not None:
        log.resolve_promises(late, "broken", day)
    return int(late.size)


def _pay(
    state: State, accounts: np.ndarray, amounts: np.ndarray, day: date, log: EventLog | None
) -> float:
    if accounts.size == 0:
        return 0.0
    paid = behaviour.apply_payments(state.book, accounts, amounts)
    state.payments[day.toordinal() % 30, accounts[paid > 0]] = True
    if log is not None:
        log.payments(accounts, paid, day)
    return float(paid.sum())


def _after_contact(
    state: State,
    table: behaviour.PersonaTable,
    assumptions: Assumptions,
    rng: np.random.Generator,
    day: date,
    actions: pl.DataFrame,
    responses: behaviour.Responses,
    log: EventLog | None,
) -> float:
    """Payments at once and promises from the debtors who acted (one act per account), and the
    holds and complaints the contacts caused."""
    account = actions["_account"].to_numpy()
    if log is not None:
        log.attempts(actions, responses.outcome, day)
    for name, caused in responses.holds.items():
        days = getattr(assumptions.holds, name)
        state.hold_until[name][account[caused]] = day.toordinal() + days
        if log is not None:
            log.holds(account[caused], name, day, days)
    complainers = np.unique(account[responses.complained])
    state.hold_until["complaint_review"][complainers] = (
        day.toordinal() + assumptions.holds.complaint_review
    )
    if log is not None:
        log.complaints(actions.filter(pl.Series(responses.complained)), day)
    actors = np.unique(account[responses.acted])
    if actors.size == 0:
        return 0.0
    now = rng.random(actors.size) < table.pay_now[state.book.persona[actors]]
    amounts = behaviour.payment_amounts(state.book, table, actors, day, rng)
    paid = _pay(state, actors[now], amounts[now], day, log)
    promising = actors[~now & (state.promise_amount[actors] == 0)]
    state.promise_amount[promising] = amounts[~now & (state.promise_amount[actors] == 0)]
    state.promise_due[promising] = day.toordinal() + assumptions.promise_days
    state.promise_made[promising] = day.toordinal()
    if log is not None:
        log.promises(promising, state.promise_amount[promising], day, assumptions.promise_days)
    return paid


def _count_contacts(state: State, actions: pl.DataFrame, slot: int) -> None:
    if actions.height == 0:
        return
    account = actions["_account"].to_numpy()
    calls = actions["channel"].is_in(behaviour.CALL_CHANNELS).to_numpy()
    np.add.at(state.contacts[slot], account, 1)
    np.add.at(state.calls[slot], account[calls], 1)


def _tally_arms(figures: RunFigures, actions: pl.DataFrame, arms: Sequence[Arm]) -> None:
    if len(arms) == 1 or actions.height == 0:
        return
    for arm, cost, count in actions.group_by("arm").agg(pl.col("cost").sum(), pl.len()).iter_rows():
        tally = figures.by_arm.setdefault(str(arm), {"cost": 0.0, "contacts": 0.0})
        tally["cost"] += float(cost)
        tally["contacts"] += float(count)
