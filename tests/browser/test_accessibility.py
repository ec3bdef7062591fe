"""Accessibility of the main pages in a real browser: the sign-in page, the agent's queue and a
case, the supervisor's dashboard, assignment and flags, the compliance page, and the borrower
portal's landing page (at a phone's size). On each: the document's language, one h1, an
accessible name for every visible control, SVG charts as named images, tables with header
cells, the skip link first in the tab order and moving focus to the content, and WCAG AA
contrast (4.5:1) for body text, muted text, primary buttons, badges and alerts — computed in the
page from the colours the browser really uses.

Each page is opened afresh for each check, from a signed-in state saved once per user (signing
in through the form each time would be slow). Nothing here changes data but the portal link it
creates and the supervision data the other browser tests seed too (`seed_once`); agent1's case
is only looked at."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize
from sqlalchemy import select

from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.adapters.storage.tables import accounts, cases
from huankuan.service_layer.portal_access import create_link
from tests.browser.conftest import LiveServer, login
from tests.supervision_support import seed_once

# WCAG 2.x AA for normal-size text.
AA = 4.5
DESKTOP = ViewportSize(width=1280, height=900)


@dataclass(frozen=True)
class Target:
    user: str | None  # signed in as; None: signed out
    mobile: bool = False


PAGES: dict[str, Target] = {
    "/login": Target(None),
    "/work/queue": Target("agent1"),
    "case": Target("agent1"),
    "/supervisor": Target("supervisor1"),
    "/supervisor/assign": Target("supervisor1"),
    "/supervisor/flags": Target("supervisor1"),
    "/compliance": Target("compliance1"),
    "portal": Target(None, mobile=True),
}

# The checks, in the page: each returns a list of problems, empty when the page passes.
STRUCTURE = """() => {
  const problems = [];
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden";
  const text = (el) => (el ? el.textContent : "").replace(/\\s+/g, " ").trim();
  const describe = (el) => el.outerHTML.slice(0, 120);
  if (!document.documentElement.lang) problems.push("<html> has no lang");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} h1 elements, not one`);
  const name = (el) => {
    const labelledby = el.getAttribute("aria-labelledby");
    if (labelledby) {
      const named = labelledby.split(/\\s+/).map((id) => text(document.getElementById(id)));
      if (named.join("")) return named.join(" ");
    }
    if ((el.getAttribute("aria-label") || "").trim()) return el.getAttribute("aria-label");
    if (el.id) {
      const label = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (label && text(label)) return text(label);
    }
    const wrapping = el.closest("label");
    if (wrapping && text(wrapping)) return text(wrapping);
    if (el.tagName === "BUTTON") return text(el);
    if (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type)) return el.value;
    return "";
  };
  for (const el of document.querySelectorAll("input, select, textarea, button")) {
    if (el.type === "hidden" || !visible(el)) continue;
    if (!name(el).trim()) problems.push(`no accessible name: ${describe(el)}`);
  }
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.getAttribute("aria-hidden") === "true") continue;
    if (svg.getAttribute("role") !== "img") problems.push(`svg without role=img: #${svg.id}`);
    const title = svg.querySelector(":scope > title");
    if (!(svg.getAttribute("aria-label") || "").trim() && !text(title)) {
      problems.push(`svg without aria-label or <title>: #${svg.id}`);
    }
  }
  for (const table of document.querySelectorAll("table")) {
    const headers = table.querySelectorAll("th");
    if (!headers.length) problems.push(`table without <th>: ${describe(table)}`);
    for (const th of table.querySelectorAll("thead th")) {
      if (th.getAttribute("scope") !== "col") {
        problems.push(`column header without scope: ${text(th)}`);
      }
    }
    if (!text(table.querySelector("thead")) && !text(headers[0])) {
      problems.push(`table headers without text: ${describe(table)}`);
    }
  }
  return problems;
}"""

CONTRAST = """(minimum) => {
  const parse = (value) => {
    const parts = value.match(/[\\d.]+/g).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  // The colour behind an element: its own and its ancestors' backgrounds, composited.
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a >= 1) break;
    }
    let result = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const channel = (value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const ownText = (el) => [...el.childNodes].some(
    (node) => node.nodeType === 3 && node.textContent.trim());
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden" && getComputedStyle(el).opacity !== "0";
  const kinds = {
    body: ["p", "li", "td", "th", "dd", "dt", "label", "legend", "h1", "h2", "h3", "span", "a",
      "summary", "figcaption"].map((tag) => `main ${tag}`).join(", ") + ", footer p",
    muted: ".muted",
    button: ".btn-primary",
    badge: ".badge",
    alert: ".alert",
  };
  // Every variant, on the page's own background and on a card, as the page's stylesheets
  // draw them: a page shows only some of them at a time (an alert only after an action).
  const variants = `<p>text</p><p class="muted">muted</p>
    <button type="button" class="btn btn-primary">button</button>
    <span class="badge badge-ok">ok</span> <span class="badge badge-warn">warn</span>
    <span class="badge badge-block">block</span> <span class="badge badge-info">info</span>
    <p class="alert alert-error">error <span class="muted">muted</span></p>
    <p class="alert alert-ok">ok</p><p class="alert alert-warn">warn</p>`;
  const probes = document.createElement("div");
  probes.setAttribute("data-contrast-probe", "");
  probes.innerHTML = `${variants}<section class="card">${variants}</section>`;
  document.getElementById("main").append(probes);
  const problems = [];
  const seen = {};
  for (const [kind, selector] of Object.entries(kinds)) {
    seen[kind] = 0;
    for (const el of document.querySelectorAll(selector)) {
      if (!visible(el) || !(ownText(el) || kind !== "body")) continue;
      if (el.closest(".sr-only, svg")) continue;
      seen[kind] += 1;
      const fg = parse(getComputedStyle(el).color);
      const bg = background(el);
      const found = ratio(fg.a < 1 ? over(fg, bg) : fg, bg);
      if (found < minimum) {
        const what = el.textContent.replace(/\\s+/g, " ").trim().slice(0, 40);
        const where = el.closest("[data-contrast-probe]") ? " (probe)" : "";
        const tag = `<${el.tagName.toLowerCase()} class="${el.className}">`;
        problems.push(`${kind}${where} ${found.toFixed(2)}:1 < ${minimum}:1 — ${tag} "${what}"`);
      }
    }
  }
  probes.remove();
  return {problems, seen};
}"""


def portal_url(live_server: LiveServer) -> str:
    """A new link for an account no agent works on (the lowest id: the portal's own browser
    tests take theirs from the other end and skip accounts that already have a link)."""
    assigned = select(cases.c.debtor_id).where(cases.c.assigned_to.is_not(None))
    query = (
        select(accounts.c.account_id)
        .where(accounts.c.debtor_id.not_in(assigned))
        .order_by(accounts.c.account_id)
        .limit(1)
    )
    application = live_server.app
    with application.engine.connect() as connection:
        account_id = connection.execute(query).scalar_one()
    issued = create_link(
        account_id,
        uow=application.uow(),
        settings=application.settings,
        tokens=PortalTokens(application.secret("secret_key"), application.clock),
        actor="test:browser-accessibility",
    )
    return issued.url


@pytest.fixture(scope="module")
def paths(live_server: LiveServer) -> dict[str, str]:
    seed_once(live_server.app)  # the supervisor's and compliance pages with data to show
    return {
        **{path: path for path in PAGES if path.startswith("/")},
        "case": f"/work/cases/{live_server.demo.assigned['agent1'][-1]}",
        "portal": portal_url(live_server).removeprefix(live_server.url),
    }


@pytest.fixture(scope="module")
def signed_in(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[str], Any]]:
    """The cookies of a user signed in through the form, once per user."""
    states: dict[str, Any] = {}

    def state_of(user: str) -> Any:
        if user not in states:
            context = browser.new_context(base_url=live_server.url, locale="zh-CN")
            login(context.new_page(), user, live_server.password)
            states[user] = context.storage_state()
            context.close()
        return states[user]

    yield state_of


@pytest.fixture
def open_page(
    browser: Browser,
    live_server: LiveServer,
    paths: dict[str, str],
    signed_in: Callable[[str], Any],
) -> Iterator[Callable[[str], Page]]:
    contexts: list[BrowserContext] = []

    def open_(name: str) -> Page:
        target = PAGES[name]
        size = ViewportSize(width=390, height=844) if target.mobile else DESKTOP
        context = browser.new_context(
            base_url=live_server.url,
            viewport=size,
            is_mobile=target.mobile,
            has_touch=target.mobile,
            locale="zh-CN",
            storage_state=None if target.user is None else signed_in(target.user),
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        response = page.goto(paths[name])
        assert response is not None and response.status == 200, (name, page.url)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_it_gives_every_page_a_language_one_h1_named_controls_charts_and_table_headers(
    open_page: Callable[[str], Page], name: str
) -> None:
    page = open_page(name)
    problems = page.evaluate(STRUCTURE)
    assert problems == [], f"{name}: {problems}"


@pytest.mark.parametrize("name", PAGES)
def test_it_tabs_to_the_skip_link_first_and_enter_moves_focus_to_main(
    open_page: Callable[[str], Page], name: str
) -> None:
    page = open_page(name)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link", f"{name}: Tab focused {focused!r} first"
    assert page.evaluate("getComputedStyle(document.activeElement).left") == "0px"  # seen
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    page.keyboard.press("Tab")  # and the tab order goes on from the content, past the header
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside, f"{name}: Tab after the skip link left the content"


@pytest.mark.parametrize("name", PAGES)
def test_it_keeps_text_contrast_at_least_aa(open_page: Callable[[str], Page], name: str) -> None:
    page = open_page(name)
    found = page.evaluate(CONTRAST, AA)
    assert found["problems"] == [], f"{name}: {found['problems']}"
    assert all(found["seen"].values()), found["seen"]  # every kind was measured


BROKEN = """<!doctype html><html><head><style>.muted { color: #aaa }</style></head><body>
<main id="main"><h1>One</h1><h1>Two</h1><input id="q"><button></button>
<svg id="bare"><rect width="4" height="4"/></svg><table><tr><td>1</td></tr></table>
<p class="muted">pale</p></main></body></html>"""


def test_it_catches_what_it_checks_on_a_page_that_breaks_every_rule(page: Page) -> None:
    """The checks are not vacuous: a page breaking each rule is told so, rule by rule."""
    page.set_content(BROKEN)
    problems = page.evaluate(STRUCTURE)
    expected = ("no lang", "2 h1", 'id="q"', "<button>", "role=img", "aria-label", "without <th>")
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)
    found = page.evaluate(CONTRAST, AA)
    assert any(problem.startswith("muted 2.") for problem in found["problems"]), found
