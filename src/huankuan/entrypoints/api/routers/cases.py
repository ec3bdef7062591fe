"""Cases, accounts and the actions taken on them (the agent workbench's API). Every endpoint
needs an API token; an agent reaches only the cases assigned to them (403 otherwise), compliance
staff read but never act. Personal data is masked unless revealed, and revealing is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import ContentBlocked
from huankuan.domain.users import Principal
from huankuan.entrypoints.api.case_actions import CASE_ACTIONS, case_rules
from huankuan.entrypoints.api.case_schemas import (
    AccountOut,
    CallLoggedOut,
    CaseOut,
    CaseSummaryOut,
    ComplaintIn,
    Created,
    DebtorOut,
    DisputeIn,
    HoldIn,
    MessageIn,
    MessageSentOut,
    NoteIn,
    OutcomeIn,
    PlanIn,
    PortalLinkIn,
    PortalLinkSentOut,
    PromiseIn,
    QueueOut,
    RevealIn,
    account_out,
    case_out,
    debtor_out,
    queue_out,
    summary_out,
)
from huankuan.entrypoints.api.deps import AppDep, Operator, Reader
from huankuan.service_layer import case_view
from huankuan.service_layer.cycle import today_for
from huankuan.service_layer.workbench_queue import my_queue, queue_business_date

router = APIRouter(tags=["cases"])
CASE = "/api/cases/{case_id}"
_Responses = dict[int | str, dict[str, Any]]
_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])

_READ: _Responses = {
    401: {"description": "No API token, or an unknown or revoked one."},
    403: {"description": "The case is not assigned to you."},
    404: {"description": "No such case or account."},
}
_ACT: _Responses = {
    **_READ,
    403: {"description": "The role may not act (compliance), or the case is not yours."},
    422: {"description": "Bad input, or outside the policy: the message names the limit."},
}
_GATED: _Responses = {
    **_ACT,
    409: {
        "description": "The compliance gate blocks the contact now (`rules`, "
        "`next_allowed_at`), or the content guard blocks the text (`categories`)."
    },
}


@router.get("/api/cases", response_model=list[CaseSummaryOut], responses=_READ)
def list_cases(
    application: AppDep,
    user: Reader,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
    assigned_to: str | None = Query(None, description="Supervisors and auditors only."),
) -> list[CaseSummaryOut]:
    """Cases by id: an agent's own; every case for the roles that see every case."""
    found = case_view.list_cases(
        uow=application.uow(), principal=user, limit=limit, offset=offset, assigned_to=assigned_to
    )
    return [summary_out(summary) for summary in found]


@router.get("/api/queue", response_model=QueueOut, responses=_READ)
def get_queue(application: AppDep, user: Reader) -> QueueOut:
    """Today's plan items on the human channels for your cases, most urgent first, each
    checked by the gate now; those it blocks are listed apart with their next allowed time."""
    day = queue_business_date(application.uow(), today_for(application))
    queue = my_queue(
        uow=application.uow(), principal=user, rules=case_rules(application), business_date=day
    )
    return queue_out(queue)


@router.get(CASE, response_model=CaseOut, responses=_READ)
def get_case(case_id: str, application: AppDep, user: Reader) -> CaseOut:
    """The case: debtor (masked), accounts and balances, holds in force, the gate's verdict on
    calling now, and the timeline newest first."""
    view = case_view.case_view(
        case_id, uow=application.uow(), principal=user, rules=case_rules(application)
    )
    return case_out(view)


@router.get("/api/accounts/{account_id}", response_model=AccountOut, responses=_READ)
def get_account(account_id: str, application: AppDep, user: Reader) -> AccountOut:
    return account_out(case_view.account_view(account_id, uow=application.uow(), principal=user))


@router.post(f"{CASE}/reveal", response_model=DebtorOut, responses=_READ)
def reveal(case_id: str, body: RevealIn, application: AppDep, user: Reader) -> DebtorOut:
    """The debtor's personal data in clear; the audit log records who revealed it and why."""
    cmd = commands.RevealPersonalData(case_id, reason=body.reason, actor=user.actor)
    return debtor_out(case_view.reveal_personal_data(cmd, uow=application.uow(), principal=user))


def _post_created(
    path: str, response_model: type[BaseModel] = Created, responses: _Responses = _ACT
) -> Callable[[_Endpoint], _Endpoint]:
    """An action on the case at `CASE/path`, answered 201."""
    return router.post(
        f"{CASE}/{path}",
        status_code=status.HTTP_201_CREATED,
        response_model=response_model,
        responses=responses,
    )


def _act(
    action: str,
    command: Callable[..., object],
    case_id: str,
    body: BaseModel,
    application: App,
    user: Principal,
) -> Any:
    """Take the action with the command made of the body's fields, the case and the acting user;
    the handler's answer."""
    cmd = command(case_id, actor=user.actor, **body.model_dump())
    return CASE_ACTIONS[action].run(cmd, application, user)


@_post_created("outcomes", CallLoggedOut, _GATED)
def log_outcome(case_id: str, body: OutcomeIn, application: AppDep, user: Operator) -> Any:
    """Log a call and its outcome; the gate decides the call now and its decision is stored."""
    logged = _act("outcomes", commands.LogCallOutcome, case_id, body, application, user)
    return CallLoggedOut.model_validate(logged, from_attributes=True)


@_post_created("promises")
def record_promise(case_id: str, body: PromiseIn, application: AppDep, user: Operator) -> Created:
    """A promise to pay within the negotiation policy (amount and date limits)."""
    return Created(
        id=_act("promises", commands.RecordCasePromise, case_id, body, application, user)
    )


@_post_created("plans")
def record_plan(case_id: str, body: PlanIn, application: AppDep, user: Operator) -> Created:
    """An instalment plan or a settlement within the negotiation policy."""
    return Created(id=_act("plans", commands.RecordCasePlan, case_id, body, application, user))


@_post_created("disputes")
def open_dispute(case_id: str, body: DisputeIn, application: AppDep, user: Operator) -> Created:
    return Created(id=_act("disputes", commands.OpenCaseDispute, case_id, body, application, user))


@_post_created("complaints")
def open_complaint(case_id: str, body: ComplaintIn, application: AppDep, user: Operator) -> Created:
    return Created(
        id=_act("complaints", commands.OpenCaseComplaint, case_id, body, application, user)
    )


@_post_created("holds")
def place_hold(case_id: str, body: HoldIn, application: AppDep, user: Operator) -> Created:
    return Created(id=_act("holds", commands.PlaceCaseHold, case_id, body, application, user))


@_post_created("notes")
def add_note(case_id: str, body: NoteIn, application: AppDep, user: Operator) -> Created:
    return Created(id=_act("notes", commands.AddCaseNote, case_id, body, application, user))


@_post_created("messages", MessageSentOut, _GATED)
def send_message(case_id: str, body: MessageIn, application: AppDep, user: Operator) -> Any:
    """An SMS or email from a template or as free text: screened by the content guard (a
    violation is 409 with `categories` and an `explanation` in zh and en), then sent only if
    the gate allows the channel now."""
    try:
        sent = _act("messages", commands.SendCaseMessage, case_id, body, application, user)
    except ContentBlocked as refused:
        return _content_blocked(refused)
    return MessageSentOut(
        id=sent.message_id,
        status=sent.status,
        decision_id=sent.decision_id,
        provider_id=sent.provider_id,
    )


@_post_created("portal-links", PortalLinkSentOut, _GATED)
def send_portal_link(case_id: str, body: PortalLinkIn, application: AppDep, user: Operator) -> Any:
    """A new borrower-portal link for an account of the case, sent by SMS to the debtor's own
    phone (template `portal_invite`): screened by the content guard, sent only if the gate
    allows the SMS now. The link exists only once its SMS has left; its token goes to the
    debtor's phone only (the answer names the link by its id)."""
    try:
        sent = _act("portal-links", commands.SendPortalLink, case_id, body, application, user)
    except ContentBlocked as refused:
        return _content_blocked(refused)
    return PortalLinkSentOut.model_validate(sent, from_attributes=True)


def _content_blocked(refused: ContentBlocked) -> JSONResponse:
    return JSONResponse(
        {
            "detail": str(refused),
            "error": "ContentBlocked",
            "categories": list(refused.categories),
            "explanation": refused.explanation,
        },
        status_code=status.HTTP_409_CONFLICT,
    )
