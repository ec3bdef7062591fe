"""The borrower portal through the service layer on SQLite and PostgreSQL: links (expiry,
revocation, forgery, the second factor and the lock), what is owed, the borrower's actions
within policy, and isolation: a session for one link reaches nothing of another debtor's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.audit import verify_chain
from huankuan.adapters.storage.tables import (
    audit_log,
    cases,
    contact_points,
    conversations,
    disputes,
    holds,
    plan_instalments,
    portal_links,
    promises,
    repayment_plans,
)
from huankuan.bootstrap import App
from huankuan.dialogue.policy.negotiation import offer_ladder
from huankuan.domain.errors import (
    AuthenticationFailed,
    LinkUnusable,
    NotFound,
    OutsidePolicy,
    PermissionDenied,
)
from huankuan.domain.portal import PortalScope
from huankuan.domain.users import Principal, Role
from huankuan.service_layer import portal_actions, portal_chat
from huankuan.service_layer.portal import account_owed, negotiation_context, owed
from huankuan.service_layer.portal_access import (
    SESSION_MINUTES,
    check_link,
    create_link,
    open_scope,
    revoke_link,
    verify,
)
from tests.factories import add_payment
from tests.portal_support import (
    CN_DUE,
    DATE_OF_BIRTH,
    add_borrowers,
    audit_actions,
    link,
    rows,
    rules,
    session,
    token_of,
    tokens,
)
from tests.robot_support import robot


@pytest.fixture
def borrowers(app: App) -> App:
    """D1/A1 and D2/A2, both CN-NIFA, ¥5,260.00 due each."""
    add_borrowers(app, 1, 2)
    return app


def attempt(app: App, token: str, answer: str, method: str = "date_of_birth") -> PortalScope:
    return verify(
        token, method, answer, uow=app.uow(), settings=app.settings, tokens=tokens(app)
    ).scope


# -- links ------------------------------------------------------------------------------------


def test_it_creates_a_link_that_expires_after_the_configured_hours(borrowers: App) -> None:
    issued = link(borrowers)
    assert issued.url.startswith("http://127.0.0.1:8000/p/")
    stored = rows(borrowers, portal_links)[0]
    assert stored.expires_at - stored.created_at == timedelta(hours=72)
    assert (stored.debtor_id, stored.account_id, stored.created_by) == ("D1", "A1", "test")
    (logged,) = rows(borrowers, audit_log, audit_log.c.action == "portal.link_created")
    assert issued.link.link_id in logged.details and token_of(issued) not in logged.details


def test_it_lets_an_agent_link_only_their_own_cases(borrowers: App) -> None:
    with borrowers.engine.begin() as connection:
        connection.execute(insert(cases).values(case_id="C-D1", debtor_id="D1", assigned_to="ann"))

    def create(principal: Principal, account: str) -> object:
        return create_link(
            account,
            uow=borrowers.uow(),
            settings=borrowers.settings,
            tokens=tokens(borrowers),
            actor=principal.actor,
            principal=principal,
        )

    create(Principal("ann", Role.AGENT), "A1")
    with pytest.raises(PermissionDenied):
        create(Principal("ann", Role.AGENT), "A2")
    with pytest.raises(PermissionDenied):
        create(Principal("bob", Role.AGENT), "A1")
    with pytest.raises(PermissionDenied):
        create(Principal("cora", Role.COMPLIANCE), "A1")
    with pytest.raises(NotFound):
        create(Principal("sue", Role.SUPERVISOR), "A404")
    assert len(rows(borrowers, portal_links)) == 1


def test_it_verifies_the_date_of_birth_or_the_id_suffix(borrowers: App) -> None:
    scope = attempt(borrowers, token_of(link(borrowers)), DATE_OF_BIRTH)
    assert (scope.debtor_id, scope.link_account_id, scope.account_ids) == ("D1", "A1", ("A1",))
    assert scope.actor == f"borrower:{scope.link_id}" and scope.lang == "zh"
    assert scope.expires_at == borrowers.clock.now() + timedelta(minutes=SESSION_MINUTES)
    other = attempt(borrowers, token_of(link(borrowers)), "idd1", method="national_id_last4")
    assert other.debtor_id == "D1"
    assert rows(borrowers, portal_links)[0].verified_at is not None
    assert audit_actions(borrowers).count("portal.verified") == 2


def test_it_locks_the_link_after_too_many_wrong_answers(borrowers: App) -> None:
    token = token_of(link(borrowers))
    limit = borrowers.settings.portal_max_attempts
    for tries_left in range(limit - 1, 0, -1):
        with pytest.raises(AuthenticationFailed, match=f"{tries_left} tries left"):
            attempt(borrowers, token, "1990-01-01")
    with pytest.raises(LinkUnusable) as locked:
        attempt(borrowers, token, "0000", method="national_id_last4")
    assert locked.value.reason == "locked"
    with pytest.raises(LinkUnusable) as still:
        attempt(borrowers, token, DATE_OF_BIRTH)  # the right answer no longer helps
    assert still.value.reason == "locked"
    stored = rows(borrowers, portal_links)[0]
    assert stored.failed_attempts == limit and stored.locked_at is not None
    assert audit_actions(borrowers).count("portal.verify_failed") == limit
    assert "portal.link_locked" in audit_actions(borrowers)


def test_it_resets_the_failure_count_on_success(borrowers: App) -> None:
    token = token_of(link(borrowers))
    for _ in range(borrowers.settings.portal_max_attempts - 1):
        with pytest.raises(AuthenticationFailed):
            attempt(borrowers, token, "1990-01-01")
    attempt(borrowers, token, DATE_OF_BIRTH)
    assert rows(borrowers, portal_links)[0].failed_attempts == 0


def test_it_refuses_expired_revoked_and_forged_links_without_naming_the_debtor(
    borrowers: App, clock: FakeClock
) -> None:
    expiring, revoked = link(borrowers), link(borrowers)
    revoke_link(revoked.link.link_id, uow=borrowers.uow(), actor="test")
    forged = tokens(borrowers).link_token("PL-does-not-exist")
    cases_ = {
        token_of(revoked): "revoked",
        forged: "invalid",
        token_of(expiring)[:-3] + "abc": "invalid",
        "not-a-token": "invalid",
    }
    for token, reason in cases_.items():
        with pytest.raises(LinkUnusable) as refused:
            check_link(
                token, uow=borrowers.uow(), settings=borrowers.settings, tokens=tokens(borrowers)
            )
        assert refused.value.reason == reason
        assert "D1" not in str(refused.value) and "A1" not in str(refused.value)
    clock.advance(timedelta(hours=72))
    with pytest.raises(LinkUnusable) as expired:
        attempt(borrowers, token_of(expiring), DATE_OF_BIRTH)
    assert expired.value.reason == "expired"
    assert rows(borrowers, portal_links, portal_links.c.failed_attempts > 0) == []


def test_it_ends_sessions_when_they_expire_or_the_link_is_revoked(
    borrowers: App, clock: FakeClock
) -> None:
    issued = link(borrowers)
    session_ = verify(
        token_of(issued),
        "date_of_birth",
        DATE_OF_BIRTH,
        uow=borrowers.uow(),
        settings=borrowers.settings,
        tokens=tokens(borrowers),
    )
    assert (
        open_scope(session_.cookie, uow=borrowers.uow(), tokens=tokens(borrowers)).debtor_id == "D1"
    )
    clock.advance(timedelta(minutes=SESSION_MINUTES))
    with pytest.raises(AuthenticationFailed):
        open_scope(session_.cookie, uow=borrowers.uow(), tokens=tokens(borrowers))
    clock.advance(timedelta(minutes=-SESSION_MINUTES + 1))
    revoke_link(issued.link.link_id, uow=borrowers.uow(), actor="test")
    with pytest.raises(LinkUnusable):
        open_scope(session_.cookie, uow=borrowers.uow(), tokens=tokens(borrowers))


def test_it_refuses_a_session_cookie_for_a_link_never_verified(borrowers: App) -> None:
    issued = link(borrowers)
    cookie = tokens(borrowers).session_value(
        issued.link.link_id, borrowers.clock.now() + timedelta(minutes=5)
    )
    with pytest.raises(AuthenticationFailed):
        open_scope(cookie, uow=borrowers.uow(), tokens=tokens(borrowers))


# -- what is owed -----------------------------------------------------------------------------


def test_it_shows_exactly_what_is_owed_less_payments_in_progress(borrowers: App) -> None:
    scope = session(borrowers)
    (account,) = owed(scope, uow=borrowers.uow())
    assert (account.account_id, account.currency, account.balance_minor) == ("A1", "CNY", CN_DUE)
    assert account.outstanding_minor == CN_DUE and account.pending_minor == 0
    with borrowers.engine.begin() as connection:
        add_payment(connection, "P1", amount_minor=100_001, received_at=borrowers.clock.now())
    account = account_owed(scope, None, uow=borrowers.uow())
    assert (account.pending_minor, account.outstanding_minor) == (100_001, CN_DUE - 100_001)


def test_it_builds_the_robots_context_in_the_borrowers_language(borrowers: App) -> None:
    scope = session(borrowers)
    account = account_owed(scope, None, uow=borrowers.uow())
    context = negotiation_context(scope, account, rules=rules(), now=borrowers.clock.now())
    assert (context.lang, context.amount_due_minor, context.today) == (
        "zh",
        CN_DUE,
        date(2026, 11, 28),
    )
    english = negotiation_context(
        scope, account, rules=rules(), now=borrowers.clock.now(), lang="en"
    )
    assert english.lender_name == "Anxin Consumer Finance"


# -- actions within policy ----------------------------------------------------------------------


def test_it_records_a_promise_within_policy_as_the_borrower(borrowers: App) -> None:
    scope = session(borrowers)
    promise_id = portal_actions.promise_to_pay(
        scope,
        account_id="A1",
        amount_minor=200_000,
        due_on=date(2026, 12, 4),
        uow=borrowers.uow(),
        rules=rules(),
    )
    (row,) = rows(borrowers, promises)
    assert (row.promise_id, row.amount_minor, row.due_on) == (
        promise_id,
        200_000,
        date(2026, 12, 4),
    )
    (logged,) = rows(borrowers, audit_log, audit_log.c.action == "promise.recorded")
    assert logged.actor == scope.actor


@pytest.mark.parametrize(
    ("amount", "due_on", "problem", "counter"),
    [
        (100_000, date(2026, 12, 1), "amount_too_low", (105_200, "2026-12-01")),
        (200_000, date(2026, 12, 6), "date_too_late", (200_000, "2026-12-05")),
        (200_000, date(2026, 11, 27), "date_past", None),
    ],
)
def test_it_refuses_promises_outside_policy_with_the_closest_allowed(
    borrowers: App, amount: int, due_on: date, problem: str, counter: tuple[int, str] | None
) -> None:
    scope = session(borrowers)
    with pytest.raises(OutsidePolicy) as refused:
        portal_actions.promise_to_pay(
            scope,
            account_id=None,
            amount_minor=amount,
            due_on=due_on,
            uow=borrowers.uow(),
            rules=rules(),
        )
    assert refused.value.problem == problem
    offered = refused.value.counter
    assert (None if offered is None else (offered["amount_minor"], offered["due_on"])) == counter
    assert rows(borrowers, promises) == []


def test_it_offers_only_the_policys_plans_and_records_the_chosen_one(borrowers: App) -> None:
    scope = session(borrowers)
    choices = portal_actions.plan_choices(
        scope, account_id=None, uow=borrowers.uow(), rules=rules()
    )
    account = account_owed(scope, None, uow=borrowers.uow())
    context = negotiation_context(scope, account, rules=rules(), now=borrowers.clock.now())
    assert [choice.offer for choice in choices] == offer_ladder(context)
    assert [choice.key for choice in choices] == ["plan-3", "plan-6", "settlement-0"]
    plan_id = portal_actions.choose_plan(
        scope, account_id="A1", key="plan-3", uow=borrowers.uow(), rules=rules()
    )
    (plan,) = rows(borrowers, repayment_plans)
    assert (plan.plan_id, plan.down_payment_minor, plan.down_payment_due_on) == (
        plan_id,
        52_600,
        date(2026, 12, 1),
    )
    items = rows(borrowers, plan_instalments)
    assert [item.amount_minor for item in items] == [157_800] * 3
    assert plan.down_payment_minor + sum(item.amount_minor for item in items) == CN_DUE
    assert rows(borrowers, audit_log, audit_log.c.action == "plan.recorded")[0].actor == scope.actor


def test_it_refuses_free_plans_and_a_second_plan(borrowers: App) -> None:
    scope = session(borrowers)
    for key in ("plan-12", "plan-2", "settlement-3", "anything"):
        with pytest.raises(OutsidePolicy) as refused:
            portal_actions.choose_plan(
                scope, account_id=None, key=key, uow=borrowers.uow(), rules=rules()
            )
        assert refused.value.problem == "unknown_offer"
    portal_actions.choose_plan(
        scope, account_id=None, key="settlement-0", uow=borrowers.uow(), rules=rules()
    )
    (settlement,) = rows(borrowers, repayment_plans)
    assert (settlement.kind, settlement.discount_minor, settlement.down_payment_minor) == (
        "settlement",
        26_300,
        CN_DUE - 26_300,
    )
    with pytest.raises(OutsidePolicy) as again:
        portal_actions.choose_plan(
            scope, account_id=None, key="plan-3", uow=borrowers.uow(), rules=rules()
        )
    assert again.value.problem == "plan_exists"


def test_it_opens_a_written_dispute_with_the_profiles_hold_once(borrowers: App) -> None:
    scope = session(borrowers)
    first = portal_actions.dispute(
        scope,
        account_id="A1",
        reason="not_mine",
        note="不是我借的",
        uow=borrowers.uow(),
        rules=rules(),
    )
    again = portal_actions.dispute(
        scope, account_id="A1", reason="other", note="", uow=borrowers.uow(), rules=rules()
    )
    assert first == again
    (row,) = rows(borrowers, disputes)
    assert row.written is True and row.reason == "not_mine: 不是我借的"
    (hold,) = rows(borrowers, holds)
    assert (hold.hold_type, hold.debtor_id) == ("dispute", "D1") and scope.link_id in hold.reason
    with pytest.raises(Exception, match="reason must be one of"):
        portal_actions.dispute(
            scope, account_id="A1", reason="bogus", note="", uow=borrowers.uow(), rules=rules()
        )


def test_it_opts_out_of_calls_or_stops_all_contact(borrowers: App) -> None:
    scope = session(borrowers)
    applied = portal_actions.contact_preference(
        scope, choice="stop_calls", uow=borrowers.uow(), rules=rules()
    )
    assert (applied.how, applied.contact_ids) == ("opt_out", ("C1-1",))
    portal_actions.contact_preference(scope, choice="stop_sms", uow=borrowers.uow(), rules=rules())
    phone = rows(borrowers, contact_points, contact_points.c.debtor_id == "D1")[0]
    assert phone.opted_out == "call;sms"
    other = rows(borrowers, contact_points, contact_points.c.debtor_id == "D2")[0]
    assert other.opted_out == ""
    stopped = portal_actions.contact_preference(
        scope, choice="stop_all", uow=borrowers.uow(), rules=rules()
    )
    (hold,) = rows(borrowers, holds)
    assert (stopped.how, hold.hold_type, hold.hold_id) == (
        "cease_hold",
        "cease_contact",
        stopped.hold_id,
    )
    assert "contact_point.opted_out" in audit_actions(borrowers)


# -- isolation ------------------------------------------------------------------------------


def test_it_reaches_no_other_debtors_account_through_any_action(borrowers: App) -> None:
    """A session for D1's link names D2's account A2 in every action: each is NotFound, as for
    an account that does not exist, and nothing is written."""
    scope = session(borrowers)
    uow = borrowers.uow
    attempts = [
        lambda: account_owed(scope, "A2", uow=uow()),
        lambda: portal_actions.promise_to_pay(
            scope,
            account_id="A2",
            amount_minor=200_000,
            due_on=date(2026, 12, 1),
            uow=uow(),
            rules=rules(),
        ),
        lambda: portal_actions.plan_choices(scope, account_id="A2", uow=uow(), rules=rules()),
        lambda: portal_actions.choose_plan(
            scope, account_id="A2", key="plan-3", uow=uow(), rules=rules()
        ),
        lambda: portal_actions.dispute(
            scope, account_id="A2", reason="other", note="", uow=uow(), rules=rules()
        ),
    ]
    for reach in attempts:
        with pytest.raises(NotFound, match="no account 'A2'"):
            reach()
    assert (
        rows(borrowers, promises)
        == rows(borrowers, repayment_plans)
        == rows(borrowers, disputes)
        == []
    )
    assert [account.account_id for account in owed(scope, uow=uow())] == ["A1"]


def test_it_audits_every_portal_step_in_an_intact_chain(borrowers: App) -> None:
    scope = session(borrowers)
    portal_actions.choose_plan(
        scope, account_id=None, key="plan-6", uow=borrowers.uow(), rules=rules()
    )
    with borrowers.engine.connect() as connection:
        report = verify_chain(connection)
    assert report.ok and report.rows == len(audit_actions(borrowers))
    assert audit_actions(borrowers) == ["portal.link_created", "portal.verified", "plan.recorded"]


def test_it_chats_with_the_robot_only_in_its_own_conversations(borrowers: App) -> None:
    """The portal's chat is the robot's conversation on the link's account; a session for
    another link (even of the same debtor) reaches none of it."""
    mine, theirs = session(borrowers, "A1"), session(borrowers, "A2")
    opening = portal_chat.start_chat(
        mine, account_id=None, lang=None, uow=borrowers.uow(), robot=robot()
    )
    conversation_id = str(opening.conversation_id)
    (stored,) = rows(borrowers, conversations)
    assert (stored.account_id, stored.channel, stored.created_by) == ("A1", "chat", mine.actor)
    answer = portal_chat.send(mine, conversation_id, "是我", uow=borrowers.uow(), robot=robot())
    assert answer.messages and not answer.ended
    assert portal_chat.own_conversations(mine, uow=borrowers.uow()) == [conversation_id]
    again = session(borrowers, "A1")  # the same debtor, a different link
    for scope in (theirs, again):
        with pytest.raises(NotFound):
            portal_chat.send(scope, conversation_id, "是我", uow=borrowers.uow(), robot=robot())
        with pytest.raises(NotFound):
            portal_chat.transcript(scope, conversation_id, uow=borrowers.uow())
        assert portal_chat.own_conversations(scope, uow=borrowers.uow()) == []
    with pytest.raises(NotFound):
        portal_chat.start_chat(
            theirs, account_id="A1", lang=None, uow=borrowers.uow(), robot=robot()
        )
    transcript = portal_chat.transcript(mine, conversation_id, uow=borrowers.uow())
    assert transcript.conversation.conversation_id == conversation_id
