"""Reading and writing the story tables (created by migration ``m004_stories``).

Functions over a ``Conn`` (``SQLStore.db``, store/dialect.py):
writers open one transaction each (``Conn.tx``), so a killed run loses
at most the batch in flight and the next run picks up the articles that were
not assigned yet.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from counterpoint.model import Article, Span, StoredArticle
from counterpoint.model.story import (
    ArticleRow,
    Assignment,
    Duplicate,
    MemberRow,
    Storyline,
    StorySplit,
    StoryState,
)
from counterpoint.store.dialect import Conn
from counterpoint.stories.titles import date_span

_CHUNK = 500


def _tx(db: Conn) -> AbstractContextManager[Conn]:
    """One write transaction (``Conn.tx``)."""
    return db.tx()


def _chunks(items: Sequence[Any], n: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


# -- reading --------------------------------------------------------------------------------------------


def unassigned_articles(db: Conn, limit: int, after_seq: int = 0) -> list[ArticleRow]:
    """Up to ``limit`` articles in no story yet, in ingest order after ``after_seq``."""
    rows = db.execute(
        "SELECT a.seq, a.id, a.outlet, a.published, a.title, a.text, a.language, a.duplicate_of, a.dateline"
        " FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id"
        " WHERE s.article_id IS NULL AND a.seq > ? ORDER BY a.seq LIMIT ?",
        (after_seq, limit),
    ).fetchall()
    return [ArticleRow(*r) for r in rows]


def count_unassigned(db: Conn) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id"
        " WHERE s.article_id IS NULL"
    ).fetchone()
    return int(row[0])


def article_entities(db: Conn, article_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Entity id of every linked mention of each article, in text order."""
    out: dict[str, list[str]] = {a: [] for a in article_ids}
    for chunk in _chunks(article_ids):
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            "SELECT i.article_id, al.entity_id FROM items i"
            " JOIN entity_aliases al ON al.canonical = i.key AND al.label = i.label"
            f" WHERE i.layer = 'mention' AND i.article_id IN ({marks}) ORDER BY i.article_id, i.start",
            tuple(chunk),
        )
        for aid, eid in rows:
            out[aid].append(eid)
    return {a: tuple(v) for a, v in out.items()}


def story_of(db: Conn, article_ids: Sequence[str]) -> dict[str, str]:
    """Story id of each of these articles that is assigned."""
    out: dict[str, str] = {}
    for chunk in _chunks(list(dict.fromkeys(article_ids))):
        marks = ",".join("?" * len(chunk))
        out.update(
            db.execute(
                f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", tuple(chunk)
            ).fetchall()
        )
    return out


def load_story_states(db: Conn) -> Iterator[StoryState]:
    """Every story's clustering state, in creation order."""
    for r in db.execute(
        "SELECT id, key, vector_sum, embedded, articles, duplicates, entities, outlets, first_seen,"
        " last_seen, english, note, frame FROM stories ORDER BY key"
    ):
        frame = json.loads(r[12])
        yield StoryState(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            json.loads(r[6]),
            json.loads(r[7]),
            r[8],
            r[9],
            bool(r[10]),
            r[11],
            frame.get("places", {}),
            frame.get("modes", {}),
            frame.get("lead", {}),
            frame.get("terms", {}),
        )


def lead_vectors(db: Conn, article_ids: Sequence[str], model: str) -> dict[str, np.ndarray]:
    """Stored headline+lead vectors of these articles made by the encoder ``model``."""
    out: dict[str, np.ndarray] = {}
    for chunk in _chunks(list(article_ids)):
        marks = ",".join("?" * len(chunk))
        for aid, blob in db.execute(
            f"SELECT article_id, vector FROM lead_vectors WHERE model = ? AND article_id IN ({marks})",
            (model, *chunk),
        ):
            out[str(aid)] = np.frombuffer(blob, dtype=np.float32)
    return out


def storylines_stale(db: Conn) -> bool:
    """Whether articles joined stories since the storylines were last built."""
    row = db.execute(
        "SELECT (SELECT COUNT(*) FROM story_articles),"
        " (SELECT value FROM story_meta WHERE name = 'storylines_over')"
    ).fetchone()
    return row[1] is None or int(row[0]) != int(row[1])


def totals(db: Conn) -> dict[str, int]:
    """How many stories and storylines the store holds."""
    q = db.execute
    return {
        "stories": int(q("SELECT COUNT(*) FROM stories").fetchone()[0]),
        "storylines": int(q("SELECT COUNT(*) FROM storylines").fetchone()[0]),
    }


def load_entity_df(db: Conn) -> tuple[list[tuple[str, int]], int]:
    """Entity document frequencies and the number of documents they were counted over."""
    df = [(str(e), int(n)) for e, n in db.execute("SELECT entity_id, n FROM story_entity_df")]
    row = db.execute("SELECT value FROM story_meta WHERE name = 'ndocs'").fetchone()
    return df, int(row[0]) if row else 0


def load_signatures(db: Conn) -> Iterator[tuple[str, bytes]]:
    """Stored MinHash signatures of originals, in the order they were indexed."""
    for aid, blob in db.execute("SELECT article_id, signature FROM dedup_signatures ORDER BY seq"):
        yield str(aid), bytes(blob)


def story_members(
    db: Conn, story_id: str, text_chars: int = 2000
) -> list[tuple[str | None, str, np.ndarray | None]]:
    """(headline, start of text, embedding or None) of a story's members, in assignment order."""
    rows = db.execute(
        "SELECT a.title, substr(a.text, 1, ?), e.vector FROM story_articles s"
        " JOIN articles a ON a.id = s.article_id"
        " LEFT JOIN article_embeddings e ON e.article_id = s.article_id WHERE s.story_id = ? ORDER BY s.seq",
        (text_chars, story_id),
    )
    return [(t, x, np.frombuffer(v, dtype=np.float32) if v is not None else None) for t, x, v in rows]


def entity_names(db: Conn, entity_ids: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(list(dict.fromkeys(entity_ids))):
        marks = ",".join("?" * len(chunk))
        out.update(
            db.execute(f"SELECT id, name FROM entities WHERE id IN ({marks})", tuple(chunk)).fetchall()
        )
    return out


def story_titles(db: Conn) -> dict[str, str]:
    return dict(db.execute("SELECT id, title FROM stories").fetchall())


def story_storylines(db: Conn) -> dict[str, str]:
    """Story id -> the storyline it was put in when storylines were last built."""
    return dict(db.execute("SELECT id, storyline_id FROM stories WHERE storyline_id IS NOT NULL").fetchall())


# -- writing --------------------------------------------------------------------------------------------


def save_batch(
    db: Conn,
    assignments: Sequence[Assignment],
    embeddings: Sequence[tuple[str, np.ndarray]],
    duplicates: Sequence[Duplicate],
    signatures: Sequence[tuple[str, bytes]],
    states: Sequence[StoryState],
    df: Sequence[tuple[str, int]],
    ndocs: int,
) -> None:
    """Write one batch's outcome and the clustering state it changed, in one transaction."""
    with _tx(db):
        _upsert_states(db, states)
        seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM story_articles").fetchone()[0])
        db.executemany(
            "INSERT OR REPLACE INTO story_articles (article_id, story_id, score, note, seq)"
            " VALUES (?, ?, ?, ?, ?)",
            [(a.article_id, a.story_id, a.score, a.note, seq + i + 1) for i, a in enumerate(assignments)],
        )
        db.executemany(
            "INSERT OR REPLACE INTO article_embeddings (article_id, vector) VALUES (?, ?)",
            [(aid, np.asarray(v, dtype=np.float32).tobytes()) for aid, v in embeddings],
        )
        db.executemany(
            "INSERT OR REPLACE INTO duplicates (article_id, duplicate_of, similarity, exact)"
            " VALUES (?, ?, ?, ?)",
            [(d.article_id, d.duplicate_of, d.similarity, int(d.exact)) for d in duplicates],
        )
        sig_seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) FROM dedup_signatures").fetchone()[0])
        db.executemany(
            "INSERT OR IGNORE INTO dedup_signatures (article_id, signature, seq) VALUES (?, ?, ?)",
            [(aid, blob, sig_seq + i + 1) for i, (aid, blob) in enumerate(signatures)],
        )
        db.executemany("INSERT OR REPLACE INTO story_entity_df (entity_id, n) VALUES (?, ?)", df)
        db.execute("INSERT OR REPLACE INTO story_meta (name, value) VALUES ('ndocs', ?)", (ndocs,))


def _upsert_states(db: Conn, states: Sequence[StoryState]) -> None:
    """Insert or update story rows (the event frame and lead features go in the ``frame`` JSON)."""
    db.executemany(
        "INSERT INTO stories (id, key, vector_sum, embedded, articles, duplicates, entities, outlets,"
        " first_seen, last_seen, english, note, frame) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET vector_sum = excluded.vector_sum, embedded = excluded.embedded,"
        " articles = excluded.articles, duplicates = excluded.duplicates, entities = excluded.entities,"
        " outlets = excluded.outlets, first_seen = excluded.first_seen, last_seen = excluded.last_seen,"
        " english = excluded.english, note = excluded.note, frame = excluded.frame",
        [
            (s.id, s.key, s.vector_sum, s.embedded, s.articles, s.duplicates,
             json.dumps(s.entities, sort_keys=True),
             json.dumps(s.outlets, sort_keys=True, ensure_ascii=False),
             s.first, s.last, int(s.english), s.note,
             json.dumps({"places": s.places, "modes": s.modes, "lead": s.lead, "terms": s.terms},
                        sort_keys=True))
            for s in states
        ],
    )  # fmt: skip


def save_split(db: Conn, splits: Sequence[StorySplit], states: Sequence[StoryState]) -> None:
    """Write re-checked stories: the split-off members' new story and both halves' state, in one transaction.

    A moved membership keeps its row (score, note, order): only its story changes. Portable SQL:
    ``?`` placeholders and ``INSERT ... ON CONFLICT ... DO UPDATE``.
    """
    with _tx(db):
        _upsert_states(db, states)
        db.executemany(
            "UPDATE story_articles SET story_id = ? WHERE article_id = ? AND story_id = ?",
            [(sp.new_story_id, aid, sp.story_id) for sp in splits for aid in sp.moved],
        )
        # the split-off half stays in its parent's storyline (storylines keep their stories, so
        # the storyline's claims are updated, not compared again: stories/storylines.py)
        db.executemany(
            "UPDATE stories SET storyline_id = (SELECT p.storyline_id FROM stories p WHERE p.id = ?)"
            " WHERE id = ?",
            [(sp.story_id, sp.new_story_id) for sp in splits],
        )


def story_members_for_recheck(db: Conn, story_ids: Sequence[str]) -> dict[str, list[MemberRow]]:
    """Every member of these stories, in the order they joined, as a re-check reads them."""
    out: dict[str, list[MemberRow]] = {s: [] for s in story_ids}
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(list(dict.fromkeys(story_ids))):
        marks = ",".join("?" * len(chunk))
        rows += db.execute(
            "SELECT s.story_id, s.article_id, e.vector, a.outlet, a.published, a.title,"
            " substr(a.text, 1, 2000), a.dateline, d.duplicate_of FROM story_articles s"
            " JOIN articles a ON a.id = s.article_id"
            " LEFT JOIN article_embeddings e ON e.article_id = s.article_id"
            " LEFT JOIN duplicates d ON d.article_id = s.article_id"
            f" WHERE s.story_id IN ({marks}) ORDER BY s.seq",
            tuple(chunk),
        ).fetchall()
    ents = article_entities(db, [r[1] for r in rows if r[2] is not None])
    for sid, aid, vec, outlet, published, title, text, dateline, dup in rows:
        vector = np.frombuffer(vec, dtype=np.float32) if vec is not None else None
        out[sid].append(
            MemberRow(aid, vector, outlet, published, title, text, dateline, ents.get(aid, ()), dup)
        )
    return out


def save_titles(db: Conn, titles: Sequence[tuple[str, str]]) -> None:
    """Set (story id, title) pairs."""
    with _tx(db):
        db.executemany("UPDATE stories SET title = ? WHERE id = ?", [(t, sid) for sid, t in titles])


def replace_storylines(db: Conn, storylines: Sequence[Storyline], titles: Sequence[str]) -> None:
    """Swap in a new set of storylines (``titles[i]`` is storyline ``i``'s) in one transaction."""
    with _tx(db):
        # remember what the storylines were built over, so an unchanged store skips the rebuild
        db.execute(
            "INSERT OR REPLACE INTO story_meta (name, value) VALUES"
            " ('storylines_over', (SELECT COUNT(*) FROM story_articles))"
        )
        db.execute("UPDATE stories SET storyline_id = NULL WHERE storyline_id IS NOT NULL")
        db.execute("DELETE FROM storylines")
        db.executemany(
            "INSERT INTO storylines (id, title, first_seen, last_seen, entities, position)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(sl.id, t, sl.first, sl.last, json.dumps(list(sl.entity_ids)), i)
             for i, (sl, t) in enumerate(zip(storylines, titles, strict=True))],
        )  # fmt: skip
        db.executemany(
            "UPDATE stories SET storyline_id = ? WHERE id = ?",
            [(sl.id, sid) for sl in storylines for sid in sl.story_ids],
        )


def reset_stories(db: Conn) -> None:
    """Forget every story, duplicate link and index state, so the next update re-clusters from scratch."""
    with _tx(db):
        for table in (
            "story_articles", "stories", "article_embeddings", "duplicates", "dedup_signatures",
            "story_entity_df", "story_meta", "storylines",
        ):  # fmt: skip
            db.execute(f"DELETE FROM {table}")


# -- output ---------------------------------------------------------------------------------------------


def stories_for_output(
    db: Conn,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``stories``, ``storylines`` and ``duplicates`` lists exactly as analysis.json carries them.

    Stories come in creation order; ``article_ids`` are the original reports and
    ``duplicate_ids`` the copies of them (kept, linked, and counted apart in
    ``articles`` / ``duplicates``); articles no longer in the store are left out.
    """
    members: dict[str, tuple[list[str], list[str]]] = {}
    outlets: dict[str, dict[str, int]] = {}
    for sid, aid, outlet, dup in db.execute(
        "SELECT s.story_id, s.article_id, a.outlet, d.article_id IS NOT NULL FROM story_articles s"
        " JOIN articles a ON a.id = s.article_id LEFT JOIN duplicates d ON d.article_id = s.article_id"
        " ORDER BY s.seq"
    ):
        originals, copies = members.setdefault(sid, ([], []))
        (copies if dup else originals).append(aid)
        if outlet:
            per = outlets.setdefault(sid, {})
            per[outlet] = per.get(outlet, 0) + 1
    stories: list[dict[str, Any]] = []
    for sid, title, first, last, line, note in db.execute(
        "SELECT id, title, first_seen, last_seen, storyline_id, note FROM stories ORDER BY key"
    ):
        if sid not in members:
            continue
        originals, copies = members[sid]
        per = outlets.get(sid, {})
        stories.append(
            {
                "id": sid,
                "title": title,
                "article_ids": originals,
                "duplicate_ids": copies,
                "articles": len(originals),
                "duplicates": len(copies),
                "storyline_id": line,
                "first_seen": first,
                "last_seen": last,
                "span": date_span(first, last),
                "outlets": sorted(per, key=lambda o: (-per[o], o)),
                "note": note,
            }
        )
    by_line: dict[str, list[str]] = {}
    for s in stories:
        if s["storyline_id"]:
            by_line.setdefault(s["storyline_id"], []).append(s["id"])
    storylines = [
        {
            "id": lid,
            "title": title,
            "story_ids": by_line.get(lid, []),
            "first_seen": first,
            "last_seen": last,
            "span": date_span(first, last),
            "entity_ids": json.loads(ents),
        }
        for lid, title, first, last, ents in db.execute(
            "SELECT id, title, first_seen, last_seen, entities FROM storylines ORDER BY position"
        )
    ]
    duplicates = [
        {
            "article_id": a,
            "duplicate_of": o,
            "similarity": round(float(sim), 3),
            "exact": bool(ex),
            "story_id": sid,
        }
        for a, o, sim, ex, sid in db.execute(
            "SELECT d.article_id, d.duplicate_of, d.similarity, d.exact, s.story_id FROM duplicates d"
            " JOIN articles a ON a.id = d.article_id"
            " LEFT JOIN story_articles s ON s.article_id = d.article_id ORDER BY a.seq"
        )
    ]
    return stories, storylines, duplicates


_ARTICLE_COLS = (
    "a.id, a.source, a.text, a.title, a.outlet, a.author, a.published, a.dateline, a.language, a.url,"
    " a.removed, a.duplicate_of, a.notes"
)


def _stored(r: Sequence[Any]) -> StoredArticle:
    art = Article.from_dict(
        {
            "id": r[0], "source": r[1], "text": r[2], "title": r[3], "outlet": r[4], "author": r[5],
            "published": r[6], "dateline": r[7], "language": r[8], "url": r[9], "removed": json.loads(r[10]),
        }
    )  # fmt: skip
    return StoredArticle(art, r[11], tuple((n[0], n[1]) for n in json.loads(r[12])))


def articles_for_output(db: Conn, article_ids: Sequence[str]) -> list[StoredArticle]:
    """These stored articles, in the given order (ids no longer stored are left out)."""
    found: dict[str, StoredArticle] = {}
    for chunk in _chunks(list(dict.fromkeys(article_ids))):
        for r in db.execute(
            f"SELECT {_ARTICLE_COLS} FROM articles a WHERE a.id IN ({','.join('?' * len(chunk))})",
            list(chunk),
        ):
            found[r[0]] = _stored(r)
    return [found[a] for a in article_ids if a in found]


def latest_articles_for_output(db: Conn, limit: int) -> list[tuple[StoredArticle, str | None]]:
    """The ``limit`` most recently ingested articles, newest first, each with its story id (or None)."""
    return [
        (_stored(r), r[-1])
        for r in db.execute(
            f"SELECT {_ARTICLE_COLS}, s.story_id FROM articles a"
            " LEFT JOIN story_articles s ON s.article_id = a.id ORDER BY a.seq DESC LIMIT ?",
            (limit,),
        )
    ]


def overview_for_output(db: Conn) -> dict[str, Any]:
    """Corpus-wide tallies for the report's front page, aggregated in SQL (no article is loaded).

    ``outlets`` and ``languages``: (name, articles) most first; ``removed_reasons``: (reason, count);
    ``date_range``: (first, last) publication day or None; ``stories``: how many stories have members.
    """
    q = db.execute
    outlets = q(
        "SELECT COALESCE(outlet, '(unknown outlet)') o, COUNT(*) n FROM articles"
        " GROUP BY o ORDER BY n DESC, o"
    ).fetchall()
    languages = q(
        "SELECT COALESCE(language, '?') l, COUNT(*) n FROM articles GROUP BY l ORDER BY n DESC, l"
    ).fetchall()
    removed = q(
        f"SELECT {db.json_get('r.value', 'reason')} k, COUNT(*) n FROM articles a,"
        f" {db.json_items('a.removed')} r GROUP BY k ORDER BY n DESC, k"
    ).fetchall()
    first, last = q("SELECT MIN(published), MAX(published) FROM articles").fetchone()
    stories = q("SELECT COUNT(DISTINCT story_id) FROM story_articles").fetchone()[0]
    return {
        "outlets": [(str(o), int(n)) for o, n in outlets],
        "languages": [(str(k), int(n)) for k, n in languages],
        "removed_reasons": [(str(k), int(n)) for k, n in removed],
        "date_range": (first, last) if first else None,
        "stories": int(stories),
    }


def story_page_keys(db: Conn) -> dict[str, str]:
    """A cheap fingerprint per story of everything its output page is made from.

    It changes when the story's row, its members, its storyline or the claims of its scope change
    (the claims runner recomputes a scope exactly when its signature changes; the claim ids and
    scores catch a recomputation under the same signature), so an output writer can skip reading
    and rendering a story whose fingerprint it has seen before.
    """
    h: dict[str, Any] = {}
    for sid, title, first, last, line, note, line_title, signature in db.execute(
        "SELECT s.id, s.title, s.first_seen, s.last_seen, s.storyline_id, s.note, l.title, c.signature"
        " FROM stories s LEFT JOIN storylines l ON l.id = s.storyline_id"
        " LEFT JOIN claim_scopes c ON c.id = COALESCE(s.storyline_id, s.id)"
    ):
        h[sid] = hashlib.sha256(json.dumps([title, first, last, line, note, line_title, signature]).encode())
    for sid, aid, dup in db.execute(
        "SELECT s.story_id, s.article_id, d.duplicate_of FROM story_articles s"
        " LEFT JOIN duplicates d ON d.article_id = s.article_id ORDER BY s.story_id, s.seq"
    ):
        if sid in h:
            h[sid].update(f"\n{aid}\t{dup}".encode())
    for sid, n, ids, score in db.execute(
        "SELECT story_id, COUNT(*), group_concat(id), TOTAL(score) FROM claims GROUP BY story_id"
    ):
        if sid in h:
            h[sid].update(f"\nclaims\t{n}\t{ids}\t{score:.6f}".encode())
    for sid, n in db.execute("SELECT story_id, COUNT(*) FROM omissions GROUP BY story_id"):
        if sid in h:
            h[sid].update(f"\nomissions\t{n}".encode())
    return {sid: v.hexdigest()[:32] for sid, v in h.items()}


def entity_mentions_for_output(db: Conn, limit: int) -> dict[str, tuple[int, list[Span]]]:
    """Entity id -> (number of mentions, its first ``limit`` mentions as spans, in ingest order).

    One pass over the mention items; only the listed mentions read their article's text.
    """
    out: dict[str, tuple[int, list[Span]]] = {}
    for eid, n in db.execute(
        "SELECT al.entity_id, COUNT(*) FROM entity_aliases al"
        " JOIN items i ON i.layer = 'mention' AND i.key = al.canonical AND i.label = al.label"
        " GROUP BY al.entity_id"
    ):
        out[str(eid)] = (int(n), [])
    for eid, aid, start, end, text in db.execute(
        'SELECT m.entity_id, m.article_id, m.start, m."end", substr(a.text, m.start + 1, m."end" - m.start)'
        ' FROM (SELECT al.entity_id, i.article_id, i.start, i."end", ROW_NUMBER() OVER'
        " (PARTITION BY al.entity_id ORDER BY a.seq, i.start) rn FROM entity_aliases al"
        " JOIN items i ON i.layer = 'mention' AND i.key = al.canonical AND i.label = al.label"
        " JOIN articles a ON a.id = i.article_id) m JOIN articles a ON a.id = m.article_id"
        " WHERE m.rn <= ? ORDER BY m.entity_id, m.rn",
        (limit,),
    ):
        if eid in out:
            out[eid][1].append(Span(aid, start, end, text))
    return out
