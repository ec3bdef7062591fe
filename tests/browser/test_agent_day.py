"""The agent's day in a real browser: the queue, a case opened from it, a call outcome logged, a
promise recorded and seen in the timeline, the debtor revealed (htmx); a message the content
guard blocks, explained in place; and another agent's case refused."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from huankuan.domain.users import Principal, Role
from huankuan.service_layer.case_view import case_view
from huankuan.service_layer.workbench_gate import packaged_rules
from tests.browser.conftest import LiveServer, login, screenshot

AGENT1 = Principal("agent1", Role.AGENT)


def amount_due(live_server: LiveServer, case_id: str) -> tuple[str, str]:
    """The first account's amount due in major units as an agent types it, and its currency."""
    view = case_view(case_id, uow=live_server.app.uow(), principal=AGENT1, rules=packaged_rules())
    limits = view.limits[0]
    minor = limits.amount_due_minor
    return f"{minor // 100}.{minor % 100:02d}", limits.currency


def test_it_works_a_case_from_the_queue_to_a_promise_in_the_timeline(
    page: Page, live_server: LiveServer
) -> None:
    login(page, "agent1")
    assert page.url.endswith("/work/queue")
    expect(page.get_by_role("heading", name="我的队列")).to_be_visible()
    ready = page.locator("#queue-ready tbody tr")
    expect(ready.first).to_be_visible()
    screenshot(page, "agent-queue")

    link = ready.first.get_by_role("link")
    case_id = link.inner_text().strip()
    link.click()
    expect(page.get_by_role("heading", name=f"案件 {case_id}")).to_be_visible()
    expect(page.locator("#gate")).to_contain_text("现在可以致电")

    page.get_by_label("通话结果", exact=True).select_option("right_party_contact")
    page.get_by_label("备注（可选）", exact=True).fill("本人接听，同意还款")
    page.get_by_role("button", name="记录通话").click()
    expect(page.locator("#done")).to_contain_text("通话结果已记录")

    amount, currency = amount_due(live_server, case_id)
    page.get_by_label(f"金额（{currency}）", exact=True).fill(amount)
    due_on = page.get_by_label("还款日期", exact=True)
    due_on.fill(due_on.get_attribute("min") or "")
    page.get_by_role("button", name="记录承诺").click()
    expect(page.locator("#done")).to_contain_text("承诺还款已记录")

    timeline = page.locator("#timeline")
    promise = timeline.locator("li.entry-promise").first
    expect(promise).to_contain_text("承诺还款")
    expect(promise).to_contain_text(f"{int(amount.split('.')[0]):,}")
    expect(timeline.locator("li.entry-contact_attempt").first).to_contain_text("联系到本人")
    expect(timeline.locator("li.entry-note").first).to_contain_text("本人接听，同意还款")

    masked = page.locator("#debtor-name").inner_text()
    assert "*" in masked
    page.get_by_role("button", name="查看完整信息").click()
    expect(page.locator("#revealed")).to_be_visible()
    assert "*" not in page.locator("#debtor-name").inner_text()
    page.goto(f"/work/cases/{case_id}")  # masked again: a reveal lasts one look
    expect(page.locator("#debtor-name")).to_have_text(masked)
    screenshot(page, "case-page")


def test_it_explains_a_message_the_content_guard_blocks(
    page: Page, live_server: LiveServer
) -> None:
    case_id = live_server.cases_of("agent1")[-1]
    login(page, "agent1")
    page.goto(f"/work/cases/{case_id}")
    page.get_by_label("渠道", exact=True).select_option("sms")
    page.get_by_label("模板", exact=True).select_option("")
    page.get_by_label("自由文本", exact=True).fill("再不还钱就打断你的腿")
    page.get_by_role("button", name="发送", exact=True).click()
    refusal = page.locator("#refusal-messages")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("以暴力或人身伤害相威胁")
    expect(page.get_by_label("自由文本", exact=True)).to_have_value("再不还钱就打断你的腿")
    screenshot(page, "case-message-blocked")


def test_it_refuses_an_agent_another_agents_case(page: Page, live_server: LiveServer) -> None:
    theirs = live_server.cases_of("agent2")[0]
    login(page, "agent1")
    response = page.goto(f"/work/cases/{theirs}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("您无权查看或操作此内容")
    expect(page.get_by_role("heading", name=re.compile(theirs))).to_have_count(0)
