"""What the borrower portal's page routes share: rendering inside the portal's own frame (with
the session's scope, a notice and an error always defined for the strict templates), parsing
a money amount typed in major units, and the notices a redirect may name."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from huankuan.domain.errors import InvalidInput, InvalidMoney
from huankuan.domain.money import Money
from huankuan.entrypoints.web.templating import render

# What `?done=` may say after an action (anything else is ignored).
NOTICES = frozenset({"promise", "plan", "dispute", "preferences", "signed_out"})


def page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    done = request.query_params.get("done")
    values: dict[str, Any] = {
        "scope": getattr(request.state, "portal", None),
        "notice": done if done in NOTICES else None,
        "error": None,
    }
    # A borrower's debts on a shared phone: never kept in the browser's or a proxy's cache.
    return render(
        request,
        template,
        values | (context or {}),
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def major_to_minor(text: str, currency: str) -> int:
    """ "2000", "2,000.50" or "2000.5" in the account's currency, as exact minor units."""
    cleaned = text.strip().replace(",", "").replace("，", "").lstrip("¥$")
    try:
        amount = Money.from_major(Decimal(cleaned), currency)
    except (InvalidOperation, InvalidMoney):
        raise InvalidInput(f"not an amount in {currency}: {text!r}") from None
    if amount.minor <= 0:
        raise InvalidInput("the amount must be more than zero")
    return amount.minor
