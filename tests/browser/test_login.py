"""Signing in and out in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import LiveServer, login, screenshot


def test_it_signs_an_agent_in_to_their_queue_and_out_again(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/")
    assert "/login" in page.url
    screenshot(page, "login")
    login(page, "agent1")
    assert page.url.endswith("/work/queue")
    assert page.get_by_text("agent1").first.is_visible()
    page.get_by_role("button", name="退出登录").click()
    assert "/login" in page.url
    page.goto("/work/queue")
    assert "/login" in page.url


def test_it_refuses_a_wrong_password_with_a_message(page: Page, live_server: LiveServer) -> None:
    login(page, "agent2", "not-the-password")
    alert = page.locator("#login-error")
    assert alert.is_visible()
    assert "用户名或密码错误" in alert.inner_text()


def test_it_switches_the_pages_to_english(page: Page, live_server: LiveServer) -> None:
    page.goto("/login")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
