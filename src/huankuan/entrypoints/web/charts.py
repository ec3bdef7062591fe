"""Server-side SVG charts for the pages: horizontal bars, stacked columns and lines. Pure
functions from numbers and labels to accessible SVG markup — no JavaScript: each chart is an
`role="img"` with a <title> and a <desc> (and `aria-labelledby` naming both), and every value is
written as text beside its mark, so nothing depends on colour or hovering. Colours come from
CSS classes (static/charts.css). The geometry uses floats; the values shown are the caller's
labels (exact money is formatted by the caller)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

FONT = 12
PALETTE = ("series-1", "series-2", "series-3", "series-4")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str | None = None  # what is written beside the bar (default: the value)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per category; None: no value (a gap in a line)
    css: str = ""  # a class from charts.css (default: by position)


def _text(value: str) -> str:
    return escape(value, quote=True)


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _frame(
    chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]
) -> Markup:
    ids = f"{chart_id}-title {chart_id}-desc"
    head = (
        f'<svg class="chart" id="{_text(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{_text(ids)}" '
        f'aria-label="{_text(title)}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{_text(chart_id)}-title">{_text(title)}</title>'
        f'<desc id="{_text(chart_id)}-desc">{_text(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _empty(chart_id: str, title: str, desc: str, message: str, width: int) -> Markup:
    body = [f'<text class="chart-empty" x="{width / 2:g}" y="30" text-anchor="middle">']
    body.append(f"{_text(message)}</text>")
    return _frame(chart_id, title, desc, width, 50, body)


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    empty: str = "—",
    width: int = 560,
    label_width: int = 200,
) -> Markup:
    """Horizontal bars, one per item, labelled on the left with the value on the right."""
    if not bars:
        return _empty(chart_id, title, desc, empty, width)
    row, top = 26, 8
    height = top * 2 + row * len(bars)
    room = width - label_width - 70
    largest = max((bar.value for bar in bars), default=0) or 1
    body = []
    for index, bar in enumerate(bars):
        y = top + index * row
        length = max(room * bar.value / largest, 0)
        shown = bar.text if bar.text is not None else _number(bar.value)
        body.append(
            f'<g class="bar-row"><text class="chart-label" x="{label_width - 8}" '
            f'y="{y + row / 2 + FONT / 3:g}" text-anchor="end">{_text(bar.label)}</text>'
            f'<rect class="bar {PALETTE[0]}" x="{label_width}" y="{y + 4}" '
            f'width="{length:.1f}" height="{row - 8}"><title>{_text(bar.label)}: '
            f"{_text(shown)}</title></rect>"
            f'<text class="chart-value" x="{label_width + length + 6:.1f}" '
            f'y="{y + row / 2 + FONT / 3:g}">{_text(shown)}</text></g>'
        )
    return _frame(chart_id, title, desc, width, height, body)


def _plot_area(width: int, height: int) -> tuple[int, int, int, int]:
    """(left, top, plot width, plot height) leaving room for the axis and the labels."""
    left, top, bottom = 44, 12, 44
    return left, top, width - left - 12, height - top - bottom


def nice_top(value: float) -> float:
    """The axis top: four equal steps of 1, 2, 2.5 or 5 times a power of ten, so that the
    gridlines fall on round numbers (whole numbers when the values are whole: no 2.5)."""
    if value <= 0:
        return 4
    whole = value == int(value)
    raw = value / 4
    power: float = 10.0 ** math.floor(math.log10(raw))
    steps = (1.0, 2.0, 5.0, 10.0) if whole else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(m * power for m in steps if m * power >= raw)
    return max(step, 1.0) * 4 if whole else step * 4


def _axis(left: int, top: int, plot_w: int, plot_h: int, top_value: float, fmt: str) -> list[str]:
    parts = []
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line class="gridline" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis-label" x="{left - 6}" y="{y + FONT / 3:.1f}" '
            f'text-anchor="end">{_text(fmt.format(value))}</text>'
        )
    return parts


def _x_labels(labels: Sequence[str], left: int, slot: float, baseline: float) -> list[str]:
    every = max(1, -(-len(labels) // 10))  # at most about ten labels under the axis
    return [
        f'<text class="axis-label" x="{left + slot * (i + 0.5):.1f}" y="{baseline + 16:.1f}" '
        f'text-anchor="middle">{_text(label)}</text>'
        for i, label in enumerate(labels)
        if _kept(i, len(labels), every)
    ]


def _kept(index: int, count: int, every: int) -> bool:
    """Every `every`-th item counted back from the last (the latest is always shown)."""
    return (count - 1 - index) % every == 0


def _legend(series: Sequence[Series], y: float, left: int) -> list[str]:
    parts, x = [f'<g class="legend" transform="translate({left},{y:.1f})">'], 0.0
    for index, item in enumerate(series):
        css = item.css or PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect class="legend-key {css}" x="{x:.1f}" y="-9" width="10" height="10"/>'
            f'<text class="chart-label" x="{x + 14:.1f}" y="0">{_text(item.name)}</text>'
        )
        x += 24 + FONT * 0.62 * len(item.name) * (1.8 if not item.name.isascii() else 1)
    parts.append("</g>")
    return parts


def stacked_bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    height: int = 260,
    totals_text: Sequence[str] | None = None,
) -> Markup:
    """One column per category, its segments stacked in series order, the total above it
    (`totals_text`: how to write each total, e.g. as money; default the number)."""
    left, top, plot_w, plot_h = _plot_area(width, height)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    top_value = nice_top(max(totals, default=0))
    slot = plot_w / max(len(categories), 1)
    body = _axis(left, top, plot_w, plot_h, top_value, "{:.0f}")
    shown = list(totals_text) if totals_text is not None else [_number(v) for v in totals]
    widest = max((len(text) for text in shown), default=0) * FONT * 0.6
    every = max(1, -(-int(widest) // max(int(slot), 1)))  # totals that would overlap: thinned
    shown = [text if _kept(i, len(shown), every) else "" for i, text in enumerate(shown)]
    for i, category in enumerate(categories):
        base = float(top + plot_h)
        body.append(f'<g class="bar-group" data-category="{_text(category)}">')
        for index, item in enumerate(series):
            value = item.values[i] or 0
            size = plot_h * value / top_value
            base -= size
            css = item.css or PALETTE[index % len(PALETTE)]
            body.append(
                f'<rect class="bar {css}" x="{left + slot * i + slot * 0.15:.1f}" '
                f'y="{base:.1f}" width="{slot * 0.7:.1f}" height="{size:.1f}">'
                f"<title>{_text(category)} · {_text(item.name)}: {_number(value)}</title></rect>"
            )
        body.append(
            f'<text class="chart-value" x="{left + slot * (i + 0.5):.1f}" y="{base - 3:.1f}" '
            f'text-anchor="middle">{_text(shown[i])}</text></g>'
        )
    body += _x_labels(categories, left, slot, top + plot_h)
    body += _legend(series, height - 6, left)
    return _frame(chart_id, title, desc, width, height, body)


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    y_max: float | None = None,
    y_format: str = "{:.0f}",
    width: int = 640,
    height: int = 260,
) -> Markup:
    """One line per series over the categories; a None value breaks the line."""
    left, top, plot_w, plot_h = _plot_area(width, height)
    values = [v for s in series for v in s.values if v is not None]
    top_value = y_max if y_max is not None else nice_top(max(values, default=0))
    slot = plot_w / max(len(categories), 1)
    body = _axis(left, top, plot_w, plot_h, top_value, y_format)
    for index, item in enumerate(series):
        css = item.css or PALETTE[index % len(PALETTE)]
        points = [
            (left + slot * (i + 0.5), top + plot_h - plot_h * value / top_value, i, value)
            for i, value in enumerate(item.values)
            if value is not None
        ]
        body.append(f'<g class="line-series {css}" data-series="{_text(item.name)}">')
        for run in _runs(points):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in run)
            body.append(f'<polyline class="line" points="{path}"/>')
        body += [
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5"><title>'
            f"{_text(categories[i])} · {_text(item.name)}: {_text(y_format.format(v))}"
            "</title></circle>"
            for x, y, i, v in points
        ]
        body.append("</g>")
    body += _x_labels(categories, left, slot, top + plot_h)
    body += _legend(series, height - 6, left)
    return _frame(chart_id, title, desc, width, height, body)


def _runs(
    points: list[tuple[float, float, int, float]],
) -> list[list[tuple[float, float, int, float]]]:
    """Consecutive points (no gap between their categories) form one polyline."""
    runs: list[list[tuple[float, float, int, float]]] = []
    for point in points:
        if runs and runs[-1][-1][2] == point[2] - 1:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs
