"""Who may act on which case: operators (agent, supervisor, admin) act, compliance staff only
read, and an agent reaches only the cases assigned to them. Checked in the service layer so that
every edge (API, pages, CLI) gets the same answer; the edges only map the errors."""

from __future__ import annotations

from huankuan.domain.errors import PermissionDenied
from huankuan.domain.users import OPERATOR_ROLES, Principal


def authorize_case(principal: Principal | None, assigned_to: str | None, *, act: bool) -> None:
    """`principal` None is the system itself (the CLI on the operator's machine, the cycle)."""
    if principal is None:
        return
    if act and principal.role not in OPERATOR_ROLES:
        raise PermissionDenied(f"the {principal.role.value} role may not act on cases")
    if not principal.sees_every_case() and assigned_to != principal.username:
        raise PermissionDenied("this case is not assigned to you")
