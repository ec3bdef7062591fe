"""The composition root: builds engines, clocks, the gate, the scorer and the strategy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from huankuan.adapters.clock import FakeClock, SystemClock
from huankuan.adapters.secrets import load_or_create
from huankuan.adapters.storage.database import make_engine, require_schema
from huankuan.config import Settings, load_settings
from huankuan.domain.errors import InvalidInput
from huankuan.domain.ports import Clock
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from huankuan.service_layer.robot import Robot


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock
    robot_kit: Robot | None = None  # the collection robot's shared parts; loaded on first use

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.clock)

    def secret(self, name: str) -> str:
        """A signing key: "secret_key" (sessions, CSRF, portal links) or
        "payment_webhook_secret" (the payment provider's webhooks)."""
        configured = getattr(self.settings, name)
        if configured is not None:
            return str(configured.get_secret_value())
        return load_or_create(self.settings.secrets_dir, name)

    def robot(self) -> Robot:
        """The robot's NLU, content guard, script and lender terms (seconds to load once)."""
        if self.robot_kit is None:
            from huankuan.service_layer.robot import Robot

            self.robot_kit = Robot.packaged(self.settings.robot_terms_file)
        return self.robot_kit


def bootstrap(
    settings: Settings | None = None,
    clock: Clock | None = None,
    *,
    require_initialised: bool = True,
) -> App:
    settings = settings or load_settings()
    engine = make_engine(settings.database_url, create_dir=not require_initialised)
    if require_initialised:
        require_schema(engine)
    return App(settings=settings, engine=engine, clock=clock or _clock(settings))


def _clock(settings: Settings) -> Clock:
    if settings.frozen_now is None:
        return SystemClock()
    try:
        moment = datetime.fromisoformat(settings.frozen_now)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(
            "HUANKUAN_FROZEN_NOW must be an ISO-8601 time with an offset, "
            f"got {settings.frozen_now!r}"
        )
    return FakeClock(moment)
