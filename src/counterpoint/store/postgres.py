"""The server store: PostgreSQL through psycopg 3 (extra ``[postgres]``); the SQL is ``store/base.py``'s.

Several writers may share one database. Each write transaction takes one advisory lock (the
``Conn.tx`` of ``PGConn``), so writers queue as on SQLite's write lock, and every insert is keyed
(primary keys, ``ON CONFLICT``) so a repeated write neither duplicates nor loses rows. A run
(``start_run`` .. ``finish_run``) holds a session advisory lock: a second run on the same database
waits for the first and then finds its work done, so the order-sensitive corpus stages (the online
story clustering) never interleave. A killed run's locks go with its connection.
"""

from __future__ import annotations

import logging
from typing import Any

from counterpoint.errors import StoreError
from counterpoint.store.base import SQLStore
from counterpoint.store.dialect import RUN_LOCK, PGConn

log = logging.getLogger("counterpoint.store")


def _require_psycopg() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError("PostgreSQL stores need psycopg: pip install 'counterpoint[postgres]'") from None


class PostgresStore(SQLStore):
    """A Counterpoint store in a PostgreSQL database (``postgresql://user@host:port/db``)."""

    def __init__(self, url: str, *, bulk_copy: bool = True) -> None:
        _require_psycopg()
        self.bulk_copy = bulk_copy
        super().__init__(PGConn(url), url)
        self._run_locked = False

    @property
    def pg(self) -> PGConn:
        assert isinstance(self.db, PGConn)
        return self.db

    def start_run(self, command: str, settings: dict[str, Any]) -> int:
        got = self.db.execute("SELECT pg_try_advisory_lock(?)", (RUN_LOCK,)).fetchone()[0]
        if not got:
            log.warning("another run is writing to %s; waiting for it to finish", self.url)
            self.pg.advisory_lock(RUN_LOCK)
        self._run_locked = True
        return super().start_run(command, settings)

    def finish_run(self, run_id: int, stats: dict[str, Any]) -> None:
        super().finish_run(run_id, stats)
        if self._run_locked:
            self.pg.advisory_unlock(RUN_LOCK)
            self._run_locked = False
