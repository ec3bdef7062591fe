"""Payment intents and the payments their settlement writes. Settling is a conditional update
(only an intent not yet succeeded changes), and the payment's id is derived from the intent's,
so a webhook delivered twice, even twice at once, writes exactly one payment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from huankuan.adapters.storage.repositories import from_db_time, to_db_time
from huankuan.adapters.storage.tables import payment_intents, payments
from huankuan.domain.errors import NotFound
from huankuan.domain.money import Money
from huankuan.domain.payments import IntentStatus, PaymentIntent

PORTAL_METHOD = "portal"


class PaymentStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add_intent(self, intent: PaymentIntent) -> None:
        self._connection.execute(
            insert(payment_intents).values(
                intent_id=intent.intent_id,
                account_id=intent.account_id,
                debtor_id=intent.debtor_id,
                amount_minor=intent.amount.minor,
                currency=intent.amount.currency,
                provider=intent.provider,
                provider_ref=intent.provider_ref,
                status=intent.status.value,
                created_at=to_db_time(intent.created_at),
                link_id=intent.link_id,
            )
        )

    def get_intent(self, intent_id: str) -> PaymentIntent:
        row = self._connection.execute(
            select(payment_intents).where(payment_intents.c.intent_id == intent_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"no payment intent {intent_id!r}")
        return _intent(row._mapping)

    def intent_by_ref(self, provider: str, provider_ref: str) -> PaymentIntent | None:
        row = self._connection.execute(
            select(payment_intents).where(
                payment_intents.c.provider == provider,
                payment_intents.c.provider_ref == provider_ref,
            )
        ).one_or_none()
        return None if row is None else _intent(row._mapping)

    def intents_of_link(self, link_id: str) -> list[PaymentIntent]:
        rows = self._connection.execute(
            select(payment_intents)
            .where(payment_intents.c.link_id == link_id)
            .order_by(payment_intents.c.created_at.desc(), payment_intents.c.intent_id)
        )
        return [_intent(row._mapping) for row in rows]

    def mark_succeeded(self, intent_id: str, at: datetime, payment_id: str) -> bool:
        """True when this call settled the intent; False when it already had succeeded."""
        result = self._connection.execute(
            update(payment_intents)
            .where(
                payment_intents.c.intent_id == intent_id,
                payment_intents.c.status != IntentStatus.SUCCEEDED.value,
            )
            .values(
                status=IntentStatus.SUCCEEDED.value,
                settled_at=to_db_time(at),
                payment_id=payment_id,
            )
        )
        return result.rowcount == 1

    def mark_failed(self, intent_id: str, at: datetime) -> bool:
        """True when a pending intent became failed (a succeeded one never does)."""
        result = self._connection.execute(
            update(payment_intents)
            .where(
                payment_intents.c.intent_id == intent_id,
                payment_intents.c.status == IntentStatus.PENDING.value,
            )
            .values(status=IntentStatus.FAILED.value, settled_at=to_db_time(at))
        )
        return result.rowcount == 1

    def add_payment(
        self, payment_id: str, account_id: str, amount: Money, received_at: datetime
    ) -> None:
        """A received payment, `pending` until the daily cycle allocates it."""
        self._connection.execute(
            insert(payments).values(
                payment_id=payment_id,
                account_id=account_id,
                amount_minor=amount.minor,
                currency=amount.currency,
                received_at=to_db_time(received_at),
                method=PORTAL_METHOD,
                status="pending",
            )
        )


def _intent(row: Any) -> PaymentIntent:
    return PaymentIntent(
        intent_id=row["intent_id"],
        account_id=row["account_id"],
        debtor_id=row["debtor_id"],
        amount=Money(int(row["amount_minor"]), row["currency"]),
        provider=row["provider"],
        provider_ref=row["provider_ref"],
        status=IntentStatus(row["status"]),
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        settled_at=from_db_time(row["settled_at"]),
        payment_id=row["payment_id"],
        link_id=row["link_id"],
    )
