"""The what-if simulator's assumptions (`assumptions.yaml`), validated like every rule file."""

from __future__ import annotations

import hashlib
from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from huankuan.domain.model import Channel
from huankuan.simulation.personas import Persona
from huankuan.yaml_schema import load_yaml, parse_clock, validate

DEFAULT_ASSUMPTIONS = Path(__file__).with_name("assumptions.yaml")
Clock = Annotated[time, BeforeValidator(parse_clock)]
Probability = Annotated[float, Field(ge=0, le=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bounds(_Strict):
    min: float = Field(gt=0)
    max: float = Field(gt=0)


class Book(_Strict):
    cn_share: Probability
    instalment: Bounds
    terms: tuple[int, ...] = Field(min_length=1)
    months_overdue: dict[int, float]
    second_phone: Probability


class ChannelTruth(_Strict):
    cost: float = Field(ge=0)
    persuasion: float = Field(ge=0, le=3)


class Timing(_Strict):
    evening_from: Clock
    morning_until: Clock


class Gate(_Strict):
    max_contacts_per_day: int = Field(ge=1)
    max_calls_per_7_days: int = Field(ge=1)
    call_hours: dict[str, tuple[Clock, Clock]]


class Holds(_Strict):
    dispute: int = Field(ge=1)
    complaint_review: int = Field(ge=1)
    welfare: int = Field(ge=1)
    hardship_plan: int = Field(ge=1)


class PersonaBehaviour(_Strict):
    on_time: Probability
    self_cure: Probability
    reach: dict[Channel, Probability]
    early: float = Field(ge=0, le=3)
    evening: float = Field(ge=0, le=3)
    respond: Probability
    pay_now: Probability
    keep_promise: Probability
    full_arrears: Probability
    partial: Probability
    complaint: Probability
    dispute: Probability
    hardship_plan: Probability
    welfare: Probability
    wrong_party: bool


class Assumptions(_Strict):
    version: str
    book: Book
    channels: dict[Channel, ChannelTruth]
    timing: Timing
    fatigue: float = Field(gt=0, le=1)
    complaint_pressure: float = Field(ge=0)
    promise_days: int = Field(ge=1, le=30)
    grace_days: int = Field(ge=0, le=30)
    gate: Gate
    holds: Holds
    hardship_plan_self_cure: float = Field(ge=0)
    personas: dict[Persona, PersonaBehaviour]


def load_assumptions(path: Path | str | None = None) -> tuple[Assumptions, str]:
    """The assumptions and a one-line statement of where they come from (name, version,
    digest) for every report."""
    file = Path(path or DEFAULT_ASSUMPTIONS)
    document = load_yaml(file)
    assumptions = validate(document, Assumptions)
    for persona in Persona:
        if persona not in assumptions.personas:
            raise document.error(("personas",), f"persona {persona.value!r} has no parameters")
    for name, behaviour in assumptions.personas.items():
        for channel in Channel:
            if channel not in behaviour.reach:
                raise document.error(
                    ("personas", name.value, "reach"), f"no reach for {channel.value}"
                )
    for channel in Channel:
        if channel not in assumptions.channels:
            raise document.error(("channels",), f"channel {channel.value!r} has no parameters")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
    return assumptions, f"assumptions {file.name} v{assumptions.version} (sha256 {digest})"
