"""The supervisor's dashboard: one business day's KPIs and their trend over the days before it.

Conventions (docs/supervision.md says more):
- A business day is the borrower's local calendar day: a contact or a complaint counts on the
  debtor's local date (debtors.timezone), a payment on its account's (accounts.timezone);
  promise dates are account-local dates already (promised_on, resolved_on).
- Contacts made are the contact attempts the gate allowed (inbound ones included); a person
  was reached when a conversation took place or the outcome says someone answered; the
  right-party-contact rate is right-party contacts over contacts that reached someone.
- Robot contacts are robot calls and chats (or rows whose actor is "robot"); human ones are
  agent calls and anything a user made ("user:<name>"); the rest (templated SMS, email and
  letters that dispatch sent) are automated.
- Money is summed per currency and never across currencies.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from huankuan.adapters.storage.supervision_store import DayWindows, SupervisionStore
from huankuan.domain.errors import InvalidInput, PermissionDenied
from huankuan.domain.money import Money
from huankuan.domain.users import Principal, Role
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

DEFAULT_DAYS = 14
MAX_DAYS = 90
# Who sees the dashboard, the case listings and the flags: compliance staff read them too.
SUPERVISION_READERS = frozenset({Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN})
# Who changes things there (assign cases, resolve flags).
SUPERVISION_ACTORS = frozenset({Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class DayKpis:
    day: date
    contacts: int = 0  # contacts made (allowed attempts)
    reached: int = 0  # of which someone answered
    right_party_contacts: int = 0
    robot_contacts: int = 0
    human_contacts: int = 0
    gate_blocks: int = 0  # contact attempts the gate (or the content guard) refused
    promises_made: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    payments: int = 0
    collected: tuple[Money, ...] = ()  # one amount per currency, by currency code
    complaints_opened: int = 0

    @property
    def automated_contacts(self) -> int:
        return self.contacts - self.robot_contacts - self.human_contacts

    @property
    def right_party_rate(self) -> float | None:
        """Right-party contacts per contact that reached someone; None when none did."""
        return self.right_party_contacts / self.reached if self.reached else None

    @property
    def robot_share(self) -> float | None:
        """The robot's share of the contacts a robot or a person made (automated messages
        left out); None when there were none."""
        worked = self.robot_contacts + self.human_contacts
        return self.robot_contacts / worked if worked else None

    def collected_in(self, currency: str) -> Money:
        return next((m for m in self.collected if m.currency == currency), Money.zero(currency))


@dataclass(frozen=True)
class RuleCount:
    rule: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    day: date
    kpis: DayKpis  # the day's (the trend's last entry)
    trend: tuple[DayKpis, ...]  # oldest first, ending with `day`
    blocks_by_rule: tuple[RuleCount, ...]  # the day's refused contacts, by rule
    plan_blocks_by_rule: tuple[RuleCount, ...]  # the day's action plan, refused in advance
    complaints_open: int  # open now, whenever they were opened
    currencies: tuple[str, ...] = field(default=())  # every currency collected in the trend


def dashboard(
    *, uow: SqlUnitOfWork, day: date, days: int = DEFAULT_DAYS, principal: Principal | None
) -> Dashboard:
    """The KPIs of `day` and of the `days` - 1 days before it."""
    require_reader(principal)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days must be between 1 and {MAX_DAYS}, got {days}")
    first = day - timedelta(days=days - 1)
    with uow:
        store = SupervisionStore(uow.connection)
        windows = store.windows(first, days)
        trend = _trend(store, windows)
        blocks = _by_rule(store.blocks_by_rules(windows, days - 1))
        plan_blocks = _by_rule(store.plan_blocks_by_rules(day))
        still_open = store.complaints_open()
    currencies = sorted({m.currency for kpis in trend for m in kpis.collected})
    return Dashboard(day, trend[-1], trend, blocks, plan_blocks, still_open, tuple(currencies))


def require_role(principal: Principal | None, roles: frozenset[Role]) -> None:
    """The supervision views' role check (None: the system itself, e.g. the CLI)."""
    if principal is not None and principal.role not in roles:
        names = ", ".join(sorted(role.value for role in roles))
        raise PermissionDenied(f"this needs one of the roles {names}")


def require_reader(principal: Principal | None) -> None:
    require_role(principal, SUPERVISION_READERS)


def _trend(store: SupervisionStore, windows: DayWindows) -> tuple[DayKpis, ...]:
    values: list[dict[str, Any]] = [{} for _ in range(windows.days)]
    for row in store.contact_counts(windows):
        values[row.day].update(
            contacts=int(row.contacts),
            reached=int(row.reached),
            right_party_contacts=int(row.rpc),
            robot_contacts=int(row.robot),
            human_contacts=int(row.human),
            gate_blocks=int(row.blocks),
        )
    last = windows.day(windows.days - 1)
    for row in store.promise_counts(windows.first, last):
        index = (_as_date(row.day) - windows.first).days
        values[index].update(
            promises_made=int(row.made),
            promises_kept=int(row.kept),
            promises_broken=int(row.broken),
        )
    collected: list[list[Money]] = [[] for _ in range(windows.days)]
    paid: Counter[int] = Counter()
    for row in store.collected(windows):
        collected[row.day].append(Money(int(row.minor), str(row.currency)))
        paid[row.day] += int(row.n)
    for row in store.complaints_opened(windows):
        values[row.day]["complaints_opened"] = int(row.n)
    return tuple(
        DayKpis(
            day=windows.day(index),
            payments=paid[index],
            collected=tuple(sorted(collected[index], key=lambda m: m.currency)),
            **values[index],
        )
        for index in range(windows.days)
    )


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _by_rule(rows: Iterable[Sequence[Any]]) -> tuple[RuleCount, ...]:
    """Counts per rule id from (rules JSON, count) rows: a contact refused under two rules
    counts once under each."""
    counts: Counter[str] = Counter()
    for rules, n in rows:
        for rule in json.loads(rules or "[]") or ["(none)"]:
            counts[str(rule)] += int(n)
    return tuple(RuleCount(rule, n) for rule, n in sorted(counts.items(), key=_most_first))


def _most_first(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
