"""The demo's data: a generated sample portfolio imported and run through the daily cycle, the
demo's users (one per role, two agents), and the day's agent work assigned to the agents. Used
by `huankuan demo`, `huankuan serve` on an empty database, and the browser tests."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, inspect, select

from huankuan.adapters.storage.migrate import upgrade
from huankuan.adapters.storage.tables import accounts as accounts_table
from huankuan.adapters.storage.tables import action_plan, cases, cycle_runs
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.service_layer.assignment import assign_cases
from huankuan.service_layer.auth import add_user
from huankuan.service_layer.cycle import CycleReport, run_cycle
from huankuan.service_layer.ingest import import_file
from huankuan.simulation.portfolio import generate_portfolio

DEMO_USERS: tuple[tuple[str, str], ...] = (
    ("agent1", "agent"),
    ("agent2", "agent"),
    ("supervisor1", "supervisor"),
    ("compliance1", "compliance"),
    ("admin1", "admin"),
)
DEMO_AGENTS = ("agent1", "agent2")
Step = Callable[[str], None]


@dataclass
class DemoData:
    business_date: date
    cycle: CycleReport | None = None
    passwords: dict[str, str] = field(default_factory=dict)  # new users only: shown once
    assigned: dict[str, list[str]] = field(default_factory=dict)  # agent -> case ids


def has_no_accounts(application: App) -> bool:
    """True on a new database (no schema yet) or one without any account."""
    if not inspect(application.engine).has_table("accounts"):
        return True
    with application.engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(accounts_table)).scalar_one() == 0
        )


def seed_portfolio(
    application: App, *, accounts: int, seed: int, on: date, workdir: Path, step: Step
) -> CycleReport:
    """Generate the sample, import it and run the cycle for `on` (on a migrated database)."""
    sample_dir = workdir / "sample"
    generate_portfolio(
        sample_dir, accounts=accounts, seed=seed, locale="mixed", fmt="csv", dirty=False, as_of=on
    )
    step(f"generated {accounts:,} sample accounts")
    for kind in ("accounts", "contacts", "payments"):
        report = import_file(application, kind, sample_dir / f"{kind}.csv")
        step(f"imported {kind}: {report.rows:,} rows, {report.rejected} rejected")
    return run_cycle(application, on)


def seed_users(
    application: App, password_for: Callable[[str], str] | None = None
) -> dict[str, str]:
    """The demo users that do not exist yet, with their passwords (random unless given)."""
    created: dict[str, str] = {}
    for username, role in DEMO_USERS:
        with application.uow() as uow:
            if uow.users.find(username) is not None:
                continue
        password = password_for(username) if password_for else secrets.token_urlsafe(12)
        add_user(
            commands.AddUser(username=username, role=role, password=password, actor="demo"),
            uow=application.uow(),
        )
        created[username] = password
    return created


def assign_agent_work(
    application: App, on: date, agents: Sequence[str] = DEMO_AGENTS, *, per_agent: int = 40
) -> dict[str, list[str]]:
    """Give each agent cases with agent calls planned on `on` (highest priority first), round
    robin, leaving cases that already have an assignee alone. Audited like any assignment."""
    with application.engine.connect() as connection:
        rows = connection.execute(
            select(cases.c.case_id)
            .join(action_plan, action_plan.c.debtor_id == cases.c.debtor_id)
            .where(
                action_plan.c.business_date == on,
                action_plan.c.channel == "agent_call",
                cases.c.assigned_to.is_(None),
            )
            .order_by(action_plan.c.priority, cases.c.case_id)
        ).scalars()
        wanted = list(dict.fromkeys(rows))[: per_agent * len(agents)]
    assigned = {agent: wanted[index :: len(agents)] for index, agent in enumerate(agents)}
    for agent, case_ids in assigned.items():
        if case_ids:
            assign_cases(
                commands.AssignCases(tuple(case_ids), agent, actor="demo"),
                uow=application.uow(),
                principal=None,
            )
    return assigned


def seed_demo(
    application: App,
    *,
    accounts: int,
    seed: int,
    on: date,
    workdir: Path,
    step: Step = lambda _: None,
    password_for: Callable[[str], str] | None = None,
) -> DemoData:
    """What the demo lacks: the portfolio and its cycle when there are no accounts (else the
    latest cycle's date is the demo's day), the demo users that do not exist, and agent work
    for agents who have none."""
    upgrade(application.engine)
    if has_no_accounts(application):
        data = DemoData(on)
        data.cycle = seed_portfolio(
            application, accounts=accounts, seed=seed, on=on, workdir=workdir, step=step
        )
    else:
        data = DemoData(_latest_cycle_date(application) or on)
    data.passwords = seed_users(application, password_for)
    data.assigned = assign_agent_work(application, data.business_date)
    return data


def _latest_cycle_date(application: App) -> date | None:
    with application.engine.connect() as connection:
        latest: date | None = connection.execute(
            select(func.max(cycle_runs.c.business_date))
        ).scalar_one_or_none()
    return latest
