"""Payment-provider adapters (the port: domain/payments.py; for real providers see
docs/payments.md). Only the fake exists so far: the demo's hosted checkout inside our app."""

from __future__ import annotations

from huankuan.adapters.providers.payments.fake import FakePaymentProvider, SignedWebhook
from huankuan.adapters.providers.payments.signature import sign, signature_header, verify

__all__ = ["FakePaymentProvider", "SignedWebhook", "sign", "signature_header", "verify"]
