"""Payments through a payment provider: the port every provider adapter implements, and the
records it exchanges with us. A borrower's "pay" creates a payment intent and a hosted checkout
at the provider; the provider later tells us the outcome in a signed webhook, which settles the
intent and writes a payment the daily cycle allocates by the waterfall.

See docs/payments.md for what a real provider's adapter must do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from huankuan.domain.money import Money

SIGNATURE_HEADER = "Huankuan-Signature"
REPLAY_WINDOW_SECONDS = 300  # a webhook signed longer ago (or ahead) than this is refused


class IntentStatus(StrEnum):
    PENDING = "pending"  # the checkout is open; nothing paid yet
    SUCCEEDED = "succeeded"  # the provider confirmed the money; a payment row exists
    FAILED = "failed"  # the provider says the attempt failed (a new attempt may still succeed)


class EventKind(StrEnum):
    SUCCEEDED = "payment.succeeded"
    FAILED = "payment.failed"


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    intent_id: str
    account_id: str
    debtor_id: str
    amount: Money
    provider: str
    provider_ref: str | None
    status: IntentStatus
    created_at: datetime  # aware UTC
    settled_at: datetime | None = None
    payment_id: str | None = None
    link_id: str | None = None  # the portal link it was started from, if any


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """What we ask the provider for: `intent_id` is also the idempotency key, so asking twice
    for the same intent must give the same checkout."""

    intent_id: str
    amount: Money
    description: str
    lang: str  # "zh" | "en": the language of the hosted checkout page


@dataclass(frozen=True, slots=True)
class Checkout:
    provider_ref: str  # the provider's id of the payment; webhooks name it
    checkout_url: str  # where the borrower pays (the provider's hosted page)


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """A verified webhook event: the provider says the payment `provider_ref` succeeded or
    failed, for `amount`."""

    event_id: str
    kind: EventKind
    provider_ref: str
    amount: Money
    occurred_at: datetime  # aware UTC, the provider's clock


class PaymentProvider(Protocol):
    """The payment-provider port. `name` is stored on each intent."""

    name: str

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """Open a hosted checkout for the amount. Raises InvalidInput when the provider refuses
        the request (amount, currency)."""
        ...

    def verify_webhook(self, body: bytes, signature: str | None, now: datetime) -> PaymentEvent:
        """The event in a webhook, only if its signature is the provider's and fresh: raises
        AuthenticationFailed for a missing, malformed, wrong or stale signature, and
        InvalidInput for a correctly signed body we cannot read."""
        ...
