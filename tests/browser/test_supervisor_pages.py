"""The supervisor's pages in a real browser: the dashboard's charts render (SVG with a real
size and one column per day), a case is assigned through the page, and a flag is resolved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from huankuan.adapters.storage.tables import cases
from huankuan.service_layer.dashboard import dashboard
from tests.browser.conftest import BUSINESS_DATE, LiveServer, login, screenshot
from tests.supervision_support import SupervisionData, seed_once


@pytest.fixture
def data(live_server: LiveServer) -> SupervisionData:
    return seed_once(live_server.app)


def test_it_renders_the_dashboards_charts(
    page: Page, live_server: LiveServer, data: SupervisionData
) -> None:
    login(page, "supervisor1")
    assert page.url.endswith("/supervisor")
    expect(page.get_by_role("heading", name="主管看板")).to_be_visible()
    contacts = page.locator("svg#chart-contacts")
    contacts.scroll_into_view_if_needed()
    box = contacts.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 80
    assert contacts.get_attribute("role") == "img"
    expect(contacts.locator("g.bar-group")).to_have_count(14)
    board = dashboard(uow=live_server.app.uow(), day=BUSINESS_DATE, principal=None)
    expect(page.locator("svg#chart-blocks rect.bar")).to_have_count(len(board.blocks_by_rule))
    bar = page.locator("svg#chart-mix rect.bar").first
    bar_box = bar.bounding_box()
    assert bar_box is not None and bar_box["width"] > 0
    expect(page.locator("#kpi-contacts .kpi-value")).to_have_text(str(board.kpis.contacts))
    screenshot(page, "supervisor-dashboard")


def test_it_assigns_a_case_through_the_page(
    page: Page, live_server: LiveServer, data: SupervisionData
) -> None:
    login(page, "supervisor1")
    page.goto("/supervisor/assign")
    page.get_by_label("账龄段").select_option("M3")
    page.get_by_role("button", name="筛选").click()
    checkbox = page.get_by_label("选择案件 SV-CASE-3")
    expect(checkbox).to_be_visible()
    checkbox.check()
    page.get_by_label("分配给").select_option("agent2")
    page.get_by_role("button", name="分配所选案件").click()
    expect(page.get_by_role("status").filter(has_text="已将 1 个案件分配给 agent2")).to_be_visible()
    with live_server.app.engine.connect() as connection:
        assignee = connection.execute(
            select(cases.c.assigned_to).where(cases.c.case_id == "SV-CASE-3")
        ).scalar_one()
    assert assignee == "agent2"


def test_it_resolves_a_flag_through_the_page(
    page: Page, live_server: LiveServer, data: SupervisionData
) -> None:
    login(page, "supervisor1")
    page.goto("/supervisor/flags")
    expect(page.get_by_role("heading", name="标记审查")).to_be_visible()
    screenshot(page, "flags")
    card = page.locator("article.flag").filter(has_text="SV-MSG-1")
    card.get_by_label("处理结果").select_option("coached_agent")
    card.get_by_label("处理说明").fill("talked to agent2 about third-party threats")
    card.get_by_role("button", name="结案").click()
    expect(
        page.locator("article.flag").filter(has_text="SV-MSG-1").get_by_role("status")
    ).to_have_text("标记已处理。")
