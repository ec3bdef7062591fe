"""Repositories: map stored rows to domain objects and back, one aggregate each."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from huankuan.adapters.storage.tables import holds, promises
from huankuan.domain.errors import NotFound
from huankuan.domain.model import Hold, HoldType, PromiseStatus, PromiseToPay
from huankuan.domain.money import Money


def to_db_time(moment: datetime) -> datetime:
    """Stored datetimes are naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_db_time(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


class PromiseRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, promise: PromiseToPay) -> None:
        self._connection.execute(
            insert(promises).values(
                promise_id=promise.promise_id,
                account_id=promise.account_id,
                amount_minor=promise.amount.minor,
                currency=promise.amount.currency,
                promised_on=promise.promised_on,
                due_on=promise.due_on,
                status=promise.status.value,
                resolved_on=promise.resolved_on,
            )
        )

    def get(self, promise_id: str) -> PromiseToPay:
        row = self._connection.execute(
            select(promises).where(promises.c.promise_id == promise_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"no promise {promise_id!r}")
        return PromiseToPay(
            promise_id=row.promise_id,
            account_id=row.account_id,
            amount=Money(row.amount_minor, row.currency),
            promised_on=row.promised_on,
            due_on=row.due_on,
            status=PromiseStatus(row.status),
            resolved_on=row.resolved_on,
        )


class HoldRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, hold: Hold) -> None:
        self._connection.execute(
            insert(holds).values(
                hold_id=hold.hold_id,
                debtor_id=hold.debtor_id,
                account_id=hold.account_id,
                hold_type=hold.hold_type.value,
                starts_at=to_db_time(hold.starts_at),
                ends_at=None if hold.ends_at is None else to_db_time(hold.ends_at),
                reason=hold.reason,
            )
        )

    def get(self, hold_id: str) -> Hold:
        row = self._connection.execute(
            select(holds).where(holds.c.hold_id == hold_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"no hold {hold_id!r}")
        return Hold(
            hold_id=row.hold_id,
            debtor_id=row.debtor_id,
            hold_type=HoldType(row.hold_type),
            starts_at=row.starts_at.replace(tzinfo=UTC),
            reason=row.reason,
            ends_at=from_db_time(row.ends_at),
            account_id=row.account_id,
        )

    def end(self, hold_id: str, at: datetime) -> None:
        self._connection.execute(
            update(holds).where(holds.c.hold_id == hold_id).values(ends_at=to_db_time(at))
        )
