"""Pages: the supervisor's dashboard (KPIs and SVG charts), case assignment (htmx) and the flag
review queue with its resolution form. Supervisors and admins; the service layer checks the
roles again and audits every change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from huankuan.domain import commands
from huankuan.domain.errors import ConcurrentUpdate, InvalidInput, NotFound
from huankuan.domain.money import CURRENCY_EXPONENTS
from huankuan.entrypoints.web.charts import Bar, Series, bar_chart, line_chart, stacked_bar_chart
from huankuan.entrypoints.web.deps import PageApp, SupervisorPage
from huankuan.entrypoints.web.i18n import translate
from huankuan.entrypoints.web.templating import money, render
from huankuan.service_layer import assignment, flags
from huankuan.service_layer.cycle import today_for
from huankuan.service_layer.dashboard import Dashboard, DayKpis, dashboard

router = APIRouter(include_in_schema=False)

TREND_CHOICES = (7, 14, 30, 60)
PAGE = 50
Text = Callable[..., str]
# A trend chart's lines: (series name, `DayKpis` field, colour); series-4 is the alarming red.
Lines = tuple[tuple[str, str, str], ...]
_CONTACT_LINES: Lines = (
    ("robot", "robot_contacts", "series-1"),
    ("human", "human_contacts", "series-2"),
    ("automated", "automated_contacts", "series-3"),
)
_PROMISE_LINES: Lines = (
    ("made", "promises_made", "series-1"),
    ("kept", "promises_kept", "series-2"),
    ("broken", "promises_broken", "series-4"),
)


def _words(request: Request) -> Text:
    lang = getattr(request.state, "lang", "zh")
    return lambda key, **values: translate(key, lang, **values)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# -- the dashboard ------------------------------------------------------------------------------


@router.get("/supervisor")
def dashboard_page(
    request: Request,
    principal: SupervisorPage,
    application: PageApp,
    day: Annotated[str, Query(alias="date", max_length=10)] = "",
    days: int = 14,
) -> Response:
    wanted = _parse_day(day, application)
    board = dashboard(uow=application.uow(), day=wanted, days=days, principal=principal)
    t = _words(request)
    context = {
        "board": board,
        "kpis": _kpi_texts(board.kpis, t),
        "charts": _charts(board, t),
        "days": days,
        "choices": sorted({*TREND_CHOICES, days}),
    }
    return render(request, "supervisor/dashboard.html", context)


def _parse_day(text: str, application: PageApp) -> date:
    if not text.strip():
        return today_for(application)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"date must be YYYY-MM-DD, got {text!r}") from None


def _percent(value: float | None, t: Text) -> str:
    return t("sup_not_applicable") if value is None else f"{value * 100:.1f}%"


def _kpi_texts(kpis: DayKpis, t: Text) -> dict[str, str]:
    return {
        "rpc_rate": _percent(kpis.right_party_rate, t),
        "robot_share": _percent(kpis.robot_share, t),
    }


@dataclass(frozen=True)
class Figure:
    """A chart and the caption the page shows above it (the SVG carries the same title)."""

    caption: str
    svg: Markup


def _charts(board: Dashboard, t: Text) -> dict[str, Any]:
    """The dashboard's charts: the day's mix and blocks, and the trends."""
    kpis, day, days = board.kpis, board.day.isoformat(), len(board.trend)
    who = {"robot": kpis.robot_contacts, "human": kpis.human_contacts}
    who["automated"] = kpis.automated_contacts
    mix = [Bar(t(f"sup_series_{name}"), value) for name, value in who.items()]
    rpc = [Series(t("sup_series_rpc"), [_pct(k.right_party_rate) for k in board.trend])]
    return {
        "today": [
            _figure(
                bar_chart,
                "chart-mix",
                t("sup_chart_mix"),
                t("sup_chart_mix_desc", day=day, **who),
                mix,
            ),
            _rule_chart("chart-blocks", "sup_chart_blocks", board.blocks_by_rule, day, t),
            _rule_chart(
                "chart-plan-blocks", "sup_chart_plan_blocks", board.plan_blocks_by_rule, day, t
            ),
        ],
        "trend": [
            _trend_chart(board, t, stacked_bar_chart, "contacts", _CONTACT_LINES),
            _figure(
                line_chart,
                "chart-rpc",
                t("sup_chart_rpc"),
                t("sup_chart_rpc_desc", days=days),
                _labels(board),
                rpc,
                y_max=100,
            ),
            _trend_chart(board, t, line_chart, "promises", _PROMISE_LINES),
            *[_collected_chart(board, currency, t) for currency in board.currencies],
        ],
    }


def _figure(
    draw: Callable[..., Markup], chart_id: str, title: str, *args: Any, **kw: Any
) -> Figure:
    return Figure(title, draw(chart_id, title, *args, **kw))


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _labels(board: Dashboard) -> list[str]:
    return [kpis.day.strftime("%m-%d") for kpis in board.trend]


def _rule_chart(chart_id: str, key: str, counts: Any, day: str, t: Text) -> Figure:
    bars = [Bar(item.rule, item.count) for item in counts]
    desc = t(f"{key}_desc", day=day)
    return _figure(bar_chart, chart_id, t(key), desc, bars, empty=t("sup_no_blocks"))


def _trend_chart(
    board: Dashboard, t: Text, draw: Callable[..., Markup], name: str, lines: Lines
) -> Figure:
    """A chart of KPIs over the trend's days, one series per line."""
    series = [
        Series(t(f"sup_series_{label}"), [getattr(k, field) for k in board.trend], style)
        for label, field, style in lines
    ]
    title, desc = t(f"sup_chart_{name}"), t(f"sup_chart_{name}_desc", days=len(board.trend))
    return _figure(draw, f"chart-{name}", title, desc, _labels(board), series)


def _collected_chart(board: Dashboard, currency: str, t: Text) -> Figure:
    """One chart per currency: amounts in different currencies are never drawn as one."""
    minors = [k.collected_in(currency).minor for k in board.trend]
    total = money(sum(minors), currency)
    scale = 10 ** CURRENCY_EXPONENTS.get(currency, 2)  # the drawing's scale only: labels are exact
    return _figure(
        stacked_bar_chart,
        f"chart-collected-{currency}",
        t("sup_chart_collected", currency=currency),
        t("sup_chart_collected_desc", currency=currency, days=len(board.trend), total=total),
        _labels(board),
        [Series(t("sup_series_collected"), [minor / scale for minor in minors], "series-2")],
        totals_text=[money(minor, currency) if minor else "" for minor in minors],
    )


# -- assignment ---------------------------------------------------------------------------------


@router.get("/supervisor/assign")
def assign_page(
    request: Request,
    principal: SupervisorPage,
    application: PageApp,
    assignee: str = "",
    bucket: str = "",
    segment: str = "",
    offset: int = 0,
) -> Response:
    filters = {"assignee": assignee, "bucket": bucket, "segment": segment}
    context = _assign_context(application, principal, filters, offset)
    return render(request, _assign_template(request), context)


@router.post("/supervisor/assign")
def assign_post(
    request: Request,
    principal: SupervisorPage,
    application: PageApp,
    username: Annotated[str, Form(max_length=64)] = "",
    case_ids: Annotated[list[str] | None, Form()] = None,
    assignee: Annotated[str, Form()] = "",
    bucket: Annotated[str, Form()] = "",
    segment: Annotated[str, Form()] = "",
) -> Response:
    filters = {"assignee": assignee, "bucket": bucket, "segment": segment}
    t = _words(request)
    try:
        if not case_ids:
            raise InvalidInput(t("sup_assign_none_selected"))
        done = assignment.assign_cases(
            commands.AssignCases(tuple(case_ids), username, actor=principal.actor),
            uow=application.uow(),
            principal=principal,
        )
    except (InvalidInput, NotFound, ConcurrentUpdate) as error:
        context = _assign_context(application, principal, filters, 0, error=str(error))
        status_code = 200 if _is_htmx(request) else 422
        return render(request, _assign_template(request), context, status_code=status_code)
    message = t("sup_assigned_ok", n=len(done), username=username)
    if _is_htmx(request):
        context = _assign_context(application, principal, filters, 0, message=message)
        return render(request, "supervisor/_cases.html", context)
    query = urlencode({k: v for k, v in filters.items() if v} | {"done": len(done), "to": username})
    return RedirectResponse(f"/supervisor/assign?{query}", status_code=303)


def _assign_template(request: Request) -> str:
    """htmx swaps only the case list; a plain request gets the whole page."""
    return "supervisor/_cases.html" if _is_htmx(request) else "supervisor/assign.html"


def _assign_context(
    application: PageApp,
    principal: Any,
    filters: dict[str, str],
    offset: int,
    *,
    message: str | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    uow = application.uow
    page = assignment.list_cases(
        uow=uow(),
        principal=principal,
        assignee=filters["assignee"] or None,
        bucket=filters["bucket"] or None,
        segment=filters["segment"] or None,
        limit=PAGE,
        offset=max(offset, 0),
    )
    buckets, segments = assignment.filter_options(uow=uow(), principal=principal)
    return {
        "page": page,
        "filters": filters,
        "offset": max(offset, 0),
        "limit": PAGE,
        "agents": assignment.agent_loads(uow=uow(), principal=principal),
        "buckets": buckets,
        "segments": segments,
        "message": message,
        "error": error,
        "query": lambda **extra: urlencode({k: v for k, v in (filters | extra).items() if v}),
    }


# -- flag review --------------------------------------------------------------------------------


@router.get("/supervisor/flags")
def flags_page(
    request: Request,
    principal: SupervisorPage,
    application: PageApp,
    status: Literal["open", "resolved"] = "open",
) -> Response:
    page = flags.list_flags(uow=application.uow(), principal=principal, status=status, limit=100)
    context: dict[str, Any] = {"page": page, "status": status, "errors": {}, "messages": {}}
    return render(request, "supervisor/flags.html", context)


@router.post("/supervisor/flags/{flag_id}/resolve")
def resolve_flag(
    request: Request,
    flag_id: str,
    principal: SupervisorPage,
    application: PageApp,
    resolution: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=flags.MAX_NOTE)] = "",
) -> Response:
    """htmx swaps the flag's card in place (an error comes back in the card, status 200, so
    that htmx shows it); a plain form post redirects back to the queue."""
    error = None
    try:
        flag = flags.resolve_flag(
            commands.ResolveFlag(flag_id, resolution, note, actor=principal.actor),
            uow=application.uow(),
            principal=principal,
        )
    except (InvalidInput, ConcurrentUpdate) as refused:
        error = str(refused)
        flag = flags.get_flag(flag_id, uow=application.uow(), principal=principal)
    if _is_htmx(request):
        message = None if error else _words(request)("sup_flag_resolved_ok")
        context: dict[str, Any] = {"flag": flag, "error": error, "message": message, "note": note}
        return render(request, "supervisor/_flag.html", context)
    if error is None:
        return RedirectResponse("/supervisor/flags?status=open", status_code=303)
    page = flags.list_flags(uow=application.uow(), principal=principal, status="open", limit=100)
    context = {"page": page, "status": "open", "errors": {flag_id: error}, "messages": {}}
    return render(request, "supervisor/flags.html", context, status_code=422)
