"""Payments through the payment-provider port on SQLite and PostgreSQL: an intent per portal
payment, the signed webhook settling it into exactly one payment (duplicates, tampering, stale
signatures and wrong amounts write nothing), the daily cycle allocating it, and isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.providers.payments import FakePaymentProvider
from huankuan.adapters.storage.tables import account_states, audit_log, payment_intents, payments
from huankuan.bootstrap import App
from huankuan.domain.errors import AuthenticationFailed, InvalidInput, NotFound, OutsidePolicy
from huankuan.domain.money import Money
from huankuan.domain.payments import IntentStatus
from huankuan.domain.portal import PortalScope
from huankuan.domain.users import Principal, Role
from huankuan.service_layer import portal_actions
from huankuan.service_layer.cycle import run_cycle
from huankuan.service_layer.payments import (
    StartedPayment,
    handle_webhook,
    intent_for_scope,
    intent_for_user,
    pay_fake_checkout,
    pay_options,
    start_payment,
)
from huankuan.service_layer.portal import account_owed
from tests.portal_support import CN_DUE, add_borrowers, provider, rows, rules, session


@pytest.fixture
def scope(app: App) -> PortalScope:
    add_borrowers(app, 1, 2)
    return session(app, "A1")


def pay(app: App, scope: PortalScope, option: str = "full") -> StartedPayment:
    return start_payment(
        scope, account_id=None, option=option, uow=app.uow(), provider=provider(app), lang="zh"
    )


def settle(app: App, started: StartedPayment, **webhook: object) -> str:
    signed = provider(app).webhook(
        str(started.intent.provider_ref),
        started.intent.amount,
        **webhook,  # type: ignore[arg-type]
    )
    return handle_webhook(
        signed.body, signed.signature, uow=app.uow(), provider=provider(app)
    ).result


def snapshot(app: App) -> tuple[object, ...]:
    return (
        [tuple(row) for row in rows(app, payment_intents)],
        rows(app, payments),
        len(rows(app, audit_log)),
    )


def test_it_starts_a_payment_with_an_intent_and_a_hosted_checkout(
    app: App, scope: PortalScope
) -> None:
    started = pay(app, scope)
    assert started.checkout_url == f"/p/pay/{started.intent.intent_id}"
    (row,) = rows(app, payment_intents)
    assert (row.account_id, row.debtor_id, row.amount_minor, row.currency) == (
        "A1",
        "D1",
        CN_DUE,
        "CNY",
    )
    assert (row.status, row.provider, row.link_id) == ("pending", "fake", scope.link_id)
    assert row.provider_ref == started.intent.provider_ref and row.provider_ref.startswith("fake_")
    (logged,) = rows(app, audit_log, audit_log.c.action == "payment.intent_created")
    assert logged.actor == scope.actor


def test_it_settles_an_intent_into_exactly_one_pending_payment(
    app: App, scope: PortalScope
) -> None:
    started = pay(app, scope)
    assert settle(app, started, event_id="evt_1") == "settled"
    (payment,) = rows(app, payments)
    assert (payment.payment_id, payment.account_id, payment.amount_minor, payment.currency) == (
        f"PAY-{started.intent.intent_id}",
        "A1",
        CN_DUE,
        "CNY",
    )
    assert (payment.method, payment.status) == ("portal", "pending")
    intent = intent_for_scope(scope, started.intent.intent_id, uow=app.uow())
    assert intent.status is IntentStatus.SUCCEEDED and intent.payment_id == payment.payment_id
    (logged,) = rows(app, audit_log, audit_log.c.action == "payment.settled")
    assert logged.actor == "provider:fake"


def test_it_settles_once_however_often_the_webhook_comes(app: App, scope: PortalScope) -> None:
    started = pay(app, scope)
    signed = provider(app).webhook(str(started.intent.provider_ref), started.intent.amount)
    results = [
        handle_webhook(signed.body, signed.signature, uow=app.uow(), provider=provider(app)).result
        for _ in range(3)
    ]
    results.append(settle(app, started, event_id="evt_other"))  # another event, same payment
    assert results == ["settled", "duplicate", "duplicate", "duplicate"]
    assert len(rows(app, payments)) == 1
    assert len(rows(app, audit_log, audit_log.c.action == "payment.settled")) == 1


def test_it_writes_nothing_for_a_bad_signature(
    app: App, scope: PortalScope, clock: FakeClock
) -> None:
    started = pay(app, scope)
    good = provider(app).webhook(str(started.intent.provider_ref), started.intent.amount)
    other_secret = FakePaymentProvider(secret="not-ours", clock=clock).webhook(
        str(started.intent.provider_ref), started.intent.amount
    )
    stale = provider(app).webhook(
        str(started.intent.provider_ref),
        started.intent.amount,
        signed_at=clock.now() - timedelta(minutes=6),
    )
    before = snapshot(app)
    attempts = [
        (good.body.replace(b'"amount_minor":526000', b'"amount_minor":1'), good.signature),
        (other_secret.body, other_secret.signature),
        (stale.body, stale.signature),
        (good.body, None),
        (good.body, "t=1,v1=00"),
    ]
    for body, signature in attempts:
        with pytest.raises(AuthenticationFailed):
            handle_webhook(body, signature, uow=app.uow(), provider=provider(app))
    assert snapshot(app) == before


def test_it_refuses_a_replay_after_the_window(
    app: App, scope: PortalScope, clock: FakeClock
) -> None:
    started = pay(app, scope)
    signed = provider(app).webhook(str(started.intent.provider_ref), started.intent.amount)
    clock.advance(timedelta(minutes=5, seconds=1))
    with pytest.raises(AuthenticationFailed, match="window"):
        handle_webhook(signed.body, signed.signature, uow=app.uow(), provider=provider(app))
    assert rows(app, payments) == []


def test_it_writes_nothing_for_a_wrong_amount_or_an_unknown_payment(
    app: App, scope: PortalScope
) -> None:
    started = pay(app, scope)
    before = snapshot(app)
    wrong = provider(app).webhook(str(started.intent.provider_ref), Money(1, "CNY"))
    with pytest.raises(InvalidInput, match="intent"):
        handle_webhook(wrong.body, wrong.signature, uow=app.uow(), provider=provider(app))
    unknown = provider(app).webhook("fake_unknown", started.intent.amount)
    with pytest.raises(NotFound):
        handle_webhook(unknown.body, unknown.signature, uow=app.uow(), provider=provider(app))
    assert snapshot(app) == before


def test_it_lets_a_failed_payment_be_retried_but_never_unsettles(
    app: App, scope: PortalScope
) -> None:
    started = pay(app, scope)
    assert settle(app, started, succeeded=False) == "failed"
    assert (
        intent_for_scope(scope, started.intent.intent_id, uow=app.uow()).status
        is IntentStatus.FAILED
    )
    assert settle(app, started) == "settled"
    assert settle(app, started, succeeded=False) == "ignored"
    intent = intent_for_scope(scope, started.intent.intent_id, uow=app.uow())
    assert intent.status is IntentStatus.SUCCEEDED and len(rows(app, payments)) == 1


def test_it_offers_only_the_amounts_owed_promised_or_planned(app: App, scope: PortalScope) -> None:
    options = pay_options(account_owed(scope, None, uow=app.uow()))
    assert [(o.key, o.amount_minor) for o in options] == [("full", CN_DUE)]
    portal_actions.choose_plan(scope, account_id=None, key="plan-3", uow=app.uow(), rules=rules())
    portal_actions.promise_to_pay(
        scope,
        account_id=None,
        amount_minor=200_000,
        due_on=date(2026, 12, 2),
        uow=app.uow(),
        rules=rules(),
    )
    options = pay_options(account_owed(scope, None, uow=app.uow()))
    assert [(o.key, o.amount_minor) for o in options] == [
        ("full", CN_DUE),
        ("plan_next", 52_600),
        ("promise", 200_000),
    ]
    for option in ("ten_yuan", "partial"):
        with pytest.raises(OutsidePolicy):
            pay(app, scope, option)


def test_it_moves_the_plan_on_when_its_down_payment_is_paid(app: App, scope: PortalScope) -> None:
    portal_actions.choose_plan(scope, account_id=None, key="plan-3", uow=app.uow(), rules=rules())
    started = pay(app, scope, "plan_next")
    assert started.intent.amount == Money(52_600, "CNY")
    settle(app, started)
    account = account_owed(scope, None, uow=app.uow())
    assert account.plan_next == (date(2027, 1, 1), 157_800)
    assert (account.pending_minor, account.outstanding_minor) == (52_600, CN_DUE - 52_600)


def test_it_pays_through_the_fake_checkout(app: App, scope: PortalScope) -> None:
    started = pay(app, scope)
    outcome = pay_fake_checkout(
        scope, started.intent.intent_id, uow=app.uow(), provider=provider(app)
    )
    assert outcome.result == "settled" and outcome.payment_id == f"PAY-{started.intent.intent_id}"
    again = pay_fake_checkout(
        scope, started.intent.intent_id, uow=app.uow(), provider=provider(app)
    )
    assert again.result == "duplicate" and len(rows(app, payments)) == 1


def test_it_reaches_no_other_links_payments(app: App, scope: PortalScope) -> None:
    started = pay(app, scope)
    theirs, mine_again = session(app, "A2"), session(app, "A1")
    for other in (theirs, mine_again):
        with pytest.raises(NotFound):
            intent_for_scope(other, started.intent.intent_id, uow=app.uow())
        with pytest.raises(NotFound):
            pay_fake_checkout(
                other, started.intent.intent_id, uow=app.uow(), provider=provider(app)
            )
    with pytest.raises(NotFound):
        start_payment(
            theirs, account_id="A1", option="full", uow=app.uow(), provider=provider(app), lang="zh"
        )
    assert rows(app, payments) == [] and len(rows(app, payment_intents)) == 1


def test_it_shows_intents_to_staff_who_may_read_the_case(app: App, scope: PortalScope) -> None:
    from huankuan.domain.errors import PermissionDenied

    started = pay(app, scope)
    intent_id = started.intent.intent_id
    assert (
        intent_for_user(
            intent_id, uow=app.uow(), principal=Principal("c", Role.COMPLIANCE)
        ).amount.minor
        == CN_DUE
    )
    with pytest.raises(PermissionDenied):
        intent_for_user(intent_id, uow=app.uow(), principal=Principal("a", Role.AGENT))
    with pytest.raises(NotFound):
        intent_for_user("PI-nope", uow=app.uow(), principal=None)


def test_it_hands_the_settled_payment_to_the_daily_cycle(app: App, clock: FakeClock) -> None:
    """Paid on the 27th, allocated by the 28th's cycle by the waterfall; the portal then shows
    the new balance and no payment in progress."""
    add_borrowers(app, 1)
    clock.set(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
    scope = session(app, "A1")
    portal_actions.promise_to_pay(
        scope,
        account_id=None,
        amount_minor=106_000,
        due_on=date(2026, 11, 30),
        uow=app.uow(),
        rules=rules(),
    )
    settle(app, pay(app, scope, "promise"))
    clock.set(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))
    run_cycle(app, date(2026, 11, 28))
    (payment,) = rows(app, payments)
    assert (payment.status, payment.alloc_fees_minor, payment.alloc_principal_minor) == (
        "allocated",
        1_000,
        80_000,
    )
    (state,) = rows(app, account_states)
    assert state.principal_minor == 420_000
    account = account_owed(session(app, "A1"), None, uow=app.uow())
    assert (account.pending_minor, account.outstanding_minor) == (0, CN_DUE - 106_000)
