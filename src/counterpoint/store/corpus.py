"""The corpus-stage half of the store: what the stories, storylines and claims stages read and write.

The SQL lives in ``store/stories.py`` and ``store/claims.py`` (one module per table family);
this mixin puts it behind the ``Store`` protocol's methods, so a stage never sees a connection
and another backend implements the same methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

import numpy as np

from counterpoint.model.claim import (
    ArticleFacts,
    BriefSentence,
    ClaimScope,
    ScopeResult,
    ScopeState,
    TimelineEvent,
)
from counterpoint.model.dates import DatedMember, InferredDate
from counterpoint.model.story import ArticleRow, MemberRow, StoryBatch, Storyline, StorySplit, StoryState
from counterpoint.store import claims as db_claims
from counterpoint.store import dates as db_dates
from counterpoint.store import stories as db_stories
from counterpoint.store.dialect import Conn

VectorKey = tuple[str, int, int]


class CorpusTables:
    """Methods of ``SQLStore`` for the corpus stages; ``db`` is the store's connection."""

    db: Conn

    # -- inferred dates ---------------------------------------------------------------------------------

    def stories_to_date(self) -> list[list[DatedMember]]:
        return db_dates.stories_to_date(self.db)

    def articles_for_dates(self, article_ids: Sequence[str]) -> dict[str, tuple[str, list[tuple[int, int]]]]:
        return db_dates.articles_for_dates(self.db, article_ids)

    def save_inferred_dates(self, rows: Sequence[InferredDate]) -> None:
        db_dates.save_inferred(self.db, rows)

    def inferred_dates(self, article_ids: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
        return db_dates.inferred_dates(self.db, article_ids)

    # -- stories ----------------------------------------------------------------------------------------

    def count_unassigned(self) -> int:
        return db_stories.count_unassigned(self.db)

    def unassigned_articles(self, limit: int, after_seq: int = 0) -> list[ArticleRow]:
        return db_stories.unassigned_articles(self.db, limit, after_seq)

    def article_entities(self, article_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        return db_stories.article_entities(self.db, article_ids)

    def lead_vectors(self, article_ids: Sequence[str], model: str) -> dict[str, np.ndarray]:
        return db_stories.lead_vectors(self.db, article_ids, model)

    def story_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        return db_stories.story_of(self.db, article_ids)

    def load_story_states(self) -> Iterator[StoryState]:
        # materialised: a caller may write to the store while it walks the states
        return iter(list(db_stories.load_story_states(self.db)))

    def load_entity_df(self) -> tuple[list[tuple[str, int]], int]:
        return db_stories.load_entity_df(self.db)

    def load_signatures(self) -> Iterator[tuple[str, bytes]]:
        return db_stories.load_signatures(self.db)

    def story_members(self, story_id: str) -> list[tuple[str | None, str, np.ndarray | None]]:
        return db_stories.story_members(self.db, story_id)

    def entity_names(self, entity_ids: Sequence[str]) -> dict[str, str]:
        return db_stories.entity_names(self.db, entity_ids)

    def story_titles(self) -> dict[str, str]:
        return db_stories.story_titles(self.db)

    def save_story_batch(self, batch: StoryBatch) -> None:
        b = batch
        db_stories.save_batch(
            self.db, b.assignments, b.embeddings, b.duplicates, b.signatures, b.states, b.df, b.ndocs
        )

    def save_story_titles(self, titles: Sequence[tuple[str, str]]) -> None:
        db_stories.save_titles(self.db, titles)

    def story_members_for_recheck(self, story_ids: Sequence[str]) -> dict[str, list[MemberRow]]:
        return db_stories.story_members_for_recheck(self.db, story_ids)

    def save_story_split(self, splits: Sequence[StorySplit], states: Sequence[StoryState]) -> None:
        db_stories.save_split(self.db, splits, states)

    def replace_storylines(self, storylines: Sequence[Storyline], titles: Sequence[str]) -> None:
        db_stories.replace_storylines(self.db, storylines, titles)

    def storylines_stale(self) -> bool:
        return db_stories.storylines_stale(self.db)

    def story_storylines(self) -> dict[str, str]:
        return db_stories.story_storylines(self.db)

    def story_totals(self) -> dict[str, int]:
        return db_stories.totals(self.db)

    def reset_stories(self) -> None:
        """Forget every story (and the claims compared over them), to cluster everything again."""
        db_stories.reset_stories(self.db)
        db_claims.reset_claims(self.db)

    # -- claims -----------------------------------------------------------------------------------------

    def claim_scopes(self) -> list[ClaimScope]:
        return db_claims.scopes(self.db)

    def claim_signatures(self) -> dict[str, str]:
        return db_claims.signatures(self.db)

    def drop_claim_scopes(self, scope_ids: Sequence[str]) -> None:
        db_claims.drop_scopes(self.db, scope_ids)

    def load_facts(self, article_ids: Sequence[str]) -> list[ArticleFacts]:
        return db_claims.load_facts(self.db, article_ids)

    def timeline_facts(self, article_ids: Sequence[str]) -> list[ArticleFacts]:
        """``load_facts`` with only what the timeline reads: text, times and loaded spans."""
        return db_claims.load_facts(self.db, article_ids, ("time", "loaded"))

    def claim_headers(self, article_ids: Sequence[str]) -> list[ArticleFacts]:
        """Outlet, label, date and original of each article: no text, no layers."""
        return db_claims.headers(self.db, article_ids)

    def claim_scope_state(self, scope_id: str) -> ScopeState | None:
        """What the last comparison of a scope left for an incremental update, if anything."""
        return db_claims.scope_state(self.db, scope_id)

    def claim_scope_briefs(self, scope_id: str) -> dict[str, list[BriefSentence]]:
        """Story id -> the brief the scope's last comparison stored for it."""
        return db_claims.scope_briefs(self.db, scope_id)

    def sentence_vectors(self, article_ids: Sequence[str], model: str) -> dict[VectorKey, np.ndarray]:
        return db_claims.sentence_vectors(self.db, article_ids, model)

    def save_sentence_vectors(self, model: str, rows: Iterable[tuple[VectorKey, np.ndarray]]) -> None:
        db_claims.save_vectors(self.db, model, rows)

    def save_claim_scope(
        self, scope: ClaimScope, result: ScopeResult, timeline: Sequence[TimelineEvent]
    ) -> None:
        db_claims.save_scope(self.db, scope, result, timeline)

    def claim_totals(self) -> dict[str, int]:
        return db_claims.totals(self.db)

    def reset_claims(self) -> None:
        """Forget every claim result, so the next run compares every scope again."""
        db_claims.reset_claims(self.db)

    # -- stage failures ---------------------------------------------------------------------------------

    def record_failure(self, stage: str, partition: str, reason: str) -> None:
        """Keep why a corpus stage failed on one partition (replacing an older reason)."""
        with _tx(self.db):
            self.db.execute(
                "INSERT OR REPLACE INTO stage_failures (stage, partition, reason, at) VALUES (?, ?, ?, ?)",
                (stage, partition, reason, datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def clear_failures(self, stage: str) -> None:
        """Forget a stage's failures once a run of it went through without any."""
        with _tx(self.db):
            self.db.execute("DELETE FROM stage_failures WHERE stage = ?", (stage,))

    def stage_failures(self) -> list[tuple[str, str, str]]:
        """(stage, partition, reason) of every corpus-stage failure not yet cleared."""
        rows = self.db.execute("SELECT stage, partition, reason FROM stage_failures ORDER BY at, stage")
        return [(str(a), str(b), str(c)) for a, b, c in rows]


_tx = db_stories._tx
