"""The payment webhook and payment intents over HTTP on SQLite and PostgreSQL: a signed webhook
settles once; a missing, wrong, stale or tampered signature is refused with nothing written;
intents are readable by staff who may read the case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.providers.payments import FakePaymentProvider, SignedWebhook
from huankuan.adapters.storage.tables import audit_log, cases, payment_intents, payments
from huankuan.bootstrap import App
from huankuan.domain.money import Money
from huankuan.domain.payments import SIGNATURE_HEADER
from huankuan.entrypoints.api.app import create_app
from huankuan.service_layer.payments import start_payment
from tests.portal_support import CN_DUE, add_borrowers, provider, rows, session
from tests.robot_support import add_api_user

WEBHOOK = "/api/payments/webhook"


@pytest.fixture
def api(app: App) -> Iterator[TestClient]:
    add_borrowers(app, 1, 2)
    with TestClient(create_app(app)) as client:
        yield client


@pytest.fixture
def intent(app: App, api: TestClient) -> tuple[str, str]:
    """A pending portal payment of everything owed on A1: (intent id, provider ref)."""
    started = start_payment(
        session(app, "A1"),
        account_id=None,
        option="full",
        uow=app.uow(),
        provider=provider(app),
        lang="zh",
    )
    return started.intent.intent_id, str(started.intent.provider_ref)


def post(api: TestClient, webhook: SignedWebhook, **headers: str) -> object:
    return api.post(WEBHOOK, content=webhook.body, headers={**webhook.headers, **headers})


def written(app: App) -> tuple[object, ...]:
    return (
        [row.status for row in rows(app, payment_intents)],
        len(rows(app, payments)),
        len(rows(app, audit_log)),
    )


def test_it_settles_a_signed_webhook_once(
    app: App, api: TestClient, intent: tuple[str, str]
) -> None:
    intent_id, reference = intent
    webhook = provider(app).webhook(reference, Money(CN_DUE, "CNY"), event_id="evt_1")
    first = api.post(WEBHOOK, content=webhook.body, headers=webhook.headers)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "event_id": "evt_1",
        "intent_id": intent_id,
        "result": "settled",
        "payment_id": f"PAY-{intent_id}",
    }
    again = api.post(WEBHOOK, content=webhook.body, headers=webhook.headers)
    assert again.status_code == 200 and again.json()["result"] == "duplicate"
    (payment,) = rows(app, payments)
    assert (payment.amount_minor, payment.method, payment.status) == (CN_DUE, "portal", "pending")


def test_it_refuses_bad_signatures_and_writes_nothing(
    app: App, api: TestClient, intent: tuple[str, str], clock: FakeClock
) -> None:
    _, reference = intent
    amount = Money(CN_DUE, "CNY")
    good = provider(app).webhook(reference, amount)
    wrong_secret = FakePaymentProvider(secret="wrong", clock=clock).webhook(reference, amount)
    stale = provider(app).webhook(reference, amount, signed_at=clock.now() - timedelta(minutes=10))
    before = written(app)
    refused = [
        api.post(WEBHOOK, content=good.body),  # no signature at all
        api.post(WEBHOOK, content=good.body, headers={SIGNATURE_HEADER: "garbage"}),
        api.post(WEBHOOK, content=good.body.replace(b"526000", b"526001"), headers=good.headers),
        api.post(WEBHOOK, content=wrong_secret.body, headers=wrong_secret.headers),
        api.post(WEBHOOK, content=stale.body, headers=stale.headers),
    ]
    assert [response.status_code for response in refused] == [401] * 5
    assert all(response.json()["error"] == "SignatureInvalid" for response in refused)
    assert all("www-authenticate" not in response.headers for response in refused)
    assert written(app) == before == (["pending"], 0, 2 + 1)  # link, verify, intent


def test_it_refuses_a_signed_event_for_an_unknown_payment_or_amount(
    app: App, api: TestClient, intent: tuple[str, str]
) -> None:
    _, reference = intent
    before = written(app)
    unknown = provider(app).webhook("fake_nobody", Money(CN_DUE, "CNY"))
    assert api.post(WEBHOOK, content=unknown.body, headers=unknown.headers).status_code == 404
    wrong = provider(app).webhook(reference, Money(1, "CNY"))
    assert api.post(WEBHOOK, content=wrong.body, headers=wrong.headers).status_code == 422
    assert written(app) == before


def test_it_shows_intents_to_staff_by_their_case_access(
    app: App, api: TestClient, intent: tuple[str, str]
) -> None:
    intent_id, _ = intent
    path = f"/api/payments/intents/{intent_id}"
    headers = {
        role: {"Authorization": f"Bearer {add_api_user(app, f'{role}1', role)}"}
        for role in ("agent", "compliance")
    }
    assert api.get(path).status_code == 401
    response = api.get(path, headers=headers["compliance"])
    assert response.status_code == 200
    body = response.json()
    assert (body["intent_id"], body["status"], body["amount_minor"]) == (
        intent_id,
        "pending",
        CN_DUE,
    )
    assert api.get(path, headers=headers["agent"]).status_code == 403
    with app.engine.begin() as connection:
        connection.execute(
            insert(cases).values(case_id="C-D1", debtor_id="D1", assigned_to="agent1")
        )
    assert api.get(path, headers=headers["agent"]).status_code == 200
    assert (
        api.get("/api/payments/intents/PI-none", headers=headers["compliance"]).status_code == 404
    )
