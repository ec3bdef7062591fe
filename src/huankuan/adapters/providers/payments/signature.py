"""Webhook signatures, Stripe style: `Huankuan-Signature: t=<unix seconds>,v1=<hex>` where the
hex is HMAC-SHA256 over "<t>." followed by the raw body, keyed with the webhook secret.

Signing the timestamp with the body stops an old, genuine webhook being replayed later: a
signature older (or further ahead) than the replay window is refused. Several `v1` entries are
accepted so a secret can be rotated without refusing webhooks signed with the previous one."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from huankuan.domain.errors import SignatureInvalid
from huankuan.domain.payments import REPLAY_WINDOW_SECONDS


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The v1 signature (hex) of `body` signed at `timestamp`."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(body: bytes, secret: str, timestamp: int) -> str:
    return f"t={timestamp},v1={sign(body, secret, timestamp)}"


def verify(
    body: bytes,
    header: str | None,
    secret: str,
    now: datetime,
    tolerance_seconds: int = REPLAY_WINDOW_SECONDS,
) -> int:
    """The signed timestamp, when `header` is a valid, fresh signature of `body`; otherwise
    SignatureInvalid saying which (missing, malformed, stale, wrong)."""
    if not header:
        raise SignatureInvalid("the webhook has no Huankuan-Signature header")
    timestamp, candidates = _parse(header)
    if abs(int(now.timestamp()) - timestamp) > tolerance_seconds:
        raise SignatureInvalid(
            f"the webhook's signature timestamp is outside the {tolerance_seconds} s window"
        )
    expected = sign(body, secret, timestamp)
    # Check every candidate (no early exit) so timing says nothing about which one was close.
    matches = [hmac.compare_digest(expected, candidate) for candidate in candidates]
    if not any(matches):
        raise SignatureInvalid("the webhook's signature does not match its body")
    return timestamp


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and timestamp is None:
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value.strip().lower())
    if timestamp is None or not candidates:
        raise SignatureInvalid("the Huankuan-Signature header is malformed (t=…,v1=…)")
    return timestamp, candidates
