"""Reading and writing events (tables of migration ``m011_events``).

Per-article event reports are rows of ``items`` (layer ``event``), written with the article's
other layers. Merged events are stored per story scope, each scope in one transaction together
with its signature, so a killed run keeps every scope it finished and the next run merges only
scopes whose members or reports changed. Relations are read as one GROUP BY over the stored
events (country pair, month): an aggregate of what the stage stored, not a recomputation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from counterpoint.model.event import Event, EventReport, ReportSource
from counterpoint.store.claims import source_label
from counterpoint.store.dialect import Conn
from counterpoint.store.items import item_from_row
from counterpoint.store.stories import _chunks, _tx

Records = list[dict[str, Any]]
#: LIMIT for "no limit" that both SQLite and PostgreSQL accept
_NO_LIMIT = 1 << 62


def report_sources(db: Conn, article_ids: Sequence[str]) -> list[ReportSource]:
    """The event reports of these articles, with each article's outlet, date and original."""
    out: list[ReportSource] = []
    for chunk in _chunks(list(article_ids)):
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            'SELECT i.article_id, i.start, i."end", i.key, i.label, i.data, a.text,'
            " a.outlet, a.source, a.published, COALESCE(a.duplicate_of, d.duplicate_of),"
            " a.published_inferred"
            " FROM items i JOIN articles a ON a.id = i.article_id"
            " LEFT JOIN duplicates d ON d.article_id = a.id"
            f" WHERE i.layer = 'event' AND i.article_id IN ({marks}) ORDER BY a.seq, i.start",
            list(chunk),
        )
        for aid, start, end, key, label, data, text, outlet, source, published, dup, inferred in rows:
            report = item_from_row(text, aid, "event", start, end, key, label, data)
            if report.date is None and inferred:
                # the events stage ran before the story gave the article a date (infer_dates):
                # the report happened by the day inferred from its story's dated members
                report = replace(report, date=inferred, precision="inferred")
            # an unnamed outlet is shown as claims show it (a domain or file name), never a local path
            name = outlet or source_label(source)
            out.append(ReportSource(report, name, published or inferred, dup))
    return out


def scope_signatures(db: Conn) -> dict[str, str]:
    return {r[0]: r[1] for r in db.execute("SELECT scope_id, signature FROM event_scopes")}


def _period(event: Event) -> str | None:
    from counterpoint.events.merge import interval

    iv = interval(event.date, event.precision)
    return iv[0].isoformat()[:7] if iv else None


def _pair(event: Event) -> str | None:
    s, t = event.source.country, event.target.country
    if not s or not t or s == t:
        return None
    return "-".join(sorted((s, t)))


def save_scope(db: Conn, scope_id: str, signature: str, events: Sequence[Event]) -> None:
    """Replace one scope's merged events and record its signature, in one transaction."""
    with _tx(db):
        db.execute("DELETE FROM events WHERE scope_id = ?", (scope_id,))
        db.executemany(
            "INSERT OR REPLACE INTO events (id, scope_id, pair, period, act, score, date, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (e.id, scope_id, _pair(e), _period(e), int(e.is_act), e.score, e.date,
                 json.dumps(e.to_dict(), ensure_ascii=False))
                for e in events
            ],
        )  # fmt: skip
        db.execute(
            "INSERT OR REPLACE INTO event_scopes (scope_id, signature) VALUES (?, ?)", (scope_id, signature)
        )


def drop_scopes(db: Conn, scope_ids: Sequence[str]) -> None:
    with _tx(db):
        for chunk in _chunks(list(scope_ids)):
            marks = ",".join("?" * len(chunk))
            db.execute(f"DELETE FROM events WHERE scope_id IN ({marks})", list(chunk))
            db.execute(f"DELETE FROM event_scopes WHERE scope_id IN ({marks})", list(chunk))


def totals(db: Conn) -> dict[str, int]:
    row = db.execute("SELECT COUNT(*), COUNT(pair), COALESCE(SUM(act), 0) FROM events").fetchone()
    return {"events_total": int(row[0]), "events_between_countries": int(row[1]), "events_acts": int(row[2])}


def events_for_output(
    db: Conn,
    *,
    pair: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    max_evidence: int | None = None,
) -> Records:
    """Stored events, most reported first (of one country pair, e.g. "CAN-CHN", when given)."""
    sql = "SELECT data FROM events"
    args: list[Any] = []
    if pair:
        sql += " WHERE pair = ?"
        args.append(normalise_pair(pair))
    sql += f" ORDER BY {db.json_get('data', 'reports', numeric=True)} DESC, date DESC NULLS LAST, id"
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        args += [_NO_LIMIT if limit is None else limit, offset]
    out = []
    for (data,) in db.execute(sql, args):
        d = json.loads(data)
        if max_evidence is not None:
            d["evidence"] = d["evidence"][:max_evidence]
        out.append(d)
    return out


def normalise_pair(pair: str) -> str:
    """A pair as stored: the two codes upper-cased and sorted ("chn-can" -> "CAN-CHN")."""
    return "-".join(sorted(p.strip().upper() for p in pair.split("-", 1)))


def relations_for_output(db: Conn, *, pair: str | None = None) -> Records:
    """Per country pair, the monthly count and mean score of the events that took place."""
    sql = (
        "SELECT pair, period, COUNT(*), AVG(score), group_concat(id) FROM events"
        " WHERE pair IS NOT NULL AND period IS NOT NULL AND act = 1"
    )
    args: list[Any] = []
    if pair:
        sql += " AND pair = ?"
        args.append(normalise_pair(pair))
    sql += " GROUP BY pair, period ORDER BY pair, period"
    series: dict[str, list[dict[str, Any]]] = {}
    for p, period, n, score, ids in db.execute(sql, args):
        series.setdefault(p, []).append(
            {
                "period": period,
                "events": int(n),
                "score": round(float(score), 2),
                "event_ids": sorted(ids.split(",")),
            }
        )
    ranked = sorted(series.items(), key=lambda kv: (-sum(pt["events"] for pt in kv[1]), kv[0]))
    return [{"pair": p, "series": pts} for p, pts in ranked]


def iter_events(db: Conn) -> Iterator[dict[str, Any]]:
    for (data,) in db.execute("SELECT data FROM events ORDER BY date NULLS FIRST, id"):
        yield json.loads(data)


class EventTables:
    """The event methods of the Store protocol (mixed into ``SQLStore``, either backend)."""

    db: Conn

    def event_reports(self, article_ids: Sequence[str]) -> list[ReportSource]:
        return report_sources(self.db, article_ids)

    def event_scope_signatures(self) -> dict[str, str]:
        return scope_signatures(self.db)

    def save_event_scope(self, scope_id: str, signature: str, events: Sequence[Event]) -> None:
        save_scope(self.db, scope_id, signature, events)

    def drop_event_scopes(self, scope_ids: Sequence[str]) -> None:
        drop_scopes(self.db, scope_ids)

    def event_totals(self) -> dict[str, int]:
        return totals(self.db)

    def events_for_output(
        self, *, pair: str | None = None, limit: int | None = None, max_evidence: int | None = None
    ) -> Records:
        return events_for_output(self.db, pair=pair, limit=limit, max_evidence=max_evidence)

    def relations_for_output(self, *, pair: str | None = None) -> Records:
        return relations_for_output(self.db, pair=pair)


__all__ = ["EventReport", "EventTables"]
