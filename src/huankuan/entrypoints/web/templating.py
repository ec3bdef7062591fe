"""Rendering the pages: one Jinja2 environment (autoescaped, strict about undefined names), the
values every page gets (user, language, `t`, CSRF token), and the filters for money, local time
and masked personal data."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from huankuan.domain import masking
from huankuan.domain.money import CURRENCY_EXPONENTS
from huankuan.entrypoints.web.i18n import translate

TEMPLATES = Path(__file__).with_name("templates")
SYMBOLS = {"CNY": "¥", "USD": "$", "HKD": "HK$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money(minor: int | None, currency: str) -> str:
    """12345, "CNY" → ¥123.45 (exact: integer arithmetic, never floats)."""
    if minor is None:
        return "—"
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    value = Decimal(minor).scaleb(-exponent)
    text = f"{abs(value):,.{exponent}f}"
    sign = "-" if minor < 0 else ""
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def local_time(
    moment: datetime | None, timezone: str | None = None, fmt: str = "%Y-%m-%d %H:%M"
) -> str:
    """An aware (or naive-UTC, as stored) instant in a time zone, with the zone's abbreviation."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    zone = ZoneInfo(timezone) if timezone else ZoneInfo("UTC")
    local = moment.astimezone(zone)
    return f"{local.strftime(fmt)} {local.tzname()}"


def iso_date(day: date | None) -> str:
    return "—" if day is None else day.isoformat()


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        money=money,
        local_time=local_time,
        iso_date=iso_date,
        mask_phone=masking.mask_phone,
        mask_national_id=masking.mask_national_id,
        mask_email=masking.mask_email,
        mask_name=masking.mask_name,
        mask_contact=masking.mask_contact,
    )
    return environment


ENVIRONMENT = _environment()


def page_context(request: Request) -> dict[str, Any]:
    """What every template may use; set by the web layer's dependencies on request.state."""
    lang = getattr(request.state, "lang", "zh")
    return {
        "request": request,
        "lang": lang,
        "user": getattr(request.state, "principal", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "t": lambda key, **values: translate(key, lang, **values),
        "path": request.url.path,
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    values = page_context(request) | (context or {})
    html = ENVIRONMENT.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=headers)
