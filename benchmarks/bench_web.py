"""Load benchmark of ``counterpoint serve``: requests/s and latency over a 10k-article store.

Builds (once, cached under benchmarks/_data/web/) a store of fictional articles
(benchmarks/synth.py) with the real ``counterpoint ingest``, starts the real
``counterpoint serve`` on a free loopback port, and drives it with an asyncio
HTTP client (httpx) at a fixed concurrency. Three scenarios:

  article   GET /articles/{id}           a random article page (highlighted text, quotes, numbers, dates)
  search    GET /search?q=...            full-text search page, random words, some with outlet/date filters
  api-list  GET /api/v1/articles?...     a random page of the JSON article list
  story     GET /stories/{id}             a random story page (articles, coverage chart, outlets' slant)

Requests go only to 127.0.0.1 and are bounded in count and time per scenario.
Target on a 2-core machine: p95 < 200 ms for article and search pages.
Usage: python benchmarks/bench_web.py [--articles 10000] [--requests 500] [--concurrency 8] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "web"
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - benchmarks are scripts, not a package

CLI = [sys.executable, "-m", "counterpoint"]
WORDS = 400  # words per article: a typical news story


def build_store(n: int) -> Path:
    """A store of n fictional articles, built once with the real ingest and cached."""
    db = DATA / f"web_{n}.db"
    if db.exists():
        return db
    folder = DATA / f"text_{n}"
    marker = folder / ".complete"
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        for i, art in enumerate(synth.articles(n, words=WORDS, seed=23)):
            (folder / f"{i:06d}.txt").write_text(synth.as_scraped_text(art, seed=i), encoding="utf-8")
        marker.touch()
    building = db.with_name(db.name + ".building")
    print(f"building the {n}-article store with counterpoint ingest (once; cached in {db}) ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [*CLI, "--json", "ingest", str(folder), "--db", str(building)], check=True, stdout=subprocess.DEVNULL
    )
    print(f"  ingest took {time.perf_counter() - started:.0f} s", flush=True)
    conn = sqlite3.connect(building)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    building.rename(db)
    return db


def scale_store(src: Path, n: int) -> Path:
    """A copy of ``src`` grown to ``n`` articles by repeating its articles (and their items) under new ids.

    For machines where a full ingest of n articles takes too long: the rows all come from the
    real pipeline, only repeated. The full-text index follows through the store's own triggers.
    """
    dst = DATA / f"scaled_{n}.db"
    if dst.exists():
        return dst
    tmp = dst.with_name(dst.name + ".building")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as s, sqlite3.connect(tmp) as d:
        s.backup(d)
    conn = sqlite3.connect(tmp, isolation_level=None)
    have = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    copy = 0
    conn.execute("BEGIN")
    while have < n:
        copy += 1
        cols = [r[1] for r in conn.execute("PRAGMA table_info(articles)")]
        sel = ", ".join(
            f"substr(printf('%016x', {copy} * 1000003 + rowid), 1, 16)" if c == "id"
            else f"seq + {copy} * 1000000" if c == "seq"
            else "NULL" if c == "duplicate_of"
            else c
            for c in cols
        )  # fmt: skip
        limit = n - have
        conn.execute(
            f"INSERT INTO raw (id, source, format, body, hints, grp, state, seq) SELECT"
            f" substr(printf('%016x', {copy} * 1000003 + a.rowid), 1, 16), r.source, r.format, '', r.hints,"
            f" r.grp, 'done', r.seq + {copy} * 1000000 FROM articles a JOIN raw r ON r.id = a.id"
            f" WHERE a.seq < 1000000 ORDER BY a.rowid LIMIT {limit}"
        )
        conn.execute(
            f"INSERT INTO articles ({', '.join(cols)}) SELECT {sel} FROM articles WHERE seq < 1000000"
            f" ORDER BY rowid LIMIT {limit}"
        )
        conn.execute(
            f"INSERT INTO items SELECT substr(printf('%016x', {copy} * 1000003 + a.rowid), 1, 16), i.layer,"
            f' i.start, i."end", i.key, i.label, i.data FROM items i JOIN articles a ON a.id = i.article_id'
            f" WHERE a.seq < 1000000 AND a.rowid IN (SELECT rowid FROM articles WHERE seq < 1000000"
            f" ORDER BY rowid LIMIT {limit})"
        )
        have = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.rename(dst)
    return dst


def ensure_stories(db: Path) -> None:
    """Cluster the store's articles into stories (model-free embedder: fast) if it has none yet."""
    from counterpoint.config import Settings
    from counterpoint.runners.corpus import update_stories
    from counterpoint.store import open_store
    from counterpoint.store.sqlite import SQLiteStore

    store = open_store(str(db))  # migrates a store built before stories existed
    assert isinstance(store, SQLiteStore)
    counts = update_stories(store, Settings(workers=1, story_embedder="hashing"))
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"stories: {counts['stories']} over the store ({counts['articles']} articles newly assigned)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([*CLI, "serve", "--db", str(db), "--port", str(port)], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 30 s")


def scenarios(db: Path, rng: random.Random) -> dict[str, Callable[[], str]]:
    """URL makers for each scenario, from what the store holds."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
    outlets = [r[0] for r in conn.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL")]
    days = [r[0] for r in conn.execute("SELECT DISTINCT published FROM articles WHERE published IS NOT NULL")]
    has_stories = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_articles'").fetchone()
    story_ids = (
        [r[0] for r in conn.execute("SELECT DISTINCT story_id FROM story_articles")] if has_stories else []
    )
    conn.close()
    words = [w for phrase in synth.TOPICS + synth.PLACES + synth.LAST for w in phrase.split()] + synth.VERBS
    total = len(ids)

    def article() -> str:
        return f"/articles/{rng.choice(ids)}"

    def search() -> str:
        q = " ".join(rng.sample(words, rng.choice((1, 1, 2, 3))))
        params = f"q={q.replace(' ', '+')}"
        if rng.random() < 0.3 and outlets:
            params += f"&outlet={rng.choice(outlets).replace(' ', '+')}"
        if rng.random() < 0.3 and days:
            day = rng.choice(days)
            params += f"&from={day}&to={day}"
        return f"/search?{params}"

    def api_list() -> str:
        return f"/api/v1/articles?limit=50&offset={rng.randrange(0, max(1, total - 50))}"

    makers = {"article": article, "search": search, "api-list": api_list}
    if story_ids:

        def story() -> str:
            return f"/stories/{rng.choice(story_ids)}"

        makers["story"] = story
    return makers


async def run_scenario(
    base: str, make_url: Callable[[], str], requests: int, concurrency: int, seconds: float
) -> dict[str, float]:
    """Fire up to ``requests`` GETs with ``concurrency`` in flight, for at most ``seconds``."""
    import httpx

    latencies: list[float] = []
    errors = 0
    remaining = requests
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal remaining, errors
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                url = make_url()
                t0 = time.perf_counter()
                res = await client.get(url)
                latencies.append(time.perf_counter() - t0)
                if res.status_code != 200:
                    errors += 1

        for _ in range(3):  # warm-up: templates compiled, connections open
            await client.get(make_url())
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "req_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=500, help="per scenario (upper bound)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30, help="per scenario (upper bound)")
    parser.add_argument("--db", type=Path, default=None, help="use this store instead of building one")
    parser.add_argument(
        "--scale",
        action="store_true",
        help="grow --db to --articles by repeating its articles (see scale_store)",
    )
    args = parser.parse_args()
    db = args.db or build_store(args.articles)
    if args.scale:
        db = scale_store(db, args.articles)
    ensure_stories(db)
    port = free_port()
    server = start_server(db, port)
    results: dict[str, dict[str, float]] = {}
    try:
        rng = random.Random(5)
        for name, make_url in scenarios(db, rng).items():
            results[name] = asyncio.run(
                run_scenario(
                    f"http://127.0.0.1:{port}", make_url, args.requests, args.concurrency, args.seconds
                )
            )
    finally:
        server.terminate()
        server.wait(10)
    n = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    print(f"\ncounterpoint serve over {n} articles, concurrency {args.concurrency}, {os.cpu_count()} cores")
    print(f"{'scenario':<10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'n':>6}")
    for name, r in results.items():
        print(
            f"{name:<10} {r['req_per_s']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8}"
            f" {r['errors']:>7} {r['requests']:>6}"
        )
    print(json.dumps({"articles": n, "concurrency": args.concurrency, "results": results}))


if __name__ == "__main__":
    main()
