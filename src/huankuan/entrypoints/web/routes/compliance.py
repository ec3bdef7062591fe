"""Pages: the compliance role's read-only audit view — a gate decision looked up by its id or
its action's, with its inputs and a replay; recent decisions; the audit chain's status; the
complaints register. Compliance staff, supervisors and admins."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from huankuan.domain.errors import NotFound
from huankuan.domain.users import Principal
from huankuan.entrypoints.web.deps import CompliancePage, PageApp
from huankuan.entrypoints.web.templating import render
from huankuan.service_layer import compliance_views as views

router = APIRouter(include_in_schema=False)

RECENT = 20
Param = Annotated[str, Query(max_length=96)]


@router.get("/compliance")
def compliance_page(
    request: Request,
    principal: CompliancePage,
    application: PageApp,
    lookup: Param = "",
    decision: Param = "",
    rule: Param = "",
    stage: Param = "",
    complaints: Param = "all",
) -> Response:
    filters = {"decision": decision, "rule": rule, "stage": stage, "complaints": complaints}
    context = _context(application, principal, lookup.strip(), filters)
    return render(request, "compliance/index.html", context, status_code=context.pop("status"))


@router.post("/compliance/decisions/{ident}/replay")
def replay(
    request: Request, ident: str, principal: CompliancePage, application: PageApp
) -> Response:
    """Re-decide from the stored inputs (read-only; audited). htmx gets the result alone; a
    plain form post, the page with the result under the decision."""
    replays = views.replay_decisions(ident, app=application, principal=principal)
    if request.headers.get("hx-request") == "true":
        return render(request, "compliance/_replay.html", {"replays": replays})
    filters = {"decision": "", "rule": "", "stage": "", "complaints": "all"}
    context = _context(application, principal, ident, filters)
    context.pop("status")
    return render(request, "compliance/index.html", context | {"replays": replays})


def _context(
    application: PageApp, principal: Principal, lookup: str, filters: dict[str, str]
) -> dict[str, Any]:
    found, status = [], 200
    if lookup:
        try:
            found = views.find_decisions(lookup, uow=application.uow(), principal=principal)
        except NotFound:
            status = 404
    register_status = filters["complaints"] if filters["complaints"] != "all" else None
    return {
        "lookup": lookup,
        "found": found,
        "status": status,
        "replays": [],
        "filters": filters,
        "recent": views.recent_decisions(
            uow=application.uow(),
            principal=principal,
            decision=filters["decision"] or None,
            rule=filters["rule"] or None,
            stage=filters["stage"] or None,
            limit=RECENT,
        ),
        "chain": views.audit_chain_status(uow=application.uow(), principal=principal),
        "register": views.complaints_register(
            uow=application.uow(), principal=principal, status=register_status
        ),
        "pretty": _pretty,
    }


def _pretty(inputs: Any) -> str:
    return json.dumps(inputs, indent=2, ensure_ascii=False, sort_keys=True)
