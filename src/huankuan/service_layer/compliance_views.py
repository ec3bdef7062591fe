"""The compliance role's read-only audit views: any stored gate decision with the inputs it saw
and its replay (re-decided from those inputs alone), recent decisions, the audit chain's
verification, and the complaints register. Nothing here changes the collection data; a replay
is itself recorded in the audit log (who re-checked which decision, and whether it held)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from huankuan.adapters.storage.audit import verify_chain
from huankuan.adapters.storage.compliance_store import SqlComplianceReads
from huankuan.adapters.storage.gate_store import GateDecisionRow
from huankuan.adapters.storage.repositories import from_db_time
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.compliance.proof import replay
from huankuan.domain.errors import InvalidInput, NotFound
from huankuan.domain.masking import mask_name
from huankuan.domain.users import Principal, Role
from huankuan.service_layer.dashboard import require_role
from huankuan.service_layer.flags import mask_text
from huankuan.service_layer.proof import ReplayedDecision, replay_action
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from huankuan.bootstrap import App

AUDITORS = frozenset({Role.COMPLIANCE, Role.SUPERVISOR, Role.ADMIN})
DECISIONS = ("allow", "block")
STAGES = ("dispatch", "conversation", "agent")  # who the gate decided for: dispatch, robot, agent
MAX_PAGE = 500


@dataclass(frozen=True)
class DecisionView:
    decision_id: str
    action_id: str | None
    debtor_id: str
    decided_at: datetime  # aware UTC
    stage: str
    profile: str
    profile_hash: str
    gate_version: str
    decision: str
    rules: tuple[str, ...]
    next_allowed_at: datetime | None
    inputs_hash: str
    inputs: Mapping[str, Any]  # the canonical inputs the gate saw (ids and facts, no names)


@dataclass(frozen=True)
class ReplayView:
    decision: DecisionView
    hash_ok: bool  # the stored inputs still match their sha256
    profile_ok: bool  # the installed profile is the one that decided
    same: bool  # the replay decided exactly as stored (decision, rules, next allowed time)
    replayed_decision: str | None
    replayed_rules: tuple[str, ...]
    replayed_next_allowed_at: datetime | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.hash_ok and self.profile_ok and self.same


@dataclass(frozen=True)
class DecisionPage:
    total: int
    decisions: tuple[DecisionView, ...]


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    rows: int
    first_bad_seq: int | None
    problem: str | None
    last_seq: int | None
    last_at: datetime | None
    by_action: tuple[tuple[str, int], ...]  # (action, rows), most frequent first
    verified_at: datetime


@dataclass(frozen=True)
class ComplaintEntry:
    complaint_id: str
    case_id: str | None
    debtor_id: str
    debtor_name: str  # masked
    opened_at: datetime
    channel: str
    summary: str  # the debtor's name and phone-like numbers masked
    resolved_at: datetime | None
    age_days: int  # open: days since opened; resolved: days it took

    @property
    def status(self) -> str:
        return "open" if self.resolved_at is None else "resolved"


@dataclass(frozen=True)
class ComplaintRegister:
    open: int
    resolved: int
    complaints: tuple[ComplaintEntry, ...]


def find_decisions(
    ident: str, *, uow: SqlUnitOfWork, principal: Principal | None
) -> list[DecisionView]:
    """The gate decision with this id, or every decision on the action with this id."""
    require_role(principal, AUDITORS)
    with uow:
        rows = SqlComplianceReads(uow.connection).decisions_for(ident.strip())
    if not rows:
        raise NotFound(f"no stored gate decision with decision or action id {ident!r}")
    return [_view(row) for row in rows]


def replay_decisions(
    ident: str,
    *,
    app: App,
    principal: Principal | None,
    profiles: Mapping[str, Profile] | None = None,
) -> list[ReplayView]:
    """Re-decide the decision (or every decision on the action) from its stored inputs under
    the installed profiles; the re-check is audited (`gate_decision.replayed`)."""
    require_role(principal, AUDITORS)
    key = ident.strip()
    with app.uow() as uow:
        rows = SqlComplianceReads(uow.connection).decisions_for(key)
    if not rows:
        raise NotFound(f"no stored gate decision with decision or action id {ident!r}")
    profiles = profiles or load_profiles()
    if rows[0].decision_id == key:
        replayed = [
            ReplayedDecision(rows[0], replay(rows[0].inputs, rows[0].inputs_hash, profiles))
        ]
    else:
        replayed = replay_action(app, key, profiles)
    views = [_replay_view(item) for item in replayed]
    with app.uow() as uow:
        uow.audit.record(
            actor=principal.actor if principal is not None else "system",
            action="gate_decision.replayed",
            entity_type="gate_decision",
            entity_id=key,
            details={view.decision.decision_id: view.ok for view in views},
        )
        uow.commit()
    return views


def recent_decisions(
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    decision: str | None = None,
    rule: str | None = None,
    stage: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DecisionPage:
    require_role(principal, AUDITORS)
    _one_of("decision", decision, DECISIONS)
    _one_of("stage", stage, STAGES)
    _page(limit, offset)
    rule = rule.strip() if rule else None
    with uow:
        total, rows = SqlComplianceReads(uow.connection).recent_decisions(
            decision=decision, rule=rule or None, stage=stage, limit=limit, offset=offset
        )
    return DecisionPage(total, tuple(_view(row) for row in rows))


def audit_chain_status(*, uow: SqlUnitOfWork, principal: Principal | None) -> ChainStatus:
    """Recompute the audit log's hash chain now, with what it holds."""
    require_role(principal, AUDITORS)
    with uow:
        report = verify_chain(uow.connection)
        reads = SqlComplianceReads(uow.connection)
        counts = tuple((str(row.action), int(row.n)) for row in reads.audit_counts())
        last = reads.last_audit_row()
    return ChainStatus(
        ok=report.ok,
        rows=report.rows,
        first_bad_seq=report.first_bad_seq,
        problem=report.problem,
        last_seq=None if last is None else int(last.seq),
        last_at=None if last is None else from_db_time(last.at),
        by_action=counts,
        verified_at=uow.clock.now().astimezone(UTC),
    )


def complaints_register(
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> ComplaintRegister:
    """Every complaint, open ones first (oldest first), with the debtor masked."""
    require_role(principal, AUDITORS)
    _one_of("status", status, ("open", "resolved"))
    _page(limit, offset)
    now = uow.clock.now().astimezone(UTC)
    with uow:
        counts, rows = SqlComplianceReads(uow.connection).complaints(
            status=status, limit=limit, offset=offset
        )
    entries = tuple(_complaint(row, now) for row in rows)
    return ComplaintRegister(counts["open"], counts["resolved"], entries)


def _complaint(row: Any, now: datetime) -> ComplaintEntry:
    opened = from_db_time(row.opened_at)
    resolved = from_db_time(row.resolved_at)
    assert opened is not None
    return ComplaintEntry(
        complaint_id=row.complaint_id,
        case_id=row.case_id,
        debtor_id=row.debtor_id,
        debtor_name=mask_name(row.name),
        opened_at=opened,
        channel=row.channel,
        summary=mask_text(row.summary, row.name),
        resolved_at=resolved,
        age_days=((resolved or now) - opened).days,
    )


def _view(row: GateDecisionRow) -> DecisionView:
    decided = from_db_time(row.decided_at)
    assert decided is not None
    return DecisionView(
        decision_id=row.decision_id,
        action_id=row.action_id,
        debtor_id=row.debtor_id,
        decided_at=decided,
        stage=row.stage,
        profile=row.profile,
        profile_hash=row.profile_hash,
        gate_version=row.gate_version,
        decision=row.decision,
        rules=row.rules,
        next_allowed_at=from_db_time(row.next_allowed_at),
        inputs_hash=row.inputs_hash,
        inputs=_inputs(row.inputs),
    )


def _inputs(text: str) -> Mapping[str, Any]:
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"unreadable": text[:200]}
    return parsed if isinstance(parsed, dict) else {"value": parsed}


def _replay_view(item: ReplayedDecision) -> ReplayView:
    decided = item.replay.decision
    return ReplayView(
        decision=_view(item.stored),
        hash_ok=item.replay.hash_ok,
        profile_ok=item.replay.profile_ok,
        same=item.same,
        replayed_decision=None if decided is None else decided.decision,
        replayed_rules=() if decided is None else tuple(decided.rules),
        replayed_next_allowed_at=None if decided is None else decided.next_allowed_at,
        problem=item.replay.problem,
    )


def _one_of(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}")
