from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from counterpoint.errors import StoreError
from counterpoint.model import Doc, Hints, RawDocument, Removed, Skipped, content_id
from counterpoint.model.article import Mention, Span
from counterpoint.model.claim import ClaimConflict
from counterpoint.store import Store, open_store
from counterpoint.store.dialect import redact, to_postgres
from counterpoint.store.migrations import claim_pairs_from_reasons
from counterpoint.store.sqlite import SQLiteStore

MIGRATIONS = [
    "m001_initial", "m002_language_layers", "m003_search", "m004_stories", "m005_claims",
    "m006_story_frames", "m007_corpus_stages", "m008_claim_state", "m010_inferred_dates", "m011_events",
    "m012_portable", "m013_mention_names", "m014_output_fragments", "m015_claim_conflicts",
]  # fmt: skip


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A new store on each backend (SQLite file, PostgreSQL database)."""
    s = open_store(store_url)
    yield s
    s.close()


def _raw(body: str, source: str = "a.txt") -> RawDocument:
    return RawDocument(content_id(body), source, body, "text", Hints(title="T"))


def _done(raw: RawDocument, text: str) -> Doc:
    return Doc.from_raw(raw).with_article(text=text, removed=(Removed("Subscribe now", "newsletter"),))


def test_sqlite_store_records_migrations_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(str(path))
    assert isinstance(store, SQLiteStore)
    names = [r[0] for r in store.db.execute("SELECT name FROM _migrations")]
    assert names == MIGRATIONS
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.add_raw([(_raw("one"), "g", [1, 2])])
    store.close()
    again = open_store(f"sqlite:///{path}")
    assert again.counts()["pending"] == 1


def test_store_add_raw_is_idempotent_and_counts_lines_once(store: Store) -> None:
    raw = _raw("body")
    assert store.add_raw([(raw, "g", [5, 5, 7])]) == 1
    assert store.add_raw([(raw, "g", [5, 7])]) == 0
    assert store.known_raw_ids([raw.id, "0" * 16]) == {raw.id}
    assert store.repeated_lines("g", [5, 7, 9], min_docs=1) == frozenset({5, 7})
    assert store.repeated_lines("g", [5], min_docs=2) == frozenset()
    store.add_raw([(_raw("body 2"), "g", [5]), (_raw("body 3"), "other", [5])])
    assert store.repeated_lines("g", [5], min_docs=2) == frozenset({5})


def test_store_handles_unsigned_64_bit_line_keys(store: Store) -> None:
    big = (1 << 64) - 3
    store.add_raw([(_raw("x"), "g", [big])])
    assert store.repeated_lines("g", [big], min_docs=1) == frozenset({big})


def test_store_save_docs_marks_done_and_links_exact_duplicates(store: Store) -> None:
    r1, r2, r3 = _raw("page one"), _raw("page two", "b.txt"), _raw("page three", "c.txt")
    store.add_raw([(r, "g", []) for r in (r1, r2, r3)])
    pending = store.pending_raw(10)
    assert [p[0].id for p in pending] == [r1.id, r2.id, r3.id]
    assert store.pending_raw(10, after_seq=pending[0][2])[0][0].id == r2.id
    store.save_docs(
        [_done(r1, "Same  article text."), _done(r2, "same article TEXT."), Doc.from_raw(r3).skip("why")]
    )
    rows = list(store.iter_articles())
    assert [(s.article.id, s.duplicate_of) for s in rows] == [(r1.id, None), (r2.id, r1.id)]
    assert rows[0].article.removed == (Removed("Subscribe now", "newsletter"),)
    assert [(s.source, s.reason, s.id) for s in store.iter_skipped()] == [("c.txt", "why", r3.id)]
    assert store.counts() == {"articles": 2, "duplicates": 1, "skipped": 1, "pending": 0}
    assert store.known_raw_ids([r3.id]) == {r3.id}


def test_store_skipped_inputs_recorded_once(store: Store) -> None:
    assert store.add_skipped([Skipped("x.png", "binary file (PNG image)")]) == 1
    assert store.add_skipped([Skipped("x.png", "binary file (PNG image)")]) == 0
    assert store.counts()["skipped"] == 1


def test_store_reprocess_requeues_and_replaces(store: Store) -> None:
    raw = _raw("text")
    store.add_raw([(raw, "g", [])])
    store.save_docs([Doc.from_raw(raw).skip("too short")])
    assert store.mark_all_pending() == 1
    store.save_docs([_done(raw, "Now long enough.")])
    assert store.counts() == {"articles": 1, "duplicates": 0, "skipped": 0, "pending": 0}


def test_store_transaction_rolls_back_a_failed_batch(store: Store) -> None:
    good, raw = _raw("other"), _raw("text")
    store.add_raw([(good, "g", []), (raw, "g", [])])
    bad = Doc.from_raw(raw).with_article(text=None)  # a stage bug: text must be a string
    with pytest.raises(TypeError):
        store.save_docs([_done(good, "x"), bad])
    assert store.counts() == {"articles": 0, "duplicates": 0, "skipped": 0, "pending": 2}


@pytest.mark.parametrize("url", ["mysql://x", "redis://x", "sqlite+foo://x"])
def test_sqlite_store_unknown_urls_are_clear_errors(url: str) -> None:
    with pytest.raises(StoreError):
        open_store(url)


def test_sqlite_store_rejects_a_folder_and_a_non_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_store(str(tmp_path))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        open_store(str(junk))


def test_sqlite_store_full_text_index_follows_articles() -> None:
    store = open_store(":memory:")
    assert isinstance(store, SQLiteStore)
    raw = _raw("quay text")
    store.add_raw([(raw, "g", [])])
    store.save_docs([_done(raw, "The harbour council approved the quay.")])

    def hits(q: str) -> int:
        return int(
            store.db.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (q,)).fetchone()[
                0
            ]
        )

    assert hits("harbour") == 1
    store.mark_all_pending()
    store.save_docs([_done(raw, "The pier council rejected the plan.")])  # reprocessed text replaces the old
    assert (hits("harbour"), hits("pier")) == (0, 1)
    store.save_docs([Doc.from_raw(raw).skip("gone")])
    assert hits("pier") == 0


def _with_mentions(raw: RawDocument, text: str, names: list[tuple[str, str, str]]) -> Doc:
    """A processed doc whose text mentions each (label, canonical, surface) at its first occurrence."""
    doc = _done(raw, text)
    aid = doc.article.id
    spans = [(text.index(surface), surface, label, canonical) for label, canonical, surface in names]
    mentions = tuple(Mention(Span(aid, i, i + len(s), s), label, c) for i, s, label, c in spans)
    return replace(doc, mentions=mentions)


def test_store_keeps_mention_name_counts_as_articles_come_and_are_replaced(store: Store) -> None:
    """Entity linking reads distinct names with their counts, kept as articles are saved; a
    reprocessed or skipped article takes its old mentions away (no double count)."""
    a, b = _raw("carney one", "a.txt"), _raw("carney two", "b.txt")
    store.add_raw([(a, "g", []), (b, "g", [])])
    carney, xi = ("PERSON", "Mark Carney", "Mark Carney"), ("PERSON", "Xi", "Xi")
    store.save_docs([
        _with_mentions(a, "Mark Carney met Xi.", [carney, xi]),
        _with_mentions(b, "Carney spoke.", [("PERSON", "Mark Carney", "Carney")]),
    ])  # fmt: skip
    assert sorted(store.mention_names()) == [
        ("PERSON", "Mark Carney", "Carney", 1), (*carney, 1), (*xi, 1),
    ]  # fmt: skip
    store.mark_all_pending()
    store.save_docs([_with_mentions(a, "Mark Carney left.", [("PERSON", "Mark Carney", "Mark Carney")])])
    assert sorted(store.mention_names()) == [
        ("PERSON", "Mark Carney", "Carney", 1), ("PERSON", "Mark Carney", "Mark Carney", 1),
    ]  # fmt: skip
    store.save_docs([Doc.from_raw(b).skip("gone")])
    assert list(store.mention_names()) == [("PERSON", "Mark Carney", "Mark Carney", 1)]


def test_mention_name_counts_are_built_for_a_store_made_before_they_were_kept(tmp_path: Path) -> None:
    path = str(tmp_path / "old.db")
    store = open_store(path)
    assert isinstance(store, SQLiteStore)
    raw = _raw("xi")
    store.add_raw([(raw, "g", [])])
    store.save_docs([_with_mentions(raw, "Xi met Li.", [("PERSON", "Xi", "Xi"), ("PERSON", "Li", "Li")])])
    with store.db.tx():  # the store as an older version left it
        store.db.execute("DROP TABLE mention_names")
        store.db.execute("DELETE FROM _migrations WHERE name = 'm013_mention_names'")
    store.close()
    again = open_store(path)
    assert list(again.mention_names()) == [("PERSON", "Li", "Li", 1), ("PERSON", "Xi", "Xi", 1)]
    again.close()


def test_postgres_store_records_the_same_migrations_and_reopens(pg_url: str) -> None:
    from counterpoint.store.postgres import PostgresStore

    store = open_store(pg_url)
    assert isinstance(store, PostgresStore)
    assert [r[0] for r in store.db.execute("SELECT name FROM _migrations ORDER BY name")] == MIGRATIONS
    store.add_raw([(_raw("one"), "g", [1, 2])])
    store.close()
    again = open_store(pg_url)  # migrations already applied: nothing runs twice
    assert again.counts()["pending"] == 1
    assert int(again.db.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0]) == len(MIGRATIONS)
    again.close()


def test_postgres_full_text_search_follows_articles(pg_url: str) -> None:
    store = open_store(pg_url)
    raw = _raw("quay text")
    store.add_raw([(raw, "g", [])])
    store.save_docs([_done(raw, "The harbour council approved the quay.")])

    def hits(word: str) -> int:
        sql = "SELECT COUNT(*) FROM articles WHERE search @@ to_tsquery('simple', ?)"
        return int(store.db.execute(sql, (word,)).fetchone()[0])

    assert hits("harbour") == 1
    store.mark_all_pending()
    store.save_docs([_done(raw, "The pier council rejected the plan.")])
    assert (hits("harbour"), hits("pier")) == (0, 1)
    store.save_docs([Doc.from_raw(raw).skip("gone")])
    assert hits("pier") == 0
    store.close()


def test_postgres_unreachable_server_is_a_store_error_without_the_password() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as err:
        open_store("postgresql://me:s3cret-pw@127.0.0.1:1/nowhere")
    assert "s3cret-pw" not in str(err.value)
    assert "me:***@127.0.0.1:1" in str(err.value)


def test_redact_hides_only_the_password() -> None:
    assert (
        redact("postgresql://u:pw@h:5432/db?sslmode=require")
        == "postgresql://u:***@h:5432/db?sslmode=require"
    )
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"
    assert redact("/tmp/x.db") == "/tmp/x.db"


def test_sqlite_statements_rewritten_for_postgres() -> None:
    assert to_postgres("SELECT a FROM t WHERE b = ? AND c LIKE '%?%'") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE '%%?%%'"
    )
    assert to_postgres("INSERT OR IGNORE INTO skipped (source) VALUES (?)") == (
        "INSERT INTO skipped (source) VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert to_postgres("INSERT OR REPLACE INTO story_meta (name, value) VALUES ('ndocs', ?)") == (
        "INSERT INTO story_meta (name, value) VALUES ('ndocs', %s)"
        " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value"
    )
    assert to_postgres("SELECT group_concat(DISTINCT a.outlet), TOTAL(score) FROM x") == (
        "SELECT string_agg(DISTINCT a.outlet, ','), COALESCE(SUM(score), 0) FROM x"
    )
    with pytest.raises(ValueError, match="PRIMARY_KEYS"):
        to_postgres("INSERT OR REPLACE INTO nowhere (a) VALUES (?)")


def test_store_keeps_an_input_with_a_nul_character(store: Store) -> None:
    raw = _raw("before\x00after")
    assert store.add_raw([(raw, "g", [])]) == 1
    store.save_docs([_done(raw, "Text with a NUL \x00 inside.")])
    [stored] = list(store.iter_articles())
    assert len(stored.article.text) == len("Text with a NUL \x00 inside.")
    assert stored.article.text.replace("\ufffd", "\x00") == "Text with a NUL \x00 inside."


def test_store_runs_table_keeps_no_password(store: Store) -> None:
    run = store.start_run("analyze", {"db": "postgresql://me:s3cret@h:5432/news", "workers": 2})
    store.finish_run(run, {"articles": 0})
    [settings] = [r[0] for r in store.db.execute("SELECT settings FROM runs")]
    assert "s3cret" not in settings
    assert "me:***@h:5432/news" in settings


def test_claim_pairs_from_reasons_splits_shared_and_own_reasons() -> None:
    """How migration m015 pairs the claims of a store that kept only each claim's reasons."""
    shared = "X reports “fares are 12 crowns”; Y reports “fares are 30 crowns” — 12 vs 30"
    own = [
        "X reports “the vote was on Tuesday”; Z reports “the vote was on Monday” — Tuesday vs Monday",
        "X reports “the vote was on Tuesday”; W reports “the vote was on Friday” — Tuesday vs Friday",
    ]
    lines = {"a": [own[0], shared, own[1]], "b": [shared]}
    pairs = claim_pairs_from_reasons([("a", ["b"]), ("b", ["a"])], lines)
    assert pairs == [
        ClaimConflict("a", "b", shared, 1),
        ClaimConflict("a", "a", own[0], 2, 1, 2),  # one sentence on the first side, two on the second
    ]
