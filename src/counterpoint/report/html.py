"""The pages of the static report: the front page (``report.html``) and the shared helpers.

Every page is self-contained (inline CSS, no script) and works from disk; ``report/site.py``
writes them, ``report/story_page.py`` makes the page of each story.

Article text is hostile input: the template environment autoescapes
everything, and a Content-Security-Policy forbids scripts and remote loads
outright, so even a missed escape could not run or fetch anything.

The helpers here (``template_env``, ``display_title``, ``highlight``) and the
partials in ``report/templates/_*.j2`` are shared with the web app
(``counterpoint.web``), so an article looks the same in the report and in ``serve``.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from counterpoint import __version__
from counterpoint.model import Article, Entity, StoredArticle
from counterpoint.report.relations import relations_context
from counterpoint.report.slant_view import slant_view
from counterpoint.slant.lean import Leans, blindspot
from counterpoint.store import Store

_WORD = re.compile(r"\w+")
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: The folder of the story pages, next to report.html.
STORIES = "stories"
_PARA_BREAK = re.compile(r"\n\s*\n")
#: How many rows each list of the report's front page shows (stories, articles, outlets, skipped
#: inputs); the count of the others is shown, and the web app and analysis.json have them all.
INDEX_ROWS = 200
#: How many entities the report's entity table lists.
TOP_ENTITIES = 40
#: Up to this many articles the slant chart has one dot per article, beyond it one per outlet.
CHART_ARTICLES = 200
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
    """What a report page shows of one article."""

    stored: StoredArticle
    words: int
    full_text: bool
    title: str
    title_is_fallback: bool
    quotes: Sequence[dict[str, Any]] = ()
    dates: Sequence[dict[str, Any]] = ()
    body: Sequence[Sequence[Event]] = ()
    href: str | None = None  # where the article is shown in full (its story's page)
    copy: bool = False  # a near-duplicate copy of another article of the story


def article_layers(
    store: Store, art: Article
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[list[Event]]]:
    """Quotes and dates of one article, and its text as highlighted paragraphs (quotes marked).

    Entities are not marked in the static report: their links change with corpus-wide entity
    linking on every run, and the web app marks them.
    """
    layers = store.article_items(art.id, art.text)
    marks: list[Mark] = []
    quotes = []
    for i, q in enumerate(layers.get("quote", ())):
        marks.append(Mark(q.span.start, q.span.end, "quote", f"q-{i}", q.speaker or ""))
        quotes.append({"ref": f"q-{i}", "text": q.span.text, "speaker": q.speaker, "cue": q.cue})
    dates = [
        {"text": t.span.text, "value": t.value, "precision": t.precision} for t in layers.get("time", ())
    ]
    return quotes, dates, highlight(art.text, marks)


def article_row(sa: StoredArticle, *, href: str | None = None) -> ArticleRow:
    """A list row of one article (no full text)."""
    title, fallback = display_title(sa.article.title, sa.article.text)
    return ArticleRow(sa, len(_WORD.findall(sa.article.text)), False, title, fallback, href=href)


def page_name(story_id: str) -> str:
    """The file name of a story's page: its id, or a hash of it if it is not a plain file name."""
    if _SAFE_ID.fullmatch(story_id):
        return f"{story_id}.html"
    return f"s{hashlib.sha256(story_id.encode()).hexdigest()[:24]}.html"


def build_context(store: Store, leans: Leans | None = None) -> dict[str, Any]:
    """What the report's front page shows, read from the store; every list is capped.

    With ``leans`` (the user's outlet lean ratings) each listed story gets its ``coverage`` by
    lean, and the stories only one side's outlets carry are listed as blindspots.

    The page is re-rendered on every run, so it reads tallies aggregated by the store and the
    latest ``INDEX_ROWS`` of each list, never every article.
    """
    overview = store.overview_for_output()
    counts = store.counts()
    stories, storylines, _dups = store.stories_for_output()
    latest = sorted(stories, key=lambda s: (s["last_seen"] or "", s["articles"]), reverse=True)
    for s in latest[:INDEX_ROWS]:
        s["href"] = f"{STORIES}/{page_name(s['id'])}"
    blindspots: list[dict[str, Any]] = []
    if leans is not None:
        for s in latest:
            s["coverage"] = leans.coverage(s["outlets"])
            side = blindspot(s["coverage"])
            if side and len(blindspots) < INDEX_ROWS:
                s.setdefault("href", f"{STORIES}/{page_name(s['id'])}")
                blindspots.append({**s, "unseen_by": side})
    rows = [
        article_row(sa, href=f"{STORIES}/{page_name(sid)}#a-{sa.article.id}" if sid else None)
        for sa, sid in store.latest_articles_for_output(INDEX_ROWS)
    ]
    entities: list[Entity] = []
    for ent in store.iter_entities():
        if len(entities) >= TOP_ENTITIES:
            break
        entities.append(ent)
    skipped = list(islice(store.iter_skipped(), INDEX_ROWS))
    view = slant_view(store)
    # a handful of articles: one dot each; a corpus: one dot per outlet, so the chart stays small
    per = "article" if counts["articles"] <= CHART_ARTICLES else "outlet"
    chart = view.chart(
        per=per, title=f"{'Articles' if per == 'article' else 'Outlets'} by loaded language and stance"
    )
    return {
        "stories": latest[:INDEX_ROWS],
        "story_total": len(stories),
        "claim_counts": store.claim_counts_for_output(),
        "storylines": {s["id"]: s for s in storylines},
        "slant_view": view,
        "slant_chart": chart,
        "version": __version__,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "csp": CSP,
        "articles": rows,
        "skipped": skipped,
        "counts": counts,
        "overview": overview,
        "entities": entities,
        "max_rows": INDEX_ROWS,
        "relations": relations_context(store),
        "leans": leans.source if leans is not None else None,
        "blindspots": blindspots,
    }


def render_report(context: dict[str, Any]) -> str:
    """Render the report's front page from a context built by ``build_context``."""
    return template_env().get_template("report.html.j2").render(**context)
