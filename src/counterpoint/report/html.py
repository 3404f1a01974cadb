"""The static, self-contained ``report.html``: one file, inline CSS, no script, works from disk.

Article text is hostile input: the template environment autoescapes
everything, and a Content-Security-Policy forbids scripts and remote loads
outright, so even a missed escape could not run or fetch anything.

The helpers here (``template_env``, ``display_title``, ``highlight``) and the
partials in ``report/templates/_*.j2`` are shared with the web app
(``counterpoint.web``), so an article looks the same in the report and in ``serve``.
"""

from __future__ import annotations

import heapq
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from counterpoint import __version__
from counterpoint.model import Article, Entity, StoredArticle
from counterpoint.report.slant_view import slant_view
from counterpoint.store import Store

_WORD = re.compile(r"\w+")
_PARA_BREAK = re.compile(r"\n\s*\n")
#: Beyond this many articles the report lists them all but shows full text for the first ones only;
#: analysis.json always has everything.
DEFAULT_MAX_FULL_TEXT = 500
#: How many entities the report's entity table lists.
TOP_ENTITIES = 40
#: Words of the lead used as a stand-in title for an article that states none.
FALLBACK_TITLE_WORDS = 10

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
#: Nesting order of highlight marks in a piece of text: outermost first.
MARK_ORDER = {"quote": 0, "loaded": 1, "entity": 2, "number": 3, "time": 3}


# Bidi embedding, override and isolate controls (U+202A-202E, U+2066-2069): in a scraped title or
# name they can reverse the text around them on the page ("Trojan Source"); every value a
# template prints goes through without_bidi_controls. Marks (U+200E/200F) stay: RTL text needs them.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(value: object) -> object:
    """``value`` with bidi override/embedding/isolate controls removed (Jinja ``finalize``)."""
    if isinstance(value, Markup):
        return Markup(str(value).translate(_BIDI_CONTROLS))
    if isinstance(value, str):
        return value.translate(_BIDI_CONTROLS)
    return value


def template_env(*extra: BaseLoader) -> Environment:
    """The Jinja2 environment shared by the report and the web app: autoescape always on.

    ``extra`` loaders are searched before the report's own templates (the web app passes
    its page templates); the shared partials always come from ``report/templates``.
    """
    env = Environment(
        loader=ChoiceLoader([*extra, PackageLoader("counterpoint", "report/templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=without_bidi_controls,
    )
    env.filters["paragraphs"] = lambda text: [p for p in str(text).split("\n\n") if p.strip()]
    return env


def display_title(title: str | None, text: str) -> tuple[str, bool]:
    """The title to show and whether it is a stand-in (first words of the lead) for a missing one."""
    if title and title.strip():
        return title.strip(), False
    words = text.split()[:FALLBACK_TITLE_WORDS]
    if not words:
        return "(untitled)", True
    more = len(text.split(maxsplit=FALLBACK_TITLE_WORDS)) > FALLBACK_TITLE_WORDS
    return " ".join(words) + ("…" if more else ""), True


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlight over ``text[start:end]``; ``ref`` groups marks that light up together."""

    start: int
    end: int
    kind: str  # quote | loaded | entity | number | time
    ref: str  # e.g. "e-<entity id>", "q-3": the legend and the lists point at marks by ref
    label: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """One step of highlighted text: open a mark, some text, or close the innermost open mark."""

    kind: str  # open | text | close
    text: str = ""
    mark: Mark | None = None


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank paragraph; paragraphs are separated by a blank line."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _paragraph_events(text: str, ps: int, pe: int, marks: Sequence[Mark]) -> list[Event]:
    # a heap of (start, -end, nesting order, seq, end, mark); a mark that would cross the end of the
    # mark it opens inside is cut there and its remainder queued, so the spans always nest
    heap = [
        (max(ps, m.start), -min(pe, m.end), MARK_ORDER.get(m.kind, 9), i, min(pe, m.end), m)
        for i, m in enumerate(marks)
        if m.start < pe and m.end > ps
    ]
    heapq.heapify(heap)
    seq = len(heap)
    events: list[Event] = []
    stack: list[int] = []  # ends of the open marks, innermost last (never increasing)
    pos = ps
    while heap or stack:
        nxt = min(heap[0][0] if heap else pe, stack[-1] if stack else pe)
        if nxt > pos:
            events.append(Event("text", text[pos:nxt]))
            pos = nxt
        while stack and stack[-1] <= pos:
            stack.pop()
            events.append(Event("close"))
        while heap and heap[0][0] <= pos:
            _, _, order, _, end, mark = heapq.heappop(heap)
            if stack and end > stack[-1]:
                seq += 1
                heapq.heappush(heap, (stack[-1], -end, order, seq, end, mark))
                end = stack[-1]
            events.append(Event("open", mark=mark))
            stack.append(end)
    if pos < pe:
        events.append(Event("text", text[pos:pe]))
    return events


def highlight(text: str, marks: Iterable[Mark]) -> list[list[Event]]:
    """``text`` as paragraphs of events that open and close marks around runs of text.

    Marks nest as spans; one that overlaps the end of another is cut in two at that point.
    Marks outside the text or empty are ignored.
    """
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    return [_paragraph_events(text, ps, pe, valid) for ps, pe in paragraph_ranges(text)]


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """What the report shows of one article."""

    stored: StoredArticle
    words: int
    full_text: bool
    title: str
    title_is_fallback: bool
    quotes: Sequence[dict[str, Any]] = ()
    dates: Sequence[dict[str, Any]] = ()
    body: Sequence[Sequence[Event]] = ()


def _article_layers(
    store: Store, art: Article, entity_ids: dict[tuple[str, str], str | None]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[list[Event]]]:
    layers = store.article_items(art.id, art.text)
    marks: list[Mark] = []
    for m in layers.get("mention", ()):
        key = (m.canonical, m.label)
        if key not in entity_ids:
            entity_ids[key] = store.entity_for(m.canonical, (m.label,))
        eid = entity_ids[key]
        marks.append(Mark(m.span.start, m.span.end, "entity", f"e-{eid or m.canonical}", m.label))
    quotes = []
    for i, q in enumerate(layers.get("quote", ())):
        marks.append(Mark(q.span.start, q.span.end, "quote", f"q-{i}", q.speaker or ""))
        quotes.append({"ref": f"q-{i}", "text": q.span.text, "speaker": q.speaker, "cue": q.cue})
    dates = [
        {"text": t.span.text, "value": t.value, "precision": t.precision} for t in layers.get("time", ())
    ]
    return quotes, dates, highlight(art.text, marks)


def build_context(store: Store, *, max_full_text: int = DEFAULT_MAX_FULL_TEXT) -> dict[str, Any]:
    """Everything the report template needs, read from the store."""
    rows: list[ArticleRow] = []
    outlets: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    dates: list[str] = []
    removed_reasons: Counter[str] = Counter()
    entity_ids: dict[tuple[str, str], str | None] = {}
    for i, sa in enumerate(store.iter_articles()):
        art = sa.article
        title, fallback = display_title(art.title, art.text)
        full = i < max_full_text
        quotes, found_dates, body = _article_layers(store, art, entity_ids) if full else ([], [], [])
        rows.append(
            ArticleRow(sa, len(_WORD.findall(art.text)), full, title, fallback, quotes, found_dates, body)
        )
        outlets[art.outlet or "(unknown outlet)"] += 1
        languages[art.language or "?"] += 1
        if art.published:
            dates.append(art.published)
        for r in art.removed:
            removed_reasons[r.reason] += 1
    entities: list[Entity] = []
    for ent in store.iter_entities():
        if len(entities) >= TOP_ENTITIES:
            break
        entities.append(ent)
    skipped = list(store.iter_skipped())
    counts = store.counts()
    stories, storylines, _dups = store.story_records()
    titles = {r.stored.article.id: r.title for r in rows}
    claims_by_story: dict[str, list[dict[str, Any]]] = {}
    for claim in store.claim_records():
        claims_by_story.setdefault(claim["story_id"], []).append(claim)
    timelines: dict[str, list[dict[str, Any]]] = {}
    for event in store.timeline_records():
        timelines.setdefault(event["scope_id"], []).append(event)
    source_names = {
        r.stored.article.id: r.stored.article.outlet or _clip(r.title or r.stored.article.source, 40)
        for r in rows
    }
    view = slant_view(store)
    # one dot per article: a run's report is often a handful of articles from as many outlets
    chart = view.chart(per="article", href_prefix="#a-", title="Articles by loaded language and stance")
    return {
        "stories": stories,
        "claims_by_story": claims_by_story,
        "timelines": timelines,
        "source_names": source_names,
        "storylines": {s["id"]: s for s in storylines},
        "article_titles": titles,
        "slant_view": view,
        "slant_chart": chart,
        "version": __version__,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "csp": CSP,
        "articles": rows,
        "skipped": skipped,
        "counts": counts,
        "entities": entities,
        "outlets": outlets.most_common(),
        "languages": languages.most_common(),
        "removed_reasons": removed_reasons.most_common(),
        "date_range": (min(dates), max(dates)) if dates else None,
        "max_full_text": max_full_text,
    }


def _clip(text: str, n: int) -> str:
    text = text.rsplit("/", 1)[-1] if "/" in text and " " not in text else text
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def render_report(context: dict[str, Any]) -> str:
    """Render the report page from a context built by ``build_context``."""
    return template_env().get_template("report.html.j2").render(**context)


def write_report(
    store: Store, path: str | os.PathLike[str], *, max_full_text: int = DEFAULT_MAX_FULL_TEXT
) -> Path:
    """Write report.html for everything in ``store``; return its path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(render_report(build_context(store, max_full_text=max_full_text)), encoding="utf-8")
    os.replace(tmp, out)
    return out
