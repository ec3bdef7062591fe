"""The fake payment provider of the tests and the demo. Its hosted checkout is a page of our own
app (/p/pay/<intent>); "paying" there makes it emit the webhook a real provider would send,
signed with the webhook secret exactly as a real one must be, so the same verification code
settles it. No money moves.

The event body (JSON): {"id": "evt_…", "type": "payment.succeeded" | "payment.failed",
"created": <unix seconds>, "data": {"provider_ref", "amount_minor", "currency"}}."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeGuard

from huankuan.adapters.providers.payments.signature import signature_header, verify
from huankuan.domain.errors import InvalidInput, InvalidMoney
from huankuan.domain.money import Money
from huankuan.domain.payments import (
    SIGNATURE_HEADER,
    Checkout,
    CheckoutRequest,
    EventKind,
    PaymentEvent,
)
from huankuan.domain.ports import Clock


@dataclass(frozen=True, slots=True)
class SignedWebhook:
    """What the provider POSTs to /api/payments/webhook: the raw body and its headers."""

    body: bytes
    headers: dict[str, str]

    @property
    def signature(self) -> str:
        return self.headers[SIGNATURE_HEADER]


class FakePaymentProvider:
    name = "fake"

    def __init__(self, *, secret: str, clock: Clock, checkout_base_url: str = "") -> None:
        self._secret = secret
        self._clock = clock
        self._base = checkout_base_url.rstrip("/")

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        if request.amount.minor <= 0:
            raise InvalidInput("the fake provider takes only positive amounts")
        # Derived from the intent id, so asking again for the same intent gives the same ref.
        reference = f"fake_{uuid.uuid5(uuid.NAMESPACE_URL, request.intent_id).hex[:24]}"
        return Checkout(reference, f"{self._base}/p/pay/{request.intent_id}")

    def webhook(
        self,
        provider_ref: str,
        amount: Money,
        *,
        succeeded: bool = True,
        event_id: str | None = None,
        signed_at: datetime | None = None,
    ) -> SignedWebhook:
        """The webhook the provider sends when the borrower paid (or the payment failed)."""
        moment = signed_at or self._clock.now()
        event = {
            "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
            "type": (EventKind.SUCCEEDED if succeeded else EventKind.FAILED).value,
            "created": int(moment.timestamp()),
            "data": {
                "provider_ref": provider_ref,
                "amount_minor": amount.minor,
                "currency": amount.currency,
            },
        }
        body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode("utf-8")
        header = signature_header(body, self._secret, int(moment.timestamp()))
        return SignedWebhook(body, {SIGNATURE_HEADER: header, "Content-Type": "application/json"})

    def verify_webhook(self, body: bytes, signature: str | None, now: datetime) -> PaymentEvent:
        verify(body, signature, self._secret, now)
        return parse_event(body)


def parse_event(body: bytes) -> PaymentEvent:
    """A signed body as an event; InvalidInput naming the first thing missing or wrong."""
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput("the webhook body is not JSON") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), dict):
        raise InvalidInput("the webhook body needs an object with `data`")
    data: dict[str, Any] = raw["data"]
    try:
        kind = EventKind(str(raw.get("type")))
    except ValueError:
        raise InvalidInput(f"unknown webhook event type {raw.get('type')!r}") from None
    event_id, reference = raw.get("id"), data.get("provider_ref")
    created, amount = raw.get("created"), data.get("amount_minor")
    if not isinstance(event_id, str) or not isinstance(reference, str):
        raise InvalidInput("the webhook event needs `id` and `data.provider_ref` strings")
    if not _integer(created) or not _integer(amount):
        raise InvalidInput("the webhook event needs integer `created` and `data.amount_minor`")
    try:
        money = Money(amount, str(data.get("currency")))
    except InvalidMoney as error:
        raise InvalidInput(f"the webhook event's amount: {error}") from None
    return PaymentEvent(event_id, kind, reference, money, datetime.fromtimestamp(created, UTC))


def _integer(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
