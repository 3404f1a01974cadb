"""Country-pair relations over time for the report and the web app: a chart and the events behind it.

The series are the store's (one point per month: events that took place between the two countries
and their mean Goldstein score); months without events are drawn as gaps, so a reader sees when
the pair was quiet. Each bar's tooltip gives the month, the number of events and the mean score,
and the list under the chart cites every event with its evidence sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from counterpoint.store import Store

#: pairs shown on the report's front page (the most eventful), and events listed per pair
TOP_PAIRS = 6
EVENTS_PER_PAIR = 8
_POS, _NEG = "#2f8f5b", "#b5473a"


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 600:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def relation_chart(
    pair: str, series: Sequence[dict[str, Any]], *, width: int = 560, height: int = 200
) -> Markup:
    """Mean cooperation–conflict score per month as bars above (cooperation) or below (conflict) zero."""
    if not series:
        return Markup("")
    months = _months(series[0]["period"], series[-1]["period"])
    by = {p["period"]: p for p in series}
    left, right, top, bottom = 34, 10, 12, 34
    pw, ph = width - left - right, height - top - bottom
    mid = top + ph / 2
    step = pw / max(len(months), 1)
    bw = min(max(step * 0.7, 2.0), 36.0)
    parts = [
        f'<svg class="chart relation" role="img" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(pair)}: mean cooperation–conflict score per month</title>",
        f'<line x1="{left}" y1="{mid:.1f}" x2="{left + pw}" y2="{mid:.1f}" stroke="#c3cad3"/>',
        f'<text x="{left - 4}" y="{top + 9}" font-size="10" text-anchor="end" fill="#5d6875">+10</text>',
        f'<text x="{left - 4}" y="{mid + 3:.1f}" font-size="10" text-anchor="end" fill="#5d6875">0</text>',
        f'<text x="{left - 4}" y="{top + ph}" font-size="10" text-anchor="end" fill="#5d6875">−10</text>',
    ]
    label_every = max(1, len(months) // 8)
    for i, month in enumerate(months):
        x = left + i * step + (step - bw) / 2
        p = by.get(month)
        if p is not None:
            score = max(-10.0, min(10.0, float(p["score"])))
            h = max(abs(score) / 10 * ph / 2, 1.5)
            y = mid - h if score >= 0 else mid
            tip = f"{month}: {p['events']} event{'s' if p['events'] != 1 else ''}, mean score {score:+.1f}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}"'
                f' fill="{_POS if score >= 0 else _NEG}"><title>{escape(tip)}</title></rect>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bw / 2:.1f}" y="{top + ph + 14}" font-size="10" text-anchor="middle"'
                f' fill="#5d6875">{escape(month)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def relations_context(
    store: Store, *, top: int = TOP_PAIRS, per_pair: int = EVENTS_PER_PAIR
) -> list[dict[str, Any]]:
    """The most eventful country pairs, each with its chart, series and cited events."""
    out: list[dict[str, Any]] = []
    for rel in store.relations_for_output()[:top]:
        events = store.events_for_output(pair=rel["pair"], limit=per_pair, max_evidence=1)
        out.append(
            {
                "pair": rel["pair"],
                "series": rel["series"],
                "events_total": sum(p["events"] for p in rel["series"]),
                "chart": relation_chart(rel["pair"], rel["series"]),
                "events": events,
            }
        )
    return out
