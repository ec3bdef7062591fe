"""The unit of work: one transaction, its repositories and the audit log, committed together.

Nesting `with uow:` inside an open unit of work joins its transaction: an inner `commit()`
leaves the decision to the outermost block, so small handlers (each `with uow: ...;
uow.commit()`) compose into one transaction when a caller needs them to be atomic together.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from huankuan.adapters.storage.audit import SqlAuditLog
from huankuan.adapters.storage.case_work import (
    CallbackRepository,
    CaseRepository,
    ComplaintRepository,
    ContactAttemptRepository,
    ContactPointRepository,
    DisputeRepository,
    HandoffRepository,
    OutboxRepository,
    PlanRepository,
)
from huankuan.adapters.storage.conversation_store import SqlConversationRepository
from huankuan.adapters.storage.gate_store import SqlGateDecisions
from huankuan.adapters.storage.repositories import HoldRepository, PromiseRepository
from huankuan.adapters.storage.robot_reads import SqlRobotReads
from huankuan.adapters.storage.user_store import SqlUserRepository
from huankuan.domain.ports import Clock


class SqlUnitOfWork:
    """`with uow:` opens a transaction; leaving without `commit()` rolls it back."""

    connection: Connection
    audit: SqlAuditLog
    promises: PromiseRepository
    holds: HoldRepository
    conversations: SqlConversationRepository
    robot_reads: SqlRobotReads
    cases: CaseRepository
    handoffs: HandoffRepository
    callbacks: CallbackRepository
    outbox: OutboxRepository
    plans: PlanRepository
    disputes: DisputeRepository
    complaints: ComplaintRepository
    contact_points: ContactPointRepository
    contact_attempts: ContactAttemptRepository
    gate_decisions: SqlGateDecisions
    users: SqlUserRepository

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self.clock = clock
        self._depth = 0

    def __enter__(self) -> Self:
        self._depth += 1
        if self._depth > 1:
            return self
        self.connection = self._engine.connect()
        self._transaction = self.connection.begin()
        self._open_repositories(self.connection)
        return self

    def _open_repositories(self, connection: Connection) -> None:
        self.audit = SqlAuditLog(connection, self.clock)
        self.promises = PromiseRepository(connection)
        self.holds = HoldRepository(connection)
        self.conversations = SqlConversationRepository(connection)
        self.robot_reads = SqlRobotReads(connection)
        self.cases = CaseRepository(connection)
        self.handoffs = HandoffRepository(connection)
        self.callbacks = CallbackRepository(connection)
        self.outbox = OutboxRepository(connection)
        self.plans = PlanRepository(connection)
        self.disputes = DisputeRepository(connection)
        self.complaints = ComplaintRepository(connection)
        self.contact_points = ContactPointRepository(connection)
        self.contact_attempts = ContactAttemptRepository(connection)
        self.gate_decisions = SqlGateDecisions(connection)
        self.users = SqlUserRepository(connection)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        if self._transaction.is_active:
            self._transaction.rollback()
        self.connection.close()

    def commit(self) -> None:
        if self._depth == 1:
            self._transaction.commit()

    def rollback(self) -> None:
        self._transaction.rollback()
