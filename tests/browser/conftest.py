"""Browser tests: the real app served by uvicorn on a free local port, over a SQLite database
seeded with the demo data (a small generated portfolio, the cycle for 2026-11-28, the demo
users, agent work assigned), driven by Playwright in the Debian `chromium` package.

When no Chromium is installed every test here is skipped, and the run's summary says so."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.database import make_engine
from huankuan.bootstrap import App
from huankuan.config import Settings
from huankuan.service_layer.demo_data import DemoData, seed_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SKIP_REASON = (
    "Chromium is not installed (Debian package `chromium`): browser tests SKIPPED; "
    "`.ci/run` installs it, or: apt-get install -y chromium"
)
PASSWORD = "demo-password-1"
BUSINESS_DATE = date(2026, 11, 28)
# 10:00 in Shanghai, 21:00 the day before in New York: Chinese debtors may be called now.
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@dataclass
class LiveServer:
    url: str
    app: App
    demo: DemoData
    password: str = PASSWORD

    def cases_of(self, agent: str) -> list[str]:
        return self.demo.assigned[agent]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import uvicorn

    from huankuan.entrypoints.api.app import create_app

    workdir = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{workdir / 'huankuan.db'}"
    settings = Settings(
        database_url=url,
        today=BUSINESS_DATE.isoformat(),
        secret_key="browser-test-secret",
        payment_webhook_secret="browser-test-webhook",
        secrets_dir=workdir / "secrets",
    )
    application = App(settings, make_engine(url, create_dir=True), FakeClock(NOW))
    demo = seed_demo(
        application,
        accounts=240,
        seed=7,
        on=BUSINESS_DATE,
        workdir=workdir,
        password_for=lambda _: PASSWORD,
    )
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(create_app(application), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 20 s")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", application, demo)
    server.should_exit = True
    thread.join(timeout=10)
    application.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (no cookies) at a desktop size, Chinese by default."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone-sized context (390x844, touch), for the borrower portal."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and wait for the landing page."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under docs/screenshots/ (the README shows them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
