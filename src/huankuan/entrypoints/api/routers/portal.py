"""Borrower-portal links (created by operators, bearer token) and the portal's own JSON API
(authenticated by the portal session cookie a verified link gives).

The cookie is HttpOnly and SameSite=Lax, and every unsafe portal request must be JSON, which a
page on another site cannot send with the borrower's cookie (no CORS is enabled): together they
stand in for the pages' CSRF token."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from huankuan.domain.errors import LinkUnusable, OutsidePolicy, PermissionDenied
from huankuan.entrypoints.api.deps import AppDep, Operator, RobotDep
from huankuan.entrypoints.api.portal_deps import (
    PortalSession,
    payment_provider,
    portal_rules,
    portal_tokens,
)
from huankuan.entrypoints.api.routers.payments import IntentOut, intent_out
from huankuan.entrypoints.web.security import PORTAL_COOKIE, cookie_flags
from huankuan.service_layer import payments, portal_actions, portal_chat
from huankuan.service_layer.portal import AccountOwed, owed
from huankuan.service_layer.portal_access import create_link, revoke_link, verify


def json_only(request: Request) -> None:
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise PermissionDenied("the portal API takes JSON bodies only")


# Staff endpoints (bearer tokens) and the borrower's (the portal cookie, JSON only). Both routers
# carry full paths, so the borrower's can be included without a prefix.
router = APIRouter(tags=["portal"])
borrower = APIRouter(prefix="/api/portal", tags=["portal"], dependencies=[Depends(json_only)])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LinkIn(_Body):
    account_id: str = Field(min_length=1, max_length=64)


class LinkOut(BaseModel):
    link_id: str
    url: str = Field(description="The link to send the borrower (by SMS); shown only now.")
    expires_at: datetime


class VerifyIn(_Body):
    """The link's credentials. Missing ones are an authentication failure (401), not a
    malformed request: this endpoint is where a borrower authenticates."""

    token: str = Field(default="", max_length=400, description="The token in the link's URL.")
    method: str = Field(default="", description="date_of_birth or national_id_last4")
    answer: str = Field(default="", max_length=32)


class PromiseIn(_Body):
    amount_minor: int = Field(gt=0, description="In the account's minor units.")
    due_on: date


class PlanIn(_Body):
    key: str = Field(min_length=1, max_length=32, description="An offer's key from GET …/plans.")


class PayIn(_Body):
    option: Literal["full", "promise", "plan_next"]


class DisputeIn(_Body):
    reason: Literal["not_mine", "wrong_amount", "already_paid", "other"]
    note: str = Field(default="", max_length=portal_actions.NOTE_LIMIT)


class PreferenceIn(_Body):
    choice: Literal["stop_calls", "stop_sms", "stop_email", "stop_all"]


class ChatIn(_Body):
    account_id: str | None = Field(default=None, max_length=64)
    lang: Literal["zh", "en"] | None = None


class MessageIn(_Body):
    text: str = Field(max_length=2000)


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No portal session (or an ended one): verify the link first."},
    404: {"description": "Not one of this session's accounts, payments or conversations."},
    422: {"description": "Invalid, or outside the negotiation policy (`problem`, `counter`)."},
}


@router.post("/api/portal/links", status_code=status.HTTP_201_CREATED, response_model=LinkOut)
def new_link(body: LinkIn, application: AppDep, user: Operator) -> LinkOut:
    """A portal link for the account's debtor (an agent: only for cases assigned to them)."""
    issued = create_link(
        body.account_id,
        uow=application.uow(),
        settings=application.settings,
        tokens=portal_tokens(application),
        actor=user.actor,
        principal=user,
    )
    return LinkOut(link_id=issued.link.link_id, url=issued.url, expires_at=issued.link.expires_at)


@router.delete("/api/portal/links/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_link(link_id: str, application: AppDep, user: Operator) -> Response:
    """Revoke a link: it and every session opened with it stop working."""
    revoke_link(link_id, uow=application.uow(), actor=user.actor, principal=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@borrower.post("/session", responses={401: {"description": "Wrong answer or unusable link."}})
def open_session(
    body: VerifyIn, request: Request, response: Response, application: AppDep
) -> dict[str, Any]:
    """Verify a link with the second factor; sets the portal session cookie."""
    if not body.token:
        raise LinkUnusable("invalid")
    session = verify(
        body.token,
        body.method,
        body.answer,
        uow=application.uow(),
        settings=application.settings,
        tokens=portal_tokens(application),
    )
    max_age = int((session.scope.expires_at - application.clock.now()).total_seconds())
    flags = cookie_flags(request, application.settings.secure_cookies)
    response.set_cookie(PORTAL_COOKIE, session.cookie, max_age=max_age, **flags)  # type: ignore[arg-type]
    return {"expires_at": session.scope.expires_at.isoformat(), "lang": session.scope.lang}


@borrower.get("/accounts", responses=_ERRORS)
def accounts(application: AppDep, scope: PortalSession) -> list[dict[str, Any]]:
    """What is owed on each of the borrower's accounts, exactly, in minor units."""
    return [_owed_out(account) for account in owed(scope, uow=application.uow())]


def _owed_out(account: AccountOwed) -> dict[str, Any]:
    promise, plan = account.promise, account.plan
    return {
        "account_id": account.account_id,
        "product": account.standing.product,
        "currency": account.currency,
        "balance_minor": account.balance_minor,
        "pending_payments_minor": account.pending_minor,
        "outstanding_minor": account.outstanding_minor,
        "balance_as_of": account.standing.balance_as_of.isoformat(),
        "days_past_due": account.standing.days_past_due,
        "promise": None
        if promise is None
        else {"amount_minor": promise.amount_minor, "due_on": promise.due_on.isoformat()},
        "plan": None
        if plan is None
        else {"plan_id": plan.plan_id, "kind": plan.kind, "items": len(plan.schedule)},
        "plan_next": None
        if account.plan_next is None
        else {"due_on": account.plan_next[0].isoformat(), "amount_minor": account.plan_next[1]},
        "pay_options": [
            {"key": option.key, "amount_minor": option.amount_minor}
            for option in payments.pay_options(account)
        ],
    }


def _refused(error: OutsidePolicy) -> JSONResponse:
    body = {
        "detail": str(error),
        "error": "OutsidePolicy",
        "problem": error.problem,
        "counter": error.counter,
    }
    return JSONResponse(body, status_code=422)


@borrower.get("/accounts/{account_id}/plans", responses=_ERRORS)
def plans(account_id: str, application: AppDep, scope: PortalSession) -> list[dict[str, Any]]:
    """The plans (and settlement) the policy offers now; pick one by its `key`."""
    choices = portal_actions.plan_choices(
        scope, account_id=account_id, uow=application.uow(), rules=portal_rules(application)
    )
    return [
        {"key": choice.key, "currency": choice.currency, **choice.offer.to_slot()}
        for choice in choices
    ]


@borrower.post("/accounts/{account_id}/plans", status_code=201, responses=_ERRORS)
def choose_plan(account_id: str, body: PlanIn, application: AppDep, scope: PortalSession) -> Any:
    try:
        plan_id = portal_actions.choose_plan(
            scope,
            account_id=account_id,
            key=body.key,
            uow=application.uow(),
            rules=portal_rules(application),
        )
    except OutsidePolicy as error:
        return _refused(error)
    return {"plan_id": plan_id}


@borrower.post("/accounts/{account_id}/promises", status_code=201, responses=_ERRORS)
def promise(account_id: str, body: PromiseIn, application: AppDep, scope: PortalSession) -> Any:
    try:
        promise_id = portal_actions.promise_to_pay(
            scope,
            account_id=account_id,
            amount_minor=body.amount_minor,
            due_on=body.due_on,
            uow=application.uow(),
            rules=portal_rules(application),
        )
    except OutsidePolicy as error:
        return _refused(error)
    return {"promise_id": promise_id}


@borrower.post("/accounts/{account_id}/payments", status_code=201, responses=_ERRORS)
def pay(account_id: str, body: PayIn, application: AppDep, scope: PortalSession) -> Any:
    """Start a payment of one of the offered amounts; pay at `checkout_url`."""
    try:
        started = payments.start_payment(
            scope,
            account_id=account_id,
            option=body.option,
            uow=application.uow(),
            provider=payment_provider(application),
            lang=scope.lang,
        )
    except OutsidePolicy as error:
        return _refused(error)
    return {
        **intent_out(started.intent).model_dump(mode="json"),
        "checkout_url": started.checkout_url,
    }


@borrower.get("/payments/{intent_id}", response_model=IntentOut, responses=_ERRORS)
def payment(intent_id: str, application: AppDep, scope: PortalSession) -> IntentOut:
    return intent_out(payments.intent_for_scope(scope, intent_id, uow=application.uow()))


@borrower.post("/accounts/{account_id}/disputes", status_code=201, responses=_ERRORS)
def dispute(
    account_id: str, body: DisputeIn, application: AppDep, scope: PortalSession
) -> dict[str, str]:
    dispute_id = portal_actions.dispute(
        scope,
        account_id=account_id,
        reason=body.reason,
        note=body.note,
        uow=application.uow(),
        rules=portal_rules(application),
    )
    return {"dispute_id": dispute_id}


@borrower.post("/contact-preferences", responses=_ERRORS)
def contact_preferences(
    body: PreferenceIn, application: AppDep, scope: PortalSession
) -> dict[str, Any]:
    applied = portal_actions.contact_preference(
        scope, choice=body.choice, uow=application.uow(), rules=portal_rules(application)
    )
    return {
        "choice": applied.choice,
        "how": applied.how,
        "contact_points": len(applied.contact_ids),
        "hold_id": applied.hold_id,
    }


@borrower.post("/conversations", status_code=201, responses=_ERRORS)
def start_chat(
    body: ChatIn, application: AppDep, robot: RobotDep, scope: PortalSession
) -> dict[str, Any]:
    """Chat with the robot about one of the borrower's accounts."""
    turn = portal_chat.start_chat(
        scope, account_id=body.account_id, lang=body.lang, uow=application.uow(), robot=robot
    )
    shown = turn.to_dict()
    return {key: shown[key] for key in ("id", "state", "messages", "ended")}


@borrower.post("/conversations/{conversation_id}/messages", responses=_ERRORS)
def chat_message(
    conversation_id: str,
    body: MessageIn,
    application: AppDep,
    robot: RobotDep,
    scope: PortalSession,
) -> dict[str, Any]:
    turn = portal_chat.send(scope, conversation_id, body.text, uow=application.uow(), robot=robot)
    return dict(turn.to_dict())


@borrower.get("/conversations/{conversation_id}", responses=_ERRORS)
def chat_transcript(
    conversation_id: str, application: AppDep, scope: PortalSession
) -> dict[str, Any]:
    """The conversation as the borrower saw it: their lines and the robot's lines that were
    shown (the content guard's internals stay with the staff API)."""
    found = portal_chat.transcript(scope, conversation_id, uow=application.uow())
    state = found.state
    return {
        "id": conversation_id,
        "state": state.state,
        "ended": state.ended,
        "lines": [
            {"role": line.role, "text": line.text, "at": line.at}
            for line in portal_chat.visible_lines(found)
        ],
    }


router.include_router(borrower)
