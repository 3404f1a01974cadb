"""Reading and writing inferred publication dates (migration ``m010_inferred_dates``).

The ``infer_dates`` stage gives an undated article the day its story's dated members were
published and reads its relative dates again against it; this module holds that SQL.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

from counterpoint.model import TimeExpr
from counterpoint.model.dates import DatedMember, InferredDate
from counterpoint.store.dialect import Conn
from counterpoint.store.stories import _chunks, _tx


def stories_to_date(db: Conn) -> list[list[DatedMember]]:
    """The members of every story holding both a dated and an undated article.

    An undated article is listed when its inferred day is missing or it still has a date it
    could not read (so a re-run of the dates stage is followed by a new reading).
    """
    members: dict[str, list[DatedMember]] = defaultdict(list)
    for sid, aid, published, inferred, window, unread in db.execute(
        "SELECT sa.story_id, a.id, a.published, a.published_inferred, a.published_window,"
        " EXISTS (SELECT 1 FROM items i WHERE i.article_id = a.id AND i.layer = 'time' AND i.key IS NULL)"
        " FROM story_articles sa JOIN articles a ON a.id = sa.article_id ORDER BY sa.story_id, sa.seq"
    ):
        members[sid].append(DatedMember(aid, sid, published, inferred, window, bool(unread)))
    return [
        ms for ms in members.values() if any(m.published for m in ms) and any(not m.published for m in ms)
    ]


def articles_for_dates(db: Conn, article_ids: Sequence[str]) -> dict[str, tuple[str, list[tuple[int, int]]]]:
    """Each article's clean text and sentence offsets (what the dates stage reads)."""
    out: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for chunk in _chunks(list(article_ids)):
        marks = ",".join("?" * len(chunk))
        text = dict(db.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", list(chunk)))
        sents: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for aid, s, e in db.execute(
            'SELECT article_id, start, "end" FROM items'
            f" WHERE layer = 'sentence' AND article_id IN ({marks}) ORDER BY article_id, start",
            list(chunk),
        ):
            sents[aid].append((s, e))
        out.update({aid: (t, sents[aid]) for aid, t in text.items()})
    return out


def save_inferred(db: Conn, rows: Sequence[InferredDate]) -> None:
    """Record each article's inferred day and replace its time items with the new reading, at once."""
    with _tx(db):
        for r in rows:
            db.execute(
                "UPDATE articles SET published_inferred = ?, published_window = ? WHERE id = ?",
                (r.day, f"{r.first}/{r.last}", r.article_id),
            )
            db.execute("DELETE FROM items WHERE article_id = ? AND layer = 'time'", (r.article_id,))
            db.executemany(
                'INSERT INTO items (article_id, layer, start, "end", key, label, data)'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    _time_row(r.article_id, t, r.day if inf else None)
                    for t, inf in zip(r.times, r.inferred, strict=True)
                ],
            )


def _time_row(aid: str, t: TimeExpr, day: str | None) -> tuple[str, str, int, int, str | None, str, str]:
    data: dict[str, object] = {"sentence": [t.sentence.start, t.sentence.end]}
    if day is not None:
        data["inferred_from"] = day  # read against the inferred day, not a stated one
    return (aid, "time", t.span.start, t.span.end, t.value, t.precision, json.dumps(data))


def inferred_dates(db: Conn, article_ids: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
    """Article id -> (inferred day, "first/last" window) of the articles given one (or of ``article_ids``)."""
    sql = "SELECT id, published_inferred, published_window FROM articles"
    sql += " WHERE published_inferred IS NOT NULL"
    if article_ids is None:
        return {aid: (day, window) for aid, day, window in db.execute(sql)}
    out = {}
    for chunk in _chunks(list(article_ids)):
        rows = db.execute(f"{sql} AND id IN ({','.join('?' * len(chunk))})", list(chunk))
        out.update({aid: (day, window) for aid, day, window in rows})
    return out
