"""The JSON API under ``/api/v1/``: read-only, paginated, described at ``/openapi.json``.

List endpoints take ``limit`` (1-200, default 50) and ``offset`` (0-1,000,000) and
answer ``{"items": [...], "limit", "offset", "total", "next"}``; ``next`` is the
URL of the following page or null. Unknown ids give 404 and malformed
parameters 400, both as ``{"error": {"status", "message"}}``.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from counterpoint import __version__
from counterpoint.slant.lean import story_lean
from counterpoint.store import web as q
from counterpoint.store.claims import claims_for_output, story_sides
from counterpoint.store.events import events_for_output, relations_for_output
from counterpoint.web.params import MAX_LIMIT, MAX_OFFSET, Page, filters_param, is_id, page_param, str_param

PREFIX = "/api/v1"


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """An article row as the API shows it: no display helpers, the stated title only."""
    out = {k: v for k, v in row.items() if k not in {"display_title", "title_is_fallback", "snippet"}}
    if "snippet" in row:
        out["snippet"] = "".join(t for t, _ in row["snippet"])
        out["hits"] = [t for t, hit in row["snippet"] if hit]
    return out


def _listing(request: Request, items: list[dict[str, Any]], page: Page, total: int | None) -> JSONResponse:
    more = (page.offset + len(items) < total) if total is not None else len(items) == page.limit
    nxt = str(request.url.include_query_params(offset=page.offset + page.limit)) if more else None
    body = {"items": items, "limit": page.limit, "offset": page.offset, "total": total, "next": nxt}
    return JSONResponse(body)


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, f"no {what} with this id")


def articles(request: Request) -> Response:
    f = filters_param(request.query_params)
    page = page_param(request.query_params)
    store = request.app.state.db
    with store.read() as db:
        rows, total = q.list_articles(db, f, page, store.cached("order", lambda: q.newest_order(db)))
    return _listing(request, [_public(r) for r in rows], page, total)


def article(request: Request) -> Response:
    aid = request.path_params["article_id"]
    with request.app.state.db.read() as db:
        art = q.get_article(db, aid) if is_id(aid) else None
        if art is None:
            raise _not_found("article")
        layers = q.article_layers(db, aid, art["text"])
    art.update(
        mentions=layers["mention"],
        quotes=layers["quote"],
        numbers=layers["number"],
        dates=layers["time"],
        loaded=layers["loaded"],
    )
    return JSONResponse(art)


def search(request: Request) -> Response:
    f = filters_param(request.query_params)
    if not f.active():
        raise HTTPException(400, "give q (search words) or at least one filter: outlet, from, to, entity")
    page = page_param(request.query_params)
    store = request.app.state.db
    with store.read() as db:
        rows, total = q.search_articles(db, f, page, store.cached("order", lambda: q.newest_order(db)))
    return _listing(request, [_public(r) for r in rows], page, total)


def entities(request: Request) -> Response:
    page = page_param(request.query_params)
    kind = str_param(request.query_params, "type", 20)
    name = str_param(request.query_params, "name")
    with request.app.state.db.read() as db:
        rows, total = q.list_entities(db, page, type_=kind, name=name)
    return _listing(request, rows, page, total)


def entity(request: Request) -> Response:
    eid = request.path_params["entity_id"]
    with request.app.state.db.read() as db:
        ent = q.get_entity(db, eid) if is_id(eid) else None
        if ent is None:
            raise _not_found("entity")
        ent["quotes"] = [_public(r) for r in q.entity_quotes(db, eid, Page(MAX_LIMIT, 0))]
    return JSONResponse(ent)


def entity_mentions(request: Request) -> Response:
    eid = request.path_params["entity_id"]
    page = page_param(request.query_params)
    with request.app.state.db.read() as db:
        ent = q.get_entity(db, eid) if is_id(eid) else None
        if ent is None:
            raise _not_found("entity")
        rows = q.entity_mentions(db, eid, page)
    return _listing(request, [_public(r) for r in rows], page, ent["mentions"])


def quotes(request: Request) -> Response:
    page = page_param(request.query_params)
    aid = str_param(request.query_params, "article", 16)
    if aid is not None and not is_id(aid):
        raise HTTPException(400, "article must be an article id (16 hex digits)")
    outlet = str_param(request.query_params, "outlet")
    with request.app.state.db.read() as db:
        rows = q.list_quotes(db, page, article_id=aid, outlet=outlet)
    return _listing(request, [_public(r) for r in rows], page, None)


def outlets(request: Request) -> Response:
    with request.app.state.db.read() as db:
        rows = q.outlets(db, 10_000)
    return JSONResponse({"items": rows})


def _groups(request: Request, table: str) -> Response:
    page = page_param(request.query_params)
    with request.app.state.db.read() as db:
        rows = q.list_groups(db, table, page.limit, page.offset)
    if table == "stories":
        for r in rows:
            r.update(story_lean(r["outlets"], request.app.state.leans))
    return _listing(request, rows, page, None)


def stories(request: Request) -> Response:
    return _groups(request, "stories")


def storylines(request: Request) -> Response:
    return _groups(request, "storylines")


def claims(request: Request) -> Response:
    """Claims, newest scopes' first page by default; ``story_id`` narrows to one story."""
    page = page_param(request.query_params)
    story_id = request.query_params.get("story_id") or None
    with request.app.state.db.read() as db:
        rows = claims_for_output(db, story_id, limit=page.limit, offset=page.offset)
    return _listing(request, rows, page, None)


def story_sides_api(request: Request) -> Response:
    """One story's claims, brief, omissions and timeline."""
    sid = request.path_params["story_id"]
    with request.app.state.db.read() as db:
        if not q.story_exists(db, sid):
            raise _not_found("story")
        sides = story_sides(db, sid)
    return JSONResponse(sides)


def story(request: Request) -> Response:
    sid = request.path_params["story_id"]
    page = page_param(request.query_params)
    with request.app.state.db.read() as db:
        rows = q.story_articles(db, sid, page)
        if rows is None:
            raise _not_found("story")
        info = next(iter(q.list_groups(db, "stories", 1, only_id=sid)), {"id": sid, "outlets": []})
    info.update(story_lean(info["outlets"], request.app.state.leans))
    info["articles"] = [_public(r) for r in rows]
    return JSONResponse(info)


def _pair_param(request: Request) -> str | None:
    pair = request.query_params.get("pair") or None
    if pair is not None and not re.fullmatch(r"[A-Za-z]{3,8}-[A-Za-z]{3,8}", pair):
        raise HTTPException(400, "pair must be two country codes joined by a dash, e.g. CAN-CHN")
    return pair


def events(request: Request) -> Response:
    """Merged events (who did what to whom), most reported first; ``pair`` narrows to two countries."""
    page = page_param(request.query_params)
    pair = _pair_param(request)
    with request.app.state.db.read() as db:
        rows = events_for_output(db, pair=pair, limit=page.limit, offset=page.offset)
    return _listing(request, rows, page, None)


def relations(request: Request) -> Response:
    """Per country pair, events and mean cooperation–conflict score per month, with the events' ids."""
    pair = _pair_param(request)
    with request.app.state.db.read() as db:
        rows = relations_for_output(db, pair=pair)
    return JSONResponse({"items": rows})


def not_found(request: Request) -> Response:
    raise HTTPException(404, "no such API endpoint; see /openapi.json")


# -- OpenAPI -------------------------------------------------------------------------------------------


def _p(name: str, desc: str, schema: dict[str, Any], where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "description": desc, "schema": schema}


_PAGE = [
    _p("limit", "page size", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50}),
    _p("offset", "items to skip", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}),
]
_DAY = {"type": "string", "format": "date"}
_FILTERS = [
    _p("outlet", "only this outlet (exact name)", {"type": "string"}),
    _p("from", "published on or after (YYYY-MM-DD)", _DAY),
    _p("to", "published on or before (YYYY-MM-DD)", _DAY),
    _p("entity", "only articles mentioning this entity id", {"type": "string", "pattern": "^[0-9a-f]{16}$"}),
]
_ID = {"type": "string", "pattern": "^[0-9a-f]{16}$"}
_ERRORS = {
    "400": {"$ref": "#/components/responses/Error"},
    "404": {"$ref": "#/components/responses/Error"},
}


def _op(summary: str, params: list[dict[str, Any]], schema: str, *, listing: bool) -> dict[str, Any]:
    ref: dict[str, Any] = {"$ref": f"#/components/schemas/{schema}"}
    body = {"$ref": "#/components/schemas/Page"} if listing else ref
    if listing:
        body = {"allOf": [body, {"properties": {"items": {"type": "array", "items": ref}}}]}
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": body}}},
                **_ERRORS,
            },
        }
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the API."""
    obj = {"type": "object", "additionalProperties": True}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Counterpoint API",
            "version": __version__,
            "description": "Read-only access to a Counterpoint store: articles, entities, quotes, search.",
        },
        "paths": {
            f"{PREFIX}/articles": _op("Articles, newest first", [*_FILTERS, *_PAGE], "Article", listing=True),
            f"{PREFIX}/articles/{{article_id}}": _op(
                "One article with its text, mentions, quotes, numbers and dates",
                [_p("article_id", "article id", _ID, "path")],
                "ArticleDetail",
                listing=False,
            ),
            f"{PREFIX}/search": _op(
                'Full-text search (words are ANDed; "a phrase"; word* as a prefix), best match first',
                [_p("q", "search words", {"type": "string", "maxLength": 500}), *_FILTERS, *_PAGE],
                "Article",
                listing=True,
            ),
            f"{PREFIX}/entities": _op(
                "Entities, most mentioned first",
                [
                    _p("type", "PERSON, ORG, GPE, ...", {"type": "string"}),
                    _p("name", "name contains", {"type": "string"}),
                    *_PAGE,
                ],
                "Entity",
                listing=True,
            ),
            f"{PREFIX}/entities/{{entity_id}}": _op(
                "One entity with its names and the quotes it is the speaker of",
                [_p("entity_id", "entity id", _ID, "path")],
                "Entity",
                listing=False,
            ),
            f"{PREFIX}/entities/{{entity_id}}/mentions": _op(
                "Mentions of one entity with their evidence sentence",
                [_p("entity_id", "entity id", _ID, "path"), *_PAGE],
                "Mention",
                listing=True,
            ),
            f"{PREFIX}/quotes": _op(
                "Quotes, newest article first",
                [
                    _p("article", "only this article id", _ID),
                    _p("outlet", "only this outlet", {"type": "string"}),
                    *_PAGE,
                ],
                "Quote",
                listing=True,
            ),
            f"{PREFIX}/outlets": _op(
                "Outlets with article counts and dates covered", [], "Outlet", listing=True
            ),
            f"{PREFIX}/stories": _op(
                "Stories, with lean_coverage and blindspot (null without outlet_lean ratings);"
                " 404 until the story stage has run",
                _PAGE,
                "Group",
                listing=True,
            ),
            f"{PREFIX}/stories/{{story_id}}": _op(
                "One story with its articles",
                [_p("story_id", "story id", {"type": "string"}, "path")],
                "Group",
                listing=False,
            ),
            f"{PREFIX}/storylines": _op(
                "Storylines (404 until their stage has run)", _PAGE, "Group", listing=True
            ),
            f"{PREFIX}/claims": _op(
                "Claims with status, outlets and evidence spans (404 until the claims stage has run)",
                [_p("story_id", "only this story's claims", {"type": "string"}), *_PAGE],
                "Object",
                listing=True,
            ),
            f"{PREFIX}/events": _op(
                "Events (who did what to whom, one record per real event), most reported first",
                [_p("pair", "two country codes, e.g. CAN-CHN", {"type": "string"}), *_PAGE],
                "Object",
                listing=True,
            ),
            f"{PREFIX}/relations": _op(
                "Per country pair, events and mean cooperation-conflict score per month",
                [_p("pair", "two country codes, e.g. CAN-CHN", {"type": "string"})],
                "Object",
                listing=False,
            ),
            f"{PREFIX}/stories/{{story_id}}/sides": _op(
                "One story's claims, neutral brief, omissions per article and timeline",
                [_p("story_id", "story id", {"type": "string"}, "path")],
                "Object",
                listing=False,
            ),
        },
        "components": {
            "schemas": {
                "Page": {
                    "type": "object",
                    "required": ["items", "limit", "offset", "total", "next"],
                    "properties": {
                        "items": {"type": "array"},
                        "limit": {"type": "integer"},
                        "offset": {"type": "integer"},
                        "total": {"type": ["integer", "null"]},
                        "next": {"type": ["string", "null"]},
                    },
                },
                "Article": {
                    **obj,
                    "properties": {
                        "id": _ID,
                        "title": {"type": ["string", "null"]},
                        "outlet": {"type": ["string", "null"]},
                        "published": {"type": ["string", "null"]},
                        "snippet": {"type": "string", "description": "search only"},
                    },
                },
                "ArticleDetail": {**obj, "properties": {"id": _ID, "text": {"type": "string"}}},
                "Entity": {
                    **obj,
                    "properties": {
                        "id": _ID,
                        "name": {"type": "string"},
                        "type": {"type": "string"},
                        "aliases": {"type": "array", "items": {"type": "string"}},
                        "mentions": {"type": "integer"},
                    },
                },
                "Mention": obj,
                "Quote": {
                    **obj,
                    "properties": {
                        "article_id": _ID,
                        "start": {"type": "integer"},
                        "end": {"type": "integer"},
                        "quote": {"type": "string"},
                        "speaker": {"type": ["string", "null"]},
                        "cue": {"type": ["string", "null"]},
                    },
                },
                "Outlet": obj,
                "Group": obj,
                "Object": obj,
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
                        }
                    },
                },
            },
            "responses": {
                "Error": {
                    "description": "Bad parameters (400) or unknown id (404)",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
        },
    }


def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


ROUTES = [
    Route("/openapi.json", openapi),
    Route(f"{PREFIX}/articles", articles),
    Route(f"{PREFIX}/articles/{{article_id}}", article),
    Route(f"{PREFIX}/search", search),
    Route(f"{PREFIX}/entities", entities),
    Route(f"{PREFIX}/entities/{{entity_id}}", entity),
    Route(f"{PREFIX}/entities/{{entity_id}}/mentions", entity_mentions),
    Route(f"{PREFIX}/quotes", quotes),
    Route(f"{PREFIX}/outlets", outlets),
    Route(f"{PREFIX}/stories", stories),
    Route(f"{PREFIX}/stories/{{story_id}}", story),
    Route(f"{PREFIX}/storylines", storylines),
    Route(f"{PREFIX}/claims", claims),
    Route(f"{PREFIX}/stories/{{story_id}}/sides", story_sides_api),
    Route(f"{PREFIX}/events", events),
    Route(f"{PREFIX}/relations", relations),
    Route(f"{PREFIX}/{{rest:path}}", not_found),
]
