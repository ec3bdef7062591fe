"""Dependencies of the API's endpoints, as `Annotated` aliases: the application, the robot, and
the authenticated user with the roles an endpoint requires."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from huankuan.bootstrap import App
from huankuan.domain.errors import AuthenticationFailed, PermissionDenied
from huankuan.domain.users import OPERATOR_ROLES, READER_ROLES, Principal, Role
from huankuan.service_layer.auth import authenticate_token
from huankuan.service_layer.robot import Robot

bearer = HTTPBearer(
    auto_error=False,
    description="An API token: `huankuan token create --username U` prints one.",
)


def get_app(request: Request) -> App:
    application: App = request.app.state.huankuan
    return application


AppDep = Annotated[App, Depends(get_app)]


def get_robot(application: AppDep) -> Robot:
    return application.robot()


RobotDep = Annotated[Robot, Depends(get_robot)]


def current_principal(
    application: AppDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise AuthenticationFailed("send an API token: Authorization: Bearer <token>")
    return authenticate_token(credentials.credentials, uow=application.uow())


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_roles(roles: Iterable[Role]) -> Callable[[Principal], Principal]:
    allowed = frozenset(roles)

    def check(principal: CurrentUser) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(role.value for role in allowed))
            raise PermissionDenied(f"this needs one of the roles {names}")
        return principal

    return check


# Acts on cases (agent, supervisor, admin); reads them (every role, compliance included).
Operator = Annotated[Principal, Depends(require_roles(OPERATOR_ROLES))]
Reader = Annotated[Principal, Depends(require_roles(READER_ROLES))]
