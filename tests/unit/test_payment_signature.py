"""Webhook signatures (HMAC-SHA256 over "<t>." + body, Stripe style) and the fake provider's
events: valid, tampered, wrong secret, stale, malformed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.providers.payments import FakePaymentProvider, sign, signature_header, verify
from huankuan.adapters.providers.payments.fake import parse_event
from huankuan.domain.errors import AuthenticationFailed, InvalidInput
from huankuan.domain.money import Money
from huankuan.domain.payments import SIGNATURE_HEADER, CheckoutRequest, EventKind

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
T = int(NOW.timestamp())
SECRET = "whsec-test"
BODY = b'{"id":"evt_1","type":"payment.succeeded"}'


def test_it_accepts_a_valid_signature() -> None:
    assert verify(BODY, signature_header(BODY, SECRET, T), SECRET, NOW) == T


def test_it_matches_an_independent_hmac() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET, T) == expected
    assert signature_header(BODY, SECRET, T) == f"t={T},v1={expected}"


def test_it_refuses_a_tampered_body() -> None:
    header = signature_header(BODY, SECRET, T)
    with pytest.raises(AuthenticationFailed, match="does not match"):
        verify(BODY.replace(b"succeeded", b"failed"), header, SECRET, NOW)


def test_it_refuses_a_signature_made_with_another_secret() -> None:
    with pytest.raises(AuthenticationFailed, match="does not match"):
        verify(BODY, signature_header(BODY, "another", T), SECRET, NOW)


def test_it_refuses_a_timestamp_changed_after_signing() -> None:
    header = signature_header(BODY, SECRET, T).replace(f"t={T}", f"t={T + 10}")
    with pytest.raises(AuthenticationFailed, match="does not match"):
        verify(BODY, header, SECRET, NOW)


@pytest.mark.parametrize("seconds", [301, 3600, -301])
def test_it_refuses_stale_and_future_signatures(seconds: int) -> None:
    header = signature_header(BODY, SECRET, T - seconds)
    with pytest.raises(AuthenticationFailed, match="window"):
        verify(BODY, header, SECRET, NOW)


def test_it_accepts_a_signature_inside_the_window() -> None:
    assert verify(BODY, signature_header(BODY, SECRET, T - 300), SECRET, NOW) == T - 300


@pytest.mark.parametrize(
    "header", [None, "", "v1=abc", f"t={T}", "t=abc,v1=00", "nonsense", f"t={T},v2=00"]
)
def test_it_refuses_missing_and_malformed_headers(header: str | None) -> None:
    with pytest.raises(AuthenticationFailed):
        verify(BODY, header, SECRET, NOW)


def test_it_accepts_any_of_several_signatures_for_a_rotated_secret() -> None:
    old = sign(BODY, "old-secret", T)
    header = f"t={T},v1={old},v1={sign(BODY, SECRET, T)}"
    assert verify(BODY, header, SECRET, NOW) == T


def test_it_signs_the_fake_providers_webhooks_and_reads_them_back() -> None:
    provider = FakePaymentProvider(secret=SECRET, clock=FakeClock(NOW), checkout_base_url="")
    checkout = provider.create_checkout(
        CheckoutRequest("PI-1", Money(12_345, "CNY"), "account A1", "zh")
    )
    assert checkout.checkout_url == "/p/pay/PI-1"
    again = provider.create_checkout(CheckoutRequest("PI-1", Money(12_345, "CNY"), "x", "en"))
    assert again.provider_ref == checkout.provider_ref  # idempotent per intent
    webhook = provider.webhook(checkout.provider_ref, Money(12_345, "CNY"), event_id="evt_9")
    assert webhook.headers[SIGNATURE_HEADER].startswith(f"t={T},v1=")
    event = provider.verify_webhook(webhook.body, webhook.signature, NOW + timedelta(seconds=5))
    assert event.event_id == "evt_9" and event.kind is EventKind.SUCCEEDED
    assert event.amount == Money(12_345, "CNY") and event.provider_ref == checkout.provider_ref
    failed = provider.webhook(checkout.provider_ref, Money(1, "CNY"), succeeded=False)
    assert provider.verify_webhook(failed.body, failed.signature, NOW).kind is EventKind.FAILED


def test_it_refuses_the_fake_providers_webhook_under_another_secret() -> None:
    signer = FakePaymentProvider(secret="not ours", clock=FakeClock(NOW))
    ours = FakePaymentProvider(secret=SECRET, clock=FakeClock(NOW))
    webhook = signer.webhook("fake_x", Money(1, "CNY"))
    with pytest.raises(AuthenticationFailed):
        ours.verify_webhook(webhook.body, webhook.signature, NOW)


def test_it_refuses_a_non_positive_checkout() -> None:
    provider = FakePaymentProvider(secret=SECRET, clock=FakeClock(NOW))
    with pytest.raises(InvalidInput):
        provider.create_checkout(CheckoutRequest("PI-1", Money(0, "CNY"), "x", "zh"))


@pytest.mark.parametrize(
    "event",
    [
        b"not json",
        b"[]",
        b'{"id": "e", "type": "payment.succeeded"}',
        b'{"id": "e", "type": "refund", "created": 1, "data": {}}',
        b'{"id": 1, "type": "payment.succeeded", "created": 1, "data": {"provider_ref": "r"}}',
        json.dumps(
            {
                "id": "e",
                "type": "payment.succeeded",
                "created": 1,
                "data": {"provider_ref": "r", "amount_minor": 1.5, "currency": "CNY"},
            }
        ).encode(),
        json.dumps(
            {
                "id": "e",
                "type": "payment.succeeded",
                "created": 1,
                "data": {"provider_ref": "r", "amount_minor": 100, "currency": "XXX"},
            }
        ).encode(),
    ],
)
def test_it_refuses_signed_bodies_it_cannot_read(event: bytes) -> None:
    with pytest.raises(InvalidInput):
        parse_event(event)
