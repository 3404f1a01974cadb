"""What the outputs read: the report pages, analysis.json and export, as methods of the store.

The SQL lives beside the tables it reads (``store/stories.py``, ``store/claims.py``,
``store/views.py``); this mixin puts it behind the ``Store`` protocol, so the report never sees
a connection and another backend implements the same methods.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from counterpoint.model import Span, StoredArticle
from counterpoint.store import claims as db_claims
from counterpoint.store import stories as db_stories
from counterpoint.store import views
from counterpoint.store.dialect import Conn


class OutputViews:
    """Read methods of ``SQLStore`` for the outputs; ``db`` is the store's connection."""

    db: Conn

    def stories_for_output(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        return db_stories.stories_for_output(self.db)

    def attach_sides(self, stories: list[dict[str, Any]], *, max_evidence: int | None = None) -> None:
        db_claims.attach_sides(self.db, stories, max_evidence=max_evidence)

    def story_sides(
        self, story_id: str, *, max_evidence: int | None = None, own_timeline: bool = False
    ) -> dict[str, Any]:
        return db_claims.story_sides(self.db, story_id, max_evidence=max_evidence, own_timeline=own_timeline)

    def claims_for_output(
        self, story_id: str | None = None, *, limit: int | None = None, offset: int = 0,
        max_evidence: int | None = None,
    ) -> list[dict[str, Any]]:  # fmt: skip
        return db_claims.claims_for_output(
            self.db, story_id, limit=limit, offset=offset, max_evidence=max_evidence
        )

    def conflicts_for_output(self, story_id: str | None = None) -> list[dict[str, Any]]:
        return db_claims.conflicts_for_output(self.db, story_id)

    def timeline_for_output(
        self, scope_id: str | None = None, *, max_evidence: int | None = None
    ) -> list[dict[str, Any]]:
        return db_claims.timeline_for_output(self.db, scope_id, max_evidence=max_evidence)

    def claim_counts_for_output(self) -> dict[str, dict[str, int]]:
        return db_claims.claim_counts_for_output(self.db)

    def entity_mentions_for_output(self, limit: int) -> dict[str, tuple[int, list[Span]]]:
        return db_stories.entity_mentions_for_output(self.db, limit)

    def articles_for_output(self, article_ids: Sequence[str]) -> list[StoredArticle]:
        return db_stories.articles_for_output(self.db, article_ids)

    def latest_articles_for_output(self, limit: int) -> list[tuple[StoredArticle, str | None]]:
        return db_stories.latest_articles_for_output(self.db, limit)

    def overview_for_output(self) -> dict[str, Any]:
        return db_stories.overview_for_output(self.db)

    def story_page_keys(self) -> dict[str, str]:
        return db_stories.story_page_keys(self.db)

    def entity_display_names(self) -> dict[str, str]:
        return views.entity_display_names(self.db)

    def slant_rows(
        self, *, article_ids: Sequence[str] | None = None, outlet: str | None = None
    ) -> Iterator[views.SlantRow]:
        return views.slant_rows(self.db, article_ids=article_ids, outlet=outlet)
