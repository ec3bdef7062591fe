"""The supervisor's API: the dashboard's KPIs, case assignment and flag review. Supervisors and
admins act; compliance staff read; agents get 403."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from huankuan.domain import commands
from huankuan.domain.users import Principal
from huankuan.entrypoints.api.deps import AppDep, require_roles
from huankuan.service_layer import assignment, flags
from huankuan.service_layer.cycle import today_for
from huankuan.service_layer.dashboard import (
    DEFAULT_DAYS,
    MAX_DAYS,
    SUPERVISION_ACTORS,
    SUPERVISION_READERS,
    dashboard,
)

router = APIRouter(tags=["supervision"])

Watcher = Annotated[Principal, Depends(require_roles(SUPERVISION_READERS))]
Supervisor = Annotated[Principal, Depends(require_roles(SUPERVISION_ACTORS))]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No API token, or an unknown or revoked one."},
    403: {"description": "The role may not do this (agents; compliance staff only read)."},
    422: {"description": "A parameter or the body is malformed (the message says which)."},
}


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MoneyOut(_Out):
    currency: str
    minor: int = Field(description="Integer minor units (fen, cents).")


class DayKpisOut(_Out):
    day: date
    contacts: int = Field(description="Contact attempts the gate allowed (inbound included).")
    reached: int = Field(description="Contacts where someone answered.")
    right_party_contacts: int
    right_party_rate: float | None = Field(description="right_party_contacts / reached.")
    robot_contacts: int
    human_contacts: int
    automated_contacts: int = Field(description="Templated SMS, email and letters.")
    robot_share: float | None = Field(description="robot / (robot + human).")
    gate_blocks: int
    promises_made: int
    promises_kept: int
    promises_broken: int
    payments: int
    collected: list[MoneyOut] = Field(description="One amount per currency, never summed across.")
    complaints_opened: int


class RuleCountOut(_Out):
    rule: str
    count: int


class DashboardOut(_Out):
    day: date
    kpis: DayKpisOut
    trend: list[DayKpisOut]
    blocks_by_rule: list[RuleCountOut]
    plan_blocks_by_rule: list[RuleCountOut]
    complaints_open: int
    currencies: list[str]


class CaseAccountOut(_Out):
    account_id: str
    bucket: str | None
    segment: str | None
    days_past_due: int | None
    balance: MoneyOut


class CaseOut(_Out):
    case_id: str
    debtor_id: str
    debtor_name: str = Field(description="Masked.")
    jurisdiction: str
    assigned_to: str | None
    days_past_due: int | None
    buckets: list[str]
    segments: list[str]
    accounts: list[CaseAccountOut]


class CasePageOut(_Out):
    total: int
    cases: list[CaseOut]


class AssignIn(_Body):
    username: str = Field(min_length=1, max_length=64, description="An active agent.")


class BulkAssignIn(_Body):
    case_ids: list[str] = Field(min_length=1, max_length=assignment.MAX_BULK)
    username: str = Field(min_length=1, max_length=64)


class AssignmentOut(_Out):
    case_id: str
    previous: str | None
    assigned_to: str
    changed: bool


class AssignmentsOut(BaseModel):
    assignments: list[AssignmentOut]


class AgentOut(_Out):
    username: str
    open_cases: int


class FlagOut(_Out):
    flag_id: str
    kind: str
    source_type: str
    source_id: str
    case_id: str
    conversation_id: str | None
    summary: str
    status: str
    opened_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None
    resolution_note: str | None


class FlagPageOut(_Out):
    total: int
    open_by_kind: dict[str, int]
    flags: list[FlagOut]


class ResolveIn(_Body):
    resolution: Literal[
        "reviewed_ok",
        "coached_agent",
        "escalated_to_compliance",
        "welfare_followed_up",
        "false_positive",
    ]
    note: str = Field(min_length=1, max_length=flags.MAX_NOTE, description="What was done.")


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Filter = Annotated[str | None, Query(min_length=1, max_length=16)]


@router.get("/api/dashboard", response_model=DashboardOut, responses=_ERRORS)
def get_dashboard(
    application: AppDep,
    user: Watcher,
    day: Annotated[date | None, Query(alias="date", description="Default: today.")] = None,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS)] = DEFAULT_DAYS,
) -> Any:
    """The day's KPIs (on each borrower's local day) and the trend over `days` days."""
    wanted = day or today_for(application)
    return dashboard(uow=application.uow(), day=wanted, days=days, principal=user)


@router.get("/api/cases/unassigned", response_model=CasePageOut, responses=_ERRORS)
def unassigned_cases(
    application: AppDep,
    user: Watcher,
    bucket: Filter = None,
    segment: Filter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """Open cases nobody works, worst days past due first; debtor names masked."""
    return assignment.list_cases(
        uow=application.uow(),
        principal=user,
        bucket=bucket,
        segment=segment,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/api/cases/{case_id}/assign",
    response_model=AssignmentOut,
    responses={**_ERRORS, 404: {"description": "No such case."}},
)
def assign_case(case_id: str, body: AssignIn, application: AppDep, user: Supervisor) -> Any:
    """Give the case to an active agent (or move it); audited as `case.assigned`."""
    return assignment.assign_case(
        commands.AssignCase(case_id, body.username, actor=user.actor),
        uow=application.uow(),
        principal=user,
    )


@router.post(
    "/api/assignments",
    response_model=AssignmentsOut,
    responses={**_ERRORS, 404: {"description": "A case does not exist (nothing changed)."}},
)
def assign_cases(body: BulkAssignIn, application: AppDep, user: Supervisor) -> Any:
    """Give several cases to one agent, all or none."""
    done = assignment.assign_cases(
        commands.AssignCases(tuple(body.case_ids), body.username, actor=user.actor),
        uow=application.uow(),
        principal=user,
    )
    return {"assignments": done}


@router.get("/api/agents", response_model=list[AgentOut], responses=_ERRORS)
def agents(application: AppDep, user: Watcher) -> Any:
    """Active agents (who cases may go to) with their open cases."""
    return assignment.agent_loads(uow=application.uow(), principal=user)


@router.get("/api/flags", response_model=FlagPageOut, responses=_ERRORS)
def list_flags(
    application: AppDep,
    user: Watcher,
    status: Literal["open", "resolved", "all"] = "open",
    kind: Literal["content_guard", "self_harm"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """Flagged conversations and messages (found afresh first), self-harm first."""
    return flags.list_flags(
        uow=application.uow(),
        principal=user,
        status=None if status == "all" else status,
        kind=kind,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/api/flags/{flag_id}/resolve",
    response_model=FlagOut,
    responses={
        **_ERRORS,
        404: {"description": "No such flag."},
        409: {"description": "The flag is already resolved."},
    },
)
def resolve_flag(flag_id: str, body: ResolveIn, application: AppDep, user: Supervisor) -> Any:
    """Close a flag with a resolution code and a note (self-harm: `welfare_followed_up`)."""
    return flags.resolve_flag(
        commands.ResolveFlag(flag_id, body.resolution, body.note, actor=user.actor),
        uow=application.uow(),
        principal=user,
    )
