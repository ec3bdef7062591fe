"""An agent's queue: today's plan items on the human channels for the cases assigned to them,
most urgent first, each re-checked against the gate NOW (the plan was decided for its scheduled
time; contacts made since, holds placed since and the clock all matter). Only what the gate
allows now is workable; the rest is counted and shown apart with the time it may be tried.

A listing is not a contact: the gate's verdicts here are previews, never stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from huankuan.adapters.storage.repositories import from_db_time
from huankuan.adapters.storage.workbench_store import Row, SqlWorkbenchStore
from huankuan.compliance.facts import Decision
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import NotFound
from huankuan.domain.masking import mask_contact, mask_name
from huankuan.domain.model import Channel
from huankuan.domain.users import Principal
from huankuan.service_layer.unit_of_work import SqlUnitOfWork
from huankuan.service_layer.workbench_gate import (
    HUMAN_CHANNELS,
    CaseRules,
    Contact,
    pick_contact,
    preview,
)


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One plan item to work, with the gate's verdict on it now. Personal data is masked."""

    action_id: str
    case_id: str
    account_id: str
    debtor_id: str
    debtor_name: str
    contact_id: str
    contact: str
    contact_role: str
    channel: str
    template: str
    priority: int  # lower is more urgent
    scheduled_at: datetime  # aware UTC
    timezone: str  # the debtor's, to show local times
    bucket: str
    segment: str
    allowed: bool
    rules: tuple[str, ...]
    next_allowed_at: datetime | None
    explanation: str


@dataclass(frozen=True, slots=True)
class QueueHandoff:
    """A case the robot (or its safety protocol) handed to a person, not yet resolved."""

    handoff_id: str
    case_id: str
    debtor_name: str
    reason: str
    priority: str  # "urgent" | "normal"
    created_at: datetime
    account_id: str | None
    conversation_id: str | None


@dataclass(frozen=True, slots=True)
class Queue:
    business_date: date | None  # None: no cycle has planned a day yet
    at: datetime
    ready: list[QueueItem] = field(default_factory=list)
    blocked: list[QueueItem] = field(default_factory=list)
    handoffs: list[QueueHandoff] = field(default_factory=list)

    @property
    def blocked_count(self) -> int:
        return len(self.blocked)


def queue_business_date(uow: SqlUnitOfWork, fallback: date | None) -> date | None:
    """The day the queue shows: the latest completed cycle's business date, else `fallback`
    (the configured or the clock's today)."""
    with uow:
        return SqlWorkbenchStore(uow.connection).latest_business_date() or fallback


def my_queue(
    *,
    uow: SqlUnitOfWork,
    principal: Principal,
    rules: CaseRules,
    business_date: date | None,
) -> Queue:
    """The principal's queue for `business_date`, split by the gate's verdict now."""
    now = uow.clock.now().astimezone(UTC)
    queue = Queue(business_date, now)
    with uow:
        store = SqlWorkbenchStore(uow.connection)
        queue.handoffs.extend(_handoff(row) for row in store.open_handoffs(principal.username))
        if business_date is None:
            return queue
        channels = [channel.value for channel in HUMAN_CHANNELS]
        facts = _memo(lambda account_id: uow.robot_reads.account_facts(account_id, now))
        for row in store.queue_rows(business_date, principal.username, channels):
            item = _item(uow, rules, row, facts(row["account_id"]), now)
            (queue.ready if item.allowed else queue.blocked).append(item)
    return queue


def _item(
    uow: SqlUnitOfWork, rules: CaseRules, row: Row, facts: AccountFacts, now: datetime
) -> QueueItem:
    channel = Channel(row["channel"])
    try:
        point = pick_contact(facts, channel, row["contact_id"])
    except NotFound:  # the contact point is gone since the plan was made
        decision = Decision("block", ("CONTACT-MISSING",), "the planned contact point is gone")
        return _queue_item(row, decision, "", row["contact_role"])
    contact = Contact(facts, point, channel, row["action_id"], now, row["template"])
    decision = preview(uow, contact, rules.profile(row["jurisdiction"]))
    return _queue_item(row, decision, mask_contact(point.kind.value, point.value), point.role)


def _queue_item(row: Row, decision: Decision, shown_contact: str, role: str) -> QueueItem:
    scheduled = from_db_time(row["scheduled_at"])
    assert scheduled is not None  # the column is not nullable
    return QueueItem(
        action_id=row["action_id"],
        case_id=row["case_id"],
        account_id=row["account_id"],
        debtor_id=row["debtor_id"],
        debtor_name=mask_name(row["debtor_name"]),
        contact_id=row["contact_id"],
        contact=shown_contact,
        contact_role=str(role),
        channel=row["channel"],
        template=row["template"],
        priority=int(row["priority"]),
        scheduled_at=scheduled,
        timezone=row["timezone"],
        bucket=row["bucket"],
        segment=row["segment"],
        allowed=decision.allowed,
        rules=tuple(decision.rules),
        next_allowed_at=decision.next_allowed_at,
        explanation=decision.explanation,
    )


def _handoff(row: Row) -> QueueHandoff:
    created = from_db_time(row["created_at"])
    assert created is not None
    return QueueHandoff(
        handoff_id=row["handoff_id"],
        case_id=row["case_id"],
        debtor_name=mask_name(row["debtor_name"]),
        reason=row["reason"],
        priority=row["priority"],
        created_at=created,
        account_id=row["account_id"],
        conversation_id=row["conversation_id"],
    )


def _memo(load: Callable[[str], AccountFacts]) -> Callable[[str], AccountFacts]:
    """Facts loaded once per account for one listing (an account has several plan items)."""
    seen: dict[str, AccountFacts] = {}

    def get(account_id: str) -> AccountFacts:
        if account_id not in seen:
            seen[account_id] = load(account_id)
        return seen[account_id]

    return get
