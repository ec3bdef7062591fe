"""The robot over HTTP (issue 4): the round trip of a borrower's message through the API,
in-process (ASGI via starlette's TestClient, no network): authentication, the stored events
read back and replayed, NLU + policy + guard, the outcomes written and audited, the response.
Simulated borrowers of every persona, each on an account of its own.

    .venv/bin/python -m benchmarks.robot_api [--conversations 200] [--database-url URL]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from huankuan.simulation.conversations import Reply, simulate


def _summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"


def measure_api(conversations: int, seed: int, database_url: str | None = None) -> list[str]:
    from fastapi.testclient import TestClient

    from huankuan.adapters.clock import FakeClock
    from huankuan.adapters.storage.database import make_engine
    from huankuan.adapters.storage.migrate import upgrade
    from huankuan.bootstrap import App
    from huankuan.config import load_settings
    from huankuan.domain import commands
    from huankuan.entrypoints.api.app import create_app
    from huankuan.entrypoints.api.simulation import ApiLine
    from huankuan.service_layer.auth import add_user, create_token
    from huankuan.service_layer.robot import Robot

    starts: list[float] = []
    turns: list[float] = []

    class TimedLine(ApiLine):
        def open(self, context):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            reply = super().open(context)
            starts.append(time.perf_counter() - started)
            return reply

        def say(self, text: str) -> Reply:
            started = time.perf_counter()
            reply = super().say(text)
            turns.append(time.perf_counter() - started)
            return reply

    with tempfile.TemporaryDirectory() as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        engine = make_engine(url, create_dir=True)
        upgrade(engine)
        clock = FakeClock(datetime.now(UTC))
        application = App(load_settings(database_url=url), engine, clock, Robot.packaged())
        tag = f"{os.getpid()}{int(time.time()) % 100000}"
        add_user(
            commands.AddUser(f"bench-{tag}", "supervisor", "benchmark-password"),
            uow=application.uow(),
        )
        token = create_token(commands.CreateApiToken(f"bench-{tag}"), uow=application.uow())
        with TestClient(create_app(application)) as client:
            simulate(
                9, seed + 1, lines=lambda: ApiLine(client, token, application, clock, tag + "w")
            )
            started = time.perf_counter()
            report = simulate(
                conversations, seed, lines=lambda: TimedLine(client, token, application, clock, tag)
            )
            elapsed = time.perf_counter() - started
        engine.dispose()
    kind = engine.dialect.name
    return [
        f"\n## API round trip, in-process ASGI on {kind}: {len(turns)} message turns, "
        f"{conversations} conversations ({elapsed:.1f} s)",
        f"POST /api/conversations/{{id}}/messages: {_summary(turns)}; "
        f"{len(turns) / sum(turns):.0f} turns/s",
        f"POST /api/conversations (gate, context, opening): {_summary(starts)}",
        f"safety checks through the API hold: {'yes' if report.safe else 'NO'}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print("\n".join(measure_api(args.conversations, args.seed, args.database_url)))


if __name__ == "__main__":
    main()
