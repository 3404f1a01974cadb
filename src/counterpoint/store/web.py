"""Read-only SQL over the store for the web app and the API.

Every function takes a ``Conn`` opened read-only (``store/readonly.py``, either backend)
and returns plain dicts, so the pages and the JSON API show the same data.
Evidence text is sliced from the article's clean text (``substr``), never
stored twice. The store must be migrated to this version's schema (``check_schema``),
so every table the queries name exists: nothing is guessed at run time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from counterpoint.store.dialect import Conn

#: Snippet markers for FTS5 ``snippet()``: private-use characters that never reach the page.
HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"
#: The quote speaker resolves to an entity by these labels, in order (as ``Store.entity_for``).
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
#: Item layers that carry loaded-language spans once the slant stage lands.
LOADED_LAYERS = ("loaded", "slant")
MAX_TERMS = 16
_TERM = re.compile(r'"([^"]*)"?|(\w+)(\*?)')
_WORD = re.compile(r"\w+")
_LEAD = 240


@dataclass(frozen=True, slots=True)
class Page:
    """limit/offset of a list request."""

    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class Filters:
    """The article filters of the search page and of the list/search endpoints."""

    q: str | None = None
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    entity: str | None = None

    def active(self) -> bool:
        return any((self.q, self.outlet, self.date_from, self.date_to, self.entity))


def _lead_title(row: Any) -> dict[str, Any]:
    d = dict(row)
    lead = d.pop("lead", None) or ""
    d["title_is_fallback"] = not (d.get("title") or "").strip()
    if d["title_is_fallback"]:
        words = lead.split()
        d["display_title"] = " ".join(words[:10]) + ("…" if len(words) > 10 else "") or "(untitled)"
    else:
        d["display_title"] = d["title"].strip()
    return d


# -- articles -----------------------------------------------------------------------------------------

_ARTICLE_COLS = (
    "a.id, a.title, a.outlet, a.author, a.published, a.language, a.url, a.duplicate_of,"
    f" substr(a.text, 1, {_LEAD}) AS lead"
)
# (published, seq) come from the covering index articles_newest (m012_portable), not the text pages
_ORDER_NEWEST = "ORDER BY a.published IS NULL, a.published DESC, a.seq DESC"


def _where(f: Filters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if f.outlet:
        where.append("a.outlet = ?")
        args.append(f.outlet)
    if f.date_from:
        where.append("a.published >= ?")
        args.append(f.date_from)
    if f.date_to:
        where.append("a.published <= ?")
        args.append(f.date_to)
    if f.entity:
        where.append(
            "a.id IN (SELECT i.article_id FROM entity_aliases al JOIN items i ON i.layer = 'mention'"
            " AND i.key = al.canonical AND i.label = al.label WHERE al.entity_id = ?)"
        )
        args.append(f.entity)
    return where, args


Order = list[tuple[int, str | None, str | None]]


def newest_order(db: Conn) -> Order:
    """(seq, published, outlet) of every article, newest first: one scan, cached by ``Database.cached``.

    The store has no index on ``published``; sorting in SQL would read every article's pages
    on every list request.
    """
    return [
        (int(r[0]), r[1], r[2])
        for r in db.execute(f"SELECT a.seq, a.published, a.outlet FROM articles a {_ORDER_NEWEST}")
    ]


def _rows_by_seq(db: Conn, seqs: Sequence[int]) -> list[dict[str, Any]]:
    if not seqs:
        return []
    marks = ",".join("?" * len(seqs))
    got = {
        r["r"]: _lead_title(r)
        for r in db.execute(
            f"SELECT a.seq AS r, {_ARTICLE_COLS} FROM articles a WHERE a.seq IN ({marks})", seqs
        )
    }
    out = []
    for rid in seqs:
        if rid in got:
            d = got[rid]
            del d["r"]
            out.append(d)
    return out


def list_articles(
    db: Conn, f: Filters, page: Page, order: Order | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Articles matching the filters (not the text query), newest first, and how many there are.

    With ``order`` (``newest_order``, cached), outlet and date filters and paging are done on it
    and only the rows shown are read.
    """
    if order is not None and not f.entity:
        hits = [
            rid
            for rid, published, outlet in order
            if (not f.outlet or outlet == f.outlet)
            and (not f.date_from or (published is not None and published >= f.date_from))
            and (not f.date_to or (published is not None and published <= f.date_to))
        ]
        return _rows_by_seq(db, hits[page.offset : page.offset + page.limit]), len(hits)
    where, args = _where(f)
    cond = f" WHERE {' AND '.join(where)}" if where else ""
    total = int(db.execute(f"SELECT COUNT(*) FROM articles a{cond}", args).fetchone()[0])
    # sort and page on (published, seq) first, then read the few rows shown: the text is not touched
    rows = db.execute(
        f"SELECT {_ARTICLE_COLS} FROM (SELECT a.seq AS r FROM articles a{cond} {_ORDER_NEWEST}"
        f" LIMIT ? OFFSET ?) p JOIN articles a ON a.seq = p.r {_ORDER_NEWEST}",
        (*args, page.limit, page.offset),
    )
    return [_lead_title(r) for r in rows], total


def fts_query(text: str) -> str | None:
    """A safe FTS5 query from user input: every word a quoted term, "phrases" kept, word* a prefix.

    Only word characters ever reach FTS5, each inside double quotes, so no input can be a
    syntax error or use operators the user did not mean (AND/OR/NEAR/column filters are words).
    """
    parts: list[str] = []
    for m in _TERM.finditer(text):
        if m.group(1) is not None:
            words = _WORD.findall(m.group(1))
            if words:
                parts.append('"' + " ".join(words) + '"')
        elif m.group(2):
            parts.append(f'"{m.group(2)}"' + ("*" if m.group(3) else ""))
        if len(parts) >= MAX_TERMS:
            break
    return " AND ".join(parts) or None


def split_hits(snippet: str) -> list[tuple[str, bool]]:
    """A snippet with hit markers as (text, is_hit) runs, for the template to escape and mark."""
    out: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(f"[{HIT_OPEN}{HIT_CLOSE}]", snippet)):
        if chunk:
            out.append((chunk, i % 2 == 1))
    return out


def search_articles(
    db: Conn, f: Filters, page: Page, order: Order | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Full-text search with filters, best match first; without a text query, the filtered list."""
    match = fts_query(f.q) if f.q else None
    if match is None:
        return list_articles(db, f, page, order)
    if db.dialect == "postgresql":
        return _search_postgres(db, f, page)
    where, args = _where(f)
    cond = "".join(f" AND {w}" for w in where)
    base = "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ?"
    if where:
        total = int(db.execute(f"SELECT COUNT(*) {base}{cond}", (match, *args)).fetchone()[0])
    else:  # the index alone knows: no article row is read
        total = int(
            db.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0]
        )
    rows = db.execute(
        f"SELECT {_ARTICLE_COLS}, snippet(articles_fts, 1, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 24) AS snippet"
        f" {base}{cond} ORDER BY bm25(articles_fts, 5.0, 1.0, 2.0) LIMIT ? OFFSET ?",
        (match, *args, page.limit, page.offset),
    )
    return _with_snippets(rows), total


def _with_snippets(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Search hits as article rows, each snippet split at its highlight marks (both backends)."""
    out = []
    for r in rows:
        d = _lead_title(r)
        d["snippet"] = split_hits(d["snippet"] or "")
        out.append(d)
    return out


def ts_query(text: str) -> str | None:
    """``fts_query`` for PostgreSQL's ``to_tsquery``: words ANDed, "phrases" as <->, word* as a prefix.

    Only word characters reach the query, each single-quoted, so no input is a syntax error.
    """
    parts: list[str] = []
    for m in _TERM.finditer(text):
        if m.group(1) is not None:
            words = _WORD.findall(m.group(1))
            if words:
                parts.append("(" + " <-> ".join(f"'{w}'" for w in words) + ")")
        elif m.group(2):
            parts.append(f"'{m.group(2)}'" + (":*" if m.group(3) else ""))
        if len(parts) >= MAX_TERMS:
            break
    return " & ".join(parts) or None


_HEADLINE = f"StartSel={HIT_OPEN}, StopSel={HIT_CLOSE}, MaxWords=24, MinWords=12, MaxFragments=1"


def _search_postgres(db: Conn, f: Filters, page: Page) -> tuple[list[dict[str, Any]], int]:
    """Full-text search on the ``search`` tsvector (GIN index), ranked by ``ts_rank``."""
    query = ts_query(f.q or "")
    if query is None:
        return list_articles(db, f, page)
    where, args = _where(f)
    cond = "".join(f" AND {w}" for w in where)
    base = "FROM articles a, to_tsquery('simple', ?) tq WHERE a.search @@ tq"
    total = int(db.execute(f"SELECT COUNT(*) {base}{cond}", (query, *args)).fetchone()[0])
    rows = db.execute(
        f"SELECT {_ARTICLE_COLS}, ts_headline('simple', a.text, tq, ?) AS snippet"
        f" {base}{cond} ORDER BY ts_rank(a.search, tq) DESC, a.seq LIMIT ? OFFSET ?",
        (_HEADLINE, query, *args, page.limit, page.offset),
    )
    return _with_snippets(rows), total


def get_article(db: Conn, article_id: str) -> dict[str, Any] | None:
    """One article with its text and what the store knows about it, or None."""
    row = db.execute(
        "SELECT id, source, title, outlet, author, published, dateline, language, url, text, duplicate_of,"
        " removed, notes FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    d = dict(row)
    d["removed"] = json.loads(d["removed"])
    d["notes"] = [{"stage": s, "reason": r} for s, r in json.loads(d["notes"])]
    return d


def article_layers(db: Conn, article_id: str, text: str) -> dict[str, list[dict[str, Any]]]:
    """Mentions (with entity ids), quotes (with speaker entity), numbers, dates and loaded spans."""
    out: dict[str, list[dict[str, Any]]] = {
        "mention": [],
        "quote": [],
        "number": [],
        "time": [],
        "loaded": [],
    }
    rows = db.execute(
        'SELECT i.layer, i.start, i."end", i.key, i.label, i.data, al.entity_id FROM items i'
        " LEFT JOIN entity_aliases al ON i.layer = 'mention' AND al.canonical = i.key AND al.label = i.label"
        " WHERE i.article_id = ? AND i.layer != 'sentence' ORDER BY i.start, i.layer",
        (article_id,),
    )
    speakers: dict[str, str | None] = {}
    for layer, start, end, key, label, data, entity_id in rows:
        extra: dict[str, Any] = json.loads(data) if data else {}
        item: dict[str, Any] = {"start": start, "end": end, "text": text[start:end]}
        if layer == "mention":
            item.update(canonical=key, label=label, entity_id=entity_id)
        elif layer == "quote":
            eid = extra.get("speaker_entity_id")
            if key and not eid:
                if key not in speakers:
                    speakers[key] = speaker_entity(db, key)
                eid = speakers[key]
            item.update(speaker=key, cue=label, speaker_entity_id=eid)
        elif layer == "number":
            item.update(kind=key, unit=label, value=extra.get("value"), qualifier=extra.get("qualifier"))
        elif layer == "time":
            item.update(value=key, precision=label)
        elif layer in LOADED_LAYERS:
            layer = "loaded"
            item.update(label=label or key)
        else:
            continue
        out[layer].append(item)
    return out


def speaker_entity(db: Conn, speaker: str) -> str | None:
    """The entity a quote's speaker name resolves to, by label priority."""
    for label in SPEAKER_LABELS:
        row = db.execute(
            "SELECT entity_id FROM entity_aliases WHERE canonical = ? AND label = ?", (speaker, label)
        ).fetchone()
        if row:
            return str(row[0])
    return None


# -- entities -----------------------------------------------------------------------------------------


def _entity(row: Any) -> dict[str, Any]:
    d = dict(row)
    d["aliases"] = json.loads(d["aliases"])
    return d


def list_entities(
    db: Conn, page: Page, *, type_: str | None = None, name: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Entities, most mentioned first; optionally of one type or whose name contains ``name``."""
    where, args = [], []
    if type_:
        where.append("type = ?")
        args.append(type_)
    if name:
        where.append("name LIKE ? ESCAPE '\\'")
        args.append("%" + re.sub(r"([%_\\])", r"\\\1", name) + "%")
    cond = f" WHERE {' AND '.join(where)}" if where else ""
    total = int(db.execute(f"SELECT COUNT(*) FROM entities{cond}", args).fetchone()[0])
    rows = db.execute(
        f"SELECT id, name, type, aliases, mentions FROM entities{cond}"
        " ORDER BY mentions DESC, name LIMIT ? OFFSET ?",
        (*args, page.limit, page.offset),
    )
    return [_entity(r) for r in rows], total


def get_entity(db: Conn, entity_id: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT id, name, type, aliases, mentions FROM entities WHERE id = ?", (entity_id,)
    ).fetchone()
    if row is None:
        return None
    d = _entity(row)
    d["names"] = [
        {"canonical": r[0], "label": r[1]}
        for r in db.execute(
            "SELECT canonical, label FROM entity_aliases WHERE entity_id = ? ORDER BY canonical", (entity_id,)
        )
    ]
    d["articles"] = int(
        db.execute(
            "SELECT COUNT(DISTINCT i.article_id) FROM entity_aliases al JOIN items i ON i.layer = 'mention'"
            " AND i.key = al.canonical AND i.label = al.label WHERE al.entity_id = ?",
            (entity_id,),
        ).fetchone()[0]
    )
    return d


def _sentence_around(db: Conn, article_id: str, start: int, end: int) -> tuple[int, int]:
    row = db.execute(
        "SELECT start, \"end\" FROM items WHERE article_id = ? AND layer = 'sentence' AND start <= ?"
        " ORDER BY start DESC LIMIT 1",
        (article_id, start),
    ).fetchone()
    if row is None or row[1] < end:
        return max(0, start - 100), end + 100
    return int(row[0]), int(row[1])


def _evidence(db: Conn, article_id: str, start: int, end: int) -> dict[str, Any]:
    """The sentence around ``[start, end)`` as before / hit / after, for a snippet with the hit marked."""
    s, e = _sentence_around(db, article_id, start, end)
    row = db.execute(
        "SELECT substr(text, ? + 1, ? - ?), substr(text, ? + 1, ? - ?), substr(text, ? + 1, ? - ?)"
        " FROM articles WHERE id = ?",
        (s, start, s, start, end, start, end, e, end, article_id),
    ).fetchone()
    return {"before": row[0], "hit": row[1], "after": row[2]}


def entity_mentions(db: Conn, entity_id: str, page: Page) -> list[dict[str, Any]]:
    """Mentions of one entity, newest article first, each with its sentence as evidence."""
    rows = db.execute(
        'SELECT i.article_id, i.start, i."end", a.title, a.outlet, a.published,'
        f" substr(a.text, 1, {_LEAD}) AS lead FROM entity_aliases al"
        " JOIN items i ON i.layer = 'mention' AND i.key = al.canonical AND i.label = al.label"
        f" JOIN articles a ON a.id = i.article_id WHERE al.entity_id = ? {_ORDER_NEWEST}, i.start"
        " LIMIT ? OFFSET ?",
        (entity_id, page.limit, page.offset),
    ).fetchall()
    out = []
    for r in rows:
        d = _lead_title(r)
        d["evidence"] = _evidence(db, r["article_id"], r["start"], r["end"])
        out.append(d)
    return out


def _quote_rows(db: Conn, where: str, args: Sequence[Any], page: Page) -> list[dict[str, Any]]:
    rows = db.execute(
        'SELECT i.article_id, i.start, i."end", i.key AS speaker, i.label AS cue,'
        ' substr(a.text, i.start + 1, i."end" - i.start) AS quote, a.title, a.outlet, a.published,'
        f" substr(a.text, 1, {_LEAD}) AS lead FROM items i JOIN articles a ON a.id = i.article_id"
        f" WHERE i.layer = 'quote' AND {where} {_ORDER_NEWEST}, i.start LIMIT ? OFFSET ?",
        (*args, page.limit, page.offset),
    ).fetchall()
    return [_lead_title(r) for r in rows]


def entity_quotes(db: Conn, entity_id: str, page: Page) -> list[dict[str, Any]]:
    """Quotes whose speaker resolves to this entity through ``entity_aliases``."""
    names = [
        r[0]
        for r in db.execute(
            "SELECT canonical FROM entity_aliases WHERE entity_id = ? AND label IN (?, ?, ?, ?)",
            (entity_id, *SPEAKER_LABELS),
        )
        if speaker_entity(db, r[0]) == entity_id
    ]
    if not names:
        return []
    return _quote_rows(db, f"i.key IN ({','.join('?' * len(names))})", names, page)


def list_quotes(
    db: Conn, page: Page, *, article_id: str | None = None, outlet: str | None = None
) -> list[dict[str, Any]]:
    """Quotes, newest article first; optionally of one article or one outlet."""
    where, args = ["TRUE"], []
    if article_id:
        where.append("i.article_id = ?")
        args.append(article_id)
    if outlet:
        where.append("a.outlet = ?")
        args.append(outlet)
    return _quote_rows(db, " AND ".join(where), args, page)


# -- outlets and the overview -------------------------------------------------------------------------


def outlets(db: Conn, limit: int = 200) -> list[dict[str, Any]]:
    """Named outlets by article count, with the range of dates they cover."""
    rows = db.execute(
        "SELECT outlet AS name, COUNT(*) AS articles, MIN(published) AS first, MAX(published) AS last"
        " FROM articles WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY articles DESC, outlet LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]


def get_outlet(db: Conn, name: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT COUNT(*) AS articles, MIN(published) AS first, MAX(published) AS last FROM articles"
        " WHERE outlet = ?",
        (name,),
    ).fetchone()
    if not row or not row["articles"]:
        return None
    d = {"name": name, **dict(row)}
    d["days"] = [
        dict(r)
        for r in db.execute(
            "SELECT published AS day, COUNT(*) AS articles FROM articles WHERE outlet = ?"
            " AND published IS NOT NULL GROUP BY published ORDER BY published DESC LIMIT 60",
            (name,),
        )
    ]
    return d


def overview(db: Conn) -> dict[str, Any]:
    """Counts for the home page."""
    row = db.execute(
        "SELECT COUNT(*), COUNT(DISTINCT outlet), MIN(published), MAX(published) FROM articles"
    ).fetchone()
    return {
        "articles": row[0],
        "outlets": row[1],
        "first": row[2],
        "last": row[3],
        "entities": db.execute("SELECT COUNT(*) FROM entities").fetchone()[0],
        "quotes": db.execute("SELECT COUNT(*) FROM items WHERE layer = 'quote'").fetchone()[0],
    }


# -- stories and storylines ----------------------------------------------------------------------------

_GROUP_COLUMNS = {"stories": "title, first_seen AS first, last_seen AS last",
                  "storylines": "title, first_seen AS first, last_seen AS last"}  # fmt: skip


def list_groups(
    db: Conn, table: str, limit: int, offset: int = 0, *, only_id: str | None = None
) -> list[dict[str, Any]]:
    """Rows of ``stories`` or ``storylines`` with a title, dates, and (stories) coverage and outlets."""
    cols = _GROUP_COLUMNS[table]  # a KeyError for any other table: never interpolate a caller's name
    cond, args = ("WHERE id = ?", [only_id]) if only_id is not None else ("", [])
    rows = [
        dict(r)
        for r in db.execute(
            f"SELECT id, {cols} FROM {table} {cond} ORDER BY last_seen DESC NULLS LAST, id LIMIT ? OFFSET ?",
            (*args, limit, offset),
        )
    ]
    for d in rows:
        d["articles"], d["outlets"] = 0, []
        if table == "stories":
            got = db.execute(
                "SELECT COUNT(*), group_concat(DISTINCT a.outlet) FROM story_articles l"
                " JOIN articles a ON a.id = l.article_id WHERE l.story_id = ?",
                (d["id"],),
            ).fetchone()
            d["articles"] = got[0]
            d["outlets"] = sorted((got[1] or "").split(",")) if got[1] else []
    return rows


def story_exists(db: Conn, story_id: str) -> bool:
    return db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None


def story_articles(db: Conn, story_id: str, page: Page) -> list[dict[str, Any]] | None:
    """Articles of one story, newest first, or None when the store has no such story."""
    if not story_exists(db, story_id):
        return None
    rows = db.execute(
        f"SELECT {_ARTICLE_COLS} FROM story_articles l JOIN articles a ON a.id = l.article_id"
        f" WHERE l.story_id = ? {_ORDER_NEWEST} LIMIT ? OFFSET ?",
        (story_id, page.limit, page.offset),
    )
    return [_lead_title(r) for r in rows]


def story_article_ids(db: Conn, story_id: str) -> list[str]:
    """Every article id of one story (for its charts)."""
    return [r[0] for r in db.execute("SELECT article_id FROM story_articles WHERE story_id = ?", (story_id,))]


def coverage_by_day(db: Conn, article_ids: Sequence[str]) -> list[tuple[str, int]]:
    """Articles per publication day among ``article_ids`` (undated ones left out), oldest first."""
    if not article_ids:
        return []
    counts: dict[str, int] = {}
    for i in range(0, len(article_ids), 500):
        chunk = list(article_ids[i : i + 500])
        for day, n in db.execute(
            f"SELECT published, COUNT(*) FROM articles WHERE published IS NOT NULL AND id IN"
            f" ({','.join('?' * len(chunk))}) GROUP BY published",
            chunk,
        ):
            counts[day] = counts.get(day, 0) + n
    return sorted(counts.items())


def storyline_story_ids(db: Conn, storyline_id: str) -> list[str] | None:
    """Stories of one storyline, oldest first, or None when there is no such storyline."""
    if db.execute("SELECT 1 FROM storylines WHERE id = ?", (storyline_id,)).fetchone() is None:
        return None
    rows = db.execute(
        "SELECT id FROM stories WHERE storyline_id = ? ORDER BY first_seen NULLS FIRST, key", (storyline_id,)
    )
    return [r[0] for r in rows]
