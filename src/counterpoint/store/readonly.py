"""The web app's read-only connections to a store, SQLite or PostgreSQL, one per thread.

Each has a per-query deadline (SQLite: a progress handler; PostgreSQL: ``statement_timeout``)
and refuses a store whose schema is older than this version (the app cannot migrate).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from counterpoint.errors import StoreError
from counterpoint.store.dialect import Conn, PGConn, SQLiteConn, redact
from counterpoint.store.migrations import MIGRATIONS

T = TypeVar("T")


class QueryTimeout(Exception):
    """A query ran past the per-request deadline and was interrupted."""


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


class Database:
    """Read-only connections to one store, one per thread, with a per-query deadline."""

    def __init__(self, path: str, *, timeout_s: float = 3.0) -> None:
        self.postgres = _is_postgres(path)
        if path.startswith("sqlite:///"):
            path = path[len("sqlite:///") :]
        if not self.postgres and not Path(path).is_file():
            raise StoreError(f"no store at {path}; run 'counterpoint ingest PATH... --db {path}' first")
        self.path = path
        self.name = redact(path)
        self.timeout_s = timeout_s
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple[int, ...], Any]] = {}
        with self.read() as db:
            check_schema(db, self.name)

    def _connect(self) -> Conn:
        if self.postgres:
            return PGConn(self.path, read_only=True, statement_timeout_ms=int(self.timeout_s * 1000))
        uri = f"{Path(self.path).resolve().as_uri()}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=5.0)
            conn.execute("PRAGMA query_only=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open {self.path} read-only: {exc}") from exc
        conn.row_factory = sqlite3.Row
        # a progress handler that interrupts a query past the deadline: one bad search cannot hog a thread
        conn.set_progress_handler(lambda: int(time.monotonic() > self._local.deadline), 20_000)
        return SQLiteConn(conn)

    def version(self) -> tuple[int, ...]:
        """Changes whenever a writer commits.

        SQLite: WAL mode writes the -wal file, a checkpoint the file. PostgreSQL: the write-ahead
        log position of the server (moves on any commit, so it may invalidate more than needed).
        """
        if self.postgres:
            with self.read() as db:
                lsn = str(db.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0])
            hi, lo = lsn.split("/")
            return (int(hi, 16), int(lo, 16))
        out: list[int] = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(self.path + suffix)
                out += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return tuple(out)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``'s value, reused until the store changes: whole-table summaries for the home page."""
        version = self.version()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] == version:
            return cast(T, hit[1])
        value = compute()
        with self._lock:
            self._cache[key] = (version, value)
        return value

    @contextmanager
    def read(self) -> Iterator[Conn]:
        """This thread's connection, with a fresh deadline for the queries run inside the block."""
        conn = getattr(self._local, "conn", None)
        if isinstance(conn, PGConn) and not _alive(conn):
            conn = None  # the server restarted since this thread's last request: connect again
        if conn is None:
            conn = self._local.conn = self._connect()
        self._local.deadline = time.monotonic() + self.timeout_s
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryTimeout(str(exc)) from exc
            raise
        except Exception as exc:
            if type(exc).__name__ == "QueryCanceled":  # psycopg.errors.QueryCanceled: statement_timeout
                raise QueryTimeout(str(exc)) from exc
            raise


def _alive(conn: PGConn) -> bool:
    """Whether a PostgreSQL connection still reaches its server.

    psycopg only learns that a server went away when a statement fails, so one round trip per
    request (well under a millisecond on a local server) spares the first request after a restart
    a 500.
    """
    if conn.raw.closed or conn.raw.broken:
        return False
    try:
        conn.execute("SELECT 1")
    except StoreError:
        return False
    return True


def check_schema(db: Conn, path: str) -> None:
    """Refuse a database that is not a Counterpoint store, or one written by an older version.

    The web app opens the store read-only, so it cannot migrate it; every table and column the
    queries use then exists, and none is guessed at run time.
    """
    try:
        done = {r[0] for r in db.execute("SELECT name FROM _migrations")}
    except (sqlite3.DatabaseError, StoreError):
        raise StoreError(f"{path} is not a Counterpoint store (no _migrations table)") from None
    except Exception as exc:
        if type(exc).__name__ == "UndefinedTable":
            raise StoreError(f"{path} is not a Counterpoint store (no _migrations table)") from None
        raise
    missing = [fn.__name__ for fn in MIGRATIONS if fn.__name__ not in done]
    if missing:
        raise StoreError(
            f"{path} was written by an older Counterpoint (missing {', '.join(missing)}); run"
            f" 'counterpoint analyze --db {path}' once to upgrade it"
        )
