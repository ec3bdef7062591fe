"""The OpenAPI pages render in a browser with no network: Swagger UI and ReDoc come from the
installed package, not a CDN."""

from __future__ import annotations

from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import LiveServer


def test_it_renders_the_api_docs_from_this_server_alone(
    page: Page, live_server: LiveServer
) -> None:
    elsewhere: list[str] = []

    def note(request: Request) -> None:
        if not request.url.startswith(live_server.url):
            elsewhere.append(request.url)

    page.on("request", note)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("huankuan")
    expect(page.get_by_text("/api/cases/{case_id}/promises").first).to_be_visible()
    assert elsewhere == [], f"the docs page fetched from elsewhere: {elsewhere}"
