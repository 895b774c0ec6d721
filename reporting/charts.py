"""Small server-side SVG charts: no JavaScript library, no CDN, nothing inline but SVG attributes
(the Content-Security-Policy forbids inline styles and scripts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Series:
    label: str
    points: list[float | None]  # one value per period; None = no data that period


def line_chart(
    series: Series,
    labels: list[str],
    *,
    width: int = 320,
    height: int = 120,
    unit: str = "",
    max_value: float | None = None,
    target: float | None = None,
) -> SafeString:
    """A line chart of one series over periods, with its last value, an optional target line,
    a <title> per point so hovering shows the exact figure, and the unit on the value axis."""
    pad_left, pad_right, pad_top, pad_bottom = 44, 8, 10, 20
    values = [v for v in series.points if v is not None]
    top = max_value if max_value is not None else max([*values, target or 0, 1])
    top = top or 1
    inner_w = width - pad_left - pad_right
    inner_h = height - pad_top - pad_bottom
    count = max(len(series.points) - 1, 1)

    def x(i: int) -> float:
        return pad_left + inner_w * i / count

    def y(v: float) -> float:
        return pad_top + inner_h * (1 - min(v, top) / top)

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(series.label)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{pad_left}" y1="{y(0):.1f}" x2="{width - pad_right}" y2="{y(0):.1f}" '
        'stroke="#ced4da" stroke-width="1"/>',
        f'<text x="{pad_left - 4}" y="{y(top) + 4:.1f}" text-anchor="end" font-size="9" '
        f'fill="#6c757d">{_fmt(top)}{escape(unit)}</text>',
        f'<text x="{pad_left - 4}" y="{y(0) + 3:.1f}" text-anchor="end" font-size="9" '
        f'fill="#6c757d">0{escape(unit)}</text>',
    ]
    if target is not None:
        parts.append(
            f'<line x1="{pad_left}" y1="{y(target):.1f}" x2="{width - pad_right}" '
            f'y2="{y(target):.1f}" stroke="#198754" stroke-width="1" stroke-dasharray="3 3"/>'
        )
    path: list[str] = []
    segments: list[list[str]] = []
    for i, value in enumerate(series.points):
        if value is None:
            if path:
                segments.append(path)
            path = []
            continue
        path.append(f"{x(i):.1f},{y(value):.1f}")
    if path:
        segments.append(path)
    for segment in segments:
        parts.append(
            f'<polyline points="{" ".join(segment)}" fill="none" stroke="#0d6efd" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )
    for i, value in enumerate(series.points):
        if value is None:
            continue
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="2.5" fill="#0d6efd">'
            f"<title>{escape(labels[i])}: {_fmt(value)}{escape(unit)}</title></circle>"
        )
    for i in (0, len(labels) - 1):
        if 0 <= i < len(labels):
            anchor = "start" if i == 0 else "end"
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 5}" text-anchor="{anchor}" font-size="9" '
                f'fill="#6c757d">{escape(labels[i])}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"
