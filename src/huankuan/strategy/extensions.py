"""The optional sections of a strategy: segment rules, champion/challenger, capacity allocation.

    rules:        ordered; the first rule whose `when` matches sends the account down `path`
                  (a named list of treatments under `paths:`); unmatched accounts keep the
                  bucket × score-segment table of `treatments:`.
    experiment:   challengers (other strategy files) with traffic shares; the rest of the
                  traffic is the champion (this file).
    allocation:   daily capacities and channel economics; when enabled the cycle keeps, of the
                  actions the gate allowed, the set that maximises expected recovery − cost.

Balances in conditions and costs are in major units (yuan, dollars: two-decimal currencies).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huankuan.domain.model import Channel, HoldType

RuleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
ArmName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]

# What an account's earlier outcomes can be tested for; each reads a cycle/history column.
PreviousOutcome = Literal[
    "promise_broken",  # a broken promise to pay, ever (broken_promises > 0)
    "recent_payment",  # a payment in the last 30 days (recent_payments > 0)
    "right_party_contact_30d",  # spoke to the debtor in the last 30 days
    "no_right_party_contact_30d",
    "complaint_90d",  # a complaint in the last 90 days
    "unreachable",  # no usable phone of their own
]
Language = Literal["zh", "en"]
NO_HOLD = "none"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Strict):
    min: float | None = None
    max: float | None = None  # inclusive


class Condition(_Strict):
    """Every given test must hold (AND); a list matches when the account has any of it (OR)."""

    buckets: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    score: Range | None = None
    balance: Range | None = None
    languages: tuple[Language, ...] = ()
    previous_outcomes: tuple[PreviousOutcome, ...] = ()
    holds: tuple[HoldType | Literal["none"], ...] = ()


class SegmentRule(_Strict):
    name: RuleName
    when: Condition
    path: RuleName


class Challenger(_Strict):
    arm: ArmName
    strategy: str = Field(min_length=1)  # a file, relative to this strategy's file
    share: float = Field(gt=0, lt=1)


class Experiment(_Strict):
    name: RuleName
    challengers: tuple[Challenger, ...] = Field(min_length=1)


Resource = Literal["agent_minutes", "robot_lines", "sms", "none"]


class ChannelEconomics(_Strict):
    cost: float = Field(ge=0)  # per action, major units
    # Contact on this channel raises the propensity to pay p by lift × p × (1 − p): most for
    # the undecided, nothing for the sure and the hopeless.
    lift: float = Field(ge=0, le=4)
    uses: Resource = "none"
    units: float = Field(default=1, gt=0)  # of the resource per action (agent: minutes)


class Capacity(_Strict):
    agent_minutes: float = Field(ge=0)
    robot_lines: float = Field(ge=0)  # robot calls per day
    sms: float = Field(ge=0)  # messages per day


DEFAULT_ECONOMICS = {
    Channel.SMS: ChannelEconomics(cost=0.05, lift=0.10, uses="sms"),
    Channel.EMAIL: ChannelEconomics(cost=0.01, lift=0.03),
    Channel.ROBOT_CALL: ChannelEconomics(cost=0.30, lift=0.25, uses="robot_lines"),
    Channel.AGENT_CALL: ChannelEconomics(cost=4.00, lift=0.60, uses="agent_minutes", units=8),
    Channel.LETTER: ChannelEconomics(cost=1.20, lift=0.08),
    Channel.CHAT: ChannelEconomics(cost=0.02, lift=0.12),
}
GENERIC_ECONOMICS = ChannelEconomics(cost=0.0, lift=0.0)


class Allocation(_Strict):
    enabled: bool = True
    capacity: Capacity
    per_debtor_daily_limit: int = Field(default=2, ge=1, le=10)
    channels: dict[Channel, ChannelEconomics] = Field(default_factory=lambda: DEFAULT_ECONOMICS)
    # "ladder" is the naive baseline under the same capacity (for what-if comparisons).
    solver: Literal["lagrangian", "exact", "ladder"] = "lagrangian"

    def economics(self, channel: Channel) -> ChannelEconomics:
        return self.channels.get(channel, DEFAULT_ECONOMICS.get(channel, GENERIC_ECONOMICS))
