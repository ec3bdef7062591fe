"""The SVG charts: well-formed, accessible (role, title, desc, labels), one mark per value with
sizes in proportion, labels escaped, gaps in lines kept."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from huankuan.entrypoints.web.charts import (
    Bar,
    Series,
    bar_chart,
    line_chart,
    nice_top,
    stacked_bar_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def all_of(root: ET.Element, tag: str, css: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{SVG}{tag}")
    return [e for e in found if css is None or css in (e.get("class") or "").split()]


def assert_accessible(root: ET.Element, chart_id: str, title: str) -> None:
    assert root.get("role") == "img" and root.get("aria-label") == title
    labelled = (root.get("aria-labelledby") or "").split()
    assert labelled == [f"{chart_id}-title", f"{chart_id}-desc"]
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    assert root.find(f"{SVG}title").text == title  # type: ignore[union-attr]


def test_it_draws_one_labelled_bar_per_item_in_proportion() -> None:
    bars = [Bar("CN-NIFA-HOURS", 4), Bar("US-REGF-7IN7", 2, "2 次"), Bar("HOLD", 0)]
    root = parse(bar_chart("blocks", "Gate blocks", "By rule", bars))
    assert_accessible(root, "blocks", "Gate blocks")
    rects = all_of(root, "rect", "bar")
    assert len(rects) == 3
    widths = [float(r.get("width", "0")) for r in rects]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    texts = [t.text for t in all_of(root, "text")]
    assert "CN-NIFA-HOURS" in texts and "2 次" in texts and "4" in texts


def test_it_escapes_labels() -> None:
    markup = bar_chart("x", 'a "quoted" <title>', "d", [Bar("<script>alert(1)</script>", 1)])
    assert "<script>" not in str(markup)
    root = parse(markup)
    assert all_of(root, "text")[0].text == "<script>alert(1)</script>"


def test_it_says_so_when_there_is_nothing_to_draw() -> None:
    root = parse(bar_chart("none", "Gate blocks", "By rule", [], empty="No blocks"))
    assert all_of(root, "rect", "bar") == []
    assert [t.text for t in all_of(root, "text")] == ["No blocks"]


def test_it_stacks_the_series_of_each_category_with_the_total_on_top() -> None:
    series = [Series("robot", [3, 0, 1]), Series("human", [1, 0, 1]), Series("auto", [0, 0, 2])]
    root = parse(
        stacked_bar_chart("mix", "Contacts", "Per day", ["11-26", "11-27", "11-28"], series)
    )
    assert_accessible(root, "mix", "Contacts")
    groups = all_of(root, "g", "bar-group")
    assert [g.get("data-category") for g in groups] == ["11-26", "11-27", "11-28"]
    first = [float(r.get("height", "0")) for r in groups[0].iter(f"{SVG}rect")]
    assert first[0] == pytest.approx(3 * first[1]) and first[2] == 0
    totals = [t.text for g in groups for t in g.iter(f"{SVG}text")]
    assert totals == ["4", "0", "4"]
    legend = [t.text for t in all_of(root, "g", "legend")[0].iter(f"{SVG}text")]
    assert legend == ["robot", "human", "auto"]


def test_it_draws_lines_with_a_point_per_value_and_a_gap_for_none() -> None:
    series = [Series("RPC %", [50, None, 75, 100]), Series("kept", [1, 2, 3, 4])]
    root = parse(line_chart("rate", "RPC", "Per day", ["a", "b", "c", "d"], series, y_max=100))
    assert_accessible(root, "rate", "RPC")
    rpc, kept = all_of(root, "g", "line-series")
    assert len(all_of(rpc, "polyline")) == 2 and len(all_of(rpc, "circle")) == 3
    assert len(all_of(kept, "polyline")) == 1 and len(all_of(kept, "circle")) == 4
    heights = [float(c.get("cy", "0")) for c in all_of(kept, "circle")]
    assert heights == sorted(heights, reverse=True)  # rising values, higher on the page


def test_it_thins_out_axis_labels_on_long_trends() -> None:
    days = [f"d{i}" for i in range(30)]
    root = parse(stacked_bar_chart("long", "t", "d", days, [Series("s", [1] * 30)]))
    labels = [t.text for t in all_of(root, "text", "axis-label") if (t.text or "").startswith("d")]
    assert 8 <= len(labels) <= 12 and labels[-1] == "d29"


@pytest.mark.parametrize(
    ("largest", "top"),
    [(0, 4), (1, 4), (3, 4), (5, 8), (9, 20), (12, 20), (6839, 8000), (0.3, 0.4), (9.5, 10)],
)
def test_it_puts_the_axis_top_on_a_round_number(largest: float, top: float) -> None:
    assert nice_top(largest) == pytest.approx(top)


def test_it_thins_out_wide_totals_keeping_the_latest() -> None:
    days = [str(i) for i in range(14)]
    money = [f"¥{i},000.00" for i in range(14)]
    markup = stacked_bar_chart(
        "m", "t", "d", days, [Series("s", list(range(14)))], totals_text=money
    )
    shown = [t.text or "" for t in all_of(parse(markup), "text", "chart-value")]
    assert shown[-1] == "¥13,000.00"
    assert not any(shown[i] and shown[i + 1] for i in range(13))
