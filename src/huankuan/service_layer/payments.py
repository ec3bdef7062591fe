"""Payments through the payment-provider port: a borrower starts one from the portal (a payment
intent and the provider's hosted checkout), and the provider's signed webhook settles it. A
settled intent writes one `pending` payment (method "portal") that the daily cycle allocates by
the waterfall, like any other payment.

The amounts a borrower may pay are the ones the portal offers (everything owed, the open
promise, the plan's next amount), never a free figure. The webhook is verified before anything
is read or written, and is idempotent: the same event twice writes one payment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from huankuan.adapters.providers.payments.fake import FakePaymentProvider
from huankuan.adapters.storage.payment_store import PaymentStore
from huankuan.domain.errors import InvalidInput, NotFound, OutsidePolicy
from huankuan.domain.money import Money
from huankuan.domain.payments import (
    CheckoutRequest,
    EventKind,
    IntentStatus,
    PaymentEvent,
    PaymentIntent,
    PaymentProvider,
)
from huankuan.domain.portal import PortalScope
from huankuan.domain.users import Principal
from huankuan.service_layer.access import authorize_case
from huankuan.service_layer.portal import AccountOwed, account_owed
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class PayOption:
    key: str  # "full" | "promise" | "plan_next"
    amount_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class StartedPayment:
    intent: PaymentIntent
    checkout_url: str


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    event_id: str
    intent_id: str
    result: str  # "settled" | "duplicate" | "failed" | "ignored"
    payment_id: str | None = None


def pay_options(account: AccountOwed) -> list[PayOption]:
    """What the borrower may pay now: everything owed, the open promise's amount and the
    plan's next amount (each capped at what is owed), without duplicates."""
    owed = account.outstanding_minor
    if owed <= 0:
        return []
    options = [PayOption("full", owed, account.currency)]
    candidates = [
        ("plan_next", account.plan_next[1] if account.plan_next else None),
        ("promise", account.promise.amount_minor if account.promise else None),
    ]
    for key, amount in candidates:
        if amount is None or amount <= 0:
            continue
        capped = min(amount, owed)
        if all(option.amount_minor != capped for option in options):
            options.append(PayOption(key, capped, account.currency))
    return options


def start_payment(
    scope: PortalScope,
    *,
    account_id: str | None,
    option: str,
    uow: SqlUnitOfWork,
    provider: PaymentProvider,
    lang: str,
) -> StartedPayment:
    """A payment intent for one of the offered amounts, and the provider's checkout for it.

    The provider is asked first with the intent's id as its idempotency key; should storing the
    intent then fail, the unused checkout simply expires at the provider."""
    account = account_owed(scope, account_id, uow=uow)
    chosen = next((o for o in pay_options(account) if o.key == option), None)
    if chosen is None:
        raise OutsidePolicy("unknown_amount", f"no payment option {option!r} on this account now")
    intent_id = f"PI-{uuid.uuid4().hex[:20]}"
    amount = Money(chosen.amount_minor, chosen.currency)
    checkout = provider.create_checkout(
        CheckoutRequest(intent_id, amount, f"account {account.account_id}", lang)
    )
    intent = PaymentIntent(
        intent_id=intent_id,
        account_id=account.account_id,
        debtor_id=scope.debtor_id,
        amount=amount,
        provider=provider.name,
        provider_ref=checkout.provider_ref,
        status=IntentStatus.PENDING,
        created_at=uow.clock.now(),
        link_id=scope.link_id,
    )
    _store_intent(uow, intent, scope.actor, option)
    return StartedPayment(intent, checkout.checkout_url)


def _store_intent(uow: SqlUnitOfWork, intent: PaymentIntent, actor: str, option: str) -> None:
    with uow:
        PaymentStore(uow.connection).add_intent(intent)
        _audit(
            uow,
            actor,
            "payment.intent_created",
            intent,
            option=option,
            amount_minor=intent.amount.minor,
            currency=intent.amount.currency,
            provider=intent.provider,
        )
        uow.commit()


def handle_webhook(
    body: bytes, signature: str | None, *, uow: SqlUnitOfWork, provider: PaymentProvider
) -> WebhookOutcome:
    """Settle (or fail) the intent a verified webhook names. A bad signature raises before
    anything is read; an unknown intent is NotFound; an amount that differs from the intent's
    is InvalidInput; nothing is written in any of those cases."""
    event = provider.verify_webhook(body, signature, uow.clock.now())
    with uow:
        store = PaymentStore(uow.connection)
        intent = store.intent_by_ref(provider.name, event.provider_ref)
        if intent is None:
            raise NotFound(f"no payment intent for {provider.name} payment {event.provider_ref!r}")
        if event.amount != intent.amount:
            raise InvalidInput(
                f"the webhook says {event.amount} but intent {intent.intent_id} is for "
                f"{intent.amount}"
            )
        if event.kind is EventKind.SUCCEEDED:
            outcome = _settle(uow, store, intent, event, provider.name)
        else:
            outcome = _fail(uow, store, intent, event, provider.name)
        uow.commit()
    return outcome


def _settle(
    uow: SqlUnitOfWork,
    store: PaymentStore,
    intent: PaymentIntent,
    event: PaymentEvent,
    provider: str,
) -> WebhookOutcome:
    now = uow.clock.now()
    payment_id = f"PAY-{intent.intent_id}"  # one payment per intent, whatever happens
    if not store.mark_succeeded(intent.intent_id, now, payment_id):
        return WebhookOutcome(event.event_id, intent.intent_id, "duplicate", intent.payment_id)
    store.add_payment(payment_id, intent.account_id, intent.amount, now)
    _audit(
        uow,
        f"provider:{provider}",
        "payment.settled",
        intent,
        payment_id=payment_id,
        event_id=event.event_id,
        amount_minor=intent.amount.minor,
        currency=intent.amount.currency,
    )
    return WebhookOutcome(event.event_id, intent.intent_id, "settled", payment_id)


def _fail(
    uow: SqlUnitOfWork,
    store: PaymentStore,
    intent: PaymentIntent,
    event: PaymentEvent,
    provider: str,
) -> WebhookOutcome:
    if not store.mark_failed(intent.intent_id, uow.clock.now()):
        return WebhookOutcome(event.event_id, intent.intent_id, "ignored", intent.payment_id)
    _audit(uow, f"provider:{provider}", "payment.failed", intent, event_id=event.event_id)
    return WebhookOutcome(event.event_id, intent.intent_id, "failed")


def _audit(
    uow: SqlUnitOfWork, actor: str, action: str, intent: PaymentIntent, **details: object
) -> None:
    """A step in an intent's life, on its account's audit trail."""
    uow.audit.record(
        actor=actor,
        action=action,
        entity_type="account",
        entity_id=intent.account_id,
        details={"intent_id": intent.intent_id, **details},
    )


def intent_for_user(
    intent_id: str, *, uow: SqlUnitOfWork, principal: Principal | None
) -> PaymentIntent:
    """An intent, for a user who may read the debtor's case."""
    with uow:
        intent = PaymentStore(uow.connection).get_intent(intent_id)
        authorize_case(principal, uow.cases.assignee(intent.debtor_id), act=False)
        return intent


def intent_for_scope(scope: PortalScope, intent_id: str, *, uow: SqlUnitOfWork) -> PaymentIntent:
    """An intent started through this very link; any other is NotFound, like a missing one."""
    with uow:
        try:
            intent = PaymentStore(uow.connection).get_intent(intent_id)
        except NotFound:
            intent = None
    if intent is None or intent.link_id != scope.link_id or intent.debtor_id != scope.debtor_id:
        raise NotFound(f"no payment intent {intent_id!r}")
    return intent


def intents_for_scope(scope: PortalScope, *, uow: SqlUnitOfWork) -> list[PaymentIntent]:
    with uow:
        return PaymentStore(uow.connection).intents_of_link(scope.link_id)


def pay_fake_checkout(
    scope: PortalScope,
    intent_id: str,
    *,
    uow: SqlUnitOfWork,
    provider: FakePaymentProvider,
    succeeded: bool = True,
) -> WebhookOutcome:
    """The fake provider's hosted checkout: the borrower "pays", and the provider sends its
    signed webhook, which goes through the same verification as one over HTTP."""
    intent = intent_for_scope(scope, intent_id, uow=uow)
    if intent.provider != provider.name or intent.provider_ref is None:
        raise NotFound(f"no {provider.name} checkout for payment intent {intent_id!r}")
    webhook = provider.webhook(intent.provider_ref, intent.amount, succeeded=succeeded)
    return handle_webhook(webhook.body, webhook.signature, uow=uow, provider=provider)
