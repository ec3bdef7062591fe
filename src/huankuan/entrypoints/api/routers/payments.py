"""The payment provider's webhook (signature-verified) and payment intents."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
