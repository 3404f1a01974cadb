"""Runner glue for claims: compare every changed scope (storyline or lone story) and store the results.

Runs after the stories stage. A scope is recomputed only when its member articles
changed since it was last stored (its signature), so re-running on the same input
does no work and adds nothing; each scope is written in one transaction.
Claim-sentence embeddings are cached per article, so a story that grows re-embeds
only its new articles.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from counterpoint.claims.backends import judge_for
from counterpoint.claims.compare import Judge
from counterpoint.claims.story import ArticleFacts, compare_scope, covered_share
from counterpoint.claims.timeline import DatedSentence, build_timeline
from counterpoint.config import Settings
from counterpoint.model import Span
from counterpoint.store import claims as db_claims
from counterpoint.store.sqlite import SQLiteStore
from counterpoint.stories.embed import Embedder, HashingEmbedder, embed

#: events kept per scope's timeline (the best-supported, shown in date order)
TIMELINE_EVENTS = 60


class _CachedEmbed:
    """Embeds claim sentences through the store's vector cache (keyed by article and offsets)."""

    def __init__(self, store: SQLiteStore, embedder: Embedder | None, model: str) -> None:
        self.store, self.embedder, self.model = store, embedder, model

    def __call__(self, spans: Sequence[Span]) -> np.ndarray:
        keys = [(s.article_id, s.start, s.end) for s in spans]
        rows: dict[tuple[str, int, int], np.ndarray] = db_claims.cached_vectors(
            self.store.db, self.model, keys
        )
        todo = list(dict.fromkeys(k for k in keys if k not in rows))
        if todo:
            text = {(s.article_id, s.start, s.end): s.text for s in spans}
            fresh = embed([text[k] for k in todo], self.embedder)
            new = list(zip(todo, fresh, strict=True))
            db_claims.save_vectors(self.store.db, self.model, new)
            rows.update(new)
        return np.stack([rows[k] for k in keys]).astype(np.float32)


def _timeline(articles: Sequence[ArticleFacts]) -> list[DatedSentence]:
    items: list[DatedSentence] = []
    for a in articles:
        if a.duplicate_of is not None:
            continue  # a copy would corroborate an event with itself
        loaded = [(sp.start, sp.end) for sp in a.loaded]
        for t in a.times:
            share = covered_share(t.sentence.start, t.sentence.end, loaded)
            items.append(DatedSentence(a.article_id, a.outlet or a.label, a.published, t, share))
    return items


def update_claims(
    store: SQLiteStore,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    judge: Judge | None = None,
) -> dict[str, int]:
    """Recompute claims for every scope whose articles changed; return counts.

    Counts: ``scopes`` recomputed, ``claims`` written by this call, ``conflicting`` among them,
    and the totals ``claims_total`` and ``timeline_events``.
    """
    db = store.db
    if embedder is None and settings.story_embedder == "hashing":
        embedder = HashingEmbedder()
    model = (
        "hashing"
        if isinstance(embedder, HashingEmbedder)
        else "minilm"
        if embedder is None
        else type(embedder).__name__
    )
    judge = judge or judge_for(settings)
    current = db_claims.scopes(db)
    stored = db_claims.signatures(db)
    wanted = {s.id for s in current}
    db_claims.drop_scopes(db, [sid for sid in stored if sid not in wanted])
    counts = {"scopes": 0, "claims": 0, "conflicting": 0}
    cached = _CachedEmbed(store, embedder, model)
    for scope in current:
        if stored.get(scope.id) == scope.signature:
            continue
        articles = db_claims.load_facts(db, list(scope.story_of))
        result = compare_scope(scope.id, articles, cached, story_of=scope.story_of, judge=judge)
        timeline = build_timeline(_timeline(articles), max_events=TIMELINE_EVENTS)
        db_claims.save_scope(db, scope, result, timeline)
        counts["scopes"] += 1
        counts["claims"] += len(result.claims)
        counts["conflicting"] += sum(c.status == "conflicting" for c in result.claims)
    totals = db.execute(
        "SELECT (SELECT COUNT(*) FROM claims), (SELECT COUNT(*) FROM timeline_events)"
    ).fetchone()
    return {**counts, "claims_total": int(totals[0]), "timeline_events": int(totals[1])}
