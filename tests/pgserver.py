"""A pytest plugin (loaded by tests/conftest.py): a real PostgreSQL for the store tests.

``COUNTERPOINT_TEST_PG_URL`` (set by ``.ci/services/postgres.sh``) names a server to use;
otherwise one throwaway cluster is started for the session through that same script (initdb in
a temporary folder, as an unprivileged user when running as root, on a free local port, fsync
off) and stopped at the end. Without PostgreSQL's binaries, or without psycopg, the tests that
need it skip with the reason. Every test gets a database of its own (``pg_url``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "services" / "postgres.sh"


@dataclass
class PGServer:
    """The session's server: its base URL and, when known, how to restart it."""

    url: str
    datadir: str | None = None
    bindir: str | None = None
    user: str | None = None
    started_here: bool = False

    def _pg_ctl(self, *args: str) -> None:
        if not (self.datadir and self.bindir):
            pytest.skip("the PostgreSQL server was not started by this session: cannot restart it")
        cmd = [f"{self.bindir}/pg_ctl", "-D", f"{self.datadir}/data", *args]
        if os.geteuid() == 0 and self.user and self.user != "root":
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are cut)."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        log = f"{self.datadir}/server.log"
        self._pg_ctl("-l", log, "-w", "start")

    def database(self, name: str) -> str:
        base, _, _ = self.url.rpartition("/")
        return f"{base}/{name}"


def _bindir() -> str | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(f"{d}/initdb", os.X_OK):
            return d
    found = shutil.which("initdb")
    return str(Path(found).parent) if found else None


def _start() -> PGServer:
    """Start a cluster through .ci/services/postgres.sh and read what it exported."""
    if _bindir() is None:
        pytest.skip("PostgreSQL is not installed (no initdb); set COUNTERPOINT_TEST_PG_URL to use a server")
    out = subprocess.run(
        ["bash", "-c", f'source "{SCRIPT}" >/dev/null && env'],
        capture_output=True,
        text=True,
        timeout=300,
    )
    env = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    url = env.get("COUNTERPOINT_TEST_PG_URL")
    if not url:
        pytest.skip(f"could not start PostgreSQL: {out.stderr.strip()[-500:]}")
    dirs = env.get("COUNTERPOINT_PG_DIR"), env.get("COUNTERPOINT_PG_BINDIR")
    return PGServer(url, *dirs, env.get("COUNTERPOINT_PG_USER"), started_here=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PGServer]:
    """The PostgreSQL server of this test session (skips when there is none)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'counterpoint[postgres]')")
    url = os.environ.get("COUNTERPOINT_TEST_PG_URL")
    if url:
        yield PGServer(
            url, os.environ.get("COUNTERPOINT_PG_DIR"), os.environ.get("COUNTERPOINT_PG_BINDIR"),
            os.environ.get("COUNTERPOINT_PG_USER"),
        )  # fmt: skip
        return
    server = _start()
    try:
        yield server
    finally:
        try:
            server.stop()
        finally:
            if server.datadir:
                shutil.rmtree(server.datadir, ignore_errors=True)


def _admin(server: PGServer, sql: str) -> None:
    import psycopg

    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture
def pg_url(pg_server: PGServer) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    _admin(pg_server, f"CREATE DATABASE {name}")
    try:
        yield pg_server.database(name)
    finally:
        try:
            _admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except Exception as exc:  # noqa: BLE001 - a server stopped by the test: nothing to drop
            print(f"could not drop {name}: {exc}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store of each backend: the store tests run on both."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_url"))
