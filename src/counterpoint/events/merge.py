"""One record per real event: the reports of a story scope merged by actors, type and date.

Reports name the same event when their actors agree (by country where known, else by name;
either order for meetings, talks, cooperation and agreements, which have no direction), their
PLOVER type agrees, both are acts or both are not, and their dates are compatible: the intervals
their dates stand for overlap ("2026-01" contains "2026-01-16"; a date known only from the
article's publication covers the ten days before it). Within one key, reports are swept in date
order, so merging costs a sort, never a comparison of all pairs. A report without any date joins
an event of its own story (a story is one event), else forms one with its story's other
undated reports.

An exact copy of an article (``duplicate_of``) adds nothing. A sentence that another outlet's
report carries word for word is syndication: it adds a report but no independent outlet.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from counterpoint.events import lexicon as lx
from counterpoint.model import content_id
from counterpoint.model.event import Actor, Event, EventReport, ReportSource

#: PLOVER types with no direction: "Carney met Xi" and "Xi met Carney" are one meeting
SYMMETRIC = frozenset({"CONSULT", "COOPERATE", "AGREE"})
#: how far before the publication date an event dated only by it may lie
PUBLISHED_WINDOW = timedelta(days=10)
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "decade": 4, "published": 5, "inferred": 6}
_WS = re.compile(r"\W+")

Interval = tuple[date, date]


def interval(value: str | None, precision: str) -> Interval | None:
    """The days a date stands for, or None when it has no usable value."""
    if not value:
        return None
    try:
        if m := re.fullmatch(r"(\d{4})-W(\d\d)", value):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return start, start + timedelta(days=6)
        if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            d = date.fromisoformat(value)
            by_then = precision in {"published", "inferred"}  # known only from an article's date
            return (d - PUBLISHED_WINDOW, d) if by_then else (d, d)
        if re.fullmatch(r"\d{4}-\d\d", value):
            y, mo = int(value[:4]), int(value[5:7])
            nxt = date(y + (mo == 12), mo % 12 + 1, 1)
            return date(y, mo, 1), nxt - timedelta(days=1)
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 1, 1), date(int(value), 12, 31)
        if re.fullmatch(r"\d{3}", value):
            return date(int(value) * 10, 1, 1), date(int(value) * 10 + 9, 12, 31)
    except ValueError:
        return None
    return None


def _key(r: EventReport) -> tuple[str, str, str, bool]:
    s, t = r.source.key, r.target.key
    if r.type in SYMMETRIC and t < s:
        s, t = t, s
    return s, t, r.type, r.is_act


def fill_countries(sources: Sequence[ReportSource]) -> list[ReportSource]:
    """Give an actor the country other reports of the scope give the same name.

    "Prime Minister Mark Carney" has no nationality in one article, "Canadian Prime Minister Mark
    Carney" in the next: within a scope the name is one person, so the stated country carries over.
    """
    known: dict[str, Counter[str]] = defaultdict(Counter)
    for src in sources:
        for a in (src.report.source, src.report.target):
            if a.country:
                known[a.name][a.country] += 1

    def fill(a: Actor) -> Actor:
        if a.country or a.name not in known:
            return a
        return replace(a, country=known[a.name].most_common(1)[0][0])

    out = []
    for src in sources:
        r = src.report
        if r.source.country and r.target.country:
            out.append(src)
        else:
            out.append(replace(src, report=replace(r, source=fill(r.source), target=fill(r.target))))
    return out


def _clusters(members: list[ReportSource]) -> list[list[ReportSource]]:
    """Sweep one key's reports in date order; an undated report joins an event of its own story."""
    dated: list[tuple[Interval, ReportSource]] = []
    undated: list[ReportSource] = []
    for src in members:
        iv = interval(src.report.date, src.report.precision)
        if iv is None:
            undated.append(src)
        else:
            dated.append((iv, src))
    clusters: list[list[ReportSource]] = []
    end: date | None = None
    for iv, src in sorted(
        dated, key=lambda x: (x[0], x[1].report.evidence.article_id, x[1].report.evidence.start)
    ):
        if end is not None and iv[0] <= end:
            clusters[-1].append(src)
            end = max(end, iv[1])
        else:
            clusters.append([src])
            end = iv[1]
    by_story: dict[str | None, list[ReportSource]] = defaultdict(list)
    for src in undated:
        home = [c for c in clusters if any(m.story == src.story for m in c)] if src.story else []
        if home:
            max(home, key=len).append(src)
        else:
            by_story[src.story].append(src)
    clusters.extend(by_story[k] for k in sorted(by_story, key=lambda k: k or ""))
    return clusters


def merge_scope(scope_id: str, sources: Sequence[ReportSource]) -> list[Event]:
    """The events of one scope, each with its reports, outlets and evidence."""
    groups: dict[tuple[str, str, str, bool], list[ReportSource]] = defaultdict(list)
    for src in fill_countries([s for s in sources if s.duplicate_of is None]):
        groups[_key(src.report)].append(src)
    events = [_event(scope_id, c) for key in sorted(groups) for c in _clusters(groups[key])]
    return sorted(events, key=lambda e: (e.date or "", e.id))


def _event(scope_id: str, members: list[ReportSource]) -> Event:
    reports = [m.report for m in members]
    best = max(reports, key=lambda r: (r.confidence, -r.evidence.start))
    dated = sorted(
        (r for r in reports if r.date), key=lambda r: (_PRECISION_RANK.get(r.precision, 9), r.date or "")
    )
    when = dated[0] if dated else best
    outlets: list[str] = []
    seen_text: dict[str, str] = {}
    for m in sorted(members, key=lambda m: (m.published or "", m.report.evidence.article_id)):
        norm = _WS.sub(" ", m.report.evidence.text.casefold()).strip()
        first = seen_text.setdefault(norm, m.outlet)
        if first == m.outlet and m.outlet not in outlets:
            outlets.append(m.outlet)
    evidence = sorted({r.evidence for r in reports}, key=lambda s: (s.article_id, s.start))
    doubt = 1.0
    for r in reports:
        doubt *= 1.0 - r.confidence
    mode = Counter(r.mode for r in reports).most_common(1)[0][0]
    cameo = Counter(r.cameo for r in reports).most_common(1)[0][0]
    ident = content_id(f"{scope_id}|{best.source.key}|{best.target.key}|{best.type}|{evidence[0]}")
    return Event(
        id=ident,
        scope_id=scope_id,
        source=best.source,
        target=best.target,
        type=best.type,
        cameo=cameo,
        mode=mode,
        is_act=best.is_act,
        date=when.date,
        precision=when.precision if when.date else "unknown",
        score=lx.goldstein(cameo),
        reports=len({r.evidence.article_id for r in reports}),
        outlets=tuple(outlets),
        evidence=tuple(evidence),
        confidence=round(min(0.99, 1.0 - doubt), 2),
    )
