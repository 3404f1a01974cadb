"""Several writers on one PostgreSQL store: concurrent runs and workers, a migration race, a restart.

Real processes against a real server (tests/pgserver.py); they skip without PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from counterpoint.model import Doc, Hints, RawDocument, content_id
from counterpoint.store import open_store

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COUNTERPOINT_WORKERS": "1"}


def _cli(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "counterpoint", *args],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _count(url: str, sql: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
        assert row is not None
        return int(row[0])


_DUP_ITEMS = (
    'SELECT COUNT(*) FROM (SELECT article_id, layer, start, "end", key, label, data FROM items'
    ' GROUP BY article_id, layer, start, "end", key, label, data HAVING COUNT(*) > 1) d'
)


def _split_seeds(seeds: Path, tmp: Path) -> tuple[Path, Path, int]:
    """Two overlapping input folders over the seeds: a gets all but the last, b all but the first."""
    files = sorted(p for p in seeds.iterdir() if p.is_file())
    a, b = tmp / "a", tmp / "b"
    for folder, chosen in ((a, files[:-1]), (b, files[1:])):
        folder.mkdir()
        for f in chosen:
            shutil.copy(f, folder / f.name)
    return a, b, len(files)


def test_two_concurrent_runs_lose_and_duplicate_nothing(pg_url: str, seeds_dir: Path, tmp_path: Path) -> None:
    a, b, n = _split_seeds(seeds_dir, tmp_path)
    open_store(pg_url).close()  # migrated once up front: this test is about the runs
    runs = [_cli("ingest", str(d), "--db", pg_url, cwd=tmp_path) for d in (a, b)]
    for p in runs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()[-2000:]
    assert _count(pg_url, "SELECT COUNT(*) FROM raw") == n
    assert _count(pg_url, "SELECT COUNT(*) FROM articles") == n
    assert _count(pg_url, "SELECT COUNT(*) FROM raw WHERE state = 'pending'") == 0
    assert _count(pg_url, "SELECT COUNT(*) FROM story_articles") == n  # each article in one story
    assert _count(pg_url, _DUP_ITEMS) == 0
    assert _count(pg_url, "SELECT COUNT(*) FROM runs WHERE finished IS NOT NULL") == 2
    # the stories' own tallies agree with their members: no article was counted by both runs
    assert _count(pg_url, "SELECT COALESCE(SUM(articles), 0) FROM stories") == n


def _raw(i: int) -> RawDocument:
    body = f"Article {i} about the harbour plan, paragraph one.\n\nParagraph two of article {i}."
    return RawDocument(content_id(body), f"doc{i}.txt", body, "text", Hints(title=f"T{i}"))


def test_concurrent_writers_on_one_database_keep_every_row_once(pg_url: str) -> None:
    """Two store connections writing overlapping batches at the same time (the shape of several workers)."""
    open_store(pg_url).close()
    raws = [_raw(i) for i in range(60)]
    errors: list[BaseException] = []

    def writer(part: list[RawDocument]) -> None:
        store = open_store(pg_url)
        try:
            for i in range(0, len(part), 10):
                batch = part[i : i + 10]
                store.add_raw([(r, "g", [hash(r.id) & 0xFFFF, 7]) for r in batch])
                docs = [Doc.from_raw(r).with_article(text=r.body) for r in batch]
                store.save_docs(docs)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            store.close()

    threads = [
        threading.Thread(target=writer, args=(raws[:40],)),
        threading.Thread(target=writer, args=(raws[20:],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert _count(pg_url, "SELECT COUNT(*) FROM raw") == 60
    assert _count(pg_url, "SELECT COUNT(*) FROM articles") == 60
    assert _count(pg_url, "SELECT COUNT(DISTINCT seq) FROM articles") == 60
    assert _count(pg_url, "SELECT COUNT(*) FROM items") == 0  # these docs carry no layers
    # line 7 is in every document once: counted 60 times, not once per writer that saw it
    assert _count(pg_url, "SELECT n FROM line_counts WHERE key = 7") == 60


def test_three_runs_migrating_one_new_database_at_once(pg_url: str, tmp_path: Path) -> None:
    code = "import sys; from counterpoint.store import open_store; open_store(sys.argv[1]).close()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, pg_url], env=ENV, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()[-2000:]
    from counterpoint.store.migrations import MIGRATIONS

    assert _count(pg_url, "SELECT COUNT(*) FROM _migrations") == len(MIGRATIONS)
    assert _count(pg_url, "SELECT COUNT(DISTINCT name) FROM _migrations") == len(MIGRATIONS)


def test_server_restart_mid_run_is_a_clear_error_and_the_rerun_finishes(
    pg_server: object, pg_url: str, seeds_dir: Path, tmp_path: Path
) -> None:
    from pgserver import PGServer

    assert isinstance(pg_server, PGServer)
    if not pg_server.datadir:
        pytest.skip("the PostgreSQL server was not started by this session: cannot restart it")
    n = len([p for p in seeds_dir.iterdir() if p.is_file()])
    run = _cli("ingest", str(seeds_dir), "--db", pg_url, "--batch-size", "1", cwd=tmp_path)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        try:
            if _count(pg_url, "SELECT COUNT(*) FROM raw") > 0:
                break
        except Exception:  # noqa: BLE001 - not migrated yet
            pass
        time.sleep(0.2)
    assert run.poll() is None, "the run ended before the restart; nothing was tested"
    pg_server.stop()
    pg_server.start()
    _, err = run.communicate(timeout=600)
    stderr = err.decode()
    assert run.returncode == 3, stderr[-2000:]
    assert "lost the connection to PostgreSQL" in stderr
    assert "Traceback" not in stderr
    again = _cli("ingest", str(seeds_dir), "--db", pg_url, cwd=tmp_path)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err.decode()[-2000:]
    assert _count(pg_url, "SELECT COUNT(*) FROM articles") == n
    assert _count(pg_url, "SELECT COUNT(*) FROM raw WHERE state = 'pending'") == 0
    assert _count(pg_url, "SELECT COUNT(*) FROM story_articles") == n
    assert _count(pg_url, _DUP_ITEMS) == 0


def test_web_app_reads_again_after_a_server_restart(pg_server: object, pg_url: str) -> None:
    from starlette.testclient import TestClient

    from counterpoint.web.app import create_app
    from pgserver import PGServer

    assert isinstance(pg_server, PGServer)
    if not pg_server.datadir:
        pytest.skip("the PostgreSQL server was not started by this session: cannot restart it")
    open_store(pg_url).close()
    with TestClient(create_app(pg_url), raise_server_exceptions=False) as client:
        assert client.get("/api/v1/articles").status_code == 200
        pg_server.stop()
        pg_server.start()
        codes = [client.get("/api/v1/articles").status_code for _ in range(2)]
    assert codes == [200, 200], codes  # the first request after the restart reconnects too
