"""The composition root: builds engines, clocks, the gate, the scorer and the strategy."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from huankuan.adapters.clock import SystemClock
from huankuan.adapters.storage.database import make_engine, require_schema
from huankuan.config import Settings, load_settings
from huankuan.domain.ports import Clock
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.clock)


def bootstrap(settings: Settings | None = None, clock: Clock | None = None, *,
              require_initialised: bool = True) -> App:
    settings = settings or load_settings()
    engine = make_engine(settings.database_url, create_dir=not require_initialised)
    if require_initialised:
        require_schema(engine)
    return App(settings=settings, engine=engine, clock=clock or SystemClock())
