from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select

from huankuan.adapters.storage.audit import verify_chain
from huankuan.adapters.storage.tables import accounts, audit_log, debtors
from huankuan.bootstrap import App
from huankuan.domain import commands
from huankuan.domain.errors import NotFound
from huankuan.domain.model import HoldType, PromiseStatus
from huankuan.service_layer import handlers


@pytest.fixture
def stored_account(app: App) -> str:
    with app.engine.begin() as connection:
        connection.execute(
            insert(debtors).values(
                debtor_id="D1",
                name="王芳",
                national_id="110101199003071234",
                date_of_birth=date(1990, 3, 7),
                timezone="Asia/Shanghai",
                locale="zh_CN",
                jurisdiction="CN-NIFA",
            )
        )
        connection.execute(
            insert(accounts).values(
                account_id="A1",
                debtor_id="D1",
                product="cash_loan",
                currency="CNY",
                principal_minor=500000,
                interest_minor=20000,
                penalty_minor=5000,
                fees_minor=1000,
                paid_to_date_minor=0,
                instalment_minor=100000,
                term_months=6,
                first_due_on=date(2026, 9, 1),
                opened_on=date(2026, 8, 1),
                balance_as_of=date(2026, 11, 27),
                timezone="Asia/Shanghai",
            )
        )
    return "A1"


def test_it_records_a_promise_and_audits_it(app: App, stored_account: str) -> None:
    promise_id = handlers.record_promise(
        commands.RecordPromise(
            account_id=stored_account,
            amount_minor=100000,
            due_on=date(2026, 12, 5),
            promised_on=date(2026, 11, 28),
            actor="agent7",
        ),
        uow=app.uow(),
        currency="CNY",
    )
    with app.uow() as uow:
        promise = uow.promises.get(promise_id)
        rows = uow.connection.execute(select(audit_log)).all()
        assert verify_chain(uow.connection).ok
    assert promise.status is PromiseStatus.OPEN and promise.amount.minor == 100000
    assert [(row.actor, row.action, row.entity_id) for row in rows] == [
        ("agent7", "promise.recorded", "A1")
    ]


def test_it_places_and_lifts_a_hold_with_an_audit_trail(app: App, stored_account: str) -> None:
    start = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    hold_id = handlers.place_hold(
        commands.PlaceHold(
            debtor_id="D1",
            hold_type=HoldType.WELFARE,
            starts_at=start,
            reason="self-harm mention in chat",
            actor="robot",
        ),
        uow=app.uow(),
    )
    handlers.lift_hold(
        commands.LiftHold(hold_id=hold_id, at=start.replace(hour=9), actor="welfare_team"),
        uow=app.uow(),
    )
    with app.uow() as uow:
        hold = uow.holds.get(hold_id)
        actions = uow.connection.execute(select(audit_log.c.action)).scalars().all()
    assert hold.active_at(start.replace(hour=5)) and not hold.active_at(start.replace(hour=10))
    assert actions == ["hold.placed", "hold.lifted"]


def test_it_refuses_to_lift_an_unknown_hold_and_writes_nothing(app: App) -> None:
    with pytest.raises(NotFound):
        handlers.lift_hold(commands.LiftHold(hold_id="nope", at=datetime.now(UTC)), uow=app.uow())
    with app.uow() as uow:
        assert uow.connection.execute(select(audit_log)).all() == []
