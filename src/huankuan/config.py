"""Typed settings: the only reader of the environment (prefix HUANKUAN_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
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

    # -- the pages and the borrower portal (entrypoints/web) --
    # Signs session cookies, CSRF tokens and portal links. Unset: a random key is generated once
    # and kept in `secrets_dir` (mode 0600), so it survives restarts and never enters the repo.
    secret_key: SecretStr | None = None
    # Verifies the payment provider's webhooks (HMAC-SHA256); unset: generated like secret_key.
    payment_webhook_secret: SecretStr | None = None
    secrets_dir: Path = Path("var/secrets")
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Sign-in throttling: this many failures for one username (or one client address) within
    # the window lock further attempts until the window has passed.
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Borrower-portal links: valid this long; this many wrong second factors lock the link.
    portal_link_hours: int = Field(default=72, ge=1, le=24 * 30)
    portal_max_attempts: int = Field(default=5, ge=1, le=20)
    # The address the portal links point at (what an SMS carries).
    public_url: str = "http://127.0.0.1:8000"
    # Cookies get `Secure` when the request came over https; force it behind a TLS proxy.
    secure_cookies: bool = False

    @field_validator("waterfall", mode="before")
    @classmethod
    def _parse_waterfall(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return check_waterfall(value)  # type: ignore[arg-type]


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
