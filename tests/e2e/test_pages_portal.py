"""The borrower portal's pages over HTTP on SQLite and PostgreSQL: the link's verify page (which
shows nothing about the debtor), the second factor and its lock, CSRF on every form, the pages
behind the portal session, the plan → pay → confirmation flow, and isolation: another link's
accounts and payments are 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.tables import (
    disputes,
    payment_intents,
    payments,
    promises,
    repayment_plans,
)
from huankuan.bootstrap import App
from huankuan.entrypoints.api.app import create_app
from huankuan.entrypoints.web.security import LANG_COOKIE, PORTAL_COOKIE
from tests.portal_support import DATE_OF_BIRTH, add_borrowers, link, rows, token_of
from tests.robot_support import robot

# Every portal page carries the token for htmx on <body>; forms carry it as a hidden field.
CSRF = re.compile(r'"X-CSRF-Token": "([^"]+)"')


@pytest.fixture
def borrowers(app: App) -> App:
    add_borrowers(app, 1, 2)
    add_borrowers(app, 3, jurisdiction="US-RegF")
    return app


def client_for(app: App) -> TestClient:
    return TestClient(create_app(app), follow_redirects=False)


def csrf_of(client: TestClient, html: str | None = None) -> str:
    found = CSRF.search(html if html is not None else client.get("/p/expired").text)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def signed_in(app: App, account_id: str = "A1") -> TestClient:
    """A browser that opened a new link for the account and verified it."""
    client = client_for(app)
    token = token_of(link(app, account_id))
    landing = client.get(f"/p/{token}")
    response = client.post(
        f"/p/{token}/verify",
        data={
            "method": "date_of_birth",
            "answer": DATE_OF_BIRTH,
            "csrf_token": csrf_of(client, landing.text),
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/p/home"
    return client


def post(client: TestClient, path: str, **data: str) -> object:
    return client.post(path, data={**data, "csrf_token": csrf_of(client)})


def test_it_shows_only_the_verify_form_on_a_links_page(borrowers: App) -> None:
    client = client_for(borrowers)
    token = token_of(link(borrowers))
    page = client.get(f"/p/{token}")
    assert page.status_code == 200
    assert 'name="viewport"' in page.text and 'name="referrer" content="no-referrer"' in page.text
    assert '<label for="answer">' in page.text and 'name="csrf_token"' in page.text
    # The token itself is random base64 and may contain "A1" by chance: look past it.
    shown = page.text.replace(token, "")
    for secret in ("Debtor D1", "A1", "5,260", "1990-03-07", "IDD1"):
        assert secret not in shown


def test_it_explains_unusable_links_without_naming_anyone(borrowers: App, clock: FakeClock) -> None:
    client = client_for(borrowers)
    invalid = client.get("/p/not-a-real-token")
    assert invalid.status_code == 404 and "链接无效" in invalid.text
    expiring = token_of(link(borrowers))
    clock.advance(timedelta(hours=73))
    expired = client.get(f"/p/{expiring}")
    assert expired.status_code == 410 and "链接已过期" in expired.text
    assert "D1" not in expired.text


def test_it_counts_wrong_answers_and_locks_the_link(borrowers: App) -> None:
    client = client_for(borrowers)
    token = token_of(link(borrowers))
    for left in (4, 3, 2, 1):
        wrong = post(client, f"/p/{token}/verify", method="date_of_birth", answer="2000-01-01")
        assert wrong.status_code == 401  # type: ignore[attr-defined]
        assert f"还可尝试 {left} 次" in wrong.text  # type: ignore[attr-defined]
    locked = post(client, f"/p/{token}/verify", method="date_of_birth", answer="2000-01-02")
    assert locked.status_code == 410 and "已锁定" in locked.text  # type: ignore[attr-defined]
    right = post(client, f"/p/{token}/verify", method="date_of_birth", answer=DATE_OF_BIRTH)
    assert right.status_code == 410  # type: ignore[attr-defined]
    assert client.get(f"/p/{token}").status_code == 410
    assert PORTAL_COOKIE not in client.cookies


def test_it_sets_a_session_and_the_borrowers_language_on_verify(borrowers: App) -> None:
    client = client_for(borrowers)
    token = token_of(link(borrowers, "A3"))
    response = post(client, f"/p/{token}/verify", method="national_id_last4", answer="idd3")
    assert response.status_code == 303  # type: ignore[attr-defined]
    cookies = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    session = next(c for c in cookies if c.startswith(f"{PORTAL_COOKIE}="))
    assert "HttpOnly" in session and "samesite=lax" in session.lower()
    assert any(c.startswith(f"{LANG_COOKIE}=en") for c in cookies)
    home = client.get("/p/home")
    assert home.status_code == 200 and "Owed now" in home.text and "$5,260.00" in home.text


def test_it_sends_visitors_without_a_session_to_the_expired_page(borrowers: App) -> None:
    client = client_for(borrowers)
    for path in ("/p/home", "/p/plan", "/p/pay", "/p/promise", "/p/chat", "/p/dispute"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/p/expired"
    client.cookies.set(PORTAL_COOKIE, "forged")
    assert client.get("/p/home").headers["location"] == "/p/expired"


def test_it_refuses_forms_without_the_csrf_token(borrowers: App) -> None:
    client = signed_in(borrowers)
    token = token_of(link(borrowers))
    refused = [
        client.post("/p/plan", data={"key": "plan-3"}),
        client.post("/p/pay", data={"option": "full"}),
        client.post("/p/promise", data={"amount": "2000", "due_on": "2026-12-01"}),
        client.post("/p/dispute", data={"reason": "other"}),
        client.post("/p/contact-preferences", data={"choice": "stop_all"}),
        client.post(f"/p/{token}/verify", data={"answer": DATE_OF_BIRTH}),
        client.post("/p/plan", data={"key": "plan-3", "csrf_token": "forged"}),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert rows(borrowers, repayment_plans) == [] and rows(borrowers, disputes) == []


def test_it_shows_what_is_owed_with_the_actions(borrowers: App) -> None:
    home = signed_in(borrowers).get("/p/home")
    assert home.status_code == 200 and home.headers["cache-control"] == "no-store"
    assert "¥5,260.00" in home.text and "当前应还" in home.text
    for action in ("/p/pay?account=A1", "/p/plan?account=A1", "/p/promise?account=A1", "/p/chat"):
        assert f'href="{action}"' in home.text
    assert "A2" not in home.text


def test_it_takes_a_plan_then_a_payment_to_its_confirmation(borrowers: App) -> None:
    client = signed_in(borrowers)
    plan_page = client.get("/p/plan")
    assert plan_page.text.count('type="radio" ') == 3 and 'value="plan-3"' in plan_page.text
    chosen = post(client, "/p/plan", key="plan-3", account="A1")
    assert chosen.headers["location"] == "/p/pay?done=plan"  # type: ignore[attr-defined]
    pay_page = client.get("/p/pay?done=plan")
    assert "¥526.00" in pay_page.text and 'value="plan_next"' in pay_page.text
    started = post(client, "/p/pay", option="plan_next", account="A1")
    checkout = started.headers["location"]  # type: ignore[attr-defined]
    assert re.fullmatch(r"/p/pay/PI-[0-9a-f]+", checkout)
    assert "¥526.00" in client.get(checkout).text
    paid = post(client, checkout, outcome="pay")
    assert paid.headers["location"] == f"{checkout}/done"  # type: ignore[attr-defined]
    done = client.get(f"{checkout}/done")
    assert "已收到您的还款 ¥526.00" in done.text
    (payment,) = rows(borrowers, payments)
    assert payment.payment_id in done.text and payment.amount_minor == 52_600
    again = post(client, checkout, outcome="pay")  # a second click settles nothing new
    assert again.status_code == 303 and len(rows(borrowers, payments)) == 1  # type: ignore[attr-defined]


def test_it_shows_a_failed_payment_and_lets_the_borrower_retry(borrowers: App) -> None:
    client = signed_in(borrowers)
    checkout = post(client, "/p/pay", option="full").headers["location"]  # type: ignore[attr-defined]
    post(client, checkout, outcome="decline")
    assert "支付未成功" in client.get(f"{checkout}/done").text
    post(client, checkout, outcome="pay")
    assert "已收到您的还款 ¥5,260.00" in client.get(f"{checkout}/done").text


def test_it_refuses_a_promise_outside_policy_and_offers_the_closest(borrowers: App) -> None:
    client = signed_in(borrowers)
    low = post(client, "/p/promise", amount="100", due_on="2026-12-01", account="A1")
    assert low.status_code == 422  # type: ignore[attr-defined]
    assert "¥1,052.00" in low.text and 'value="1052.00"' in low.text  # type: ignore[attr-defined]
    bad = post(client, "/p/promise", amount="abc", due_on="soon")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    accepted = post(client, "/p/promise", amount="1052.00", due_on="2026-12-01", account="A1")
    assert accepted.headers["location"] == "/p/home?done=promise"  # type: ignore[attr-defined]
    (promise,) = rows(borrowers, promises)
    assert promise.amount_minor == 105_200


def test_it_records_a_dispute_and_contact_preferences(borrowers: App) -> None:
    client = signed_in(borrowers)
    assert client.get("/p/dispute").status_code == 200
    assert post(client, "/p/dispute", reason="").status_code == 422  # type: ignore[attr-defined]
    done = post(client, "/p/dispute", reason="already_paid", note="paid in October")
    assert done.headers["location"] == "/p/home?done=dispute"  # type: ignore[attr-defined]
    assert "核实期间我们暂停催收" in client.get("/p/home?done=dispute").text
    stopped = post(client, "/p/contact-preferences", choice="stop_calls")
    assert stopped.status_code == 303  # type: ignore[attr-defined]
    assert "电话" in client.get("/p/contact-preferences").text


def test_it_keeps_another_links_accounts_and_payments_out_of_reach(borrowers: App) -> None:
    alice, bob = signed_in(borrowers, "A1"), signed_in(borrowers, "A2")
    checkout = post(alice, "/p/pay", option="full").headers["location"]  # type: ignore[attr-defined]
    for path in (
        checkout,
        f"{checkout}/done",
        "/p/plan?account=A1",
        "/p/pay?account=A1",
        "/p/promise?account=A1",
        "/p/dispute?account=A1",
    ):
        assert bob.get(path).status_code == 404, path
    assert post(bob, checkout, outcome="pay").status_code == 404  # type: ignore[attr-defined]
    assert post(bob, "/p/plan", key="plan-3", account="A1").status_code == 404  # type: ignore[attr-defined]
    assert rows(borrowers, payments) == [] and rows(borrowers, repayment_plans) == []
    with borrowers.engine.connect() as connection:
        assert connection.execute(select(payment_intents.c.status)).scalars().all() == ["pending"]


def test_it_chats_with_the_robot_through_htmx(borrowers: App) -> None:
    borrowers.robot_kit = robot()
    client = signed_in(borrowers)
    assert "开始对话" in client.get("/p/chat").text
    assert post(client, "/p/chat/start").status_code == 303  # type: ignore[attr-defined]
    page = client.get("/p/chat")
    conversation_id = re.search(r'name="conversation_id" value="([^"]+)"', page.text)
    assert conversation_id and "bubble-robot" in page.text
    partial = client.post(
        "/p/chat/message",
        data={"conversation_id": conversation_id.group(1), "text": "是我"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(client, page.text)},
    )
    assert partial.status_code == 200 and partial.text.lstrip().startswith('<div id="chat"')
    assert "是我" in partial.text
    other = signed_in(borrowers, "A2")
    refused = other.post(
        "/p/chat/message",
        data={"conversation_id": conversation_id.group(1), "text": "hi"},
        headers={"X-CSRF-Token": csrf_of(other)},
    )
    assert refused.status_code == 404
