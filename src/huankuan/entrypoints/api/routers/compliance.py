"""The compliance role's read-only API: gate decisions with their inputs and replay, the audit
chain's verification and the complaints register. Compliance staff, supervisors and admins;
agents get 403. A replay changes nothing but is itself audited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from huankuan.domain.users import Principal
from huankuan.entrypoints.api.deps import AppDep, require_roles
from huankuan.service_layer import compliance_views as views

router = APIRouter(prefix="/api/compliance", tags=["compliance"])

Auditor = Annotated[Principal, Depends(require_roles(views.AUDITORS))]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No API token, or an unknown or revoked one."},
    403: {"description": "Agents may not read the audit views."},
    422: {"description": "A parameter is malformed (the message says which)."},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No stored gate decision with this decision or action id."}
}


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class DecisionOut(_Out):
    decision_id: str
    action_id: str | None
    debtor_id: str
    decided_at: datetime
    stage: str = Field(description="dispatch | conversation")
    profile: str
    profile_hash: str
    gate_version: str
    decision: str = Field(description="allow | block")
    rules: list[str]
    next_allowed_at: datetime | None
    inputs_hash: str = Field(description="sha256 of the canonical inputs.")
    inputs: dict[str, Any] = Field(description="The canonical inputs the gate saw.")


class DecisionPageOut(_Out):
    total: int
    decisions: list[DecisionOut]


class DecisionsOut(BaseModel):
    decisions: list[DecisionOut]


class ReplayOut(_Out):
    decision: DecisionOut
    ok: bool = Field(description="hash_ok and profile_ok and same.")
    hash_ok: bool
    profile_ok: bool
    same: bool
    replayed_decision: str | None
    replayed_rules: list[str]
    replayed_next_allowed_at: datetime | None
    problem: str | None


class ReplaysOut(BaseModel):
    replays: list[ReplayOut]


class ChainOut(_Out):
    ok: bool
    rows: int
    first_bad_seq: int | None
    problem: str | None
    last_seq: int | None
    last_at: datetime | None
    by_action: dict[str, int]
    verified_at: datetime


class ComplaintOut(_Out):
    complaint_id: str
    case_id: str | None
    debtor_id: str
    debtor_name: str = Field(description="Masked.")
    opened_at: datetime
    channel: str
    summary: str
    status: str = Field(description="open | resolved")
    resolved_at: datetime | None
    age_days: int = Field(description="Open: days since opened; resolved: days it took.")


class ComplaintRegisterOut(_Out):
    open: int
    resolved: int
    complaints: list[ComplaintOut]


Limit = Annotated[int, Query(ge=1, le=views.MAX_PAGE)]
Offset = Annotated[int, Query(ge=0)]


@router.get("/decisions", response_model=DecisionPageOut, responses=_ERRORS)
def recent_decisions(
    application: AppDep,
    user: Auditor,
    decision: Literal["allow", "block"] | None = None,
    rule: Annotated[str | None, Query(min_length=1, max_length=96)] = None,
    stage: Literal["dispatch", "conversation", "agent"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """Stored gate decisions, newest first, by decision, rule id or stage."""
    return views.recent_decisions(
        uow=application.uow(),
        principal=user,
        decision=decision,
        rule=rule,
        stage=stage,
        limit=limit,
        offset=offset,
    )


@router.get("/decisions/{ident}", response_model=DecisionsOut, responses={**_ERRORS, **_NOT_FOUND})
def get_decision(ident: str, application: AppDep, user: Auditor) -> Any:
    """The decision with this id, or every decision on the action with this id."""
    return {"decisions": views.find_decisions(ident, uow=application.uow(), principal=user)}


@router.post(
    "/decisions/{ident}/replay", response_model=ReplaysOut, responses={**_ERRORS, **_NOT_FOUND}
)
def replay_decision(ident: str, application: AppDep, user: Auditor) -> Any:
    """Re-decide from the stored inputs alone and compare (read-only; the replay is audited)."""
    return {"replays": views.replay_decisions(ident, app=application, principal=user)}


@router.get("/audit-chain", response_model=ChainOut, responses=_ERRORS)
def audit_chain(application: AppDep, user: Auditor) -> Any:
    """Recompute the audit log's hash chain now: intact, or the first bad row."""
    status = views.audit_chain_status(uow=application.uow(), principal=user)
    return {**status.__dict__, "by_action": dict(status.by_action)}


@router.get("/complaints", response_model=ComplaintRegisterOut, responses=_ERRORS)
def complaints(
    application: AppDep,
    user: Auditor,
    status: Literal["open", "resolved", "all"] = "all",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """The complaints register, open ones first (oldest first); debtors masked."""
    return views.complaints_register(
        uow=application.uow(),
        principal=user,
        status=None if status == "all" else status,
        limit=limit,
        offset=offset,
    )
