"""How simulated borrowers behave: payments on their own, promises, and responses to contact.

Everything is vectorised over accounts or actions and driven by `assumptions.yaml`; random
numbers come from one NumPy generator the simulator passes in, in a fixed order, so a run is
reproducible from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from huankuan.domain.model import Channel
from huankuan.simulation.assumptions import Assumptions
from huankuan.simulation.book import PERSONA_NAMES, Book

CHANNELS = [channel.value for channel in Channel]
CALL_CHANNELS = (Channel.ROBOT_CALL.value, Channel.AGENT_CALL.value)
MESSAGE_CHANNELS = (Channel.SMS.value, Channel.EMAIL.value, Channel.CHAT.value)
ACT_CAP = 0.95  # no contact makes action certain
PERSONA_FIELDS = (
    "on_time",
    "self_cure",
    "early",
    "evening",
    "respond",
    "pay_now",
    "keep_promise",
    "full_arrears",
    "partial",
    "complaint",
    "dispute",
    "hardship_plan",
    "welfare",
    "wrong_party",
)


@dataclass(frozen=True)
class PersonaTable:
    """Persona parameters as arrays indexed by persona number (and channel number)."""

    on_time: np.ndarray
    self_cure: np.ndarray
    reach: np.ndarray  # (persona, channel)
    early: np.ndarray
    evening: np.ndarray
    respond: np.ndarray
    pay_now: np.ndarray
    keep_promise: np.ndarray
    full_arrears: np.ndarray
    partial: np.ndarray
    complaint: np.ndarray
    dispute: np.ndarray
    hardship_plan: np.ndarray
    welfare: np.ndarray
    wrong_party: np.ndarray
    persuasion: np.ndarray  # (channel,)
    cost: np.ndarray  # (channel,)

    @classmethod
    def from_assumptions(cls, assumptions: Assumptions) -> PersonaTable:
        rows = [assumptions.personas[name] for name in PERSONA_NAMES]  # type: ignore[index]

        def column(field: str) -> np.ndarray:
            return np.asarray([getattr(row, field) for row in rows], dtype=np.float64)

        channels = [Channel(name) for name in CHANNELS]
        return cls(
            **{name: column(name) for name in PERSONA_FIELDS},
            reach=np.asarray(
                [[row.reach[channel] for channel in channels] for row in rows], dtype=np.float64
            ),
            persuasion=np.asarray(
                [assumptions.channels[c].persuasion for c in channels], dtype=np.float64
            ),
            cost=np.asarray([assumptions.channels[c].cost for c in channels], dtype=np.float64),
        )


def apply_payments(book: Book, payers: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Pay `amounts` (minor) on accounts `payers` in waterfall order (fees, penalty, interest,
    principal), capped at what is owed; returns the amounts actually paid."""
    owed = book.components[payers].sum(axis=1)
    paid = np.minimum(amounts, owed)
    remaining = paid.copy()
    for component in range(book.components.shape[1]):
        take = np.minimum(remaining, book.components[payers, component])
        book.components[payers, component] -= take
        remaining -= take
    book.paid[payers] += paid
    return np.asarray(paid, dtype=np.int64)


def arrears(book: Book, day: date) -> np.ndarray:
    """What it takes to be current again (minor): the overdue instalments, less any part paid."""
    overdue = book.instalments_overdue(day)
    part = book.paid % np.maximum(book.instalment, 1)
    return np.asarray(np.maximum(overdue * book.instalment - part, 0), dtype=np.int64)


def payment_amounts(
    book: Book, table: PersonaTable, accounts: np.ndarray, day: date, rng: np.random.Generator
) -> np.ndarray:
    """A payment's size: all arrears (persona's `full_arrears` chance) or a part instalment."""
    persona = book.persona[accounts]
    full = rng.random(accounts.size) < table.full_arrears[persona]
    part = np.round(book.instalment[accounts] * table.partial[persona]).astype(np.int64)
    owed_now = arrears(book, day)[accounts]
    return np.asarray(np.where(full, np.maximum(owed_now, part), part), dtype=np.int64)


def on_time_payers(
    book: Book, table: PersonaTable, day: date, rng: np.random.Generator
) -> np.ndarray:
    """Current accounts with an instalment due today that pay it on the day."""
    index = np.minimum(book.paid // np.maximum(book.instalment, 1), book.term)
    due_today = book.due_days[np.arange(book.size), index] == day.toordinal()
    draws = rng.random(book.size)
    return np.flatnonzero(due_today & (draws < table.on_time[book.persona]))


def self_curers(
    book: Book,
    table: PersonaTable,
    overdue: np.ndarray,
    on_plan: np.ndarray,
    rng: np.random.Generator,
    plan_factor: float,
) -> np.ndarray:
    """Overdue accounts that pay today without being contacted."""
    hazard = table.self_cure[book.persona] * np.where(on_plan, plan_factor, 1.0)
    return np.flatnonzero(overdue & (rng.random(book.size) < hazard))


@dataclass(frozen=True)
class Responses:
    outcome: list[str]  # per action, the contact_attempts vocabulary (features.py)
    reached: np.ndarray
    acted: np.ndarray  # per action: the debtor agreed to pay (now or by promise)
    complained: np.ndarray
    holds: dict[str, np.ndarray]  # hold type → per action bool


def respond(
    actions: pl.DataFrame,
    table: PersonaTable,
    assumptions: Assumptions,
    contacts_7d: np.ndarray,
    rng: np.random.Generator,
) -> Responses:
    """Each action's result. `actions` holds `_account` (int), `persona` (int), `channel`,
    `send_at` (time) and `to_self` (bool)."""
    n = actions.height
    account = actions["_account"].to_numpy()
    persona = actions["persona"].to_numpy()
    channel = (
        actions["channel"]
        .replace_strict({name: i for i, name in enumerate(CHANNELS)}, return_dtype=pl.Int64)
        .to_numpy()
    )
    is_call = actions["channel"].is_in(CALL_CHANNELS).to_numpy()
    to_self = actions["to_self"].to_numpy()
    timing = _timing_factor(actions, table, persona, assumptions) * is_call + (1 - is_call)
    fatigue = assumptions.fatigue ** contacts_7d[account]
    draws = rng.random((4, n))
    reached = to_self & (draws[0] < table.reach[persona, channel] * timing * fatigue)
    wrong = reached & is_call & (table.wrong_party[persona] > 0)
    chance = np.minimum(table.respond[persona] * table.persuasion[channel], ACT_CAP) * fatigue
    acted = reached & ~wrong & (draws[1] < chance)
    pressure = 1 + assumptions.complaint_pressure * np.maximum(contacts_7d[account] - 2, 0)
    complained = reached & (draws[2] < table.complaint[persona] * pressure)
    spoke = reached & is_call & ~wrong
    holds = {
        name: spoke & ~acted & (draws[3] < getattr(table, name)[persona])
        for name in ("dispute", "hardship_plan", "welfare")
    }
    return Responses(
        outcome=_outcomes(is_call, reached, wrong, acted, complained, holds),
        reached=reached,
        acted=acted,
        complained=complained,
        holds=holds,
    )


def _timing_factor(
    actions: pl.DataFrame, table: PersonaTable, persona: np.ndarray, assumptions: Assumptions
) -> np.ndarray:
    minutes = (actions["send_at"].dt.hour() * 60 + actions["send_at"].dt.minute()).to_numpy()
    evening = assumptions.timing.evening_from
    morning = assumptions.timing.morning_until
    factor = np.ones(actions.height)
    factor = np.where(minutes >= evening.hour * 60 + evening.minute, table.evening[persona], factor)
    return np.where(minutes < morning.hour * 60 + morning.minute, table.early[persona], factor)


def _outcomes(
    is_call: np.ndarray,
    reached: np.ndarray,
    wrong: np.ndarray,
    acted: np.ndarray,
    complained: np.ndarray,
    holds: dict[str, np.ndarray],
) -> list[str]:
    outcome = np.where(is_call, "no_answer", "delivered").astype(object)
    outcome = np.where(reached & ~is_call, "read", outcome)
    outcome = np.where(reached & is_call, "refused", outcome)
    outcome = np.where(wrong, "wrong_party", outcome)
    outcome = np.where(holds["hardship_plan"], "hardship", outcome)
    outcome = np.where(holds["dispute"], "dispute", outcome)
    outcome = np.where(holds["welfare"], "right_party_contact", outcome)
    outcome = np.where(acted & ~is_call, "responded", outcome)
    outcome = np.where(acted & is_call, "promise_to_pay", outcome)
    outcome = np.where(complained, "complaint", outcome)
    return [str(value) for value in outcome]
