"""The supervisor's SQL: the dashboard's aggregations per borrower-local business day, and the
case listings and assignment updates. Every aggregation runs in the database (one GROUP BY per
KPI family over the whole trend), on SQLite and PostgreSQL alike.

Borrower-local days: stored times are naive UTC, and neither database can turn them into an IANA
zone's local date portably (SQLite has no zone database). So the local days become a small
table of UTC windows, one row per (zone, day) — `day_windows` — and each fact is joined to the
window of its borrower's zone that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    Connection,
    DateTime,
    Integer,
    String,
    Subquery,
    and_,
    case,
    func,
    literal,
    not_,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from huankuan.adapters.storage.balances import BALANCE_DUE
from huankuan.adapters.storage.tables import (
    account_states,
    accounts,
    action_plan,
    cases,
    complaints,
    contact_attempts,
    debtors,
    payments,
    promises,
    users,
)

# Outcomes that mean a person answered (contact_attempts.outcome, as the robot and dispatch
# write it): the right party (scoring's vocabulary) or someone else. Voicemail is no one.
RIGHT_PARTY_OUTCOMES = (
    "right_party_contact",
    "promise_to_pay",
    "plan",
    "refused",
    "hardship",
    "dispute",
    "callback",
    "complaint",
)
REACHED_OUTCOMES = (*RIGHT_PARTY_OUTCOMES, "wrong_party", "third_party", "answered")
ROBOT_CHANNELS = ("robot_call", "chat")


@dataclass(frozen=True)
class DayWindows:
    """The UTC windows of `days` borrower-local days from `first`, for every zone in use."""

    first: date
    days: int
    table: Subquery
    since: Any  # the earliest window start, as bound (see `_moment`)
    until: Any  # the latest window end

    def day(self, index: int) -> date:
        return self.first + timedelta(days=index)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")  # an unknown zone's facts still count, on UTC days


def _moment(connection: Connection, moment: datetime) -> Any:
    """A naive UTC bound. On SQLite stored times are text, written either with microseconds
    (SQLAlchemy) or without (bulk paths); a bound without them orders both correctly."""
    if connection.dialect.name == "sqlite":
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment


def _start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def day_windows(connection: Connection, first: date, days: int) -> DayWindows:
    zones = sorted(
        set(connection.execute(select(debtors.c.timezone).distinct()).scalars())
        | set(connection.execute(select(accounts.c.timezone).distinct()).scalars())
        | {"UTC"}
    )
    moment_type = String() if connection.dialect.name == "sqlite" else DateTime()
    rows, starts, ends = [], [], []
    for name in zones:
        zone = _zone(name)
        for index in range(days):
            start = _start(first + timedelta(days=index), zone)
            end = _start(first + timedelta(days=index + 1), zone)
            starts.append(start)
            ends.append(end)
            rows.append(
                select(
                    literal(name, String()).label("timezone"),
                    literal(index, Integer()).label("day"),
                    literal(_moment(connection, start), moment_type).label("starts"),
                    literal(_moment(connection, end), moment_type).label("ends"),
                )
            )
    table = union_all(*rows).subquery("windows")
    return DayWindows(
        first, days, table, _moment(connection, min(starts)), _moment(connection, max(ends))
    )


def _in_window(windows: DayWindows, zone: Any, at: Any) -> ColumnElement[bool]:
    w = windows.table.c
    return and_(w.timezone == zone, at >= w.starts, at < w.ends)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class SupervisionStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def windows(self, first: date, days: int) -> DayWindows:
        return day_windows(self._connection, first, days)

    # -- the dashboard ----------------------------------------------------------------------

    def contact_counts(self, windows: DayWindows) -> Sequence[Any]:
        """Per day: contacts made, reached, right-party, by robot / human, and gate blocks."""
        ca, w = contact_attempts, windows.table.c
        allowed, actor = ca.c.decision == "allow", func.coalesce(ca.c.actor, "")
        robot = or_(ca.c.channel.in_(ROBOT_CHANNELS), actor == "robot")
        human = and_(not_(robot), or_(ca.c.channel == "agent_call", actor.like("user:%")))
        reached = or_(ca.c.conversation.is_(True), ca.c.outcome.in_(REACHED_OUTCOMES))
        query = (
            select(
                w.day,
                _count(allowed).label("contacts"),
                _count(and_(allowed, reached)).label("reached"),
                _count(and_(allowed, ca.c.outcome.in_(RIGHT_PARTY_OUTCOMES))).label("rpc"),
                _count(and_(allowed, robot)).label("robot"),
                _count(and_(allowed, human)).label("human"),
                _count(ca.c.decision == "block").label("blocks"),
            )
            .select_from(ca)
            .join(debtors, debtors.c.debtor_id == ca.c.debtor_id)
            .join(windows.table, _in_window(windows, debtors.c.timezone, ca.c.at))
            .where(ca.c.at >= windows.since, ca.c.at < windows.until)
            .group_by(w.day)
        )
        return self._connection.execute(query).all()

    def blocks_by_rules(self, windows: DayWindows, day: int) -> Sequence[Any]:
        """(rules as stored JSON, count) of the day's refused contacts; split by the caller."""
        ca, w = contact_attempts, windows.table.c
        query = (
            select(ca.c.rules, func.count().label("n"))
            .select_from(ca)
            .join(debtors, debtors.c.debtor_id == ca.c.debtor_id)
            .join(windows.table, _in_window(windows, debtors.c.timezone, ca.c.at))
            .where(ca.c.decision == "block", w.day == day)
            .where(ca.c.at >= windows.since, ca.c.at < windows.until)
            .group_by(ca.c.rules)
        )
        return self._connection.execute(query).all()

    def plan_blocks_by_rules(self, business_date: date) -> Sequence[Any]:
        """(rules JSON, count) of the day's action plan rows the gate refused in advance."""
        query = (
            select(action_plan.c.rules, func.count().label("n"))
            .where(action_plan.c.business_date == business_date)
            .where(action_plan.c.decision == "block")
            .group_by(action_plan.c.rules)
        )
        return self._connection.execute(query).all()

    def promise_counts(self, first: date, last: date) -> Sequence[Any]:
        """(day, made, kept, broken): promise dates are already account-local dates."""
        made = select(promises.c.promised_on.label("day"), literal("made").label("kind")).where(
            promises.c.promised_on.between(first, last)
        )
        resolved = select(
            promises.c.resolved_on.label("day"), promises.c.status.label("kind")
        ).where(
            promises.c.status.in_(("kept", "broken")),
            promises.c.resolved_on.between(first, last),
        )
        facts = union_all(made, resolved).subquery("facts")
        query = select(
            facts.c.day,
            _count(facts.c.kind == "made").label("made"),
            _count(facts.c.kind == "kept").label("kept"),
            _count(facts.c.kind == "broken").label("broken"),
        ).group_by(facts.c.day)
        return self._connection.execute(query).all()

    def collected(self, windows: DayWindows) -> Sequence[Any]:
        """(day, currency, amount_minor, payments) by the account's local day received."""
        w = windows.table.c
        query = (
            select(
                w.day,
                payments.c.currency,
                func.sum(payments.c.amount_minor).label("minor"),
                func.count().label("n"),
            )
            .select_from(payments)
            .join(accounts, accounts.c.account_id == payments.c.account_id)
            .join(windows.table, _in_window(windows, accounts.c.timezone, payments.c.received_at))
            .where(payments.c.received_at >= windows.since)
            .where(payments.c.received_at < windows.until)
            .group_by(w.day, payments.c.currency)
        )
        return self._connection.execute(query).all()

    def complaints_opened(self, windows: DayWindows) -> Sequence[Any]:
        w = windows.table.c
        query = (
            select(w.day, func.count().label("n"))
            .select_from(complaints)
            .join(debtors, debtors.c.debtor_id == complaints.c.debtor_id)
            .join(windows.table, _in_window(windows, debtors.c.timezone, complaints.c.opened_at))
            .where(complaints.c.opened_at >= windows.since)
            .where(complaints.c.opened_at < windows.until)
            .group_by(w.day)
        )
        return self._connection.execute(query).all()

    def complaints_open(self) -> int:
        query = select(func.count()).where(complaints.c.resolved_at.is_(None))
        return int(self._connection.execute(query).scalar_one())

    # -- cases and their assignment ---------------------------------------------------------

    def case_page(
        self,
        *,
        assignee: str | None,
        bucket: str | None,
        segment: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, Sequence[Any]]:
        """Open cases (unassigned ones when `assignee` is None, else that user's), worst days
        past due first; with the total matching count."""
        worst = func.max(account_states.c.days_past_due)
        query = (
            select(cases.c.case_id, cases.c.debtor_id, cases.c.assigned_to, debtors.c.name)
            .add_columns(debtors.c.jurisdiction, worst.label("days_past_due"))
            .select_from(cases)
            .join(debtors, debtors.c.debtor_id == cases.c.debtor_id)
            .outerjoin(accounts, accounts.c.debtor_id == cases.c.debtor_id)
            .outerjoin(account_states, account_states.c.account_id == accounts.c.account_id)
            .where(cases.c.status == "open", *self._case_filters(assignee, bucket, segment))
            .group_by(cases.c.case_id, cases.c.debtor_id, cases.c.assigned_to)
            .group_by(debtors.c.name, debtors.c.jurisdiction)
        )
        total = self._connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        page = query.order_by(worst.desc().nulls_last(), cases.c.case_id)
        rows = self._connection.execute(page.limit(limit).offset(offset)).all()
        return int(total), rows

    def _case_filters(
        self, assignee: str | None, bucket: str | None, segment: str | None
    ) -> list[ColumnElement[bool]]:
        filters = [
            cases.c.assigned_to.is_(None) if assignee is None else cases.c.assigned_to == assignee
        ]
        for column, wanted in (
            (account_states.c.bucket, bucket),
            (account_states.c.segment, segment),
        ):
            if wanted is not None:
                filters.append(
                    select(account_states.c.account_id)
                    .join(accounts, accounts.c.account_id == account_states.c.account_id)
                    .where(accounts.c.debtor_id == cases.c.debtor_id, column == wanted)
                    .exists()
                )
        return filters

    def case_accounts(self, debtor_ids: Sequence[str]) -> Sequence[Any]:
        """The accounts of these debtors with their state (bucket, segment, balance)."""
        query = (
            select(
                accounts.c.debtor_id,
                accounts.c.account_id,
                accounts.c.currency,
                account_states.c.bucket,
                account_states.c.segment,
                account_states.c.days_past_due,
                BALANCE_DUE.label("balance_minor"),
            )
            .outerjoin(account_states, account_states.c.account_id == accounts.c.account_id)
            .where(accounts.c.debtor_id.in_(list(debtor_ids)))
            .order_by(accounts.c.debtor_id, accounts.c.account_id)
        )
        return self._connection.execute(query).all()

    def assignees(self, case_ids: Sequence[str]) -> dict[str, str | None]:
        """The current assignee of each case found (missing cases are absent)."""
        rows = self._connection.execute(
            select(cases.c.case_id, cases.c.assigned_to).where(cases.c.case_id.in_(list(case_ids)))
        )
        return {str(row.case_id): row.assigned_to for row in rows}

    def reassign(self, case_id: str, previous: str | None, username: str) -> bool:
        """Set the assignee if it is still `previous` (False: someone changed it meanwhile)."""
        result = self._connection.execute(
            update(cases)
            .where(cases.c.case_id == case_id)
            .where(cases.c.assigned_to.is_not_distinct_from(previous))
            .values(assigned_to=username)
        )
        return result.rowcount == 1

    def user_role(self, username: str) -> tuple[str, bool] | None:
        row = self._connection.execute(
            select(users.c.role, users.c.active).where(users.c.username == username)
        ).one_or_none()
        return None if row is None else (str(row.role), bool(row.active))

    def agent_workloads(self) -> Sequence[Any]:
        """Active agents with the number of open cases assigned to each."""
        open_cases = (
            select(cases.c.assigned_to, func.count().label("n"))
            .where(cases.c.status == "open", cases.c.assigned_to.is_not(None))
            .group_by(cases.c.assigned_to)
            .subquery()
        )
        query = (
            select(users.c.username, func.coalesce(open_cases.c.n, 0).label("cases"))
            .outerjoin(open_cases, open_cases.c.assigned_to == users.c.username)
            .where(users.c.role == "agent", users.c.active.is_(True))
            .order_by(users.c.username)
        )
        return self._connection.execute(query).all()

    def filter_values(self) -> tuple[list[str], list[str]]:
        """The buckets and segments the daily cycle has given accounts (for the filters)."""
        found = []
        for column in (account_states.c.bucket, account_states.c.segment):
            values = self._connection.execute(select(column).distinct().order_by(column))
            found.append([str(value) for value in values.scalars() if value])
        return found[0], found[1]
