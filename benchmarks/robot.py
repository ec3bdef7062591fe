"""Robot figures for issue 4: per-turn latency in-process (NLU + policy + content guard) on one
core, p50/p99 and turns per second, with the guard screening every sentence afresh and with the
verdict memo the bot uses by default; then the simulated outcome table per persona; then a
message's round trip through the HTTP API in-process (benchmarks/robot_api.py).

    .venv/bin/python -m benchmarks.robot [--conversations 300] [--simulate 1000] [--api 200]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import random
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from huankuan.compliance.content import default_guard
from huankuan.dialogue.bot import CollectionBot
from huankuan.dialogue.context import Lang
from huankuan.dialogue.guard import ContentGuard, MemoGuard, Screened, Verdict
from huankuan.dialogue.nlu import NluPipeline, Parse
from huankuan.dialogue.policy.engine import CollectionPolicy
from huankuan.simulation.borrowers import CONVERSATION_PERSONAS, Borrower
from huankuan.simulation.conversations import sample_context, simulate


@dataclass
class Stopwatch:
    """Time spent inside the wrapped NLU and guard, per call."""

    nlu: list[float] = field(default_factory=list)
    guard: list[float] = field(default_factory=list)


class TimedNlu:
    def __init__(self, pipeline: NluPipeline, watch: Stopwatch) -> None:
        self.pipeline, self.watch = pipeline, watch

    def parse(
        self,
        text: str,
        lang: Lang | None = None,
        today: date | None = None,
        balance_minor: int | None = None,
        minor_per_major: int = 100,
    ) -> Parse:
        started = time.perf_counter()
        parse = self.pipeline.parse(text, lang, today, balance_minor, minor_per_major)
        self.watch.nlu.append(time.perf_counter() - started)
        return parse


class TimedGuard:
    def __init__(self, guard: ContentGuard, watch: Stopwatch) -> None:
        self.guard, self.watch = guard, watch

    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Verdict:
        started = time.perf_counter()
        verdict = self.guard.screen(text, lang, context)
        self.watch.guard.append(time.perf_counter() - started)
        return verdict


class NoGuard:
    """Attribution only: what a turn costs without the content guard (never used in service)."""

    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Verdict:
        return Screened("ok", ())


def measure(pipeline: NluPipeline, conversations: int, mode: str, seed: int) -> list[str]:
    watch = Stopwatch()
    nlu = TimedNlu(pipeline, watch)
    guard: ContentGuard = TimedGuard(NoGuard() if mode == "none" else default_guard(), watch)
    if mode == "memo":
        guard = MemoGuard(guard)
    policy = CollectionPolicy.load()
    rng = random.Random(seed)
    turns: list[float] = []
    for index in range(conversations):
        persona = CONVERSATION_PERSONAS[index % len(CONVERSATION_PERSONAS)]
        lang: Lang = "zh" if index % 2 else "en"
        context = sample_context(rng, lang, index)
        borrower = Borrower(
            persona,
            lang,
            random.Random(rng.getrandbits(64)),
            context.amount_due_minor,
            context.policy.minimum_promise(context.amount_due).minor,
        )
        bot = CollectionBot(nlu, guard, policy, remember_verdicts=False)
        turn = bot.start(context)
        while not turn.ended and bot.tracker.state.user_turns < 40:
            text = borrower.reply(turn.state)
            started = time.perf_counter()
            turn = bot.handle(text)
            turns.append(time.perf_counter() - started)
    label = {
        "fresh": "every sentence screened by the guard",
        "memo": "guard with the verdict memo (bot default)",
        "none": "without the guard (attribution only)",
    }[mode]
    return [
        f"\n## per-turn latency, {label}: {len(turns)} turns, {conversations} conversations",
        f"turn (NLU + policy + guard): {_summary(turns)}; {len(turns) / sum(turns):.0f} turns/s",
        f"  NLU parse per turn:        {_summary(watch.nlu)}",
        f"  guard screen per sentence: {_summary(watch.guard)} ({len(watch.guard)} calls)",
    ]


def _summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--simulate", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--api", type=int, default=200, help="Conversations through the HTTP API (0: skip)."
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    pipeline = NluPipeline.load()
    default_guard()  # train or load before timing
    measure(pipeline, 20, "fresh", seed=args.seed + 1)  # warm-up, not reported
    print("# robot benchmark (one core, in-process)")
    for mode in ("fresh", "memo", "none"):
        print("\n".join(measure(pipeline, args.conversations, mode, seed=args.seed)))
    started = time.perf_counter()
    report = simulate(args.simulate, seed=args.seed, nlu=pipeline)
    elapsed = time.perf_counter() - started
    print(f"\n## simulated conversations: {args.simulate} (seed {args.seed}, {elapsed:.1f} s)")
    print(report.table())
    if args.api:
        from benchmarks.robot_api import measure_api

        print("\n".join(measure_api(args.api, seed=args.seed)))


if __name__ == "__main__":
    main()
