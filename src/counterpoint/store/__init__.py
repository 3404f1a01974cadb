"""Storage behind a small protocol; ``open_store(url)`` picks the backend.

SQLite is the embedded default (a plain file that ``datasette`` can browse).
The runner is the only caller that writes; views only read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from counterpoint.errors import StoreError
from counterpoint.model import Doc, Entity, RawDocument, Skipped, Span, StoredArticle


class Store(Protocol):
    """What the runner and the report need from a store."""

    url: str
    #: the SQLite connection, for read-only views that query it directly (report charts)
    db: sqlite3.Connection

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
