"""The 15 intents of DESIGN.md §4.3 and the labelling rules for hard cases (kept in the corpus)."""

from __future__ import annotations

from typing import Final

INTENTS: Final[tuple[str, ...]] = (
    "identity_confirmed",
    "wrong_party",
    "promise_to_pay",
    "already_paid",
    "hardship",
    "request_plan",
    "dispute",
    "refuse",
    "complaint_threat",
    "self_harm",
    "cease_contact",
    "callback_later",
    "ask_info",
    "abusive",
    "other",
)
SELF_HARM: Final = "self_harm"
FALLBACK: Final = "other"
