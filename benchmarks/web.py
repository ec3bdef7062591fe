"""The pages' server time (issue 5): each main page requested many times in-process (ASGI via
starlette's TestClient, no network, no browser), on SQLite seeded with the demo (2,000 accounts,
the day's cycle, agent work assigned). What is measured is what the server does per request:
session check, the service-layer reads (the queue's gate re-check of each item, the case's
timeline, the dashboard's aggregations), and rendering. The day's due actions are dispatched
through the fake channels first, so that contacts, gate decisions and audit rows exist.

    .venv/bin/python -m benchmarks.web [--requests 100] [--accounts 2000]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.testclient import TestClient

ON = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
PASSWORD = "benchmark-password"


def _summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    median = statistics.median(ordered)
    return f"p50 {median * 1000:6.1f} ms, p99 {p99 * 1000:6.1f} ms, {1 / median:6.0f} req/s"


def _signed_in(client: TestClient, username: str) -> TestClient:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    return client


def _timed(client: TestClient, path: str, requests: int) -> list[float]:
    assert client.get(path).status_code == 200, path  # warm-up, and it must work
    seconds = []
    for _ in range(requests):
        begun = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - begun)
        assert response.status_code == 200
    return seconds


def measure(requests: int, accounts: int) -> list[str]:
    from huankuan.adapters.clock import FakeClock
    from huankuan.adapters.storage.database import make_engine
    from huankuan.bootstrap import App
    from huankuan.compliance.content import build_guard
    from huankuan.config import Settings
    from huankuan.entrypoints.api.app import create_app
    from huankuan.service_layer.demo_data import seed_demo
    from huankuan.service_layer.dispatch import dispatch

    lines: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'web.db'}"
        settings = Settings(
            database_url=url, today=ON.isoformat(), secret_key="bench", secrets_dir=Path(scratch)
        )  # type: ignore[arg-type]
        application = App(settings, make_engine(url, create_dir=True), FakeClock(NOW))
        started = time.perf_counter()
        demo = seed_demo(
            application,
            accounts=accounts,
            seed=7,
            on=ON,
            workdir=Path(scratch),
            password_for=lambda _: PASSWORD,
        )
        dispatched = dispatch(application, ON, guard=build_guard(None)).report
        lines.append(
            f"demo data: {accounts:,} accounts seeded and the day's due actions dispatched "
            f"({dispatched.sent:,} sent) in {time.perf_counter() - started:.1f} s"
        )
        queue_size = len(demo.assigned["agent1"])
        pages = [
            ("agent1", "/work/queue", f"my queue ({queue_size} assigned cases)"),
            ("agent1", f"/work/cases/{demo.assigned['agent1'][0]}", "a case page"),
            ("supervisor1", "/supervisor", "supervisor dashboard (14-day trends)"),
            ("supervisor1", "/supervisor/assign", "assignment"),
            ("compliance1", "/compliance", "compliance views (audit chain verified)"),
        ]
        app = create_app(application, freeze_startup=True)  # as `huankuan serve` makes it
        # The app started as uvicorn starts it (its lifespan runs), then each user signed in.
        with TestClient(app):
            clients = {user: _signed_in(TestClient(app), user) for user, _, _ in pages}
            for username, path, label in pages:
                lines.append(
                    f"GET {label:42} {_summary(_timed(clients[username], path, requests))}"
                )
        application.engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args()
    print("\n".join(measure(args.requests, args.accounts)))


if __name__ == "__main__":
    main()
