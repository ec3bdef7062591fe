"""The compliance role's page in a real browser: the audit chain's status, a decision looked up
and replayed, the complaints register."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, login, screenshot
from tests.supervision_support import seed_once


def test_it_shows_a_compliance_user_the_audit_status_and_a_replay(
    page: Page, live_server: LiveServer
) -> None:
    data = seed_once(live_server.app)
    login(page, "compliance1")
    assert page.url.endswith("/compliance")
    expect(page.locator("#chain-status")).to_have_text("完整")
    expect(page.locator("#complaints-register")).to_contain_text("SV-CMP-1")
    page.get_by_label("决定编号或行动编号").fill(data.decision_ids[1])
    page.get_by_role("button", name="查询").click()
    decision = page.locator(f"#decision-{data.decision_ids[1]}")
    expect(decision).to_contain_text("拦截")
    decision.get_by_role("button", name="重放此决定").click()
    expect(decision.get_by_role("status")).to_contain_text("重放一致")
    screenshot(page, "compliance")
