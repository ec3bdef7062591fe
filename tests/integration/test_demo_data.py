"""The demo's data: a seeded portfolio, one user per role, the day's agent work assigned —
and a second run adds nothing twice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from huankuan.adapters.storage.tables import audit_log, cases, users
from huankuan.bootstrap import App
from huankuan.service_layer.demo_data import DEMO_USERS, seed_demo


def test_it_seeds_a_working_demo_once(app: App, tmp_path: Path) -> None:
    first = seed_demo(
        app,
        accounts=80,
        seed=3,
        on=date(2026, 11, 28),
        workdir=tmp_path,
        password_for=lambda name: f"{name}-password",
    )
    assert first.cycle is not None
    assert set(first.passwords) == {name for name, _ in DEMO_USERS}
    assert first.passwords["agent1"] == "agent1-password"
    assert first.assigned["agent1"], "agent1 has work"
    assert not set(first.assigned["agent1"]) & set(first.assigned["agent2"])

    again = seed_demo(app, accounts=80, seed=3, on=date(2026, 11, 29), workdir=tmp_path)
    assert again.cycle is None and again.business_date == date(2026, 11, 28)
    assert again.passwords == {}
    with app.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(users)).scalar_one() == 5
        assigned = dict(
            connection.execute(
                select(cases.c.assigned_to, func.count())
                .where(cases.c.assigned_to.is_not(None))
                .group_by(cases.c.assigned_to)
            ).all()
        )
        audited = connection.execute(
            select(func.count()).where(audit_log.c.action == "case.assigned")
        ).scalar_one()
    assert set(assigned) <= {"agent1", "agent2"}
    assert audited == sum(assigned.values())
