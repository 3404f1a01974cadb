"""Reads that the slant views (report and web app) share: per-article slant scores and display names.

Functions over a ``Conn``; the store exposes them as methods, and the web app's
read-only connections call them directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from counterpoint.store.dialect import Conn

#: (outlet, slant scores as JSON, article id, title)
SlantRow = tuple[str | None, str, str, str | None]
#: which label's entity names a canonical name when it is linked under several
_LABEL_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}


def entity_display_names(db: Conn) -> dict[str, str]:
    """Canonical in-article name -> corpus entity name (labels in order of trust)."""
    names: dict[str, str] = {}
    best: dict[str, int] = {}
    rows = db.execute(
        "SELECT al.canonical, al.label, e.name FROM entity_aliases al JOIN entities e ON e.id = al.entity_id"
    )
    for canonical, label, name in rows:
        r = _LABEL_RANK.get(label, 9)
        if r < best.get(canonical, 99):
            best[canonical] = r
            names[canonical] = name
    return names


def slant_rows(
    db: Conn, *, article_ids: Sequence[str] | None = None, outlet: str | None = None
) -> Iterator[SlantRow]:
    """The stored slant scores of every scored article, or of ``article_ids`` / one ``outlet``."""
    sql = (
        "SELECT a.outlet, i.data, a.id, a.title FROM items i JOIN articles a ON a.id = i.article_id"
        " WHERE i.layer = 'slant_scores'"
    )
    params: list[str] = []
    if article_ids is not None:
        if not article_ids:
            return
        sql += f" AND i.article_id IN ({','.join('?' * len(article_ids))})"
        params = list(article_ids)
    if outlet is not None:
        sql += " AND a.outlet = ?"
        params.append(outlet)
    yield from db.execute(sql, params)
