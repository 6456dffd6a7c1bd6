"""Charts drawn on the server as SVG: no script, no CDN, sharp on a phone and in print. Every
chart has the same numbers in a table beside it for screen readers and printing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup, escape

from .indicators import CAP

OK, BAD, NEUTRAL, TARGET = "#1f7a4d", "#b3261e", "#3b6fb6", "#8a5a00"


def _num(value: float | Decimal | int) -> float:
    return float(value)


def percent_text(value: float | Decimal | int) -> str:
    """A ratio as people read it, rounded half up (四舍五入) from its decimal value: the one
    rounding of every table, chart and PDF (a float's 30.149… made a chart say 30.1% beside a
    table's 30.2%)."""
    return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


BARS = 24  # a chart of a province's counties shows those furthest from the target


def furthest_behind(figures: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """(name, value) bars of `figures` ((name, Figure)), in their order; of more than BARS, the
    BARS furthest behind (the lowest, or for a cap the highest), worst first."""
    bars = [(name, f.value) for name, f in figures]
    if len(bars) <= BARS:
        return bars
    cap = bool(figures) and figures[0][1].indicator.kind == CAP
    return sorted(bars, key=lambda bar: bar[1], reverse=cap)[:BARS]


def bar_chart(
    bars: Sequence[tuple[str, float | Decimal | int]],
    target: float | Decimal | None,
    *,
    higher_is_better: bool = True,
    percent: bool = False,
    title: str = "",
) -> Markup:
    """Horizontal bars (long names read well), a dashed line at the target."""
    if not bars:
        return Markup("")
    row, label_w, width = 24, 170, 640
    plot = width - label_w - 60
    top = max([_num(v) for _n, v in bars] + ([_num(target)] if target is not None else []) + [0])
    top = top or 1
    height = row * len(bars) + 30
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (name, value) in enumerate(bars):
        y = 8 + i * row
        w = plot * _num(value) / top
        good = target is None or (
            _num(value) >= _num(target) if higher_is_better else _num(value) <= _num(target)
        )
        colour = NEUTRAL if target is None else (OK if good else BAD)
        shown = percent_text(value) if percent else f"{_num(value):,.0f}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(name[:14])}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="11">{shown}</text>'
        )
    if target is not None:
        x = label_w + plot * _num(target) / top
        parts.append(
            f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{height - 20}" stroke="{TARGET}" '
            f'stroke-dasharray="4 3" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" '
            f'fill="{TARGET}">{escape(_target_text(target, percent))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _target_text(target: float | Decimal, percent: bool) -> str:
    from flask_babel import gettext as _

    shown = f"{_num(target) * 100:.0f}%" if percent else f"{_num(target):,.0f}"
    return _("target %(value)s", value=shown)


def line_chart(
    points: Sequence[tuple[date, float | Decimal | int]],
    target: float | Decimal | None = None,
    *,
    percent: bool = False,
    title: str = "",
    width: int = 640,
    height: int = 180,
    spark: bool = False,
) -> Markup:
    """A line over time; `spark` draws the small one on a card, without axes."""
    if len(points) < 2:
        return Markup("")
    pad = 4 if spark else 36
    values = [_num(v) for _d, v in points] + ([_num(target)] if target is not None else [])
    low, high = min(values + [0]), max(values) or 1
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    span = max(1, last - first)

    def xy(day: date, value: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (day.toordinal() - first) / span
        y = height - pad - (height - 2 * pad) * (value - low) / ((high - low) or 1)
        return x, y

    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(d, _num(v)) for d, v in points))
    parts = [
        f'<svg class="{"spark" if spark else "chart"}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<polyline points="{path}" fill="none" stroke="{NEUTRAL}" stroke-width="2"/>',
    ]
    if target is not None:
        _x, y = xy(points[0][0], _num(target))
        parts.append(
            f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" stroke="{TARGET}" '
            f'stroke-dasharray="4 3"/>'
        )
    if not spark:
        for day, value in (points[0], points[-1]):
            x, y = xy(day, _num(value))
            shown = percent_text(value) if percent else f"{_num(value):,.0f}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{NEUTRAL}"/>'
                f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle">'
                f"{day.isoformat()[:7]}</text>"
                f'<text x="{x:.1f}" y="{max(12, y - 8):.1f}" font-size="11" '
                f'text-anchor="middle">{shown}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
