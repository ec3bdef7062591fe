"""Pages: the agent workbench. My queue (an htmx partial polled every 30 s, so the gate's
verdicts follow the clock), and the case page: the debtor masked (revealed through an audited
htmx call), accounts, the gate's verdict on calling now, holds, the timeline, and a form per
action (texting the debtor a portal link is one). The forms are plain HTML (they work without
JavaScript): success redirects back to the case (303); a refusal re-renders the page with the
service's explanation next to the form that caused it, in the agent's language (409 from the
gate or the content guard, 422 bad input)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from huankuan.adapters.channels.templates import language_of, packaged_templates
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import ContactBlocked, ContentBlocked, InvalidInput, NotFound
from huankuan.domain.model import Channel, HoldType
from huankuan.domain.money import Money
from huankuan.domain.users import OPERATOR_ROLES, Principal
from huankuan.entrypoints.api.case_actions import CASE_ACTIONS, case_rules
from huankuan.entrypoints.web.deps import AgentPage, PageApp, PageUser
from huankuan.entrypoints.web.i18n import catalog, translate
from huankuan.entrypoints.web.templating import local_time, render
from huankuan.service_layer import agent_actions, case_view
from huankuan.service_layer.agent_actions import CALL_OUTCOMES, COMPLAINT_CHANNELS
from huankuan.service_layer.case_view import DebtorView
from huankuan.service_layer.cycle import today_for
from huankuan.service_layer.workbench_queue import Queue, my_queue, queue_business_date

router = APIRouter(include_in_schema=False)
Values = dict[str, str]


async def form_values(request: Request) -> Values:
    """The posted form as text fields (the CSRF token left out); read once, cached by
    Starlette, so the route itself can stay synchronous."""
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


FormValues = Annotated[Values, Depends(form_values)]


@dataclass(frozen=True, slots=True)
class Refusal:
    form: str  # which action's form the message belongs to
    message: str


# -- my queue ---------------------------------------------------------------------------------


@router.get("/work/queue")
def queue_page(request: Request, principal: AgentPage, application: PageApp) -> Response:
    context = _queue_context(request, application, principal)
    return render(request, "workbench/queue.html", context)


@router.get("/work/queue/items")
def queue_items(request: Request, principal: AgentPage, application: PageApp) -> Response:
    """The queue's body alone, for htmx polling."""
    context = _queue_context(request, application, principal)
    return render(request, "workbench/_queue_items.html", context)


def _queue_context(request: Request, application: App, principal: Principal) -> dict[str, Any]:
    day = queue_business_date(application.uow(), today_for(application))
    queue: Queue = my_queue(
        uow=application.uow(), principal=principal, rules=case_rules(application), business_date=day
    )
    return {"queue": queue, "label": _label_for(request)}


# -- the case page ----------------------------------------------------------------------------


@router.get("/work/cases/{case_id}")
def case_page(
    request: Request,
    case_id: str,
    principal: PageUser,
    application: PageApp,
    done: str | None = None,
    action: str | None = None,
) -> Response:
    return _case_page(request, application, principal, case_id, done=done, action_id=action)


@router.post("/work/cases/{case_id}/reveal")
def reveal(
    request: Request,
    case_id: str,
    principal: PageUser,
    application: PageApp,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """The debtor in clear (audited); htmx swaps the debtor card, a plain POST gets the page."""
    cmd = commands.RevealPersonalData(case_id, reason=reason, actor=principal.actor)
    debtor = case_view.reveal_personal_data(cmd, uow=application.uow(), principal=principal)
    if request.headers.get("hx-request"):
        context = {"debtor": debtor, "case_id": case_id, "label": _label_for(request)}
        return render(request, "workbench/_debtor.html", context)
    return _case_page(request, application, principal, case_id, debtor=debtor)


@router.post("/work/cases/{case_id}/{action}")
def act(
    request: Request,
    case_id: str,
    action: str,
    principal: AgentPage,
    application: PageApp,
    values: FormValues,
) -> Response:
    to_command = ACTIONS.get(action)
    if to_command is None:
        raise NotFound(f"no action {action!r}")
    lang = getattr(request.state, "lang", "zh")
    try:
        cmd = to_command(application, principal, case_id, values)
        CASE_ACTIONS[action].run(cmd, application, principal)
    except ContentBlocked as refused:
        message, status = refused.explanation.get(lang, str(refused)), 409
    except ContactBlocked as blocked:
        message, status = _gate_refusal(application, principal, case_id, blocked, lang), 409
    except InvalidInput as error:
        message, status = _in_language(str(error), lang), 422
    else:
        return RedirectResponse(f"/work/cases/{case_id}?done={action}#done", status_code=303)
    return _case_page(
        request,
        application,
        principal,
        case_id,
        refusal=Refusal(action, message),
        values=values,
        status_code=status,
    )


def _case_page(
    request: Request,
    application: App,
    principal: Principal,
    case_id: str,
    *,
    done: str | None = None,
    action_id: str | None = None,
    refusal: Refusal | None = None,
    values: Values | None = None,
    debtor: DebtorView | None = None,
    status_code: int = 200,
) -> Response:
    view = case_view.case_view(
        case_id, uow=application.uow(), principal=principal, rules=case_rules(application)
    )
    context = {
        "case": view,
        "case_id": case_id,
        "debtor": debtor or view.debtor,
        "done": done if done in ACTIONS else None,
        "action_id": action_id or (values and values.get("action_id")),
        "refusal": refusal,
        "values": values or {},
        "can_act": principal.role in OPERATOR_ROLES,
        "outcomes": list(CALL_OUTCOMES),
        "complaint_channels": COMPLAINT_CHANNELS,
        "hold_types": [kind.value for kind in HoldType],
        "templates": _message_templates(language_of(view.debtor.locale)),
        "portal_link_hours": application.settings.portal_link_hours,
        "label": _label_for(request),
    }
    return render(request, "workbench/case.html", context, status_code=status_code)


# -- the actions: form fields to commands ---------------------------------------------------------


def _log_outcome(application: App, principal: Principal, case_id: str, values: Values) -> object:
    return commands.LogCallOutcome(
        case_id,
        values.get("outcome", ""),
        account_id=_optional(values, "account_id"),
        action_id=_optional(values, "action_id"),
        note=values.get("note"),
        actor=principal.actor,
    )


def _promise(application: App, principal: Principal, case_id: str, values: Values) -> object:
    account_id = _required(values, "account_id")
    currency = _currency(application, principal, account_id)
    return commands.RecordCasePromise(
        case_id,
        account_id,
        _money(values, "amount", currency, required=True) or 0,
        _date(values, "due_on", required=True) or date.min,
        actor=principal.actor,
    )


def _plan(application: App, principal: Principal, case_id: str, values: Values) -> object:
    account_id = _required(values, "account_id")
    currency = _currency(application, principal, account_id)
    return commands.RecordCasePlan(
        case_id,
        account_id,
        values.get("kind", ""),
        term=_integer(values, "term") or 0,
        down_payment_minor=_money(values, "down_payment", currency),
        discount_minor=_money(values, "discount", currency) or 0,
        first_due_on=_date(values, "first_due_on"),
        actor=principal.actor,
    )


def _message(application: App, principal: Principal, case_id: str, values: Values) -> object:
    return commands.SendCaseMessage(
        case_id,
        values.get("channel", ""),
        template=_optional(values, "template"),
        text=_optional(values, "text"),
        subject=_optional(values, "subject"),
        lang=_optional(values, "lang"),
        account_id=_optional(values, "account_id"),
        actor=principal.actor,
    )


def _portal_link(application: App, principal: Principal, case_id: str, values: Values) -> object:
    return commands.SendPortalLink(
        case_id,
        account_id=_optional(values, "account_id"),
        lang=_optional(values, "lang"),
        actor=principal.actor,
    )


def _note(application: App, principal: Principal, case_id: str, values: Values) -> object:
    return commands.AddCaseNote(case_id, values.get("body", ""), actor=principal.actor)


def _dispute(application: App, principal: Principal, case_id: str, values: Values) -> object:
    return commands.OpenCaseDispute(
        case_id,
        _required(values, "account_id"),
        values.get("reason", ""),
        written=values.get("written") in ("yes", "on", "true"),
        actor=principal.actor,
    )


def _complaint(application: App, principal: Principal, case_id: str, values: Values) -> object:
    return commands.OpenCaseComplaint(
        case_id, values.get("channel", ""), values.get("summary", ""), actor=principal.actor
    )


def _hold(application: App, principal: Principal, case_id: str, values: Values) -> object:
    return commands.PlaceCaseHold(
        case_id,
        values.get("hold_type", ""),
        values.get("reason", ""),
        days=_integer(values, "days"),
        account_id=_optional(values, "account_id"),
        actor=principal.actor,
    )


# The command each action's form makes; CASE_ACTIONS runs it.
ACTIONS: dict[str, Callable[[App, Principal, str, Values], object]] = {
    "outcomes": _log_outcome,
    "promises": _promise,
    "plans": _plan,
    "messages": _message,
    "portal-links": _portal_link,
    "notes": _note,
    "disputes": _dispute,
    "complaints": _complaint,
    "holds": _hold,
}


# -- helpers ----------------------------------------------------------------------------------


def _label_for(request: Request) -> Callable[[str, object], str]:
    """`label("wb_outcome_", code)`: the catalogue's words for a stored code, else the code
    itself (data may carry codes the pages have no words for yet, e.g. another channel's)."""
    lang = getattr(request.state, "lang", "zh")

    def label(prefix: str, code: object) -> str:
        key = f"{prefix}{code}"
        return translate(key, lang) if key in catalog() else str(code)

    return label


def _message_templates(lang: str) -> list[tuple[str, str]]:
    """The templates an agent may send by SMS or email, in the debtor's language (not one
    that carries a portal link: the portal-link action sends that one)."""
    found = packaged_templates().get(lang)
    if found is None:
        return []
    wanted = (Channel.SMS, Channel.EMAIL)
    return [
        (name, channel.value)
        for name, template in sorted(found.templates.items())
        for channel in template.channels
        if channel in wanted and not template.carries_link
    ]


def _gate_refusal(
    application: App, principal: Principal, case_id: str, blocked: ContactBlocked, lang: str
) -> str:
    message = translate("wb_refused_gate", lang, rules=", ".join(blocked.rules))
    if blocked.next_allowed_at is None:
        return message
    zone = case_view.case_view(
        case_id, uow=application.uow(), principal=principal, rules=case_rules(application)
    ).debtor.timezone
    when = local_time(blocked.next_allowed_at, zone)
    return f"{message} {translate('wb_refused_when', lang, when=when)}"


def _in_language(message: str, lang: str) -> str:
    """The service says refusals as "English / 中文": the agent reads their own language."""
    english, separator, chinese = message.rpartition(" / ")
    if not separator:
        return message
    return chinese if lang == "zh" else english


def _currency(application: App, principal: Principal, account_id: str) -> str:
    return case_view.account_view(account_id, uow=application.uow(), principal=principal).currency


def _optional(values: Values, name: str) -> str | None:
    return values.get(name) or None


def _required(values: Values, name: str) -> str:
    value = values.get(name, "")
    if not value:
        raise agent_actions.refusal(f"{name} is required", f"{name} 为必填项")
    return value


def _integer(values: Values, name: str) -> int | None:
    value = values.get(name, "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise agent_actions.refusal(
            f"{name} must be a whole number, got {value!r}", f"{name} 须为整数"
        ) from None


def _money(values: Values, name: str, currency: str, *, required: bool = False) -> int | None:
    """An amount typed in major units ("2000", "2,000.50") as exact minor units."""
    value = values.get(name, "").replace(",", "").replace("，", "")
    if not value:
        if required:
            _required(values, name)
        return None
    try:
        return Money.from_major(value, currency).minor
    except (InvalidOperation, InvalidInput):
        raise agent_actions.refusal(
            f"{name} must be an amount in {currency}, got {value!r}",
            f"{name} 须为 {currency} 金额",
        ) from None


def _date(values: Values, name: str, *, required: bool = False) -> date | None:
    value = values.get(name, "")
    if not value:
        if required:
            _required(values, name)
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise agent_actions.refusal(
            f"{name} must be a date (YYYY-MM-DD), got {value!r}", f"{name} 须为日期（YYYY-MM-DD）"
        ) from None
