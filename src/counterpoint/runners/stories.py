"""Runner glue for stories: read unassigned articles, run dedup + clustering + storylines, write results.

Incremental by construction: an article is "assigned" once it has a row in
``story_articles``; each call takes only unassigned articles (in ingest order),
restores the clustering and near-duplicate state saved by earlier calls, and
lets new articles join existing stories. A call with no new articles changes
nothing. Each batch is written in one transaction with the state it changed,
so a killed run loses at most the batch in flight.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.store import stories as db_stories
from counterpoint.store.sqlite import SQLiteStore
from counterpoint.stories import StoryDoc
from counterpoint.stories.cluster import ClusterConfig, StoryClusterer
from counterpoint.stories.dedup import Duplicate, NearDuplicateIndex
from counterpoint.stories.embed import DIM, Embedder, HashingEmbedder, embed, embed_text
from counterpoint.stories.events import event_frame
from counterpoint.stories.storylines import StorylineConfig, StorySummary, link_storylines
from counterpoint.stories.titles import story_title, storyline_title

#: articles per clustering batch (one embedding call and one transaction each)
BATCH = 256


def update_stories(
    store: SQLiteStore,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    cluster: ClusterConfig | None = None,
    storylines: StorylineConfig | None = None,
) -> dict[str, int]:
    """Assign every article not yet in a story; refresh titles and storylines; return counts.

    ``embedder`` defaults to all-MiniLM-L6-v2 (loaded once per process); tests and
    benchmarks may pass a cheaper one. Counts: ``articles`` assigned by this call,
    ``new_stories``, ``joined`` (articles that joined an existing story), ``duplicates``,
    ``not_compared`` (kept out of similarity, e.g. non-English), and totals ``stories``
    and ``storylines``.
    """
    db = store.db
    if embedder is None and settings.story_embedder == "hashing":
        embedder = HashingEmbedder()
    elif embedder is None and settings.story_embedder != "minilm":
        raise ConfigError(f"story_embedder must be 'minilm' or 'hashing', not {settings.story_embedder!r}")
    counts = {"articles": 0, "new_stories": 0, "joined": 0, "duplicates": 0, "not_compared": 0}
    if db_stories.count_unassigned(db) == 0:
        return {**counts, **_totals(store)}

    clusterer = StoryClusterer(cluster, dim=DIM)
    df, ndocs = db_stories.load_entity_df(db)
    clusterer.load(db_stories.load_story_states(db), df, ndocs)
    dedup = NearDuplicateIndex()
    dedup.load(db_stories.load_signatures(db))

    touched: set[str] = set()
    after = 0
    while True:
        rows = db_stories.unassigned_articles(db, max(1, min(BATCH, settings.batch_size * 4)), after)
        if not rows:
            break
        after = rows[-1].seq
        ents = db_stories.article_entities(db, [r.id for r in rows])
        docs: list[StoryDoc] = []
        dups: list[Duplicate] = []
        sigs: list[tuple[str, bytes]] = []
        for r in rows:
            frame = event_frame(r.title, r.text, r.dateline)
            doc = StoryDoc(r.id, r.outlet, r.published, r.title, r.text, r.language, ents[r.id], None, frame)
            link, sig = dedup.add(r.id, r.text)
            if link is None and r.duplicate_of is not None:
                # the store saw the same text (case and spacing folded); MinHash may miss a wordless copy
                link = Duplicate(r.id, r.duplicate_of, 1.0, True)
            elif link is not None and r.duplicate_of is not None:
                link = replace(link, exact=True)
            if link is not None:
                dups.append(link)
                doc = replace(doc, duplicate_of=link.duplicate_of)
            if sig is not None:
                sigs.append((r.id, sig))
            docs.append(doc)
        todo = [i for i, d in enumerate(docs) if d.duplicate_of is None and d.english]
        vectors = np.zeros((len(docs), DIM), dtype=np.float32)
        if todo:
            vectors[todo] = embed([embed_text(docs[i]) for i in todo], embedder)
        known = db_stories.story_of(db, [d.duplicate_of for d in docs if d.duplicate_of])
        assignments = clusterer.add(docs, vectors, known)
        embedded = [(docs[i].article_id, vectors[i]) for i in todo if float(np.linalg.norm(vectors[i])) > 0]
        states, df_changes, ndocs = clusterer.changes()
        db_stories.save_batch(db, assignments, embedded, dups, sigs, states, df_changes, ndocs)
        touched.update(s.id for s in states)
        for a in assignments:
            counts["articles"] += 1
            if a.duplicate_of is not None:
                counts["duplicates"] += 1
            elif a.note is not None:
                counts["not_compared"] += 1
            if a.score is not None:
                counts["joined"] += 1
            elif a.duplicate_of is None:
                counts["new_stories"] += 1

    _retitle(store, clusterer, sorted(touched))
    _relink(store, storylines)
    return {**counts, **_totals(store)}


def _retitle(store: SQLiteStore, clusterer: StoryClusterer, story_ids: list[str]) -> None:
    """Title each changed story by its most central member's headline."""
    titles: list[tuple[str, str]] = []
    for sid in story_ids:
        centroid = clusterer.centroid(sid)
        members = db_stories.story_members(store.db, sid)
        scored = [
            (title, text, float(vec @ centroid) if vec is not None and centroid is not None else -1.0)
            for title, text, vec in members
        ]
        titles.append((sid, story_title(scored)))
    db_stories.save_titles(store.db, titles)


def _relink(store: SQLiteStore, config: StorylineConfig | None) -> None:
    """Rebuild storylines over every story (stories, not articles: cheap) and title them."""
    summaries: list[StorySummary] = []
    for st in db_stories.load_story_states(store.db):
        v = np.frombuffer(st.vector_sum, dtype=np.float32)
        norm = float(np.linalg.norm(v))
        centroid = (v / norm).astype(np.float32) if st.embedded and norm > 0 else None
        summaries.append(StorySummary(st.id, st.key, centroid, st.entities, st.first, st.last, st.english))
    lines = link_storylines(summaries, config)
    names = db_stories.entity_names(store.db, [e for sl in lines for e in sl.entity_ids])
    titles = db_stories.story_titles(store.db)
    line_titles = [
        storyline_title(
            [names[e] for e in sl.entity_ids if e in names], [titles.get(s, "") for s in sl.story_ids]
        )
        for sl in lines
    ]
    db_stories.replace_storylines(store.db, lines, line_titles)


def _totals(store: SQLiteStore) -> dict[str, int]:
    q = store.db.execute
    return {
        "stories": int(q("SELECT COUNT(*) FROM stories").fetchone()[0]),
        "storylines": int(q("SELECT COUNT(*) FROM storylines").fetchone()[0]),
    }
