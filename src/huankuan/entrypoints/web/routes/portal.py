"""Pages: the borrower portal (mobile-first H5 under /p/). A signed link from an SMS opens the
verify page; the second factor gives a portal session (the `hk_portal` cookie), and the pages
then show what is owed and let the borrower act: promise, plan, pay (portal_pay.py), dispute,
contact preferences, and chat with the robot (portal_chat.py).

Every page reaches only the session's own debtor: an account, payment or conversation of
anybody else is a 404, exactly as one that does not exist."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from huankuan.dialogue.policy.negotiation import latest_promise_date
from huankuan.domain.errors import InvalidInput, LinkUnusable, OutsidePolicy
from huankuan.domain.money import Money
from huankuan.domain.portal import PortalScope, WrongSecondFactor
from huankuan.entrypoints.api.portal_deps import PortalSession, portal_rules, portal_tokens
from huankuan.entrypoints.web.deps import PageApp
from huankuan.entrypoints.web.routes import portal_chat, portal_pay
from huankuan.entrypoints.web.routes.portal_common import (
    AccountForm,
    form_page,
    major_to_minor,
    page,
)
from huankuan.entrypoints.web.security import LANG_COOKIE, PORTAL_COOKIE, cookie_flags
from huankuan.service_layer import payments, portal_actions
from huankuan.service_layer.portal import AccountOwed, account_owed, negotiation_context, owed
from huankuan.service_layer.portal_access import check_link, verify

router = APIRouter(include_in_schema=False)


@router.get("/p/expired")
def expired(request: Request, reason: str = "ended") -> Response:
    """Where an unusable link or an ended session lands; says nothing about anyone."""
    known = (
        reason if reason in ("invalid", "expired", "revoked", "locked", "signed_out") else "ended"
    )
    return page(request, "portal/expired.html", {"reason": known})


@router.post("/p/signout")
def sign_out(request: Request, scope: PortalSession) -> Response:
    response = RedirectResponse("/p/expired?reason=signed_out", status_code=303)
    response.delete_cookie(PORTAL_COOKIE, path="/")
    return response


@router.get("/p/home")
def home(request: Request, application: PageApp, scope: PortalSession) -> Response:
    uow = application.uow
    return page(
        request,
        "portal/home.html",
        {
            "accounts": owed(scope, uow=uow()),
            "intents": payments.intents_for_scope(scope, uow=uow())[:5],
        },
    )


@router.get("/p/promise")
def promise_form(
    request: Request, application: PageApp, scope: PortalSession, account: str | None = None
) -> Response:
    return _promise_page(request, application, scope, account)


def _promise_page(
    request: Request,
    application: PageApp,
    scope: PortalSession,
    account_id: str | None,
    *,
    error: str | None = None,
    counter: Mapping[str, object] | None = None,
    typed: tuple[str, str] = ("", ""),
) -> Response:
    owed_now = account_owed(scope, account_id, uow=application.uow())
    context = negotiation_context(
        scope, owed_now, rules=portal_rules(application), now=application.clock.now()
    )
    limits = {
        "minimum": context.policy.minimum_promise(context.amount_due).minor,
        "latest": latest_promise_date(context),
        "today": context.today,
    }
    values = {
        "account": owed_now,
        "limits": limits,
        "amount": typed[0],
        "due_on": typed[1],
        "counter": _counter(counter, owed_now.currency),
    }
    return form_page(request, "portal/promise.html", values, error)


def _counter(counter: Mapping[str, object] | None, currency: str) -> dict[str, object] | None:
    """The policy's closest promise, as the form would submit it (major units, ISO date)."""
    if counter is None:
        return None
    minor = int(str(counter["amount_minor"]))
    major = Money(minor, currency).major
    return {"minor": minor, "amount": str(major), "due_on": str(counter["due_on"])}


@router.post("/p/promise")
def promise(
    request: Request,
    application: PageApp,
    scope: PortalSession,
    amount: Annotated[str, Form(max_length=32)] = "",
    due_on: Annotated[str, Form(max_length=10)] = "",
    account: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    owed_now = account_owed(scope, account, uow=application.uow())
    typed = (amount, due_on)
    try:
        minor = major_to_minor(amount, owed_now.currency)
        day = date.fromisoformat(due_on)
    except (InvalidInput, ValueError):
        return _promise_page(
            request, application, scope, account, error="portal_error_amount_date", typed=typed
        )
    try:
        portal_actions.promise_to_pay(
            scope,
            account_id=owed_now.account_id,
            amount_minor=minor,
            due_on=day,
            uow=application.uow(),
            rules=portal_rules(application),
        )
    except OutsidePolicy as refused:
        error = f"portal_promise_{refused.problem}"
        return _promise_page(
            request, application, scope, account, error=error, counter=refused.counter, typed=typed
        )
    return RedirectResponse("/p/home?done=promise", status_code=303)


def _plan_choices(
    application: PageApp, scope: PortalScope, owed_now: AccountOwed
) -> list[portal_actions.PlanChoice]:
    if owed_now.plan is not None or owed_now.outstanding_minor <= 0:
        return []
    return portal_actions.plan_choices(
        scope,
        account_id=owed_now.account_id,
        uow=application.uow(),
        rules=portal_rules(application),
    )


_PLAN = AccountForm(
    "portal/plan.html",
    lambda application, scope, owed: {"choices": _plan_choices(application, scope, owed)},
)
_DISPUTE = AccountForm("portal/dispute.html")


@router.get("/p/plan")
def plan_form(
    request: Request, application: PageApp, scope: PortalSession, account: str | None = None
) -> Response:
    return _PLAN.show(request, application, scope, account)


@router.post("/p/plan")
def choose_plan(
    request: Request,
    application: PageApp,
    scope: PortalSession,
    key: Annotated[str, Form(max_length=32)] = "",
    account: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    try:
        portal_actions.choose_plan(
            scope,
            account_id=account,
            key=key,
            uow=application.uow(),
            rules=portal_rules(application),
        )
    except OutsidePolicy as refused:
        error = f"portal_plan_{refused.problem}"
        return _PLAN.show(request, application, scope, account, error)
    return RedirectResponse("/p/pay?done=plan", status_code=303)


@router.get("/p/dispute")
def dispute_form(
    request: Request, application: PageApp, scope: PortalSession, account: str | None = None
) -> Response:
    return _DISPUTE.show(request, application, scope, account)


@router.post("/p/dispute")
def dispute(
    request: Request,
    application: PageApp,
    scope: PortalSession,
    reason: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=portal_actions.NOTE_LIMIT)] = "",
    account: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    if reason not in portal_actions.DISPUTE_REASONS:
        return _DISPUTE.show(request, application, scope, account, "portal_dispute_pick_reason")
    portal_actions.dispute(
        scope,
        account_id=account,
        reason=reason,
        note=note,
        uow=application.uow(),
        rules=portal_rules(application),
    )
    return RedirectResponse("/p/home?done=dispute", status_code=303)


@router.get("/p/contact-preferences")
def preferences_form(request: Request, application: PageApp, scope: PortalSession) -> Response:
    return _preferences_page(request, application, scope)


def _preferences_page(
    request: Request, application: PageApp, scope: PortalScope, error: str | None = None
) -> Response:
    current = portal_actions.current_opt_outs(scope, uow=application.uow())
    return form_page(request, "portal/preferences.html", {"current": current}, error)


@router.post("/p/contact-preferences")
def preferences(
    request: Request,
    application: PageApp,
    scope: PortalSession,
    choice: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    if choice not in portal_actions.PREFERENCES:
        return _preferences_page(request, application, scope, "portal_preferences_pick")
    portal_actions.contact_preference(
        scope, choice=choice, uow=application.uow(), rules=portal_rules(application)
    )
    return RedirectResponse("/p/home?done=preferences", status_code=303)


# The payment and chat pages; the link's own page (/p/<token>) comes last, after every
# fixed /p/… path, so that it never shadows one.
router.include_router(portal_pay.router)
router.include_router(portal_chat.router)


@router.get("/p/{token}")
def landing(request: Request, token: str, application: PageApp) -> Response:
    """The page an SMS link opens: only the verify form (nothing about the debtor yet)."""
    try:
        check_link(
            token,
            uow=application.uow(),
            settings=application.settings,
            tokens=portal_tokens(application),
        )
    except LinkUnusable as error:
        return _unusable(request, error)
    context = {"token": token, "method": "date_of_birth", "left": None}
    return page(request, "portal/landing.html", context)


@router.post("/p/{token}/verify")
def verify_link(
    request: Request,
    token: str,
    application: PageApp,
    method: Annotated[str, Form(max_length=32)] = "date_of_birth",
    answer: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        session = verify(
            token,
            method,
            answer,
            uow=application.uow(),
            settings=application.settings,
            tokens=portal_tokens(application),
        )
    except LinkUnusable as error:
        return _unusable(request, error)
    except (WrongSecondFactor, InvalidInput) as error:
        left = error.tries_left if isinstance(error, WrongSecondFactor) else None
        context = {"token": token, "method": method, "error": "portal_verify_wrong", "left": left}
        return page(request, "portal/landing.html", context, status_code=401)
    response = RedirectResponse("/p/home", status_code=303)
    flags = cookie_flags(request, application.settings.secure_cookies)
    lifetime = int((session.scope.expires_at - application.clock.now()).total_seconds())
    response.set_cookie(PORTAL_COOKIE, session.cookie, max_age=lifetime, **flags)  # type: ignore[arg-type]
    # The borrower's own language by default; the switch in the page header changes it.
    response.set_cookie(LANG_COOKIE, session.scope.lang, max_age=365 * 24 * 3600, **flags)  # type: ignore[arg-type]
    return response


def _unusable(request: Request, error: LinkUnusable) -> Response:
    status = 404 if error.reason == "invalid" else 410
    return page(request, "portal/expired.html", {"reason": error.reason}, status_code=status)
