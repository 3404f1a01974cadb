"""The embedded default store: one SQLite file in WAL mode (the SQL is ``store/base.py``'s)."""

from __future__ import annotations

import sqlite3

from counterpoint.errors import StoreError
from counterpoint.store.base import SQLStore, text_hash
from counterpoint.store.dialect import SQLiteConn

__all__ = ["SQLiteStore", "text_hash"]


class SQLiteStore(SQLStore):
    """A Counterpoint store in one SQLite file (or ``:memory:`` for tests)."""

    def __init__(self, path: str) -> None:
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per batch
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=10000")
            super().__init__(SQLiteConn(db), f"sqlite:///{path}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open {path} as a Counterpoint store: {exc}") from exc
