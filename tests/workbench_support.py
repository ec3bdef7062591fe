"""Shared helpers for the agent workbench's tests (service, API, pages): cases assigned to
agents, the day's plan items on the agent channel, a completed cycle run, and the rule data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import Connection, insert

from huankuan.adapters.storage.tables import action_plan, cases, cycle_runs
from huankuan.compliance.content import build_guard
from huankuan.compliance.content.guard import ContentGuard
from huankuan.dialogue.guard import Screened
from huankuan.service_layer.workbench_gate import CaseRules, packaged_rules
from tests.factories import add_borrower, add_contact_point
from tests.robot_support import add_us_borrower

DAY = date(2026, 11, 28)
# 10:00 and 23:30 in Shanghai on the business date (CN-NIFA allows calls 08:00-22:00).
CN_MORNING = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
CN_NIGHT = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)


def rules() -> CaseRules:
    return packaged_rules()


@cache
def rules_guard() -> ContentGuard:
    """The content guard's rules without the classifier: fast, and enough for the threats
    these tests write."""
    return build_guard(with_classifier=False)


class FlaggingGuard:
    """A content guard that finds harassment in every text, and keeps what it screened (the
    real guard passes every packaged template)."""

    def __init__(self) -> None:
        self.screened: list[str] = []

    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Screened:
        self.screened.append(text)
        return Screened("violation", ("harassment",))


def add_case(connection: Connection, debtor_id: str, assigned_to: str | None) -> str:
    case_id = f"C-{debtor_id}"
    connection.execute(
        insert(cases).values(case_id=case_id, debtor_id=debtor_id, assigned_to=assigned_to)
    )
    return case_id


def cn_case(connection: Connection, number: int, agent: str | None, *, email: bool = True) -> str:
    """Debtor D<n> 王芳 (CN-NIFA, national id 11010119900307000<n>) with account A<n>
    (¥5,260.00 due), phone C<n>-1, an email E<n>, and case C-D<n> assigned to `agent`."""
    national_id = f"11010119900307{number:04d}"
    add_borrower(connection, number, debtor={"name": "王芳", "national_id": national_id})
    if email:
        add_contact_point(
            connection, f"E{number}", f"D{number}", kind="email", value=f"wang{number}@example.cn"
        )
    return add_case(connection, f"D{number}", agent)


def us_case(connection: Connection, number: int, agent: str | None) -> str:
    add_us_borrower(connection, number)
    return add_case(connection, f"D{number}", agent)


def add_plan_item(
    connection: Connection,
    action_id: str,
    number: int,
    *,
    priority: int = 30,
    scheduled_at: datetime = CN_MORNING,
    channel: str = "agent_call",
    business_date: date = DAY,
    contact_id: str | None = None,
    template: str = "agent_negotiation",
) -> str:
    connection.execute(
        insert(action_plan).values(
            action_id=action_id,
            business_date=business_date,
            account_id=f"A{number}",
            debtor_id=f"D{number}",
            contact_id=contact_id or f"C{number}-1",
            channel=channel,
            contact_role="self",
            template=template,
            scheduled_at=scheduled_at.astimezone(UTC).replace(tzinfo=None),
            timezone="Asia/Shanghai",
            priority=priority,
            bucket="M3",
            segment="medium",
            decision="allow",
            rules="[]",
            next_allowed_at=None,
            gate_version="test",
        )
    )
    return action_id


def add_cycle_run(connection: Connection, business_date: date = DAY) -> None:
    moment = datetime(2026, 11, 28, 1, 0)
    connection.execute(
        insert(cycle_runs).values(
            business_date=business_date,
            started_at=moment,
            finished_at=moment,
            status="completed",
            stats="{}",
        )
    )
