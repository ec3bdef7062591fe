"""Pages: paying from the borrower portal. The borrower picks one of the offered amounts, the
payment provider opens its hosted checkout (the fake provider's is /p/pay/<intent>, a page of
our own), "paying" there makes the provider send its signed webhook, and the confirmation page
shows the settled payment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from huankuan.domain.errors import OutsidePolicy
from huankuan.domain.payments import IntentStatus
from huankuan.entrypoints.api.portal_deps import PortalSession, payment_provider
from huankuan.entrypoints.web.deps import PageApp
from huankuan.entrypoints.web.routes.portal_common import AccountForm, page
from huankuan.service_layer import payments
from huankuan.service_layer.portal import account_owed

router = APIRouter(include_in_schema=False)


_PAY = AccountForm(
    "portal/pay.html", lambda application, scope, owed: {"options": payments.pay_options(owed)}
)


@router.get("/p/pay")
def pay_form(
    request: Request, application: PageApp, scope: PortalSession, account: str | None = None
) -> Response:
    return _PAY.show(request, application, scope, account)


@router.post("/p/pay")
def pay(
    request: Request,
    application: PageApp,
    scope: PortalSession,
    option: Annotated[str, Form(max_length=16)] = "",
    account: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    try:
        started = payments.start_payment(
            scope,
            account_id=account,
            option=option,
            uow=application.uow(),
            provider=payment_provider(application, base_url=""),
            lang=request.state.lang,
        )
    except OutsidePolicy:
        return _PAY.show(request, application, scope, account, "portal_pay_pick")
    return RedirectResponse(started.checkout_url, status_code=303)


@router.get("/p/pay/{intent_id}")
def checkout(
    request: Request, intent_id: str, application: PageApp, scope: PortalSession
) -> Response:
    """The fake provider's hosted checkout (a real provider's page would be on its site)."""
    intent = payments.intent_for_scope(scope, intent_id, uow=application.uow())
    if intent.status is IntentStatus.SUCCEEDED:
        return RedirectResponse(f"/p/pay/{intent_id}/done", status_code=303)
    return page(request, "portal/checkout.html", {"intent": intent})


@router.post("/p/pay/{intent_id}")
def pay_at_checkout(
    request: Request,
    intent_id: str,
    application: PageApp,
    scope: PortalSession,
    outcome: Annotated[str, Form(max_length=8)] = "pay",
) -> Response:
    payments.pay_fake_checkout(
        scope,
        intent_id,
        uow=application.uow(),
        provider=payment_provider(application, base_url=""),
        succeeded=outcome != "decline",
    )
    return RedirectResponse(f"/p/pay/{intent_id}/done", status_code=303)


@router.get("/p/pay/{intent_id}/done")
def confirmation(
    request: Request, intent_id: str, application: PageApp, scope: PortalSession
) -> Response:
    intent = payments.intent_for_scope(scope, intent_id, uow=application.uow())
    owed_now = account_owed(scope, intent.account_id, uow=application.uow())
    return page(request, "portal/done.html", {"intent": intent, "account": owed_now})
