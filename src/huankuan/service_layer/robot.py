"""The collection robot's shared parts, loaded once per process: the NLU pipeline, the content
guard (behind one verdict memo for every conversation), the script's policy, the lender terms,
the compliance profiles and the channel the recap SMS leaves through."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from huankuan.adapters.channels.base import ChannelAdapter, DecisionLookup
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.dialogue.bot import CollectionBot, Understands, packaged_policy
from huankuan.dialogue.guard import ContentGuard, MemoGuard, Screened, packaged_guard
from huankuan.dialogue.policy.engine import CollectionPolicy
from huankuan.dialogue.terms import TERMS_FILE, LenderTerms, load_terms
from huankuan.dialogue.tracker import Event

# Builds the recap's SMS channel over the transaction's stored gate decisions.
ChannelFactory = Callable[[DecisionLookup], ChannelAdapter]


class SharedMemoGuard:
    """One verdict memo for every conversation of the process (the robot's sentences repeat);
    the lock makes it safe under the API's worker threads."""

    def __init__(self, guard: ContentGuard) -> None:
        self._memo = MemoGuard(guard)
        self._lock = threading.Lock()

    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Screened:
        with self._lock:
            return self._memo.screen(text, lang, context)


@dataclass
class Robot:
    nlu: Understands
    guard: ContentGuard
    terms: Mapping[str, LenderTerms]
    policy: CollectionPolicy = field(default_factory=packaged_policy)
    profiles: Mapping[str, Profile] = field(default_factory=load_profiles)
    recap_channel: ChannelFactory | None = None  # None: recaps stay queued for dispatch

    def __post_init__(self) -> None:
        if not isinstance(self.guard, SharedMemoGuard):
            self.guard = SharedMemoGuard(self.guard)

    @classmethod
    def packaged(cls, terms_file: Path | None = None) -> Robot:
        from huankuan.adapters.channels.sms import FakeSmsChannel
        from huankuan.dialogue.nlu import NluPipeline

        return cls(
            nlu=NluPipeline.load(),
            guard=packaged_guard(),
            terms=load_terms(terms_file or TERMS_FILE),
            # No SMS provider is wired yet: the fake gateway stands in, behind the same
            # stored-decision check a real one gets.
            recap_channel=FakeSmsChannel,
        )

    def new_bot(self) -> CollectionBot:
        return CollectionBot(self.nlu, self.guard, self.policy, remember_verdicts=False)

    def resume(self, events: list[Event]) -> CollectionBot:
        bot = CollectionBot.resume(events, self.nlu, self.guard, self.policy)
        bot.guard = self.guard  # the shared memo, not a memo of its own
        return bot
