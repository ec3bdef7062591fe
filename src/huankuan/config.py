"""Typed settings: the only reader of the environment (prefix HUANKUAN_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from huankuan.domain.waterfall import DEFAULT_WATERFALL, check_waterfall


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUANKUAN_", extra="ignore")

    database_url: str = "sqlite:///var/huankuan.db"
    strategy_file: Path | None = None  # default: the packaged strategies/default.yaml
    waterfall: tuple[str, ...] = Field(default=DEFAULT_WATERFALL)
    promise_grace_days: int = Field(default=2, ge=0, le=30)
    # "latest": the cycle scores with the latest trained model when one is stored (else the
    # rule scorecard, the cold start); "rule": always the rule scorecard.
    scoring_model: Literal["latest", "rule"] = "latest"
    # Demo/test only: pretend "today" is this date (the cycle refuses dates after today).
    today: str | None = None
    # The lender's terms the robot works under (default: the packaged dialogue/scripts/terms.yaml).
    robot_terms_file: Path | None = None
    # Demo/test only: a frozen clock at this instant (ISO-8601 with offset), e.g. to replay a
    # day's dispatch; the gate judges every send at the clock's time.
    frozen_now: str | None = None

    @field_validator("waterfall", mode="before")
    @classmethod
    def _parse_waterfall(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return check_waterfall(value)  # type: ignore[arg-type]


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
