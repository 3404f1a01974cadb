"""Schema migrations: a list of functions, each applied once and recorded in ``_migrations``.

One list for both backends: the DDL is written in SQLite's types and ``ddl_to_postgres`` maps
them (64-bit integers, BYTEA, DOUBLE PRECISION); full-text search is the one branch (FTS5 on
SQLite, a ``tsvector`` column with a GIN index on PostgreSQL). On PostgreSQL concurrent openers
queue on an advisory lock, so a migration runs once however many runs start at the same time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from counterpoint.model.claim import WHY_KEPT, ClaimConflict
from counterpoint.store.claims import quoted_texts
from counterpoint.store.dialect import Conn, ddl_to_postgres, migration_lock

Migration = Callable[[Conn], None]


def _run_script(db: Conn, sql: str) -> None:
    # executescript() would COMMIT behind our back; statement by statement keeps the migration atomic.
    # complete_statement() knows that a ";" inside a trigger body does not end the statement.
    buf = ""
    sql = sql.rstrip()
    for line in (sql if sql.endswith(";") else sql + ";").splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                db.execute(ddl_to_postgres(buf) if db.dialect == "postgresql" else buf)
            buf = ""


def m001_initial(db: Conn) -> None:
    _run_script(
        db,
        """
        CREATE TABLE raw (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            body TEXT NOT NULL,
            hints TEXT NOT NULL,
            grp TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',   -- pending | done | skipped
            seq INTEGER NOT NULL
        );
        CREATE INDEX raw_state ON raw(state, seq);
        CREATE TABLE articles (
            id TEXT PRIMARY KEY REFERENCES raw(id),
            source TEXT NOT NULL,
            title TEXT, outlet TEXT, author TEXT, published TEXT, dateline TEXT, language TEXT, url TEXT,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            duplicate_of TEXT,
            removed TEXT NOT NULL,
            notes TEXT NOT NULL,
            seq INTEGER NOT NULL
        );
        CREATE INDEX articles_text_hash ON articles(text_hash);
        CREATE INDEX articles_seq ON articles(seq);
        CREATE TABLE skipped (
            source TEXT NOT NULL,
            reason TEXT NOT NULL,
            id TEXT,
            seq INTEGER NOT NULL,
            PRIMARY KEY (source, reason)
        );
        -- how many documents of one outlet group carry a given short line: chrome repeats, prose does not
        CREATE TABLE line_counts (
            grp TEXT NOT NULL,
            key INTEGER NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (grp, key)
        ) WITHOUT ROWID;
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command TEXT NOT NULL,
            settings TEXT NOT NULL,
            started TEXT NOT NULL,
            finished TEXT,
            stats TEXT
        );
        """,
    )


def m002_language_layers(db: Conn) -> None:
    _run_script(
        db,
        """
        -- every extracted item of every per-article layer: sentence, mention, quote, number, time.
        -- key is what views look items up by (a mention's canonical name, a quote's speaker, ...)
        CREATE TABLE items (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            layer TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            key TEXT,
            label TEXT,
            data TEXT
        );
        CREATE INDEX items_article ON items(article_id, layer, start);
        CREATE INDEX items_key ON items(layer, key);
        -- canonical entities across the corpus, rebuilt by the entity-linking corpus stage
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            aliases TEXT NOT NULL,
            mentions INTEGER NOT NULL
        );
        CREATE TABLE entity_aliases (
            canonical TEXT NOT NULL,
            label TEXT NOT NULL,
            entity_id TEXT NOT NULL REFERENCES entities(id),
            PRIMARY KEY (canonical, label)
        ) WITHOUT ROWID;
        CREATE INDEX entity_aliases_entity ON entity_aliases(entity_id)
        """,
    )


def m003_search(db: Conn) -> None:
    if db.dialect == "postgresql":
        # a stored tsvector (title weighted A, outlet B, text D) behind a GIN index; 'simple' keeps
        # words as written, like FTS5's unicode61 (no stemming)
        _run_script(
            db,
            """
            ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple', coalesce(title, '')), 'A')
                || setweight(to_tsvector('simple', coalesce(outlet, '')), 'B')
                || setweight(to_tsvector('simple', text), 'D')
            ) STORED;
            CREATE INDEX articles_search ON articles USING GIN (search)
            """,
        )
        return
    _run_script(
        db,
        """
        -- full-text search over articles (SQLite FTS5, part of Python's sqlite3); an external-content
        -- index kept in step by triggers, so the text is stored once
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, outlet,
            content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text, outlet)
            VALUES (new.rowid, new.title, new.text, new.outlet);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text, outlet)
            VALUES ('delete', old.rowid, old.title, old.text, old.outlet);
        END;
        CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text, outlet)
            VALUES ('delete', old.rowid, old.title, old.text, old.outlet);
            INSERT INTO articles_fts(rowid, title, text, outlet)
            VALUES (new.rowid, new.title, new.text, new.outlet);
        END;
        INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')
        """,
    )


def m004_stories(db: Conn) -> None:
    _run_script(
        db,
        """
        -- stories (one event, many outlets) with the clustering state that lets new articles join them
        -- without re-clustering: centroid sum (float32 BLOB), entity and outlet counts (JSON), date span.
        -- No foreign keys to articles: --reprocess deletes and re-inserts articles, and an article
        -- keeps its story across that.
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            key INTEGER NOT NULL UNIQUE,          -- creation order; the key in the ANN index
            title TEXT NOT NULL DEFAULT '',
            vector_sum BLOB NOT NULL,
            embedded INTEGER NOT NULL,
            articles INTEGER NOT NULL,            -- members, duplicates included
            duplicates INTEGER NOT NULL,
            entities TEXT NOT NULL,
            outlets TEXT NOT NULL,
            first_seen TEXT,
            last_seen TEXT,
            english INTEGER NOT NULL,
            note TEXT,
            storyline_id TEXT
        );
        CREATE INDEX stories_storyline ON stories(storyline_id);
        -- membership: every article is in exactly one story once assigned (its "assigned" mark)
        CREATE TABLE story_articles (
            article_id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL REFERENCES stories(id),
            score REAL,                           -- similarity when it joined; NULL for a founder
            note TEXT,
            seq INTEGER NOT NULL                  -- assignment order
        );
        CREATE INDEX story_articles_story ON story_articles(story_id, seq);
        -- unit float32 embedding of each embedded article (headline + lead)
        CREATE TABLE article_embeddings (
            article_id TEXT PRIMARY KEY,
            vector BLOB NOT NULL
        ) WITHOUT ROWID;
        -- near-duplicates and exact copies, linked to the original they copy
        CREATE TABLE duplicates (
            article_id TEXT PRIMARY KEY,
            duplicate_of TEXT NOT NULL,
            similarity REAL NOT NULL,
            exact INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX duplicates_original ON duplicates(duplicate_of);
        -- MinHash signatures of originals: the near-duplicate index state
        CREATE TABLE dedup_signatures (
            article_id TEXT PRIMARY KEY,
            signature BLOB NOT NULL,
            seq INTEGER NOT NULL
        );
        -- document frequencies of entities among clustered articles (idf of entity overlap)
        CREATE TABLE story_entity_df (
            entity_id TEXT PRIMARY KEY,
            n INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE story_meta (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE storylines (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            first_seen TEXT,
            last_seen TEXT,
            entities TEXT NOT NULL,               -- JSON list of central entity ids
            position INTEGER NOT NULL
        )
        """,
    )


def m005_claims(db: Conn) -> None:
    _run_script(
        db,
        """
        -- a scope is what claims are compared over: a storyline, or a story that is in none.
        -- signature = hash of its member articles: a scope is recomputed only when it changes.
        CREATE TABLE claim_scopes (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,                   -- story | storyline
            signature TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            scope_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            position INTEGER NOT NULL,            -- display order within the scope
            text TEXT NOT NULL,
            status TEXT NOT NULL,                 -- corroborated | single_source | conflicting
            kind TEXT NOT NULL,
            speaker TEXT,
            score REAL NOT NULL,
            sources INTEGER NOT NULL,             -- independent sources (an outlet counts once)
            outlets TEXT NOT NULL,                -- JSON list
            conflicts_with TEXT NOT NULL,         -- JSON list of claim ids
            why TEXT
        );
        CREATE INDEX claims_story ON claims(story_id, position);
        CREATE INDEX claims_scope ON claims(scope_id);
        -- evidence as offsets only: the text is sliced from the article on the way out
        CREATE TABLE claim_evidence (
            claim_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            PRIMARY KEY (claim_id, article_id, start)
        ) WITHOUT ROWID;
        CREATE INDEX claim_evidence_article ON claim_evidence(article_id);
        CREATE TABLE omissions (
            article_id TEXT NOT NULL,
            claim_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            scope_id TEXT NOT NULL,
            PRIMARY KEY (article_id, claim_id)
        ) WITHOUT ROWID;
        CREATE INDEX omissions_story ON omissions(story_id);
        CREATE INDEX omissions_scope ON omissions(scope_id);
        CREATE TABLE briefs (
            story_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            scope_id TEXT NOT NULL,
            sentence TEXT NOT NULL,
            citations TEXT NOT NULL,              -- JSON [[article_id, start, end], ...]
            claim_ids TEXT NOT NULL,
            PRIMARY KEY (story_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX briefs_scope ON briefs(scope_id);
        CREATE TABLE timeline_events (
            scope_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            date TEXT NOT NULL,
            precision TEXT NOT NULL,
            text TEXT NOT NULL,
            evidence TEXT NOT NULL,               -- JSON [[article_id, start, end], ...]
            outlets TEXT NOT NULL,
            PRIMARY KEY (scope_id, position)
        ) WITHOUT ROWID;
        -- sentence embeddings of claim candidates, so a story that grows re-embeds only new articles
        CREATE TABLE claim_vectors (
            article_id TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (article_id, start, "end", model)
        ) WITHOUT ROWID
        """,
    )


def m006_story_frames(db: Conn) -> None:
    # Event frame of each story (stories/events.py), as JSON {"places": {...}, "modes": {...}}.
    # Stories made before this migration get an empty frame, which never keeps an article out.
    _run_script(db, "ALTER TABLE stories ADD COLUMN frame TEXT NOT NULL DEFAULT '{}'")


def m007_corpus_stages(db: Conn) -> None:
    _run_script(
        db,
        """
        -- headline+lead embedding of each article, computed by the per-article ``vectors`` stage in
        -- the workers (claim-sentence vectors go to claim_vectors); ``model`` names the encoder
        CREATE TABLE lead_vectors (
            article_id TEXT NOT NULL,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (article_id, model)
        ) WITHOUT ROWID;
        -- a corpus stage that failed on one partition (a scope, a batch): the reason, kept until
        -- the partition succeeds on a later run
        CREATE TABLE stage_failures (
            stage TEXT NOT NULL,
            partition TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (stage, partition)
        ) WITHOUT ROWID
        """,
    )


def m008_claim_state(db: Conn) -> None:
    _run_script(
        db,
        """
        -- what an incremental update of a claim scope starts from (claims/update.py): every candidate
        -- sentence of the scope with its check-worthiness result, the facts the aligner compares, its
        -- group (the position of the group's founder) and the cosines of its nearest candidates
        CREATE TABLE claim_candidates (
            scope_id TEXT NOT NULL,
            position INTEGER NOT NULL,            -- comparison order within the scope
            article_id TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            score REAL NOT NULL,
            kind TEXT NOT NULL,
            loaded REAL NOT NULL,
            speaker TEXT,
            facts TEXT NOT NULL,                  -- JSON {entities, numbers, times}, offsets absolute
            root INTEGER NOT NULL,                -- position of the founder of its group
            top BLOB NOT NULL,                    -- float32 cosines of its nearest candidates, best first
            PRIMARY KEY (scope_id, position)
        ) WITHOUT ROWID;
        -- pairs of candidates: refused (matching, kept apart by the founder rule) or conflict
        CREATE TABLE claim_links (
            scope_id TEXT NOT NULL,
            kind TEXT NOT NULL,                   -- refused | conflict
            first INTEGER NOT NULL,
            second INTEGER NOT NULL,
            why TEXT,
            rule TEXT,
            PRIMARY KEY (scope_id, kind, first, second)
        ) WITHOUT ROWID;
        -- members the state was computed for (article -> story) and whether each took part;
        -- NULL for scopes stored before this migration: they are compared from scratch once
        ALTER TABLE claim_scopes ADD COLUMN members TEXT
        """,
    )


def m010_inferred_dates(db: Conn) -> None:
    _run_script(
        db,
        """
        -- an undated article's publication day inferred from its story's dated members (the
        -- infer_dates stage): the day relative dates were read against, and the members' range
        ALTER TABLE articles ADD COLUMN published_inferred TEXT;
        ALTER TABLE articles ADD COLUMN published_window TEXT;  -- "first/last" ISO days
        -- a timeline entry is an event (it happened) or a plan (a target, a date after publication)
        ALTER TABLE timeline_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'event'
        """,
    )


def m011_events(db: Conn) -> None:
    """Merged events per story scope (per-article reports are ``items`` rows of layer ``event``)."""
    _run_script(
        db,
        """
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            scope_id TEXT NOT NULL,
            pair TEXT,              -- "CAN-CHN": both countries sorted; NULL unless known and distinct
            period TEXT,            -- YYYY-MM of the event's date
            act INTEGER NOT NULL,   -- 1 when it took place (not negated, hypothetical, urged or expected)
            score REAL NOT NULL,    -- Goldstein score of the CAMEO root
            date TEXT,
            data TEXT NOT NULL      -- the event as analysis.json carries it
        );
        CREATE INDEX events_scope ON events(scope_id);
        CREATE INDEX events_pair ON events(pair, period);
        CREATE TABLE event_scopes (scope_id TEXT PRIMARY KEY, signature TEXT NOT NULL) WITHOUT ROWID
        """,
    )


def m012_portable(db: Conn) -> None:
    """What lets the web views order articles by ``seq`` instead of SQLite's ``rowid``.

    A covering index on (published, seq, outlet, id): the newest-first list and the paging of the
    web app read it alone, never the articles' text pages, on both backends. On PostgreSQL also the
    ``substr(text, bigint, bigint)`` that SQLite's integers need (offsets are 64-bit columns there).
    """
    _run_script(db, "CREATE INDEX articles_newest ON articles(published, seq, outlet, id)")
    if db.dialect == "postgresql":
        db.execute(
            "CREATE OR REPLACE FUNCTION substr(s text, start bigint, n bigint) RETURNS text"
            " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT pg_catalog.substr(s, start::int, n::int)'"
        )


def m013_mention_names(db: Conn) -> None:
    """How often each (label, canonical name, surface form) is mentioned: the input of entity linking.

    Kept up to date as articles are saved, so that linking reads distinct names instead of slicing
    every mention out of every article's text (23 of the 24 s of entity linking at 10k articles).
    """
    _run_script(
        db,
        """
        CREATE TABLE mention_names (
            label TEXT NOT NULL,
            canonical TEXT NOT NULL,
            surface TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (label, canonical, surface)
        );
        INSERT INTO mention_names (label, canonical, surface, n)
        SELECT COALESCE(i.label, ''), COALESCE(i.key, ''), substr(a.text, i.start + 1, i."end" - i.start),
               COUNT(*)
        FROM items i JOIN articles a ON a.id = i.article_id WHERE i.layer = 'mention'
        GROUP BY COALESCE(i.label, ''), COALESCE(i.key, ''), substr(a.text, i.start + 1, i."end" - i.start)
        """,
    )


def m014_output_fragments(db: Conn) -> None:
    """Each article's part of analysis.json as last written, with what it depends on.

    The writer reuses the part of an article whose version and dependencies did not change, instead
    of reading its layers and encoding its records again (most of writing analysis.json at 10k).
    """
    _run_script(
        db,
        """
        CREATE TABLE output_fragments (
            article_id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,
            deps TEXT NOT NULL,
            lists TEXT NOT NULL,
            profile TEXT
        )
        """,
    )


def m015_claim_conflicts(db: Conn) -> None:
    """Each disagreeing pair of claims once, and a claim's reasons capped at ``WHY_KEPT`` with a count.

    Claims kept every reason (one per disagreeing sentence pair) and the conflicts list paired
    claims by the reasons they shared: 209 MB of reasons at 10k articles, read whole on every write
    of analysis.json. An existing store's pairs are derived from those reasons as the conflicts
    list did, scope by scope; then the reasons are cut to the first ``WHY_KEPT``.
    """
    _run_script(
        db,
        """
        CREATE TABLE claim_conflicts (
            first_id TEXT NOT NULL,               -- first == second: sentences of one claim disagree
            second_id TEXT NOT NULL,
            scope_id TEXT NOT NULL,
            why TEXT NOT NULL,                    -- the first reason
            pairs INTEGER NOT NULL,               -- distinct reasons (disagreeing sentence pairs)
            first_sentences INTEGER,              -- own disputes: distinct sentences per side
            second_sentences INTEGER,
            PRIMARY KEY (first_id, second_id)
        );
        CREATE INDEX claim_conflicts_second ON claim_conflicts(second_id);
        CREATE INDEX claim_conflicts_scope ON claim_conflicts(scope_id);
        ALTER TABLE claims ADD COLUMN why_count INTEGER NOT NULL DEFAULT 0
        """,
    )
    scopes = [r[0] for r in db.execute("SELECT DISTINCT scope_id FROM claims WHERE why IS NOT NULL")]
    for scope in scopes:
        rows = db.execute(
            "SELECT id, conflicts_with, why FROM claims WHERE scope_id = ? AND why IS NOT NULL"
            " ORDER BY position",
            (scope,),
        ).fetchall()
        lines = {cid: [w for w in why.split("\n") if w] for cid, _c, why in rows}
        pairs = claim_pairs_from_reasons([(cid, json.loads(c)) for cid, c, _w in rows], lines)
        db.executemany(
            "INSERT INTO claim_conflicts (first_id, second_id, scope_id, why, pairs, first_sentences,"
            " second_sentences) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (c.first, c.second, scope, c.why, c.pairs, c.first_sentences, c.second_sentences)
                for c in pairs
            ],
        )
        db.executemany(
            "UPDATE claims SET why = ?, why_count = ? WHERE id = ?",
            [("\n".join(ws[:WHY_KEPT]), len(ws), cid) for cid, ws in lines.items()],
        )


def claim_pairs_from_reasons(
    claims: Sequence[tuple[str, list[str]]], lines: dict[str, list[str]]
) -> list[ClaimConflict]:
    """The disagreeing pairs of one scope's claims (id, conflicts_with; in display order) from every
    claim's full list of reasons, as the conflicts list paired them before pairs were stored: two
    claims share the reasons of their sentence pairs; the reasons a claim shares with no other
    claim are between its own sentences."""
    out: list[ClaimConflict] = []
    done: set[tuple[str, str]] = set()
    for cid, others in claims:
        mine, elsewhere = lines.get(cid, []), set()
        for other in others:
            if other not in lines:
                continue
            theirs = set(lines[other])
            elsewhere |= theirs
            pair = (min(cid, other), max(cid, other))
            if pair not in done:
                done.add(pair)
                shared = [w for w in mine if w in theirs]
                out.append(ClaimConflict(cid, other, shared[0] if shared else "", len(shared)))
        own = [w for w in mine if w not in elsewhere]
        if own:
            firsts, seconds = zip(*(quoted_texts(w) for w in own), strict=True)
            out.append(ClaimConflict(cid, cid, own[0], len(own), len(set(firsts)), len(set(seconds))))
    return out


MIGRATIONS: list[Migration] = [
    m001_initial, m002_language_layers, m003_search, m004_stories, m005_claims, m006_story_frames,
    m007_corpus_stages, m008_claim_state, m010_inferred_dates, m011_events, m012_portable,
    m013_mention_names, m014_output_fragments, m015_claim_conflicts,
]  # fmt: skip


def migrate(db: Conn) -> list[str]:
    """Apply the migrations this database has not seen yet; return their names."""
    with migration_lock(db):
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
        applied = []
        for fn in MIGRATIONS:
            if fn.__name__ in done:
                continue
            with db.tx():
                fn(db)
                db.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    (fn.__name__, datetime.now(UTC).isoformat(timespec="seconds")),
                )
            applied.append(fn.__name__)
        return applied
