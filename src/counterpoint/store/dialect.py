"""The connection seam: one small ``Conn`` interface over SQLite and PostgreSQL.

The store's SQL is written once, in the common subset of both databases, with ``?``
placeholders. ``SQLiteConn`` passes it through unchanged; ``PGConn`` rewrites the few
SQLite-only forms the store uses, once per statement text (cached):

- ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
- ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``;
- ``INSERT OR REPLACE INTO t (...)`` becomes an upsert on ``t``'s primary key (``PRIMARY_KEYS``);
- ``group_concat(x)`` becomes ``string_agg(x, ',')`` and ``TOTAL(x)`` ``COALESCE(SUM(x), 0)``.

What cannot be rewritten textually goes through helpers (``json_get``, ``json_items``,
``copy_rows``) or a branch on ``dialect`` (full-text search, the migration that creates it).
``tx()`` is one write transaction: SQLite's ``BEGIN IMMEDIATE``; on PostgreSQL a transaction
that first takes one advisory lock, so writers queue exactly as they do on SQLite's write lock.
"""

from __future__ import annotations

import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from counterpoint.errors import StoreError

if TYPE_CHECKING:
    import psycopg

#: primary key of every table written with ``INSERT OR REPLACE`` (the upsert target on PostgreSQL)
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "stage_failures": ("stage", "partition"),
    "lead_vectors": ("article_id", "model"),
    "claim_vectors": ("article_id", "start", '"end"', "model"),
    "story_articles": ("article_id",),
    "article_embeddings": ("article_id",),
    "duplicates": ("article_id",),
    "story_entity_df": ("entity_id",),
    "story_meta": ("name",),
    "events": ("id",),
    "event_scopes": ("scope_id",),
}
#: advisory lock keys (any 64-bit numbers, fixed for the project)
WRITE_LOCK = 0x436F_756E_7465_7201
MIGRATION_LOCK = 0x436F_756E_7465_7202
RUN_LOCK = 0x436F_756E_7465_7203


class Rows(Protocol):
    """What ``Conn.execute`` returns: a DB-API cursor, read by iteration or fetch."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(ABC):
    """One connection to a store database, with the SQL dialect differences behind it."""

    dialect: str

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abstractmethod
    def tx(self) -> AbstractContextManager[Conn]:
        """A context manager: one write transaction, committed on success, rolled back on error."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def json_get(self, doc: str, key: str, *, numeric: bool = False) -> str:
        """SQL for the value at ``key`` of the JSON object in column/expression ``doc``."""

    @abstractmethod
    def json_items(self, doc: str) -> str:
        """A table expression with one row per element of the JSON array ``doc`` (column ``value``)."""

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Bulk insert (``executemany`` here; PostgreSQL streams with COPY)."""
        marks = ", ".join("?" * len(columns))
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def insert_returning_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT into a table with an ``id`` key and return the new row's id."""
        row = self.execute(f"{sql} RETURNING id", params).fetchone()
        return int(row[0])


class SQLiteConn(Conn):
    """A ``sqlite3`` connection in autocommit mode; the SQL runs as written."""

    dialect = "sqlite"

    def __init__(self, db: sqlite3.Connection) -> None:
        self.raw = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.raw.executemany(sql, rows)

    @contextmanager
    def tx(self) -> Iterator[SQLiteConn]:
        self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self.raw.execute("COMMIT")

    def close(self) -> None:
        self.raw.close()

    def json_get(self, doc: str, key: str, *, numeric: bool = False) -> str:
        return f"json_extract({doc}, '$.{key}')"

    def json_items(self, doc: str) -> str:
        return f"json_each({doc})"

    def __enter__(self) -> SQLiteConn:
        self.raw.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.raw.__exit__(*exc)


_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b(.*)$", re.S | re.I)
_OR_REPLACE = re.compile(r"^\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)(.*)$", re.S | re.I)
_GROUP_CONCAT = re.compile(r"\bgroup_concat\(((?:DISTINCT\s+)?[^()]*)\)", re.I)
_TOTAL = re.compile(r"\bTOTAL\(([^()]*)\)")


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """The PostgreSQL form of one statement of the store's SQL (see the module docstring)."""
    m = _OR_REPLACE.match(sql)
    if m:
        table, cols, rest = m.group(1), m.group(2), m.group(3)
        keys = PRIMARY_KEYS.get(table)
        if keys is None:
            raise ValueError(f"INSERT OR REPLACE into {table}: add its primary key to PRIMARY_KEYS")
        names = [c.strip() for c in cols.split(",")]
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c not in keys)
        action = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
        sql = f"INSERT INTO {table} ({cols}){rest} ON CONFLICT ({', '.join(keys)}) {action}"
    else:
        m = _OR_IGNORE.match(sql)
        if m:
            sql = f"INSERT INTO{m.group(1)} ON CONFLICT DO NOTHING"
    sql = _GROUP_CONCAT.sub(r"string_agg(\1, ',')", sql)
    sql = _TOTAL.sub(r"COALESCE(SUM(\1), 0)", sql)
    # placeholders, outside string literals and quoted names only
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


_DDL = (
    (re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b", re.I), "BIGSERIAL PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\)\s*WITHOUT\s+ROWID", re.I), ")"),
)


def ddl_to_postgres(sql: str) -> str:
    """A CREATE/ALTER statement of the migrations in PostgreSQL's types (64-bit integers, BYTEA)."""
    for pattern, repl in _DDL:
        sql = pattern.sub(repl, sql)
    return sql


def redact(url: str) -> str:
    """A database URL with its password (if any) replaced by ``***``: safe for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable database URL>"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


class Row(tuple[Any, ...]):
    """A result row readable by position (like the store's tuples) and by column name (web views)."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise KeyError(key) from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"_names": names, "__slots__": ()})


def _row_factory(cursor: Any) -> Any:
    desc = cursor.description
    if desc is None:
        return tuple
    return _row_class(tuple(d.name for d in desc))


class PGConn(Conn):
    """A psycopg 3 connection (autocommit; ``tx()`` opens explicit transactions).

    Parameters are bound client-side (``ClientCursor``), as literals, so expressions such as
    ``substr(text, ? + 1, ? - ?)`` type the way they do on SQLite. Every database error is raised
    as ``StoreError`` naming the server (never its password), so a restarted server is a clear
    message and exit code 3, not a traceback.
    """

    dialect = "postgresql"

    def __init__(self, url: str, *, read_only: bool = False, statement_timeout_ms: int = 0) -> None:
        import psycopg

        self.url = url
        self.where = redact(url)
        try:
            self.raw: psycopg.Connection[Any] = psycopg.connect(
                url, autocommit=True, cursor_factory=psycopg.ClientCursor, connect_timeout=10
            )
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {self.where}: {_reason(exc, url)}") from None
        self.raw.row_factory = _row_factory
        if read_only:
            self.raw.execute("SET default_transaction_read_only = on")
        if statement_timeout_ms:
            self.raw.execute(f"SET statement_timeout = {int(statement_timeout_ms)}")
        self._in_tx = False

    def _fail(self, exc: Exception) -> StoreError:
        import psycopg

        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) and (
            self.raw.closed or self.raw.broken
        ):
            return StoreError(
                f"lost the connection to PostgreSQL at {self.where} ({_reason(exc, self.url)}); was the"
                " server restarted? Everything committed so far is kept: run the same command again"
                " to finish"
            )
        return StoreError(f"PostgreSQL at {self.where}: {_reason(exc, self.url)}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        import psycopg

        try:
            return self.raw.execute(to_postgres(sql), _params(params))
        except psycopg.errors.QueryCanceled:
            raise
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self._fail(exc) from None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        import psycopg

        batch = [_params(r) for r in rows]
        if not batch:
            return
        try:
            with self.raw.cursor() as cur:
                cur.executemany(to_postgres(sql), batch)
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self._fail(exc) from None

    def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        import psycopg

        if not rows:
            return
        try:
            with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(_params(r))
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self._fail(exc) from None

    @contextmanager
    def tx(self) -> Iterator[PGConn]:
        import psycopg

        if self._in_tx:  # nested: part of the enclosing transaction
            yield self
            return
        try:
            with self.raw.transaction():
                self._in_tx = True
                try:
                    self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                    yield self
                finally:
                    self._in_tx = False
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self._fail(exc) from None

    def advisory_lock(self, key: int) -> None:
        """Take a session-level advisory lock (held until ``advisory_unlock`` or the connection ends)."""
        self.execute("SELECT pg_advisory_lock(?)", (key,))

    def advisory_unlock(self, key: int) -> None:
        self.execute("SELECT pg_advisory_unlock(?)", (key,))

    def close(self) -> None:
        self.raw.close()

    def json_get(self, doc: str, key: str, *, numeric: bool = False) -> str:
        expr = f"(({doc})::json ->> '{key}')"
        return f"{expr}::numeric" if numeric else expr

    def json_items(self, doc: str) -> str:
        return f"json_array_elements(({doc})::json)"


def _params(params: Sequence[Any]) -> Sequence[Any]:
    """Parameters as PostgreSQL takes them: bytes for any buffer, and no NUL in text.

    PostgreSQL's TEXT cannot hold U+0000 (SQLite's can); a NUL in an input becomes U+FFFD, the
    replacement character, as undecodable bytes do. Offsets stay valid: one character for one.
    """
    if any(isinstance(p, memoryview | bytearray) or (isinstance(p, str) and "\x00" in p) for p in params):
        return [_param(p) for p in params]
    return params


def _param(p: Any) -> Any:
    if isinstance(p, memoryview | bytearray):
        return bytes(p)
    if isinstance(p, str):
        return p.replace("\x00", "\ufffd")
    return p


def _reason(exc: Exception, url: str) -> str:
    """The first line of a driver error, with the URL's password never shown."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    parts = urlsplit(url)
    if parts.password:
        text = text.replace(parts.password, "***")
    return text


@contextmanager
def migration_lock(conn: Conn) -> Iterator[None]:
    """Hold the migration lock while migrating (PostgreSQL; SQLite's BEGIN IMMEDIATE suffices)."""
    if isinstance(conn, PGConn):
        conn.advisory_lock(MIGRATION_LOCK)
        try:
            yield
        finally:
            if not conn.raw.closed:
                conn.advisory_unlock(MIGRATION_LOCK)
    else:
        yield


__all__ = [
    "Conn",
    "PGConn",
    "Row",
    "Rows",
    "SQLiteConn",
    "ddl_to_postgres",
    "migration_lock",
    "redact",
    "to_postgres",
]
