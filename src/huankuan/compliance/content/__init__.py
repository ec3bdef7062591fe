"""The content guard: screens every outgoing sentence (robot turns, rendered SMS/email templates,
agents' free text) for abusive or deceptive collection language, in Chinese and English.

    from huankuan.compliance.content import screen
    screen("再不还钱就打断你的腿", "zh").verdict            # "violation"
    screen("Please pay by Friday.", "en").categories        # ()

See docs/content-guard.md for the categories, the rules, the classifier and the measured rates.
"""

from __future__ import annotations

from huankuan.compliance.content.guard import (
    ContentGuard,
    build_guard,
    default_guard,
    screen,
    screen_many,
)
from huankuan.compliance.content.model import (
    CATEGORIES,
    CONTEXT_KEYS,
    Category,
    Hit,
    Screening,
    ScreeningContext,
)

__all__ = [
    "CATEGORIES",
    "CONTEXT_KEYS",
    "Category",
    "ContentGuard",
    "Hit",
    "Screening",
    "ScreeningContext",
    "build_guard",
    "default_guard",
    "screen",
    "screen_many",
]
