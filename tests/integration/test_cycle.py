"""The daily cycle on a small portfolio, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from huankuan.adapters.storage.tables import account_states, action_plan, audit_log, cycle_runs
from huankuan.bootstrap import App
from huankuan.service_layer.cycle import run_cycle
from tests.factories import add_borrower, add_contact_point, add_hold, add_payment, add_promise

DAY = date(2026, 11, 28)


@pytest.fixture
def portfolio(app: App) -> App:
    """D1 CN in M3 (unreachable: its only phone is invalid, an emergency contact on file),
    D2 US in M1 (low segment after a broken promise: gets the 21:30 robot call), D3 current,
    D4 CN on a welfare hold."""
    with app.engine.begin() as connection:
        add_borrower(connection, 1, phones=0)
        add_contact_point(connection, "C1-1", "D1", valid=False)
        add_contact_point(connection, "K1", "D1", role="emergency_contact")
        add_contact_point(connection, "L1", "D1", kind="address")
        add_borrower(
            connection,
            2,
            jurisdiction="US-RegF",
            phones=2,
            first_due_on=date(2026, 11, 1),
            instalment_minor=20_000,
            principal_minor=2_000_000,
            interest_minor=0,
            penalty_minor=0,
            fees_minor=0,
        )
        add_promise(
            connection,
            "PTP2",
            "A2",
            amount_minor=20_000,
            currency="USD",
            promised_on=date(2026, 11, 2),
            due_on=date(2026, 11, 5),
            status="broken",
        )
        add_borrower(connection, 3, first_due_on=date(2026, 12, 1))
        add_borrower(connection, 4, first_due_on=date(2026, 10, 1))
        add_hold(
            connection,
            "H4",
            "D4",
            hold_type="welfare",
            starts_at=datetime(2026, 11, 20, tzinfo=UTC),
        )
    return app


def plan_rows(app: App) -> list[dict[str, object]]:
    with app.engine.connect() as connection:
        rows = connection.execute(select(action_plan).order_by(action_plan.c.action_id))
        return [dict(row._mapping) for row in rows]


def test_it_runs_a_small_portfolio_through_the_cycle(portfolio: App) -> None:
    report = run_cycle(portfolio, DAY)
    assert report.accounts == 4
    assert report.accounts_by_bucket == {
        "current": 1,
        "M1": 1,
        "M2": 1,
        "M3": 1,
        "M4+": 0,
        "write_off": 0,
    }
    assert report.actions_planned == report.allowed + report.blocked > 0
    assert not report.rerun and set(report.step_seconds) >= {
        "reconcile_payments",
        "compliance_gate",
    }
    rows = plan_rows(portfolio)
    assert {row["account_id"] for row in rows} == {"A1", "A2", "A4"}  # current gets nothing
    assert report.treatments_by_channel == {
        channel: sum(1 for row in rows if row["channel"] == channel)
        for channel in sorted({str(row["channel"]) for row in rows})
    }


def test_it_stores_a_gate_decision_on_every_plan_row(portfolio: App) -> None:
    run_cycle(portfolio, DAY)
    rows = plan_rows(portfolio)
    assert rows and all(row["decision"] in ("allow", "block") for row in rows)
    for row in rows:
        rules = json.loads(str(row["rules"]))
        assert isinstance(rules, list)
        assert row["decision"] == "allow" or rules
        assert str(row["gate_version"]).startswith("gate-2/")
        assert str(row["action_id"]).startswith(f"20261128-{row['account_id']}-")


def test_it_blocks_the_us_evening_robot_call_and_says_when_it_may_go(portfolio: App) -> None:
    report = run_cycle(portfolio, DAY)
    evening = next(
        row
        for row in plan_rows(portfolio)
        if row["account_id"] == "A2" and row["template"] == "reminder_robot_evening"
    )
    assert (evening["decision"], json.loads(str(evening["rules"]))) == ("block", ["US-REGF-HOURS"])
    assert evening["scheduled_at"] == datetime(2026, 11, 29, 2, 30)  # 21:30 EST
    assert evening["next_allowed_at"] == datetime(2026, 11, 29, 13, 0)  # 08:00 EST next day
    assert ("US-REGF-HOURS", 1) in report.blocked_by_rule


def test_it_calls_the_emergency_contact_of_an_unreachable_cn_debtor(portfolio: App) -> None:
    run_cycle(portfolio, DAY)
    rows = [row for row in plan_rows(portfolio) if row["account_id"] == "A1"]
    location = [row for row in rows if row["contact_role"] == "emergency_contact"]
    assert [(row["contact_id"], row["template"], row["decision"]) for row in location] == [
        ("K1", "location_inquiry", "allow")
    ]
    own_phone = [row for row in rows if row["contact_id"] == "C1-1"]
    assert own_phone and all(
        json.loads(str(row["rules"])) == ["CN-NIFA-INVALID-CONTACT"] for row in own_phone
    )


def test_it_blocks_everything_for_a_debtor_on_a_welfare_hold(portfolio: App) -> None:
    run_cycle(portfolio, DAY)
    rows = [row for row in plan_rows(portfolio) if row["account_id"] == "A4"]
    assert rows and all(
        row["decision"] == "block"
        and row["next_allowed_at"] is None
        and json.loads(str(row["rules"])) == ["CN-NIFA-HOLD-WELFARE"]
        for row in rows
    )


def test_it_stores_account_states_with_scores_and_reasons(portfolio: App) -> None:
    run_cycle(portfolio, DAY)
    with portfolio.engine.connect() as connection:
        states = {row.account_id: row for row in connection.execute(select(account_states))}
    assert states["A1"].days_past_due == 88 and states["A1"].bucket == "M3"
    assert states["A1"].oldest_unpaid_due_on == date(2026, 9, 1)
    assert states["A3"].days_past_due == 0 and states["A3"].bucket == "current"
    reasons = json.loads(states["A1"].score_reasons)
    assert reasons[0] == "NO_USABLE_PHONE" and 0 <= states["A1"].score <= 1000
    assert states["A1"].segment in ("high", "medium", "low")


def test_it_records_the_run_and_one_audit_row(portfolio: App) -> None:
    report = run_cycle(portfolio, DAY)
    with portfolio.engine.connect() as connection:
        run = connection.execute(select(cycle_runs)).one()
        audits = connection.execute(
            select(audit_log).where(audit_log.c.action == "cycle.completed")
        ).all()
    assert (run.business_date, run.status) == (DAY, "completed")
    assert json.loads(run.stats)["actions_planned"] == report.actions_planned
    assert len(audits) == 1 and audits[0].entity_id == "2026-11-28"
    assert json.loads(audits[0].details)["blocked"] == report.blocked


def test_it_plans_the_same_day_identically_when_run_again(portfolio: App) -> None:
    first = run_cycle(portfolio, DAY)
    plan_before = plan_rows(portfolio)
    second = run_cycle(portfolio, DAY)
    assert plan_rows(portfolio) == plan_before
    assert second.rerun and second.actions_planned == first.actions_planned
    with portfolio.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(cycle_runs)).scalar() == 1
        assert connection.execute(select(func.count()).select_from(account_states)).scalar() == 4


def test_it_replaces_the_days_plan_when_the_data_changed(portfolio: App) -> None:
    run_cycle(portfolio, DAY)
    with portfolio.engine.begin() as connection:
        add_hold(
            connection,
            "H2",
            "D2",
            hold_type="dispute",
            starts_at=datetime(2026, 11, 28, 1, tzinfo=UTC),
        )
        add_payment(
            connection,
            "P4",
            "A4",
            amount_minor=400_000,  # pays A4 up to date
            received_at=datetime(2026, 11, 28, 1, tzinfo=UTC),
        )
    run_cycle(portfolio, DAY)
    rows = plan_rows(portfolio)
    assert "A4" not in {row["account_id"] for row in rows}
    a2 = [row for row in rows if row["account_id"] == "A2"]
    assert a2 and all(json.loads(str(row["rules"]))[-1] == "US-REGF-HOLD-DISPUTE" for row in a2)
    assert len({row["action_id"] for row in rows}) == len(rows)
