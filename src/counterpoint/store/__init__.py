"""Storage behind a small protocol; ``open_store(url)`` picks the backend.

SQLite is the embedded default (a plain file that ``datasette`` can browse).
The runner is the only caller that writes; views only read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from counterpoint.claims.story import ArticleFacts, ScopeResult
from counterpoint.claims.timeline import TimelineEvent
from counterpoint.errors import StoreError
from counterpoint.model import Doc, Entity, RawDocument, Skipped, Span, StoredArticle
from counterpoint.store.claims import Scope as ClaimScope
from counterpoint.store.stories import ArticleRow, StoryBatch
from counterpoint.store.views import SlantRow
from counterpoint.stories.cluster import StoryState
from counterpoint.stories.storylines import Storyline

__all__ = ["ArticleRow", "ClaimScope", "Store", "StoryBatch", "open_store"]

VectorKey = tuple[str, int, int]


class Store(Protocol):
    """Everything the runner, the stages' partitions and the outputs need from a store: methods only.

    The SQLite store implements it (``store/sqlite.py`` with ``store/corpus.py``); a server
    database implements the same methods. No caller sees a connection or writes SQL.
    """

    url: str

    def close(self) -> None: ...

    def known_raw_ids(self, ids: Iterable[str]) -> set[str]: ...

    def add_raw(self, docs: Sequence[tuple[RawDocument, str, Sequence[int]]]) -> int: ...

    def add_skipped(self, items: Sequence[Skipped]) -> int: ...

    def pending_raw(self, limit: int, after_seq: int = 0) -> list[tuple[RawDocument, str, int]]: ...

    def group_has_repeats(self, group: str, min_docs: int) -> bool: ...

    def repeated_lines(self, group: str, keys: Iterable[int], min_docs: int) -> frozenset[int]: ...

    def save_docs(self, docs: Sequence[Doc]) -> tuple[int, int]: ...

    def mark_all_pending(self) -> int: ...

    def iter_articles(self) -> Iterator[StoredArticle]: ...

    def iter_skipped(self) -> Iterator[Skipped]: ...

    def counts(self) -> dict[str, int]: ...

    def article_items(self, article_id: str, text: str) -> dict[str, list[Any]]: ...

    def mention_names(self) -> Iterator[tuple[str, str, str, int]]: ...

    def replace_entities(
        self, entities: Sequence[Entity], aliases: Sequence[tuple[str, str, str]]
    ) -> None: ...

    def iter_entities(self) -> Iterator[Entity]: ...

    def entity_mentions(self, entity_id: str) -> Iterator[Span]: ...

    def entity_for(self, canonical: str, labels: Sequence[str] = ...) -> str | None: ...

    def start_run(self, command: str, settings: dict[str, Any]) -> int: ...

    def finish_run(self, run_id: int, stats: dict[str, Any]) -> None: ...

    # -- corpus stages: stories and storylines
    def count_unassigned(self) -> int: ...

    def unassigned_articles(self, limit: int, after_seq: int = 0) -> list[ArticleRow]: ...

    def article_entities(self, article_ids: Sequence[str]) -> dict[str, tuple[str, ...]]: ...

    def lead_vectors(self, article_ids: Sequence[str], model: str) -> dict[str, np.ndarray]: ...

    def story_of(self, article_ids: Sequence[str]) -> dict[str, str]: ...

    def load_story_states(self) -> Iterator[StoryState]: ...

    def load_entity_df(self) -> tuple[list[tuple[str, int]], int]: ...

    def load_signatures(self) -> Iterator[tuple[str, bytes]]: ...

    def story_members(self, story_id: str) -> list[tuple[str | None, str, np.ndarray | None]]: ...

    def entity_names(self, entity_ids: Sequence[str]) -> dict[str, str]: ...

    def story_titles(self) -> dict[str, str]: ...

    def save_story_batch(self, batch: StoryBatch) -> None: ...

    def save_story_titles(self, titles: Sequence[tuple[str, str]]) -> None: ...

    def replace_storylines(self, storylines: Sequence[Storyline], titles: Sequence[str]) -> None: ...

    def storylines_stale(self) -> bool: ...

    def story_totals(self) -> dict[str, int]: ...

    def reset_stories(self) -> None: ...

    # -- corpus stages: claims
    def claim_scopes(self) -> list[ClaimScope]: ...

    def claim_signatures(self) -> dict[str, str]: ...

    def drop_claim_scopes(self, scope_ids: Sequence[str]) -> None: ...

    def load_facts(self, article_ids: Sequence[str]) -> list[ArticleFacts]: ...

    def sentence_vectors(self, article_ids: Sequence[str], model: str) -> dict[VectorKey, np.ndarray]: ...

    def save_sentence_vectors(self, model: str, rows: Iterable[tuple[VectorKey, np.ndarray]]) -> None: ...

    def save_claim_scope(
        self, scope: ClaimScope, result: ScopeResult, timeline: Sequence[TimelineEvent]
    ) -> None: ...

    def claim_totals(self) -> dict[str, int]: ...

    def reset_claims(self) -> None: ...

    # -- outputs
    def story_records(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]: ...

    def claim_records(self) -> list[dict[str, Any]]: ...

    def timeline_records(self) -> list[dict[str, Any]]: ...

    def entity_display_names(self) -> dict[str, str]: ...

    def slant_rows(self) -> Iterator[SlantRow]: ...

    # -- corpus stages: failures
    def record_failure(self, stage: str, partition: str, reason: str) -> None: ...

    def clear_failures(self, stage: str) -> None: ...

    def stage_failures(self) -> list[tuple[str, str, str]]: ...


def open_store(url: str) -> Store:
    """Open (and migrate) the store at ``url``: ``sqlite:///path.db``, a plain path, or ``:memory:``."""
    if url.startswith(("postgres://", "postgresql://")):
        raise StoreError(
            "PostgreSQL stores are not supported in this version; use a SQLite path such as counterpoint.db"
        )
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
    elif url.startswith("sqlite://"):
        path = url[len("sqlite://") :] or ":memory:"
    elif "://" in url:
        raise StoreError(f"unknown store URL {url!r}; give a file path or sqlite:///path.db")
    else:
        path = url
    from counterpoint.store.sqlite import SQLiteStore

    if path != ":memory:":
        if Path(path).is_dir():
            raise StoreError(
                f"{path} is a folder; give the path of a database file, e.g. {path}/counterpoint.db"
            )
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc}") from exc
    return SQLiteStore(path)
