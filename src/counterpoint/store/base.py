"""The store's SQL over a ``Conn`` (store/dialect.py): the same code for SQLite and PostgreSQL.

``SQLStore`` holds the generic part; ``store/sqlite.py`` and ``store/postgres.py`` only open the
connection. One transaction per batch. Raw inputs are staged first (``raw``, state ``pending``)
and turned into articles batch by batch; a run killed at any point loses only the batch in
flight, and the next run picks up the pending rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from typing import Any

from counterpoint.model import (
    Article,
    ArticleOutput,
    Doc,
    Entity,
    Hints,
    RawDocument,
    Skipped,
    Span,
    StoredArticle,
)  # fmt: skip
from counterpoint.store.corpus import CorpusTables
from counterpoint.store.dialect import Conn, redact
from counterpoint.store.events import EventTables
from counterpoint.store.items import item_from_row, rows_for
from counterpoint.store.migrations import migrate
from counterpoint.store.outputs import OutputViews

_WS = re.compile(r"\s+")
#: SQLite's default limit on bound parameters is 32766 in current builds; stay far below it
_CHUNK = 500


def text_hash(text: str) -> str:
    """Hash of an article's text with case and spacing folded: equal hashes mean the same article text."""
    return hashlib.sha256(_WS.sub(" ", text).strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[
        :16
    ]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_ITEM_COLS = ("article_id", "layer", "start", '"end"', "key", "label", "data")
_VECTOR_COLS = ("article_id", "start", '"end"', "model", "vector")


def _chunks(items: Sequence[Any], n: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


class SQLStore(CorpusTables, OutputViews, EventTables):
    """A Counterpoint store over one connection; the backends open it (``open_store``)."""

    #: stream the items of ``save_docs`` with COPY where the database has it (PostgreSQL)
    bulk_copy = True

    def __init__(self, conn: Conn, url: str) -> None:
        self.url = url
        self.db = conn
        migrate(conn)

    def close(self) -> None:
        self.db.close()

    def _tx(self) -> AbstractContextManager[Conn]:
        return self.db.tx()

    def _next_seq(self, table: str) -> int:
        row = self.db.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {table}").fetchone()
        return int(row[0]) + 1

    # -- ingest ---------------------------------------------------------------------------------------

    def known_raw_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these ids are already stored (as raw input or as a skipped input)."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.db.execute(f"SELECT id FROM raw WHERE id IN ({marks})", chunk))
            found.update(
                r[0] for r in self.db.execute(f"SELECT id FROM skipped WHERE id IN ({marks})", chunk)
            )
        return found

    def add_raw(self, docs: Sequence[tuple[RawDocument, str, Sequence[int]]]) -> int:
        """Stage new raw documents with their outlet group and line keys; return how many were new.

        Line counts are only bumped for documents that were actually inserted,
        so re-ingesting the same input does not make its lines look repeated.
        """
        added = 0
        with self._tx() as db:
            seq = self._next_seq("raw")
            for raw, group, keys in docs:
                cur = db.execute(
                    "INSERT OR IGNORE INTO raw (id, source, format, body, hints, grp, state, seq)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                    (raw.id, raw.source, raw.format, raw.body, json.dumps(asdict(raw.hints)), group, seq),
                )
                if cur.rowcount != 1:
                    continue
                added += 1
                seq += 1
                db.executemany(
                    "INSERT INTO line_counts (grp, key, n) VALUES (?, ?, 1)"
                    " ON CONFLICT (grp, key) DO UPDATE SET n = line_counts.n + 1",
                    [(group, _signed(k)) for k in set(keys)],
                )
        return added

    def add_skipped(self, items: Sequence[Skipped]) -> int:
        """Record inputs that were skipped; the same (source, reason) is recorded once."""
        if not items:
            return 0
        added = 0
        with self._tx() as db:
            seq = self._next_seq("skipped")
            for s in items:
                cur = db.execute(
                    "INSERT OR IGNORE INTO skipped (source, reason, id, seq) VALUES (?, ?, ?, ?)",
                    (s.source, s.reason, s.id, seq),
                )
                added += cur.rowcount
                seq += 1
        return added

    def pending_raw(self, limit: int, after_seq: int = 0) -> list[tuple[RawDocument, str, int]]:
        """Up to ``limit`` raw documents waiting for the stages, in ingest order after ``after_seq``.

        Returns (document, outlet group, seq); pass the last seq back to page on
        while earlier batches are still in flight.
        """
        rows = self.db.execute(
            "SELECT id, source, body, format, hints, grp, seq FROM raw"
            " WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        ).fetchall()
        return [(RawDocument(r[0], r[1], r[2], r[3], Hints(**json.loads(r[4]))), r[5], r[6]) for r in rows]

    def group_has_repeats(self, group: str, min_docs: int) -> bool:
        """Whether any line of ``group`` appears in at least ``min_docs`` documents."""
        row = self.db.execute("SELECT 1 FROM line_counts WHERE grp = ? AND n >= ? LIMIT 1", (group, min_docs))
        return row.fetchone() is not None

    def repeated_lines(self, group: str, keys: Iterable[int], min_docs: int) -> frozenset[int]:
        """The keys among ``keys`` that appear in at least ``min_docs`` documents of ``group``."""
        wanted = list({_signed(k): k for k in keys}.items())
        found: set[int] = set()
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            lookup = dict(chunk)
            rows = self.db.execute(
                f"SELECT key FROM line_counts WHERE grp = ? AND n >= ? AND key IN ({marks})",
                (group, min_docs, *lookup),
            )
            found.update(lookup[r[0]] for r in rows)
        return frozenset(found)

    def save_docs(self, docs: Sequence[Doc]) -> tuple[int, int]:
        """Store the outcome of the per-article stages for one batch; return (articles, skipped).

        One transaction: what the batch replaces is deleted in a few set-wise statements, then
        each article is inserted (its exact-duplicate lookup sees the batch's earlier articles),
        then every item and vector of the batch goes in as one bulk write each (COPY on PostgreSQL).
        """
        n_art = n_skip = 0
        items: list[Sequence[Any]] = []
        names: Counter[tuple[str, str, str]] = Counter()  # (label, canonical, surface) mentions
        lead: dict[tuple[str, str], Any] = {}
        sentence: dict[tuple[str, int, int, str], Any] = {}
        ids = list(dict.fromkeys(d.raw.id for d in docs))
        kept = [d.article.id for d in docs if d.skipped is None]
        with self._tx() as db:
            seq_a = self._next_seq("articles")
            seq_s = self._next_seq("skipped")
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                names.subtract(_mention_names(db, marks, chunk))  # of the articles replaced
                # vectors are keyed by offsets into the text, which a re-run may change.
                # delete + insert rather than INSERT OR REPLACE: REPLACE does not fire the delete
                # triggers that keep SQLite's full-text index in step
                for table in ("lead_vectors", "claim_vectors", "items", "output_fragments"):
                    db.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk)
                db.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk)
            for chunk in _chunks(kept):
                db.execute(f"DELETE FROM skipped WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            for doc in docs:
                if doc.skipped is not None:
                    db.execute(
                        "INSERT OR IGNORE INTO skipped (source, reason, id, seq) VALUES (?, ?, ?, ?)",
                        (doc.raw.source, doc.skipped, doc.raw.id, seq_s),
                    )
                    seq_s += 1
                    n_skip += 1
                    continue
                art = doc.article
                th = text_hash(art.text)
                dup = db.execute(
                    "SELECT id FROM articles WHERE text_hash = ? AND id != ? ORDER BY seq LIMIT 1",
                    (th, art.id),
                ).fetchone()
                db.execute(
                    "INSERT INTO articles (id, source, title, outlet, author, published, dateline,"
                    " language, url, text, text_hash, duplicate_of, removed, notes, seq)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        art.id, art.source, art.title, art.outlet, art.author, art.published, art.dateline,
                        art.language, art.url, art.text, th, dup[0] if dup else None,
                        json.dumps([asdict(r) for r in art.removed], ensure_ascii=False),
                        json.dumps([list(n) for n in doc.notes], ensure_ascii=False),
                        seq_a,
                    ),
                )  # fmt: skip
                rows = list(rows_for(doc))
                items.extend(rows)
                names.update(
                    (r[5] or "", r[4] or "", art.text[r[2] : r[3]]) for r in rows if r[1] == "mention"
                )
                for v in doc.vectors:
                    if v.kind == "lead":
                        lead[(art.id, v.model)] = v.values
                    elif v.kind == "sentence":
                        sentence[(art.id, v.start, v.end, v.model)] = v.values
                seq_a += 1
                n_art += 1
            for state, chunk_ids in (
                ("done", kept),
                ("skipped", [d.raw.id for d in docs if d.skipped is not None]),
            ):
                for chunk in _chunks(chunk_ids):
                    marks = ",".join("?" * len(chunk))
                    db.execute(f"UPDATE raw SET state = ? WHERE id IN ({marks})", (state, *chunk))
            # every article of the batch is in: its items and vectors go in as bulk writes
            write = db.copy_rows if self.bulk_copy else partial(Conn.copy_rows, db)
            write("items", _ITEM_COLS, items)
            write("lead_vectors", ("article_id", "model", "vector"), [(*k, v) for k, v in lead.items()])
            write("claim_vectors", _VECTOR_COLS, [(*k, v) for k, v in sentence.items()])
            _count_names(db, names)
        return n_art, n_skip

    def mark_all_pending(self) -> int:
        """Queue every stored raw document for the per-article stages again (after an upgrade)."""
        with self._tx() as db:
            return db.execute("UPDATE raw SET state = 'pending' WHERE state != 'pending'").rowcount

    # -- reading --------------------------------------------------------------------------------------

    def iter_articles(self) -> Iterator[StoredArticle]:
        """Every stored article in ingest order, with what the store knows about it."""
        yield from map(_stored, self.db.execute(f"SELECT {_ARTICLE_COLS} FROM articles ORDER BY seq"))

    def stored_articles(self, article_ids: Sequence[str]) -> list[StoredArticle]:
        """These articles (those still stored), in the order given."""
        found: dict[str, StoredArticle] = {}
        for chunk in _chunks(list(article_ids)):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT {_ARTICLE_COLS} FROM articles WHERE id IN ({marks})", chunk):
                found[r[0]] = _stored(r)
        return [found[a] for a in article_ids if a in found]

    def article_versions(self) -> Iterator[tuple[str, int]]:
        """(id, version) of every stored article in ingest order; a reprocessed article gets a new version."""
        for aid, seq in self.db.execute("SELECT id, seq FROM articles ORDER BY seq"):
            yield str(aid), int(seq)

    def output_fragments(self, article_ids: Sequence[str]) -> dict[str, ArticleOutput]:
        """The analysis.json parts last written for these articles (those that have one)."""
        out: dict[str, ArticleOutput] = {}
        for chunk in _chunks(list(article_ids)):
            marks = ",".join("?" * len(chunk))
            for aid, seq, deps, lists, profile in self.db.execute(
                "SELECT article_id, seq, deps, lists, profile FROM output_fragments"
                f" WHERE article_id IN ({marks})",
                chunk,
            ):
                out[aid] = ArticleOutput(aid, int(seq), deps, json.loads(lists), profile)
        return out

    def save_output_fragments(self, fragments: Sequence[ArticleOutput]) -> None:
        """Keep these analysis.json parts (replacing older ones of the same articles), in one transaction."""
        if not fragments:
            return
        with self._tx() as db:
            db.executemany(
                "INSERT INTO output_fragments (article_id, seq, deps, lists, profile) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE SET seq = excluded.seq, deps = excluded.deps,"
                " lists = excluded.lists, profile = excluded.profile",
                [(f.article_id, f.seq, f.deps, json.dumps(f.lists, ensure_ascii=False), f.profile)
                 for f in sorted(fragments, key=lambda f: f.article_id)],
            )  # fmt: skip

    def article_items(self, article_id: str, text: str, layers: Sequence[str] = ()) -> dict[str, list[Any]]:
        """The layer items of one article (every layer, or only ``layers``), by layer name, in text order."""
        only = f" AND layer IN ({','.join('?' * len(layers))})" if layers else ""
        rows = self.db.execute(
            'SELECT layer, start, "end", key, label, data FROM items'
            f" WHERE article_id = ?{only} ORDER BY layer, start",
            (article_id, *layers),
        )
        out: dict[str, list[Any]] = {}
        for layer, start, end, key, label, data in rows:
            out.setdefault(layer, []).append(
                item_from_row(text, article_id, layer, start, end, key, label, data)
            )
        return out

    def mention_names(self) -> Iterator[tuple[str, str, str, int]]:
        """(label, canonical, surface, count) over the whole corpus: the input of entity linking.

        Read from the counts ``save_docs`` keeps (migration ``m013_mention_names``): distinct names,
        not every mention.
        """
        rows = self.db.execute("SELECT label, canonical, surface, n FROM mention_names WHERE n > 0")
        # sorted here, not by the database's collation: both backends link in one order
        yield from sorted((str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows)

    def replace_entities(self, entities: Sequence[Entity], aliases: Sequence[tuple[str, str, str]]) -> None:
        """Swap in a new entity table and alias map in one transaction."""
        with self._tx() as db:
            db.execute("DELETE FROM entity_aliases")
            db.execute("DELETE FROM entities")
            db.executemany(
                "INSERT INTO entities (id, name, type, aliases, mentions) VALUES (?, ?, ?, ?, ?)",
                [(e.id, e.name, e.type, json.dumps(list(e.aliases), ensure_ascii=False), e.mentions)
                 for e in entities],
            )  # fmt: skip
            db.executemany(
                "INSERT INTO entity_aliases (canonical, label, entity_id) VALUES (?, ?, ?)", aliases
            )

    def iter_entities(self) -> Iterator[Entity]:
        for r in self.db.execute(
            "SELECT id, name, type, aliases, mentions FROM entities ORDER BY mentions DESC, name"
        ):
            yield Entity(r[0], r[1], r[2], tuple(json.loads(r[3])), r[4])

    def entity_mentions(self, entity_id: str) -> Iterator[Span]:
        """Evidence spans of every mention of one entity."""
        rows = self.db.execute(
            'SELECT i.article_id, i.start, i."end", substr(a.text, i.start + 1, i."end" - i.start)'
            " FROM entity_aliases al JOIN items i ON i.layer = 'mention' AND i.key = al.canonical"
            " AND i.label = al.label JOIN articles a ON a.id = i.article_id"
            " WHERE al.entity_id = ? ORDER BY a.seq, i.start",
            (entity_id,),
        )
        for aid, s, e, t in rows:
            yield Span(aid, s, e, t)

    def entity_for(
        self, canonical: str, labels: Sequence[str] = ("PERSON", "ORG", "GPE", "NORP")
    ) -> str | None:
        """The entity id a canonical name resolves to, trying labels in order."""
        for label in labels:
            row = self.db.execute(
                "SELECT entity_id FROM entity_aliases WHERE canonical = ? AND label = ?", (canonical, label)
            ).fetchone()
            if row:
                return str(row[0])
        return None

    def iter_skipped(self) -> Iterator[Skipped]:
        for r in self.db.execute("SELECT source, reason, id FROM skipped ORDER BY seq"):
            yield Skipped(r[0], r[1], r[2])

    def counts(self) -> dict[str, int]:
        q = self.db.execute
        return {
            "articles": int(q("SELECT COUNT(*) FROM articles").fetchone()[0]),
            "duplicates": int(
                q("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
            ),
            "skipped": int(q("SELECT COUNT(*) FROM skipped").fetchone()[0]),
            "pending": int(q("SELECT COUNT(*) FROM raw WHERE state = 'pending'").fetchone()[0]),
        }

    # -- runs -----------------------------------------------------------------------------------------

    def start_run(self, command: str, settings: dict[str, Any]) -> int:
        if isinstance(settings.get("db"), str):
            settings = {**settings, "db": redact(settings["db"])}  # the runs table keeps no password
        with self._tx() as db:
            return db.insert_returning_id(
                "INSERT INTO runs (command, settings, started) VALUES (?, ?, ?)",
                (command, json.dumps(settings, default=str), _now()),
            )

    def finish_run(self, run_id: int, stats: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE runs SET finished = ?, stats = ? WHERE id = ?",
                (_now(), json.dumps(stats, default=str), run_id),
            )


def _signed(key: int) -> int:
    """SQLite integers are signed 64-bit; line keys are unsigned 64-bit hashes."""
    return key - (1 << 64) if key >= (1 << 63) else key


def _mention_names(db: Conn, marks: str, ids: Sequence[str]) -> Counter[tuple[str, str, str]]:
    """The (label, canonical, surface) mention counts of stored articles ``ids`` (none when new)."""
    rows = db.execute(
        "SELECT COALESCE(i.label, ''), COALESCE(i.key, ''), substr(a.text, i.start + 1, i.\"end\" - i.start)"
        " FROM items i JOIN articles a ON a.id = i.article_id"
        f" WHERE i.layer = 'mention' AND i.article_id IN ({marks})",
        tuple(ids),
    )
    return Counter((str(r[0]), str(r[1]), str(r[2])) for r in rows)


def _count_names(db: Conn, names: Counter[tuple[str, str, str]]) -> None:
    """Add ``names`` (negative for replaced articles) to ``mention_names``, in key order so that
    concurrent writers on PostgreSQL take the row locks in one order."""
    changes = sorted((*k, n) for k, n in names.items() if n)
    if not changes:
        return
    db.executemany(
        "INSERT INTO mention_names (label, canonical, surface, n) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (label, canonical, surface) DO UPDATE SET n = mention_names.n + excluded.n",
        changes,
    )
    if any(n < 0 for *_k, n in changes):
        db.execute("DELETE FROM mention_names WHERE n <= 0")


_ARTICLE_COLS = (
    "id, source, text, title, outlet, author, published, dateline, language, url, removed,"
    " duplicate_of, notes"
)


def _stored(r: Sequence[Any]) -> StoredArticle:
    removed = json.loads(r[10])
    art = Article.from_dict(
        {
            "id": r[0], "source": r[1], "text": r[2], "title": r[3], "outlet": r[4], "author": r[5],
            "published": r[6], "dateline": r[7], "language": r[8], "url": r[9], "removed": removed,
        }
    )  # fmt: skip
    return StoredArticle(art, r[11], tuple((n[0], n[1]) for n in json.loads(r[12])))
