"""Shared helpers for the robot's tests: the session's NLU pipeline and content guard, fake
guards, account contexts and a way to play a conversation line by line."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from huankuan.compliance.content import ContentGuard as RealGuard
from huankuan.compliance.content import build_guard
from huankuan.dialogue.bot import CollectionBot, Turn
from huankuan.dialogue.context import ConversationContext, Lang, NegotiationPolicy
from huankuan.dialogue.guard import ContentGuard, Screened
from huankuan.dialogue.policy.safety import WELFARE_KEYS
from tests.nlu_support import trained_pipeline

CONTENT_CACHE_DIR = Path(tempfile.gettempdir()) / "huankuan-test-content-cache"
TODAY = date(2026, 11, 25)  # a Wednesday


@cache
def real_guard() -> RealGuard:
    return build_guard(CONTENT_CACHE_DIR)


class PassingGuard:
    """Every sentence is fine (the policy tests are not about the guard)."""

    def __init__(self) -> None:
        self.screened: list[tuple[str, str | None, Mapping[str, object] | None]] = []

    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Screened:
        self.screened.append((text, lang, context))
        return Screened("ok", ())


@dataclass
class FlaggingGuard:
    """Flags any sentence containing one of `words` as harassment."""

    words: Sequence[str]

    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Screened:
        if any(word in text for word in self.words):
            return Screened("violation", ("harassment",))
        return Screened("ok", ())


POLICY = NegotiationPolicy(
    max_promise_days=7,
    min_promise_minor=0,
    min_promise_percent=Decimal(20),
    plan_terms=(3, 6),
    max_term=6,
    down_payment_percent=Decimal(10),
    down_payment_days=3,
    max_discount_percent=Decimal(20),
    settlement_discount_percent=Decimal(10),
    hardship_hold_days=30,
)


def context(lang: Lang = "zh", **overrides: object) -> ConversationContext:
    """¥/$1,250.00 due since 1 Nov 2026; today is Wednesday 25 Nov 2026."""
    zh = lang == "zh"
    base = ConversationContext(
        debtor_name="张伟" if zh else "John Smith",
        amount_due_minor=125_000,
        currency="CNY" if zh else "USD",
        due_date=date(2026, 11, 1),
        lender_name="安信消费金融" if zh else "Acme Lending",
        profile="CN-NIFA" if zh else "US-RegF",
        lang=lang,
        today=TODAY,
        complaint_channel="400-800-1234" if zh else "1-800-555-0100",
        policy=POLICY,
        reports_to_bureau=True,
        legal_action_possible=False,
        contact_point_id="CP-1",
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def bot(guard: ContentGuard | None = None) -> CollectionBot:
    return CollectionBot(trained_pipeline(), guard or PassingGuard())


def play(
    lines: Sequence[str],
    lang: Lang = "zh",
    guard: ContentGuard | None = None,
    **overrides: object,
) -> tuple[CollectionBot, list[Turn]]:
    """Start a conversation and say `lines`; the turns include the opening."""
    robot = bot(guard)
    turns = [robot.start(context(lang, **overrides))]
    turns.extend(robot.handle(line) for line in lines)
    return robot, turns


def all_outcomes(turns: Sequence[Turn]) -> list[dict[str, object]]:
    return [dict(outcome) for turn in turns for outcome in turn.outcomes]


def outcome_types(turns: Sequence[Turn]) -> list[str]:
    return [str(outcome["type"]) for outcome in all_outcomes(turns)]


def sent_keys(robot: CollectionBot) -> list[str]:
    return [
        str(event.data["key"])
        for event in robot.tracker.events
        if event.kind == "bot_uttered" and event.data["sent"] is True
    ]


def welfare_keys() -> tuple[str, ...]:
    return WELFARE_KEYS
