"""The daily cycle's strategy extensions: champion/challenger arms and capacity allocation.

`plan`: with an experiment, each account's arm is its recorded one, or (new accounts) the
stable-hash one, recorded now with the balance at assignment; each arm's accounts are planned
with that arm's strategy. `allocate`: with an enabled `allocation:` section, of the actions the
gate allowed only the chosen groups stay in the plan (blocked rows stay, with their reasons);
the expected value of the choice and of the naive bucket ladder on the same candidates are
kept for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection

from huankuan.adapters.storage.scoring_store import ScoringStore
from huankuan.strategy.allocation import allocate, ladder
from huankuan.strategy.experiment import Arm, assign_arms, experiment_name
from huankuan.strategy.selection import plan_treatments


@dataclass
class StrategyExtensions:
    arms: list[Arm]
    connection: Connection
    business_date: date
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def champion(self) -> Arm:
        return self.arms[0]

    def plan(self, active: pl.DataFrame, contacts: pl.DataFrame) -> pl.DataFrame:
        name = experiment_name(self.arms)
        if name is None:
            return plan_treatments(active, contacts, self.champion.strategy, self.business_date)
        arms = self._arms_of(active, name)
        plans = []
        for arm in self.arms:
            members = active.join(
                arms.filter(pl.col("arm") == arm.name), on="account_id", how="semi"
            )
            if members.height:
                plans.append(plan_treatments(members, contacts, arm.strategy, self.business_date))
        self.stats["arms"] = {
            str(arm): int(count)
            for arm, count in arms.group_by("arm").len().sort("arm").iter_rows()
        }
        return (
            pl.concat(plans, how="vertical_relaxed")
            if plans
            else plan_treatments(
                active.clear(), contacts, self.champion.strategy, self.business_date
            )
        )

    def _arms_of(self, active: pl.DataFrame, experiment: str) -> pl.DataFrame:
        store = ScoringStore(self.connection)
        known = store.assignments(experiment).select("account_id", "arm")
        new = active.join(known, on="account_id", how="anti")
        if new.height:
            fresh = new.select(
                "account_id",
                assign_arms(new["account_id"], experiment, self.arms),
                pl.lit(self.business_date).alias("assigned_on"),
                pl.col("outstanding_minor").alias("balance_minor"),
                "currency",
            )
            store.save_assignments(experiment, fresh)
            known = pl.concat([known, fresh.select("account_id", "arm")])
        return active.select("account_id").join(known, on="account_id", how="inner")

    def allocate(self, decided: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
        allocation = self.champion.strategy.allocation
        if allocation is None or not allocation.enabled or decided.is_empty():
            return decided
        propensity = (
            pl.col("p_pay_30d") if "p_pay_30d" in accounts.columns else pl.col("score") / 1000
        )
        facts = accounts.select(
            "account_id",
            propensity.alias("propensity"),
            pl.col("outstanding_minor").alias("balance_minor"),
        )
        candidates = decided.join(facts, on="account_id", how="left").with_columns(
            pl.col("propensity").fill_null(0.0), pl.col("balance_minor").fill_null(0)
        )
        chosen = allocate(candidates, allocation)
        baseline = ladder(candidates, allocation)
        self.stats["allocation"] = {
            "solver": chosen.solver,
            "expected_value": round(chosen.expected_value, 2),
            "upper_bound": round(chosen.upper_bound, 2),
            "gap": round(chosen.gap, 4),
            "ladder_expected_value": round(baseline.expected_value, 2),
            "groups_considered": chosen.groups_considered,
            "groups_chosen": chosen.chosen.height,
            "used": chosen.used,
        }
        kept = chosen.chosen_actions(candidates.filter(pl.col("decision") == "allow"))
        blocked = decided.filter(pl.col("decision") != "allow")
        return pl.concat([blocked, kept.select(decided.columns)], how="vertical_relaxed").sort(
            "action_id"
        )
