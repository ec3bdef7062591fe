"""Shared helpers of the borrower-portal and payment tests: borrowers with known second factors,
links, verified sessions and the fake payment provider, all on the test's App."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.adapters.providers.payments import FakePaymentProvider
from huankuan.bootstrap import App
from huankuan.domain.portal import PortalScope
from huankuan.service_layer.portal import PortalRules, packaged_rules
from huankuan.service_layer.portal_access import IssuedLink, create_link, verify
from tests.factories import add_borrower

# Every factory debtor D<n> is born on this day; their national ID is "IDD<n>" (last four: the
# last four characters of that).
DATE_OF_BIRTH = "1990-03-07"
CN_DUE = 526_000  # ¥5,260.00: principal 500,000 + interest 20,000 + penalty 5,000 + fees 1,000


def add_borrowers(app: App, *numbers: int, jurisdiction: str = "CN-NIFA") -> None:
    with app.engine.begin() as connection:
        for number in numbers:
            add_borrower(connection, number, jurisdiction=jurisdiction)


def tokens(app: App) -> PortalTokens:
    return PortalTokens(app.secret("secret_key"), app.clock)


def rules() -> PortalRules:
    return packaged_rules()


def provider(app: App) -> FakePaymentProvider:
    return FakePaymentProvider(
        secret=app.secret("payment_webhook_secret"), clock=app.clock, checkout_base_url=""
    )


def link(app: App, account_id: str = "A1", actor: str = "test") -> IssuedLink:
    return create_link(
        account_id, uow=app.uow(), settings=app.settings, tokens=tokens(app), actor=actor
    )


def token_of(issued: IssuedLink) -> str:
    return issued.url.rsplit("/p/", 1)[1]


def session(app: App, account_id: str = "A1") -> PortalScope:
    """A verified portal session on a new link for the account."""
    issued = link(app, account_id)
    return verify(
        token_of(issued),
        "date_of_birth",
        DATE_OF_BIRTH,
        uow=app.uow(),
        settings=app.settings,
        tokens=tokens(app),
    ).scope


def rows(app: App, table: Any, *where: Any) -> list[Any]:
    with app.engine.connect() as connection:
        return list(connection.execute(select(table).where(*where)))


def audit_actions(app: App) -> list[str]:
    from huankuan.adapters.storage.tables import audit_log

    return [row.action for row in rows(app, audit_log)]
