"""Allocation under capacity: which accounts get which treatment today.

The unit of choice is a treatment group: one account × one channel, with every planned action
of that channel for the account (a retry or a second number uses capacity too). Its expected
value is uplift × balance − cost, with uplift = lift(channel) × p × (1 − p) and p the account's
propensity to pay within 30 days. Constraints: the day's agent-minutes, robot lines and SMS
budget; at most `per_debtor_daily_limit` groups per debtor; only actions the gate allowed; no
collection while a stopping hold is active (a hardship plan still allows messages, no calls).

Solver ("lagrangian", the default, any size): each resource gets a price λ at which its best
groups by value per unit exactly fill it (one sort, no iteration); groups are then taken in
one pass in order of value − λ·units (then, for what the per-debtor limit left, by value per
unit) while their debtor has a slot and their resource room.
The Lagrangian bound Σ max(0, value − λ·units) + Σ λ·capacity (which drops the per-debtor
limit) is an upper bound on the optimum, so every result states its own optimality gap.
"exact" solves the 0/1 program with OR-Tools CP-SAT (values in cents): use it up to a few tens
of thousands of groups, and to check the greedy's gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from huankuan.domain.model import Channel, HoldType
from huankuan.strategy.extensions import Allocation

RESOURCES = ("agent_minutes", "robot_lines", "sms")
STOPPING_HOLDS = [hold.value for hold in HoldType if hold is not HoldType.HARDSHIP_PLAN]
CALLS = [Channel.ROBOT_CALL.value, Channel.AGENT_CALL.value]
LADDER = {"M1": "sms", "M2": "robot_call", "M3": "agent_call", "M4+": "agent_call"}
LADDER_FALLBACK = "letter"  # buckets beyond the ladder (write-off)

# What a candidate frame holds: one row per planned action.
CANDIDATE_COLUMNS = (
    "action_id",
    "account_id",
    "debtor_id",
    "channel",
    "bucket",
    "propensity",  # P(pay within 30 days), 0..1
    "balance_minor",
    "hold_types",
    "decision",  # the gate's: only "allow" is a candidate
)


@dataclass(frozen=True)
class AllocationResult:
    chosen: pl.DataFrame  # the chosen groups: account_id, debtor_id, channel, actions, value…
    expected_value: float  # Σ value of the chosen groups (major units)
    expected_recovery: float
    cost: float
    upper_bound: float
    used: dict[str, float]
    solver: str
    groups_considered: int
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """(bound − value) / bound: how far from optimal the result can at most be."""
        if self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.expected_value) / self.upper_bound)

    def chosen_actions(self, candidates: pl.DataFrame) -> pl.DataFrame:
        """The candidate action rows of the chosen groups."""
        keys = self.chosen.select("account_id", "channel")
        return candidates.join(keys, on=["account_id", "channel"], how="semi")


def treatment_groups(candidates: pl.DataFrame, allocation: Allocation) -> pl.DataFrame:
    """Allowed, hold-respecting candidate actions grouped per (account, channel), valued."""
    allowed = candidates.filter(pl.col("decision") == "allow").filter(
        ~pl.col("hold_types").list.set_intersection(pl.lit(STOPPING_HOLDS)).list.len().gt(0)
        & ~(
            pl.col("hold_types").list.contains(HoldType.HARDSHIP_PLAN.value)
            & pl.col("channel").is_in(CALLS)
        )
    )
    groups = allowed.group_by("account_id", "debtor_id", "channel", maintain_order=True).agg(
        pl.len().alias("actions"),
        pl.col("bucket").first(),
        pl.col("propensity").first(),
        pl.col("balance_minor").first(),
    )
    economics = pl.DataFrame(
        [
            {
                "channel": channel.value,
                "lift": allocation.economics(channel).lift,
                "unit_cost": allocation.economics(channel).cost,
                "resource": allocation.economics(channel).uses,
                "units_each": allocation.economics(channel).units,
            }
            for channel in Channel
        ]
    )
    p = pl.col("propensity").clip(0.0, 1.0)
    return (
        groups.join(economics, on="channel", how="left")
        .with_columns(
            (pl.col("lift") * p * (1 - p)).alias("uplift"),
            (pl.col("unit_cost") * pl.col("actions")).alias("cost"),
            (pl.col("units_each") * pl.col("actions")).alias("units"),
        )
        .with_columns(
            (pl.col("uplift") * pl.col("balance_minor") / 100).alias("recovery"),
        )
        .with_columns((pl.col("recovery") - pl.col("cost")).alias("value"))
    )


def allocate(candidates: pl.DataFrame, allocation: Allocation) -> AllocationResult:
    if allocation.solver == "ladder":
        return ladder(candidates, allocation)
    groups = treatment_groups(candidates, allocation)
    if allocation.solver == "exact":
        return _exact(groups, allocation)
    return _lagrangian(groups, allocation)


def capacities(allocation: Allocation) -> dict[str, float]:
    return {name: float(getattr(allocation.capacity, name)) for name in RESOURCES}


def resource_prices(groups: pl.DataFrame, allocation: Allocation) -> dict[str, float]:
    """λ per resource: the value per unit of the last group that still fits when the groups
    are taken by value per unit (0 when everything worth doing fits)."""
    prices = {}
    for name, capacity in capacities(allocation).items():
        users = groups.filter((pl.col("resource") == name) & (pl.col("value") > 0))
        density = (users["value"] / users["units"]).to_numpy()
        order = np.argsort(-density, kind="stable")
        filled = np.cumsum(users["units"].to_numpy()[order])
        over = np.searchsorted(filled, capacity, side="right")
        prices[name] = float(density[order][over]) if over < order.size else 0.0
    return prices


def _reduced(groups: pl.DataFrame, prices: dict[str, float]) -> pl.Expr:
    price = pl.col("resource").replace_strict(prices, default=0.0, return_dtype=pl.Float64)
    return pl.col("value") - price * pl.col("units")


def _lagrangian(groups: pl.DataFrame, allocation: Allocation) -> AllocationResult:
    prices = resource_prices(groups, allocation)
    valued = groups.with_columns(_reduced(groups, prices).alias("reduced")).filter(
        pl.col("value") > 0
    )
    bound = float(valued["reduced"].clip(0, None).sum()) + sum(
        prices[name] * capacity for name, capacity in capacities(allocation).items()
    )
    # First the groups worth their resource at its price, best first; then, for room the
    # per-debtor limit left unused, the others by value per unit.
    first = valued.filter(pl.col("reduced") > 0).sort(
        "reduced", "account_id", "channel", descending=[True, False, False]
    )
    rest = valued.filter(pl.col("reduced") <= 0).sort(
        pl.col("value") / pl.col("units"), "account_id", "channel", descending=[True, False, False]
    )
    chosen = _greedy(pl.concat([first, rest]), allocation)
    return _result(chosen, groups, allocation, bound, "lagrangian")


def _greedy(ordered: pl.DataFrame, allocation: Allocation) -> pl.DataFrame:
    """One pass in the given order: take a group while its debtor has a slot left and its
    resource has the units (a group that does not fit leaves both for the next ones)."""
    left = capacities(allocation)
    limit = allocation.per_debtor_daily_limit
    taken: dict[str, int] = {}
    keep = []
    for debtor, resource, units in zip(
        ordered["debtor_id"].to_list(),
        ordered["resource"].to_list(),
        ordered["units"].to_list(),
        strict=True,
    ):
        slots = taken.get(debtor, 0)
        room = left.get(resource)
        fits = slots < limit and (room is None or units <= room)
        keep.append(fits)
        if fits:
            taken[debtor] = slots + 1
            if room is not None:
                left[resource] = room - units
    return ordered.filter(pl.Series(keep, dtype=pl.Boolean))


def _exact(groups: pl.DataFrame, allocation: Allocation) -> AllocationResult:
    from ortools.sat.python import cp_model

    worth = groups.filter(pl.col("value") > 0)
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"g{i}") for i in range(worth.height)]
    values = np.rint(worth["value"].to_numpy() * 100).astype(np.int64)
    units = np.rint(worth["units"].to_numpy() * 100).astype(np.int64)
    resources = worth["resource"].to_list()
    for name, capacity in capacities(allocation).items():
        members = [i for i, resource in enumerate(resources) if resource == name]
        if members:
            model.add(sum(int(units[i]) * chosen[i] for i in members) <= int(capacity * 100))
    by_debtor: dict[str, list[int]] = {}
    for i, debtor in enumerate(worth["debtor_id"].to_list()):
        by_debtor.setdefault(debtor, []).append(i)
    for members in by_debtor.values():
        if len(members) > allocation.per_debtor_daily_limit:
            model.add(sum(chosen[i] for i in members) <= allocation.per_debtor_daily_limit)
    model.maximize(sum(int(values[i]) * chosen[i] for i in range(worth.height)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 7
    solver.parameters.max_time_in_seconds = 30.0
    solver.solve(model)
    picked = np.asarray([solver.value(v) for v in chosen], dtype=bool)
    bound = float(solver.best_objective_bound) / 100
    return _result(worth.filter(pl.Series(picked)), groups, allocation, bound, "exact")


def ladder(candidates: pl.DataFrame, allocation: Allocation) -> AllocationResult:
    """The naive baseline: one channel per bucket (M1 SMS, M2 robot, M3+ agent), worst bucket
    and largest balance first, until each resource runs out; same value model."""
    groups = treatment_groups(candidates, allocation)
    wanted = groups.with_columns(
        pl.col("bucket").replace_strict(LADDER, default=LADDER_FALLBACK).alias("_ladder"),
        pl.col("bucket")
        .replace_strict({"M1": 1, "M2": 2, "M3": 3, "M4+": 4}, default=0, return_dtype=pl.Int32)
        .alias("_severity"),
    ).filter(pl.col("channel") == pl.col("_ladder"))
    ordered = wanted.sort(
        ["_severity", "balance_minor", "account_id"], descending=[True, True, False]
    )
    kept = [
        ordered.filter(pl.col("resource") == name).filter(pl.col("units").cum_sum() <= capacity)
        for name, capacity in capacities(allocation).items()
    ]
    kept.append(ordered.filter(~pl.col("resource").is_in(list(RESOURCES))))
    chosen = pl.concat(kept).drop("_ladder", "_severity")
    return _result(chosen, groups, allocation, float("nan"), "ladder")


def _result(
    chosen: pl.DataFrame,
    groups: pl.DataFrame,
    allocation: Allocation,
    bound: float,
    solver: str,
) -> AllocationResult:
    used = {
        name: float(chosen.filter(pl.col("resource") == name)["units"].sum()) for name in RESOURCES
    }
    return AllocationResult(
        chosen=chosen.select(
            "account_id", "debtor_id", "channel", "actions", "uplift", "recovery", "cost", "value"
        ),
        expected_value=float(chosen["value"].sum()),
        expected_recovery=float(chosen["recovery"].sum()),
        cost=float(chosen["cost"].sum()),
        upper_bound=bound,
        used=used,
        solver=solver,
        groups_considered=groups.height,
    )
