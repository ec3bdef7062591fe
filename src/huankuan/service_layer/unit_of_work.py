"""The unit of work: one transaction, its repositories and the audit log, committed together."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from huankuan.adapters.storage.audit import SqlAuditLog
from huankuan.adapters.storage.repositories import HoldRepository, PromiseRepository
from huankuan.domain.ports import Clock


class SqlUnitOfWork:
    """`with uow:` opens a transaction; leaving without `commit()` rolls it back."""

    connection: Connection
    audit: SqlAuditLog
    promises: PromiseRepository
    holds: HoldRepository

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self.clock = clock

    def __enter__(self) -> Self:
        self.connection = self._engine.connect()
        self._transaction = self.connection.begin()
        self.audit = SqlAuditLog(self.connection, self.clock)
        self.promises = PromiseRepository(self.connection)
        self.holds = HoldRepository(self.connection)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()
        self.connection.close()

    def commit(self) -> None:
        self._transaction.commit()

    def rollback(self) -> None:
        self._transaction.rollback()
