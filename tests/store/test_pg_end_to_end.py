"""The seeds analysed into SQLite and into PostgreSQL give the same results through every door:
analysis.json, ``counterpoint export`` and the web API (skips without PostgreSQL or the seeds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COUNTERPOINT_WORKERS": "1"}
#: what differs between two runs by design: when, and which store
RUN_METADATA = ("generated_at", "store")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "counterpoint", *args], cwd=cwd, env=ENV, capture_output=True, timeout=900
    )


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, pg_server: Any) -> Iterator[tuple[Path, str, Path]]:
    """(SQLite file, PostgreSQL URL, work folder) after one analyze of the seeds into each."""
    seeds = ROOT.parent / "shared" / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"shared seed corpus not found at {seeds}")
    import psycopg

    work = tmp_path_factory.mktemp("e2e")
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    url = pg_server.database(name)
    for out, db in (("sq", str(work / "s.db")), ("pg", url)):
        res = _cli("analyze", str(seeds), "--out", out, "--db", db, cwd=work)
        assert res.returncode == 0, res.stderr.decode()[-2000:]
    yield work / "s.db", url, work
    _drop(pg_server.url, name)


def _drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


def _analysis(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in RUN_METADATA:
        data.pop(key)
    return dict(data)


def test_same_analysis_json_from_sqlite_and_postgres(both: tuple[Path, str, Path]) -> None:
    _, url, work = both
    sq, pg = _analysis(work / "sq" / "analysis.json"), _analysis(work / "pg" / "analysis.json")
    assert all(sq[k] for k in ("articles", "stories", "claims"))
    for key in sq:
        assert pg[key] == sq[key], key
    stored = json.loads((work / "pg" / "analysis.json").read_text(encoding="utf-8"))["store"]
    assert stored == url


@pytest.mark.parametrize(
    "what", ["articles", "entities", "quotes", "numbers", "dates", "events", "relations"]
)
def test_export_reads_postgres_like_sqlite(both: tuple[Path, str, Path], what: str) -> None:
    db, url, work = both
    for name, store in (("sq", str(db)), ("pg", url)):
        res = _cli(
            "export", "--db", store, "--format", "jsonl", "--what", what, "--out", f"{what}.{name}", cwd=work
        )
        assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert (work / f"{what}.pg").read_bytes() == (work / f"{what}.sq").read_bytes()


def test_web_api_reads_postgres_like_sqlite(both: tuple[Path, str, Path]) -> None:
    from starlette.testclient import TestClient

    from counterpoint.web.app import create_app

    db, url, _ = both
    sq, pg = TestClient(create_app(str(db))), TestClient(create_app(url))
    story = sq.get("/api/v1/stories").json()["items"][0]["id"]
    article = sq.get("/api/v1/articles").json()["items"][0]["id"]
    entity = sq.get("/api/v1/entities").json()["items"][0]["id"]
    for path in (
        "/api/v1/articles", f"/api/v1/articles/{article}", "/api/v1/entities", f"/api/v1/entities/{entity}",
        f"/api/v1/entities/{entity}/mentions", "/api/v1/quotes", "/api/v1/outlets", "/api/v1/stories",
        f"/api/v1/stories/{story}", f"/api/v1/stories/{story}/sides", "/api/v1/storylines", "/api/v1/claims",
        "/api/v1/events", "/api/v1/relations", "/api/v1/articles?outlet=nope",
    ):  # fmt: skip
        a, b = sq.get(path), pg.get(path)
        assert (a.status_code, b.status_code) == (200, 200), path
        assert b.json() == a.json(), path
    # search: the same hits (ranking and snippets are each engine's own)
    for q in ("china", "Carney", "trade*", '"prime minister"'):
        a, b = (
            sq.get("/api/v1/search", params={"q": q}).json(),
            pg.get("/api/v1/search", params={"q": q}).json(),
        )
        assert b["total"] == a["total"] > 0, q
        assert {r["id"] for r in b["items"]} == {r["id"] for r in a["items"]}, q
    assert pg.get("/").status_code == 200
    assert pg.get(f"/stories/{story}").status_code == 200
