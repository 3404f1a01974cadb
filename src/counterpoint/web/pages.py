"""Server-rendered HTML pages: home, article, entity, outlet, search, story.

Each handler reads the store through ``store.web`` and renders a template from
``web/templates`` (page layouts) with the partials of ``report/templates``
(shared with report.html). Everything from an article is autoescaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from counterpoint.report.charts import bars
from counterpoint.report.html import Mark, display_title, highlight
from counterpoint.report.relations import relation_chart
from counterpoint.report.slant_view import SlantView, build_slant_view
from counterpoint.report.story_page import story_timeline
from counterpoint.slant.lean import story_lean
from counterpoint.store import views
from counterpoint.store import web as q
from counterpoint.store.claims import story_sides, timeline_for_output
from counterpoint.store.events import events_for_output, relations_for_output
from counterpoint.web.params import Filters, Page, filters_param, is_id, page_param

PAGE_SIZE = 50
#: Search results per page: each needs a snippet, which re-reads that article's text.
SEARCH_PAGE_SIZE = 20


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render one page template with the context every page shares."""
    env = request.app.state.env
    html = env.get_template(template).render(request=request, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)


def pager(request: Request, page: Page, total: int | None, shown: int) -> dict[str, str | None]:
    """Previous/next links that keep the other query parameters."""
    prev_off = max(0, page.offset - page.limit)
    more = (page.offset + shown < total) if total is not None else shown == page.limit
    return {
        "prev": str(request.url.include_query_params(offset=prev_off)) if page.offset else None,
        "next": str(request.url.include_query_params(offset=page.offset + page.limit)) if more else None,
    }


def _slant_view(
    db: Any, *, article_ids: Sequence[str] | None = None, entity: str | None = None, outlet: str | None = None
) -> SlantView:
    rows = views.slant_rows(db, article_ids=article_ids, outlet=outlet)
    return build_slant_view(views.entity_display_names(db), rows, entity=entity)


def home(request: Request) -> Response:
    """Storylines and stories when the store has them; the latest articles, outlets and entities always."""
    store = request.app.state.db
    with store.read() as db:
        return render(request, "home.html.j2", **store.cached("home", lambda: _home_context(db)))


def _home_context(db: Any) -> dict[str, Any]:
    recent, _ = q.list_articles(db, Filters(), Page(40, 0))
    days: dict[str, list[dict[str, Any]]] = {}
    for a in recent:
        days.setdefault(a["published"] or "date unknown", []).append(a)
    return {
        "overview": q.overview(db),
        "storylines": q.list_groups(db, "storylines", 10),
        "stories": q.list_groups(db, "stories", 20),
        "days": days,
        "outlets": q.outlets(db, 30),
        "entities": q.list_entities(db, Page(25, 0))[0],
    }


def _marks(layers: dict[str, list[dict[str, Any]]]) -> list[Mark]:
    marks = [
        Mark(m["start"], m["end"], "entity", f"e-{m['entity_id'] or m['canonical']}", m["label"] or "")
        for m in layers["mention"]
    ]
    marks += [Mark(x["start"], x["end"], "quote", x["ref"], x["speaker"] or "") for x in layers["quote"]]
    marks += [Mark(x["start"], x["end"], "number", x["ref"]) for x in layers["number"]]
    marks += [Mark(x["start"], x["end"], "time", x["ref"]) for x in layers["time"]]
    marks += [Mark(x["start"], x["end"], "loaded", x["ref"], x["label"] or "") for x in layers["loaded"]]
    return marks


def article(request: Request) -> Response:
    """One article: highlighted text with a legend, quotes, numbers, dates, entities, removed chrome."""
    aid = request.path_params["article_id"]
    if not is_id(aid):
        raise HTTPException(404, "no article with this id")
    with request.app.state.db.read() as db:
        art = q.get_article(db, aid)
        if art is None:
            raise HTTPException(404, "no article with this id")
        layers = q.article_layers(db, aid, art["text"])
    for prefix, layer in (("q", "quote"), ("n", "number"), ("t", "time"), ("l", "loaded")):
        for i, item in enumerate(layers[layer]):
            item["ref"] = f"{prefix}-{i}"
    for item in layers["quote"]:
        if item["speaker_entity_id"]:
            item["speaker_href"] = f"/entities/{item['speaker_entity_id']}"
    entities: dict[str, dict[str, Any]] = {}
    for m in layers["mention"]:
        ref = f"e-{m['entity_id'] or m['canonical']}"
        ent = entities.setdefault(
            ref, {"ref": ref, "name": m["canonical"], "label": m["label"], "id": m["entity_id"], "n": 0}
        )
        ent["n"] += 1
    title, fallback = display_title(art["title"], art["text"])
    return render(
        request,
        "article.html.j2",
        art=art,
        title=title,
        title_is_fallback=fallback,
        body=highlight(art["text"], _marks(layers)),
        selected=request.query_params.get("mark"),
        layers=layers,
        entities=sorted(entities.values(), key=lambda e: (-e["n"], e["name"])),
    )


def entity(request: Request) -> Response:
    """One entity: its names, mentions with evidence sentences, and quotes by it as a speaker."""
    eid = request.path_params["entity_id"]
    if not is_id(eid):
        raise HTTPException(404, "no entity with this id")
    page = page_param(request.query_params, PAGE_SIZE)
    with request.app.state.db.read() as db:
        ent = q.get_entity(db, eid)
        if ent is None:
            raise HTTPException(404, "no entity with this id")
        mentions = q.entity_mentions(db, eid, page)
        quotes = q.entity_quotes(db, eid, Page(PAGE_SIZE, 0))
    return render(
        request,
        "entity.html.j2",
        ent=ent,
        mentions=mentions,
        quotes=quotes,
        pages=pager(request, page, ent["mentions"], len(mentions)),
    )


def entities(request: Request) -> Response:
    """All entities, most mentioned first, optionally filtered by type or name."""
    page = page_param(request.query_params, PAGE_SIZE)
    kind = request.query_params.get("type") or None
    name = request.query_params.get("name") or None
    with request.app.state.db.read() as db:
        rows, total = q.list_entities(db, page, type_=kind, name=name)
    for e in rows:
        e["href"] = f"/entities/{e['id']}"
    return render(
        request,
        "entities.html.j2",
        entities=rows,
        total=total,
        kind=kind,
        name=name,
        pages=pager(request, page, total, len(rows)),
    )


def outlets(request: Request) -> Response:
    """Every outlet, and the outlets side by side: loaded language against stance toward an entity."""
    entity = request.query_params.get("entity") or None
    with request.app.state.db.read() as db:
        view = _slant_view(db, entity=entity)
        return render(
            request,
            "outlets.html.j2",
            outlets=q.outlets(db, 1000),
            view=view,
            chart=view.chart(href_prefix="/outlets/", title="Outlets by loaded language and stance"),
        )


def relations(request: Request) -> Response:
    """Country pairs over time: a chart per pair and the events behind it, each cited."""
    with request.app.state.db.read() as db:
        pairs = []
        for rel in relations_for_output(db)[:30]:
            pairs.append(
                {
                    **rel,
                    "chart": relation_chart(rel["pair"], rel["series"]),
                    "events": events_for_output(db, pair=rel["pair"], limit=20, max_evidence=2),
                }
            )
    return render(request, "relations.html.j2", relations=pairs)


def outlet(request: Request) -> Response:
    """One outlet: its articles (newest first), its quotes, the dates it covers."""
    name = request.path_params["name"]
    page = page_param(request.query_params, PAGE_SIZE)
    with request.app.state.db.read() as db:
        info = q.get_outlet(db, name)
        if info is None:
            raise HTTPException(404, "no outlet with this name")
        order = request.app.state.db.cached("order", lambda: q.newest_order(db))
        rows, total = q.list_articles(db, Filters(outlet=name), page, order)
        quotes = q.list_quotes(db, Page(30, 0), outlet=name)
        view = _slant_view(db, outlet=name)
    profile = view.outlets[0] if view.outlets else None
    # the entities this outlet writes about most, by how many of its articles score a stance
    stance_rows = sorted(profile.stance.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:8] if profile else []
    return render(
        request,
        "outlet.html.j2",
        outlet=info,
        articles=rows,
        quotes=quotes,
        slant=profile,
        stance_rows=[(e, sum(v) / len(v), len(v)) for e, v in stance_rows],
        pages=pager(request, page, total, len(rows)),
    )


def search(request: Request) -> Response:
    """Full-text search with outlet, date and entity filters."""
    f = filters_param(request.query_params)
    page = page_param(request.query_params, SEARCH_PAGE_SIZE)
    store = request.app.state.db
    with store.read() as db:
        rows, total = q.search_articles(db, f, page, store.cached("order", lambda: q.newest_order(db)))
        entity = q.get_entity(db, f.entity) if f.entity else None
        top = store.cached("top-entities", lambda: q.list_entities(db, Page(100, 0))[0])
        all_outlets = store.cached("outlets", lambda: q.outlets(db, 500))
        return render(
            request,
            "search.html.j2",
            f=f,
            results=rows,
            total=total,
            searched=f.active(),
            outlets=all_outlets,
            entity=entity,
            top_entities=top,
            pages=pager(request, page, total, len(rows)),
        )


def story(request: Request) -> Response:
    sid = request.path_params["story_id"]
    page = page_param(request.query_params, PAGE_SIZE)
    with request.app.state.db.read() as db:
        rows = q.story_articles(db, sid, page)
        if rows is None:
            raise HTTPException(404, "no story with this id")
        info = next(iter(q.list_groups(db, "stories", 1, only_id=sid)), {"id": sid, "outlets": []})
        info.update(story_lean(info["outlets"], request.app.state.leans))
        ids = q.story_article_ids(db, sid)
        coverage = q.coverage_by_day(db, ids)
        view = _slant_view(db, article_ids=ids, entity=request.query_params.get("entity") or None)
        sides = story_sides(db, sid)
    # a storyline's timeline is shown once, on its page; a story shows the events its articles report
    in_line = any(e.get("scope") == "storyline" for e in sides["timeline"])
    events, plans = story_timeline(sides["timeline"], set(ids), in_line)
    sides = {**sides, "timeline": events + plans}
    slant_chart = view.chart(
        href_prefix="/outlets/", title="Outlets in this story by loaded language and stance"
    )
    return render(
        request,
        "story.html.j2",
        story=info,
        articles=rows,
        pages=pager(request, page, None, len(rows)),
        coverage=bars(coverage, title="Articles per day") if len(coverage) > 1 else None,
        view=view,
        slant_chart=slant_chart,
        sides=sides,
    )


def storyline(request: Request) -> Response:
    """One storyline: its stories in order, with their coverage over time."""
    lid = request.path_params["storyline_id"]
    with request.app.state.db.read() as db:
        story_ids = q.storyline_story_ids(db, lid)
        if story_ids is None:
            raise HTTPException(404, "no storyline with this id")
        info = next(iter(q.list_groups(db, "storylines", 1, only_id=lid)), {"id": lid})
        stories = [s for sid in story_ids for s in q.list_groups(db, "stories", 1, only_id=sid)]
        ids = [a for sid in story_ids for a in q.story_article_ids(db, sid)]
        coverage = q.coverage_by_day(db, ids)
        events, plans = story_timeline(timeline_for_output(db, lid), set(), False)
    return render(
        request,
        "storyline.html.j2",
        storyline=info,
        stories=stories,
        timeline=events,
        plans=plans,
        coverage=bars(coverage, title="Articles per day") if coverage else None,
    )


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html.j2", status_code=status, status=status, message=message)


ROUTES = [
    Route("/", home),
    Route("/articles/{article_id}", article),
    Route("/entities", entities),
    Route("/entities/{entity_id}", entity),
    Route("/outlets", outlets),
    Route("/relations", relations),
    Route("/outlets/{name:path}", outlet),
    Route("/search", search),
    Route("/stories/{story_id}", story),
    Route("/storylines/{storyline_id}", storyline),
]
