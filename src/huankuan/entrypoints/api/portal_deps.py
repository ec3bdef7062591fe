"""What the borrower portal's API and pages share: the signed portal tokens, the payment
provider (the fake one: no real provider is configured yet), the policy data, and the portal
session (the `hk_portal` cookie) as a dependency that yields the session's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.adapters.providers.payments import FakePaymentProvider
from huankuan.bootstrap import App
from huankuan.domain.portal import PortalScope
from huankuan.entrypoints.api.deps import AppDep
from huankuan.entrypoints.web.security import PORTAL_COOKIE
from huankuan.service_layer.portal import PortalRules, packaged_rules
from huankuan.service_layer.portal_access import open_scope


def portal_tokens(application: App) -> PortalTokens:
    return PortalTokens(application.secret("secret_key"), application.clock)


def payment_provider(application: App, base_url: str | None = None) -> FakePaymentProvider:
    """The payment provider; its hosted checkout lives under `base_url` (default: the public
    address the portal links point at)."""
    return FakePaymentProvider(
        secret=application.secret("payment_webhook_secret"),
        clock=application.clock,
        checkout_base_url=base_url if base_url is not None else application.settings.public_url,
    )


def portal_rules(application: App) -> PortalRules:
    return packaged_rules(application.settings.robot_terms_file)


def portal_scope(request: Request, application: AppDep) -> PortalScope:
    """The verified borrower's scope, from the portal session cookie (401 without one)."""
    scope = open_scope(
        request.cookies.get(PORTAL_COOKIE),
        uow=application.uow(),
        tokens=portal_tokens(application),
    )
    request.state.portal = scope
    return scope


PortalSession = Annotated[PortalScope, Depends(portal_scope)]
