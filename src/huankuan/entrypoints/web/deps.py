"""Dependencies of the pages, as `Annotated` aliases: the signed-in user (from the session
cookie) and the roles each area needs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated

from fastapi import Depends, Request

from huankuan.domain.errors import AuthenticationFailed, PermissionDenied
from huankuan.domain.users import OPERATOR_ROLES, Principal, Role
from huankuan.entrypoints.api.deps import AppDep
from huankuan.entrypoints.web.security import SESSION_COOKIE
from huankuan.service_layer.web_auth import session_principal

PageApp = AppDep


class LoginRequired(AuthenticationFailed):
    """A page that needs a signed-in user, requested without a (valid) session."""


def page_user(request: Request, application: AppDep) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired("sign in to see this page")
    try:
        principal = session_principal(token, uow=application.uow())
    except AuthenticationFailed as error:
        raise LoginRequired(str(error)) from None
    request.state.principal = principal
    return principal


PageUser = Annotated[Principal, Depends(page_user)]


def page_roles(roles: Iterable[Role]) -> Callable[[Principal], Principal]:
    allowed = frozenset(roles)

    def check(principal: PageUser) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(role.value for role in allowed))
            raise PermissionDenied(f"this page needs one of the roles {names}")
        return principal

    return check


# The workbench (agents act on their cases; supervisors and admins on any).
AgentPage = Annotated[Principal, Depends(page_roles(OPERATOR_ROLES))]
SupervisorPage = Annotated[Principal, Depends(page_roles({Role.SUPERVISOR, Role.ADMIN}))]
# Read-only audit views: compliance staff, and the supervisors and admins they report to.
CompliancePage = Annotated[
    Principal, Depends(page_roles({Role.COMPLIANCE, Role.SUPERVISOR, Role.ADMIN}))
]
AdminPage = Annotated[Principal, Depends(page_roles({Role.ADMIN}))]


def client_address(request: Request) -> str:
    """The address sign-in throttling counts by (the socket's peer; a proxy in front should
    be configured to pass the real one to uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def home_for(principal: Principal) -> str:
    """Where a user lands after signing in."""
    return {
        Role.AGENT: "/work/queue",
        Role.SUPERVISOR: "/supervisor",
        Role.COMPLIANCE: "/compliance",
        Role.ADMIN: "/supervisor",
    }[principal.role]
