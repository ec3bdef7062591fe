"""What the borrower portal's page routes share: rendering inside the portal's own frame (with
the session's scope, a notice and an error always defined for the strict templates), the forms
about one account, parsing a money amount typed in major units, and the notices a redirect may
name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from huankuan.domain.errors import InvalidInput, InvalidMoney
from huankuan.domain.money import Money
from huankuan.domain.portal import PortalScope
from huankuan.entrypoints.web.deps import PageApp
from huankuan.entrypoints.web.templating import render
from huankuan.service_layer.portal import AccountOwed, account_owed

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


def form_page(
    request: Request, template: str, context: dict[str, Any], error: str | None
) -> HTMLResponse:
    """A form's page; shown again with an `error` (a translation key), it answers 422."""
    return page(request, template, context | {"error": error}, status_code=422 if error else 200)


def _nothing_more(application: PageApp, scope: PortalScope, owed: AccountOwed) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class AccountForm:
    """A form about one of the session debtor's accounts (the first one owing when none is
    named); `values` gives what the template needs besides the account."""

    template: str
    values: Callable[[PageApp, PortalScope, AccountOwed], dict[str, Any]] = _nothing_more

    def show(
        self,
        request: Request,
        application: PageApp,
        scope: PortalScope,
        account_id: str | None,
        error: str | None = None,
    ) -> HTMLResponse:
        owed_now = account_owed(scope, account_id, uow=application.uow())
        context = {"account": owed_now, **self.values(application, scope, owed_now)}
        return form_page(request, self.template, context, error)


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
