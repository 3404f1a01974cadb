"""Server-side SVG charts: no script, no remote library, so they work offline and under a strict CSP.

Every label that comes from an article or outlet is escaped; the charts are plain markup that the
report and the web app embed as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#2457a6", "#b5473a", "#2f8f5b", "#a86f00", "#6b4aa0", "#1f8a99", "#8a5a44", "#5d6875")


@dataclass(frozen=True, slots=True)
class Point:
    """One dot: an outlet (or article) placed by two scores; ``size`` is how many articles it stands for.

    ``sentences`` is how many sentences stand behind ``x`` and ``x_err`` the half-width of its
    uncertainty whisker (0 draws none): a reader sees which points rest on little evidence.
    """

    label: str
    x: float
    y: float
    size: int = 1
    href: str | None = None
    sentences: int = 0
    x_err: float = 0.0


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def scatter(
    points: Sequence[Point],
    *,
    x_label: str,
    y_label: str,
    x_range: tuple[float, float] = (-1.0, 1.0),
    y_range: tuple[float, float] = (0.0, 1.0),
    width: int = 560,
    height: int = 340,
    title: str = "",
) -> Markup:
    """A labelled scatter plot as inline SVG (e.g. outlets by stance × loaded language)."""
    left, right, top, bottom = 48, 16, 16, 44
    pw, ph = width - left - right, height - top - bottom
    (x0, x1), (y0, y1) = x_range, y_range

    def px(x: float) -> float:
        return left + (min(max(x, x0), x1) - x0) / (x1 - x0) * pw

    def py(y: float) -> float:
        return top + ph - (min(max(y, y0), y1) - y0) / (y1 - y0) * ph

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title or f"{y_label} by {x_label}")}</title>',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fbfcfd" stroke="#dde2e8"/>',
    ]
    if x0 < 0 < x1:
        zx = _fmt(px(0))
        parts.append(
            f'<line x1="{zx}" y1="{top}" x2="{zx}" y2="{top + ph}" stroke="#c3cad3" stroke-dasharray="4 3"/>'
        )
    for frac in (0.0, 0.5, 1.0):
        xv, yv = x0 + frac * (x1 - x0), y0 + frac * (y1 - y0)
        parts.append(
            f'<text x="{_fmt(px(xv))}" y="{top + ph + 14}" font-size="11" text-anchor="middle"'
            f' fill="#5d6875">{xv:g}</text>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{_fmt(py(yv) + 4)}" font-size="11" text-anchor="end"'
            f' fill="#5d6875">{yv:g}</text>'
        )
    parts.append(
        f'<text x="{left + pw / 2}" y="{height - 8}" font-size="12" text-anchor="middle"'
        f' fill="#1d232b">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text transform="translate(13 {top + ph / 2}) rotate(-90)" font-size="12" text-anchor="middle"'
        f' fill="#1d232b">{escape(y_label)}</text>'
    )
    for i, p in enumerate(points):
        cx, cy = _fmt(px(p.x)), _fmt(py(p.y))
        r = _fmt(4 + min(p.size, 25) ** 0.5 * 2)
        color = PALETTE[i % len(PALETTE)]
        evidence = f", {p.sentences} sentence(s)" if p.sentences else ""
        tip = escape(f"{p.label}: {x_label} {p.x:+.2f}, {y_label} {p.y:.2f}, {p.size} article(s){evidence}")
        whisker = ""
        if p.x_err > 0:
            wa, wb = _fmt(px(p.x - p.x_err)), _fmt(px(p.x + p.x_err))
            whisker = (
                f'<line class="err" x1="{wa}" y1="{cy}" x2="{wb}" y2="{cy}" stroke="{color}"'
                f' stroke-width="2" stroke-opacity="0.45"/>'
            )
        count = f"{p.size} art." + (f" · {p.sentences} sent." if p.sentences else "")
        dot = (
            f"{whisker}"
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{color}" fill-opacity="0.75">'
            f"<title>{tip}</title></circle>"
            f'<text x="{cx}" y="{_fmt(py(p.y) + 14 + float(r) / 2)}" font-size="9" text-anchor="middle"'
            f' fill="#5d6875">{escape(count)}</text>'
            f'<text x="{cx}" y="{_fmt(py(p.y) - 8 - float(r) / 2)}" font-size="11" text-anchor="middle"'
            f' fill="#1d232b">{escape(p.label[:28])}</text>'
        )
        parts.append(f'<a href="{escape(p.href)}">{dot}</a>' if p.href else dot)
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(
    series: Sequence[tuple[str, int]],
    *,
    y_label: str = "articles",
    width: int = 560,
    height: int = 180,
    title: str = "",
) -> Markup:
    """A bar chart of counts per period (e.g. coverage per day of a storyline) as inline SVG."""
    left, right, top, bottom = 40, 12, 12, 40
    pw, ph = width - left - right, height - top - bottom
    peak = max((n for _k, n in series), default=0) or 1
    step = pw / max(len(series), 1)
    bw = max(step * 0.8, 1.0)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{escape(title or y_label)}</title>',
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#c3cad3"/>',
        f'<text x="{left - 6}" y="{top + 10}" font-size="11" text-anchor="end" fill="#5d6875">{peak}</text>',
        f'<text x="{left - 6}" y="{top + ph}" font-size="11" text-anchor="end" fill="#5d6875">0</text>',
    ]
    label_every = max(1, len(series) // 8)
    for i, (key, n) in enumerate(series):
        h = n / peak * ph
        x = left + i * step + (step - bw) / 2
        parts.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(top + ph - h)}" width="{_fmt(bw)}" height="{_fmt(h)}"'
            f' fill="#2457a6"><title>{escape(key)}: {n}</title></rect>'
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{_fmt(x + bw / 2)}" y="{top + ph + 14}" font-size="10" text-anchor="middle"'
                f' fill="#5d6875">{escape(key)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
