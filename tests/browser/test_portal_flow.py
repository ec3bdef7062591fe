"""The borrower portal in a real browser at a phone's size (390x844): a link from an SMS, the
second factor, what is owed, a plan chosen from the policy's offers, the payment through the
fake provider's hosted checkout and its confirmation; and a second borrower's link that reaches
none of the first borrower's pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.adapters.storage.tables import (
    accounts,
    cases,
    debtors,
    payments,
    portal_links,
    repayment_plans,
)
from huankuan.service_layer.portal_access import create_link
from tests.browser.conftest import LiveServer, screenshot


def portal_borrowers(live_server: LiveServer) -> list[tuple[str, str]]:
    """(account id, date of birth) of Chinese demo borrowers with one account, no plan, no
    portal link yet and no agent assigned, last first: accounts the other browser tests do not
    use."""
    one_account = (
        select(accounts.c.debtor_id)
        .group_by(accounts.c.debtor_id)
        .having(func.count() == 1)
        .scalar_subquery()
    )
    query = (
        select(accounts.c.account_id, debtors.c.date_of_birth)
        .join(debtors, debtors.c.debtor_id == accounts.c.debtor_id)
        .where(
            debtors.c.locale.like("zh%"),
            debtors.c.date_of_birth.is_not(None),
            accounts.c.debtor_id.in_(one_account),
            accounts.c.account_id.not_in(select(repayment_plans.c.account_id)),
            accounts.c.account_id.not_in(select(portal_links.c.account_id)),
            # Not a case the agents' browser tests work on (they change promises and holds).
            accounts.c.debtor_id.not_in(
                select(cases.c.debtor_id).where(cases.c.assigned_to.is_not(None))
            ),
        )
        .order_by(accounts.c.account_id.desc())
    )
    with live_server.app.engine.connect() as connection:
        return [
            (row.account_id, row.date_of_birth.isoformat()) for row in connection.execute(query)
        ]


def link_for(live_server: LiveServer, account_id: str) -> str:
    application = live_server.app
    issued = create_link(
        account_id,
        uow=application.uow(),
        settings=application.settings,
        tokens=PortalTokens(application.secret("secret_key"), application.clock),
        actor="test:browser",
    )
    return issued.url


def verify(page: Page, url: str, date_of_birth: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="验证身份")).to_be_visible()
    page.get_by_label("出生日期").check()
    page.get_by_label("请输入").fill(date_of_birth)
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", name=re.compile("您好"))).to_be_visible()


def fits_the_screen(page: Page) -> bool:
    width = page.evaluate("document.documentElement.scrollWidth")
    return bool(width <= page.viewport_size["width"])  # type: ignore[index]


@pytest.fixture
def second_phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_it_takes_a_borrower_from_the_link_through_a_plan_to_a_payment(
    mobile_page: Page, live_server: LiveServer
) -> None:
    page = mobile_page
    account_id, date_of_birth = portal_borrowers(live_server)[0]
    verify(page, link_for(live_server, account_id), date_of_birth)
    owed = page.locator(f"#owed-amount-{account_id}")
    expect(owed).to_have_text(re.compile(r"^¥[\d,]+\.\d\d$"))
    assert fits_the_screen(page)
    screenshot(page, "portal-home")

    page.get_by_role("link", name="选择还款计划").click()
    expect(page.get_by_role("heading", name="选择还款计划")).to_be_visible()
    offers = page.get_by_role("radio")
    expect(offers.first).to_be_checked()
    assert offers.count() >= 2
    page.get_by_text(re.compile("^分 3 期$")).click()
    assert fits_the_screen(page)
    screenshot(page, "portal-plan")
    page.get_by_role("button", name="确认此方案").click()

    expect(page.locator("#notice")).to_contain_text("已为您办理还款计划")
    plan_next = page.get_by_role("radio", name=re.compile("还款计划本期金额"))
    expect(plan_next).to_be_checked()
    amount = page.locator("label[for=option-plan_next] strong").inner_text()
    page.get_by_role("button", name="去支付").click()

    expect(page.get_by_role("heading", name="支付")).to_be_visible()
    expect(page.locator("#checkout-amount")).to_have_text(amount)
    page.get_by_role("button", name=f"支付 {amount}").click()

    expect(page.locator("#payment-status")).to_contain_text(f"已收到您的还款 {amount}")
    reference = page.locator("#payment-reference").inner_text()
    with live_server.app.engine.connect() as connection:
        paid = connection.execute(select(payments).where(payments.c.payment_id == reference)).one()
    assert (paid.account_id, paid.method, paid.status) == (account_id, "portal", "pending")
    assert f"¥{paid.amount_minor / 100:,.2f}" == amount
    screenshot(page, "portal-paid")

    page.get_by_role("link", name="English").click()
    expect(page.locator("#payment-status")).to_contain_text("We have received your payment")


def test_it_keeps_a_second_borrower_out_of_the_first_ones_pages(
    mobile_page: Page, second_phone: Page, live_server: LiveServer
) -> None:
    (first, first_dob), (second, second_dob) = portal_borrowers(live_server)[1:3]
    verify(mobile_page, link_for(live_server, first), first_dob)
    mobile_page.get_by_role("link", name="立即还款").first.click()
    mobile_page.get_by_role("button", name="去支付").click()
    expect(mobile_page.get_by_role("heading", name="支付")).to_be_visible()
    checkout = mobile_page.url.removeprefix(live_server.url)

    verify(second_phone, link_for(live_server, second), second_dob)
    expect(second_phone.locator(f"#owed-amount-{first}")).to_have_count(0)
    for path in (
        checkout,
        f"{checkout}/done",
        f"/p/plan?account={first}",
        f"/p/pay?account={first}",
    ):
        response = second_phone.goto(path)
        assert response is not None and response.status == 404, path
        expect(second_phone.get_by_role("alert")).to_contain_text("未找到")
    assert second_phone.goto("/p/home") is not None
    expect(second_phone.locator(f"#owed-amount-{second}")).to_be_visible()
