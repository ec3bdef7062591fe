"""Who works which case: the supervisor's listings of open cases (unassigned, or one agent's)
and the assignment of cases to active agents, one at a time or in bulk, each change audited
(`case.assigned`, with the previous and the new assignee)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from huankuan.adapters.storage.supervision_store import SupervisionStore
from huankuan.domain import commands
from huankuan.domain.errors import ConcurrentUpdate, InvalidInput, NotFound
from huankuan.domain.masking import mask_name
from huankuan.domain.money import Money
from huankuan.domain.users import Principal, Role
from huankuan.service_layer.dashboard import SUPERVISION_ACTORS, require_reader, require_role
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

MAX_PAGE = 500
MAX_BULK = 500


@dataclass(frozen=True)
class CaseAccount:
    account_id: str
    bucket: str | None  # None before the daily cycle has seen the account
    segment: str | None
    days_past_due: int | None
    balance: Money


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    debtor_id: str
    debtor_name: str  # masked
    jurisdiction: str
    assigned_to: str | None
    days_past_due: int | None  # the worst of its accounts
    accounts: tuple[CaseAccount, ...]

    @property
    def buckets(self) -> tuple[str, ...]:
        return tuple(sorted({a.bucket for a in self.accounts if a.bucket}))

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(sorted({a.segment for a in self.accounts if a.segment}))


@dataclass(frozen=True)
class CasePage:
    total: int
    cases: tuple[CaseSummary, ...]


@dataclass(frozen=True)
class Assignment:
    case_id: str
    previous: str | None
    assigned_to: str
    changed: bool  # False: the case was already with this agent


@dataclass(frozen=True)
class AgentLoad:
    username: str
    open_cases: int


def list_cases(
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    assignee: str | None = None,
    bucket: str | None = None,
    segment: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> CasePage:
    """Open cases nobody works (`assignee` None) or one agent's, worst days past due first,
    optionally only those with an account in `bucket` / `segment`. Names are masked."""
    require_reader(principal)
    _check_page(limit, offset)
    with uow:
        store = SupervisionStore(uow.connection)
        total, rows = store.case_page(
            assignee=assignee, bucket=bucket, segment=segment, limit=limit, offset=offset
        )
        accounts = _accounts_by_debtor(store.case_accounts([row.debtor_id for row in rows]))
    return CasePage(total, tuple(_summary(row, accounts[row.debtor_id]) for row in rows))


def agent_loads(*, uow: SqlUnitOfWork, principal: Principal | None) -> list[AgentLoad]:
    """The active agents a case may go to, with how many open cases each has."""
    require_reader(principal)
    with uow:
        rows = SupervisionStore(uow.connection).agent_workloads()
    return [AgentLoad(str(row.username), int(row.cases)) for row in rows]


def filter_options(
    *, uow: SqlUnitOfWork, principal: Principal | None
) -> tuple[list[str], list[str]]:
    """The buckets and segments there are to filter by."""
    require_reader(principal)
    with uow:
        return SupervisionStore(uow.connection).filter_values()


def assign_case(
    cmd: commands.AssignCase, *, uow: SqlUnitOfWork, principal: Principal | None
) -> Assignment:
    return assign_cases(
        commands.AssignCases((cmd.case_id,), cmd.username, cmd.actor), uow=uow, principal=principal
    )[0]


def assign_cases(
    cmd: commands.AssignCases, *, uow: SqlUnitOfWork, principal: Principal | None
) -> list[Assignment]:
    """Give every listed case to the agent, in one transaction: an unknown case or user, or a
    user who is not an active agent, changes nothing."""
    require_role(principal, SUPERVISION_ACTORS)
    case_ids = _case_ids(cmd.case_ids)
    with uow:
        store = SupervisionStore(uow.connection)
        _check_agent(store, cmd.username)
        current = store.assignees(case_ids)
        missing = [case_id for case_id in case_ids if case_id not in current]
        if missing:
            raise NotFound(f"no case {', '.join(repr(c) for c in missing[:5])}")
        done = [_assign(uow, store, case_id, current[case_id], cmd) for case_id in case_ids]
        uow.commit()
    return done


def _assign(
    uow: SqlUnitOfWork,
    store: SupervisionStore,
    case_id: str,
    previous: str | None,
    cmd: commands.AssignCases,
) -> Assignment:
    if previous == cmd.username:
        return Assignment(case_id, previous, cmd.username, changed=False)
    if not store.reassign(case_id, previous, cmd.username):
        raise ConcurrentUpdate(f"case {case_id} was reassigned meanwhile; reload and try again")
    uow.audit.record(
        actor=cmd.actor,
        action="case.assigned",
        entity_type="case",
        entity_id=case_id,
        details={"from": previous, "to": cmd.username},
    )
    return Assignment(case_id, previous, cmd.username, changed=True)


def _check_agent(store: SupervisionStore, username: str) -> None:
    found = store.user_role(username)
    if found is None:
        raise InvalidInput(f"no user {username!r}: cases go to an active agent")
    role, active = found
    if role != Role.AGENT.value:
        raise InvalidInput(f"{username!r} is a {role}, not an agent: cases go to agents")
    if not active:
        raise InvalidInput(f"{username!r} is deactivated: cases go to an active agent")


def _case_ids(case_ids: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(c.strip() for c in case_ids))
    if not unique or any(not c for c in unique):
        raise InvalidInput("name at least one case, and no empty case ids")
    if len(unique) > MAX_BULK:
        raise InvalidInput(f"at most {MAX_BULK} cases at once, got {len(unique)}")
    return unique


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}")


def _accounts_by_debtor(rows: Sequence[Any]) -> dict[str, list[CaseAccount]]:
    found: dict[str, list[CaseAccount]] = defaultdict(list)
    for row in rows:
        found[row.debtor_id].append(
            CaseAccount(
                account_id=row.account_id,
                bucket=row.bucket,
                segment=row.segment,
                days_past_due=row.days_past_due,
                balance=Money(int(row.balance_minor), row.currency),
            )
        )
    return found


def _summary(row: Any, accounts: list[CaseAccount]) -> CaseSummary:
    return CaseSummary(
        case_id=row.case_id,
        debtor_id=row.debtor_id,
        debtor_name=mask_name(row.name),
        jurisdiction=row.jurisdiction,
        assigned_to=row.assigned_to,
        days_past_due=row.days_past_due,
        accounts=tuple(accounts),
    )
