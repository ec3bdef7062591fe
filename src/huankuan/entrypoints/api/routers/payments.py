"""The payment provider's webhook (authenticated by its HMAC signature, not a bearer token) and
payment intents for staff. See docs/payments.md."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from huankuan.domain.payments import PaymentIntent
from huankuan.entrypoints.api.deps import AppDep, Reader
from huankuan.entrypoints.api.portal_deps import payment_provider
from huankuan.service_layer import payments

router = APIRouter(prefix="/api/payments", tags=["payments"])


class IntentOut(BaseModel):
    intent_id: str
    account_id: str
    amount_minor: int
    currency: str
    provider: str
    provider_ref: str | None
    status: str
    created_at: datetime
    settled_at: datetime | None
    payment_id: str | None


class WebhookOut(BaseModel):
    event_id: str
    intent_id: str
    result: str
    payment_id: str | None


def intent_out(intent: PaymentIntent) -> IntentOut:
    return IntentOut(
        intent_id=intent.intent_id,
        account_id=intent.account_id,
        amount_minor=intent.amount.minor,
        currency=intent.amount.currency,
        provider=intent.provider,
        provider_ref=intent.provider_ref,
        status=intent.status.value,
        created_at=intent.created_at,
        settled_at=intent.settled_at,
        payment_id=intent.payment_id,
    )


_WEBHOOK_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, malformed, wrong or stale (over 5 minutes) signature."},
    404: {"description": "The event names a payment we never started."},
    422: {"description": "A signed body we cannot read, or an amount that is not the intent's."},
}


@router.post("/webhook", response_model=WebhookOut, responses=_WEBHOOK_ERRORS)
async def webhook(
    request: Request,
    application: AppDep,
    huankuan_signature: Annotated[str | None, Header()] = None,
) -> WebhookOut:
    """The provider tells us a payment succeeded or failed. Signed with HMAC-SHA256 over
    "<t>.<raw body>" (`Huankuan-Signature: t=<unix>,v1=<hex>`); delivered twice, it settles
    once (`result: duplicate`)."""
    body = await request.body()  # the raw bytes: the signature is over them, not over JSON
    outcome = await run_in_threadpool(
        payments.handle_webhook,
        body,
        huankuan_signature,
        uow=application.uow(),
        provider=payment_provider(application),
    )
    return WebhookOut(
        event_id=outcome.event_id,
        intent_id=outcome.intent_id,
        result=outcome.result,
        payment_id=outcome.payment_id,
    )


@router.get("/intents/{intent_id}", response_model=IntentOut)
def get_intent(intent_id: str, application: AppDep, user: Reader) -> IntentOut:
    """A payment intent (an agent: only on cases assigned to them)."""
    return intent_out(payments.intent_for_user(intent_id, uow=application.uow(), principal=user))
