"""Store write throughput: SQLite against PostgreSQL (COPY and plain INSERT), in the same run.

The documents are fictional articles (benchmarks/synth.py) taken once through the default
per-article stages (clean, metadata, language, sentences, entities, quotes, numbers, dates,
events, slant, vectors) and kept (benchmarks/_data/store_docs_N.pickle); --real of them are
processed and the rest are copies under new ids (the stages are slow and not what is measured),
so what is timed is only the store's real write path: ``add_raw`` of every input, then
``save_docs`` batch by batch (``--batch`` articles per transaction, as the runner does).

  sqlite      one SQLite file (WAL, synchronous=NORMAL: the default store)
  pg-copy     PostgreSQL, the items of each batch streamed with COPY (the default)
  pg-insert   PostgreSQL, the same rows with executemany INSERTs

Each measurement runs --repeat times on a fresh store (median reported), interleaved so machine
noise hits all three alike, and reports articles/s and the store's size in MiB per 1k articles.
PostgreSQL: --pg URL (a database this script may fill and empty), or COUNTERPOINT_TEST_PG_URL,
or a throwaway server started with .ci/services/postgres.sh.

Usage: python benchmarks/bench_store.py [--n 1000] [--repeat 3] [--batch 64] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - benchmarks are scripts, not a package


def prepare(n: int, data: Path, real: int) -> list[tuple[Any, str, list[int], Any]]:
    """(raw, group, line keys, processed Doc) per article.

    ``real`` synthetic articles go through the per-article stages (cached); the rest are copies of
    them under new ids, each text with a distinct last line (appended, so every stored offset
    stays valid), so no copy is an exact duplicate: the store writes them as distinct articles.
    """
    from dataclasses import replace

    from counterpoint.model import content_id

    cache = data / f"store_docs_{real}.pickle"
    if cache.exists():
        base = list(pickle.loads(cache.read_bytes()))
    else:
        base = _process(real)
        data.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(base))
    out = []
    for i in range(n):
        raw, grp, keys, doc = base[i % len(base)]
        if i >= len(base):
            body = f"{raw.body}\n\ncopy {i}"
            raw = replace(raw, id=content_id(body), body=body, source=f"{raw.source}#{i}")
            art = replace(doc.article, id=raw.id, text=f"{doc.article.text}\n\ncopy {i}")
            doc = replace(doc, raw=raw, article=art)
        out.append((raw, grp, keys, doc))
    return out


def _process(n: int) -> list[tuple[Any, str, list[int], Any]]:
    from counterpoint.config import Settings
    from counterpoint.factories import default_pipeline
    from counterpoint.model import Doc, Hints, RawDocument, content_id
    from counterpoint.runners.local import group_key, line_keys

    pipeline = default_pipeline()
    settings = Settings(workers=1)
    out: list[tuple[Any, str, list[int], Any]] = []
    started = time.perf_counter()
    raws = []
    for i, art in enumerate(synth.articles(n, seed=11)):
        body = synth.as_scraped_text(art, seed=i)
        raws.append(RawDocument(content_id(body), f"synth/{i:06d}.txt", body, "text", Hints()))
    for i in range(0, len(raws), 16):
        batch = raws[i : i + 16]
        docs = pipeline.run_batch([Doc.from_raw(r) for r in batch], settings)
        out += [(r, group_key(r), sorted(line_keys(r)), d) for r, d in zip(batch, docs, strict=True)]
        print(f"  processed {len(out)}/{n} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return out


def _pg_url(arg: str | None) -> tuple[str, list[str]]:
    """A PostgreSQL URL, and the command that stops the server when this script started it."""
    url = arg or os.environ.get("COUNTERPOINT_TEST_PG_URL")
    if url:
        return url, []
    script = HERE.parent / ".ci" / "services" / "postgres.sh"
    out = subprocess.run(
        ["bash", "-c", f'source "{script}" >/dev/null && env'], capture_output=True, text=True
    )
    env = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    if "COUNTERPOINT_TEST_PG_URL" not in env:
        raise SystemExit(f"no PostgreSQL: give --pg URL ({out.stderr.strip()[-300:]})")
    stop = f'source "{script}" >/dev/null 2>&1; pg_service_stop'
    return env["COUNTERPOINT_TEST_PG_URL"], [
        "bash", "-c", f"COUNTERPOINT_TEST_PG_URL= {stop}",
    ]  # fmt: skip


def _fresh_pg(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    return base.rsplit("/", 1)[0] + "/" + name


def _pg_size_mib(url: str) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    assert row is not None
    return float(row[0]) / 2**20


def one(kind: str, rows: list[tuple[Any, str, list[int], Any]], batch: int, pg: str) -> dict[str, float]:
    """Write every row into a fresh store of ``kind``; seconds (writes only) and size in MiB."""
    from counterpoint.store import open_store
    from counterpoint.store.postgres import PostgresStore

    with tempfile.TemporaryDirectory() as tmp:
        if kind == "sqlite":
            path = Path(tmp) / "bench.db"
            store: Any = open_store(str(path))
        else:
            url = _fresh_pg(pg, "bench_store")
            store = PostgresStore(url, bulk_copy=(kind == "pg-copy"))
        started = time.perf_counter()
        for i in range(0, len(rows), batch):
            chunk = rows[i : i + batch]
            store.add_raw([(r, g, keys) for r, g, keys, _ in chunk])
            store.save_docs([d for *_, d in chunk])
        seconds = time.perf_counter() - started
        articles = store.counts()["articles"]
        store.close()
        if kind == "sqlite":
            size = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / 2**20
        else:
            size = _pg_size_mib(url)
    return {"seconds": seconds, "articles": articles, "mib": size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--real", type=int, default=64, help="articles through the stages; the rest are copies")
    ap.add_argument("--pg", default=None, help="PostgreSQL server URL (a scratch database is made on it)")
    ap.add_argument("--data", default=str(HERE / "_data"), help="where the prepared documents are cached")
    args = ap.parse_args()
    rows = prepare(args.n, Path(args.data), min(args.n, args.real))
    pg, stop = _pg_url(args.pg)
    kinds = ("sqlite", "pg-copy", "pg-insert")
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    try:
        for _ in range(args.repeat):
            for k in kinds:
                runs[k].append(one(k, rows, args.batch, pg))
    finally:
        if stop:
            subprocess.run(stop, check=False)
    base = statistics.median(r["seconds"] for r in runs["sqlite"])
    print(f"{args.n} articles, batches of {args.batch}, median of {args.repeat} (same run, interleaved)")
    print(f"{'store':<10} {'median s':>9} {'art/s':>8} {'vs sqlite':>10} {'MiB/1k art':>11}  runs s")
    for k in kinds:
        secs = [r["seconds"] for r in runs[k]]
        med = statistics.median(secs)
        n = runs[k][0]["articles"]
        mib = statistics.median(r["mib"] for r in runs[k]) * 1000 / max(n, 1)
        print(
            f"{k:<10} {med:>9.2f} {n / med:>8.0f} {med / base:>9.2f}x {mib:>11.1f}  "
            + " ".join(f"{s:.2f}" for s in secs)
        )


if __name__ == "__main__":
    main()
