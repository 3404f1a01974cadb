"""Size and write time of the outputs (report site, analysis.json) at 1k and 10k articles.

Builds (once, cached under benchmarks/_data/outputs/) a store per size with the real
``counterpoint ingest`` over generated fictional articles (benchmarks/synth.py: half scraped text,
half HTML, ~800 words, stories of ~8 articles grouped into storylines, 5% syndicated copies), with
the model-free ``story_embedder="hashing"`` so the stores build in minutes: what the outputs hold
(claims, conflicts, timelines) comes from the rule-based stages, and the embedder only moves which
sentences align, so the output size barely depends on it.

Then, in a fresh process per size:

* the size of each output in bytes per article (report index, story pages in total, analysis.json);
* the time to write all outputs into an empty folder (median of ``--repeat``);
* incremental: 50 new articles of the same stories are ingested into a copy of the largest store
  whose outputs were written before, and the outputs re-written (timed); compared with writing the
  outputs of the same 50 articles ingested into an empty store.

    .venv/bin/python benchmarks/bench_outputs.py
    .venv/bin/python benchmarks/bench_outputs.py --sizes 1000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "outputs"
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - benchmarks are scripts, not a package

CLI = [sys.executable, "-m", "counterpoint", "--json"]
WORDS = 800
ADDED = 50


def _write_corpus(folder: Path, n: int, first: int, count: int) -> Path:
    """Articles ``first`` .. ``first + count`` of the ``n``-article corpus as files (cached)."""
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    arts = synth.articles(
        n + ADDED, words=WORDS, seed=11, stories=max(1, n // 8), storylines=max(1, n // 80), syndication=0.05
    )
    for i, art in enumerate(arts):
        if i < first:
            continue
        if i >= first + count:
            break
        if i % 2 == 0:
            (folder / f"{i:06d}.txt").write_text(synth.as_scraped_text(art, seed=i), encoding="utf-8")
        else:
            (folder / f"{i:06d}.html").write_text(synth.as_html(art, seed=i), encoding="utf-8")
    marker.touch()
    return folder


def _ingest(folder: Path, db: Path, workers: int) -> None:
    env = {**os.environ, "COUNTERPOINT_STORY_EMBEDDER": "hashing"}
    subprocess.run(
        [*CLI, "ingest", str(folder), "--db", str(db), "--workers", str(workers)],
        check=True, stdout=subprocess.DEVNULL, env=env,
    )  # fmt: skip


def build_store(n: int, workers: int) -> Path:
    """The store of the ``n``-article corpus, built once with the real ingest and cached."""
    db = DATA / f"store_{n}.db"
    if db.exists():
        return db
    folder = _write_corpus(DATA / f"corpus_{n}", n, 0, n)
    building = db.with_name(db.name + ".building")
    print(f"building the {n}-article store (once; cached in {db}) ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    _ingest(folder, building, workers)
    print(f"  took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    conn = sqlite3.connect(building)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    building.rename(db)
    return db


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()


def _rotation(k: int) -> dict[int, int]:
    return str.maketrans(_LOWER + _UPPER, _LOWER[k:] + _LOWER[:k] + _UPPER[k:] + _UPPER[:k])


def _rot_why(text: str, k: int) -> str:
    frame = " reports “"
    return text.translate(_rotation(k)).replace(frame.translate(_rotation(k)), frame)


def _map_id(value: str, k: int) -> str:
    """Copy ``k``'s id for an id of the source store (hex digests: "k<k>" never starts one)."""
    return f"k{k}{value[2:]}"


def _map_json(data: str, k: int) -> str:
    """Map the ids in a JSON list of ids or of [article id, start, end] spans."""
    items = json.loads(data)
    return json.dumps([[_map_id(i[0], k), *i[1:]] if isinstance(i, list) else _map_id(i, k) for i in items])


#: table -> {column: how copy k gets it}: "id" maps an id, "json" the ids in JSON, "rot" rotates text
_COPY: dict[str, dict[str, str]] = {
    "raw": {"id": "id", "body": "''"},
    "articles": {"id": "id", "text": "rot", "title": "rot", "text_hash": "id", "duplicate_of": "id"},
    "items": {"article_id": "id", "key": "rotmention"},
    "stories": {"id": "id", "key": "key", "title": "rot", "storyline_id": "id"},
    "story_articles": {"article_id": "id", "story_id": "id"},
    "storylines": {"id": "id", "title": "rot"},
    "duplicates": {"article_id": "id", "duplicate_of": "id"},
    "claim_scopes": {"id": "id"},
    "claims": {"id": "id", "scope_id": "id", "story_id": "id", "text": "rot", "why": "rotwhy",
               "conflicts_with": "json"},
    "claim_evidence": {"claim_id": "id", "article_id": "id"},
    "omissions": {"article_id": "id", "claim_id": "id", "story_id": "id", "scope_id": "id"},
    "briefs": {"story_id": "id", "scope_id": "id", "sentence": "rot", "citations": "json",
               "claim_ids": "json"},
    "timeline_events": {"scope_id": "id", "text": "rot", "evidence": "json"},
}  # fmt: skip


def _column(col: str, how: str | None, k: int, base: int) -> str:
    if how is None:
        return f'"{col}" + {k * 10 * base}' if col in ("seq", "position") else f'"{col}"'
    return {
        "id": f'mapid("{col}", {k})',
        "json": f'mapjson("{col}", {k})',
        "rot": f'rot("{col}", {k})',
        "rotwhy": f'rotwhy("{col}", {k})',
        "rotmention": f"CASE WHEN layer = 'mention' THEN rot(key, {k}) ELSE key END",
        "key": f"key + {k} * {10 * base}",
        "''": "''",
    }[how]


def scaled_store(src: Path, n: int) -> Path:
    """A store of ``n`` articles made from the real ``src`` store, for when a full ingest is too slow.

    Copy ``k`` of every article, story, storyline, claim, brief and timeline event gets new ids
    and has its letters rotated by ``k`` (a length-preserving cipher, so every stored span still
    fits its text and no copy shares words or names with another); entities are linked again over
    all ``n`` articles. The stories, claims and conflicts of a copy are those the real pipeline
    found for the original: the output writers see ``n / base`` times the real corpus.
    """
    from counterpoint.config import Settings
    from counterpoint.runners.corpus import run_step
    from counterpoint.stages.entities import EntitiesStep, entities
    from counterpoint.store import open_store

    dst = DATA / f"scaled_{n}.db"
    if dst.exists():
        return dst
    tmp = dst.with_name(dst.name + ".building")
    tmp.unlink(missing_ok=True)
    print(f"scaling {src.name} to {n} articles (once; cached in {dst}) ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as s, sqlite3.connect(tmp) as d:
        s.backup(d)
    conn = sqlite3.connect(f"file:{tmp}", uri=True, isolation_level=None)
    conn.execute("ATTACH ? AS src", (f"file:{src}?mode=ro",))
    conn.create_function("rot", 2, lambda text, k: text.translate(_rotation(k)) if text else text)
    # a reason reads "A reports “…”; B reports “…” — …": the quoted sentences rotate, the frame stays
    conn.create_function("rotwhy", 2, lambda text, k: _rot_why(text, k) if text else text)
    conn.create_function("mapid", 2, lambda v, k: _map_id(v, k) if v else v)
    conn.create_function("mapjson", 2, _map_json)
    base = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    conn.execute("BEGIN")
    for k in range(1, -(-n // base)):
        for table, how in _COPY.items():
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            sel = ", ".join(_column(c, how.get(c), k, base) for c in cols)
            names = ", ".join(f'"{c}"' for c in cols)
            conn.execute(f"INSERT INTO main.{table} ({names}) SELECT {sel} FROM src.{table}")
    conn.execute("COMMIT")
    conn.close()
    store = open_store(str(tmp))
    run_step(store, entities, EntitiesStep(Settings()))  # link entities again over all n articles
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.rename(dst)
    print(f"  took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return dst


def write_outputs(db: Path, out: Path) -> dict[str, float]:
    """Write analysis.json and the report site of ``db`` into ``out``; return the seconds of each.

    Wall and CPU seconds of this process: on a shared machine the CPU time is the steadier figure.
    """
    from counterpoint.report import write_analysis, write_report
    from counterpoint.store import open_store

    store = open_store(str(db))
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        write_analysis(store, out / "analysis.json")
        t1, c1 = time.perf_counter(), time.process_time()
        write_report(store, out / "report.html")
        t2, c2 = time.perf_counter(), time.process_time()
    finally:
        store.close()
    return {
        "analysis_s": t1 - t0, "report_s": t2 - t1, "total_s": t2 - t0,
        "analysis_cpu_s": c1 - c0, "report_cpu_s": c2 - c1, "total_cpu_s": c2 - c0,
    }  # fmt: skip


def sizes(db: Path, out: Path) -> dict[str, float]:
    """Bytes of each output, in total and per article of the store."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    stories = int(conn.execute("SELECT COUNT(DISTINCT story_id) FROM story_articles").fetchone()[0])
    conflicts = int(conn.execute("SELECT COUNT(*) FROM claims WHERE status = 'conflicting'").fetchone()[0])
    conn.close()
    index = (out / "report.html").stat().st_size
    pages = sum(p.stat().st_size for p in (out / "stories").glob("*.html"))
    analysis = (out / "analysis.json").stat().st_size
    return {
        "articles": n, "stories": stories, "conflicting_claims": conflicts,
        "index_bytes": index, "pages_bytes": pages, "analysis_bytes": analysis,
        "index_per_article": index / n, "pages_per_article": pages / n, "analysis_per_article": analysis / n,
    }  # fmt: skip


def measure(db: Path, repeat: int, keep: Path) -> dict[str, float]:
    """Sizes, and the median time of writing every output into an empty folder; the last is kept."""
    runs = []
    for _ in range(repeat):
        shutil.rmtree(keep, ignore_errors=True)
        runs.append(write_outputs(db, keep))
        print(f"  {db.name}: {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
    return {**sizes(db, keep), **{k: statistics.median(r[k] for r in runs) for k in runs[0]}}


def incremental(db: Path, written: Path, base: int, workers: int) -> dict[str, float]:
    """Re-write time after 50 new articles into ``db`` (outputs in ``written``) vs into an empty store."""
    added = _write_corpus(DATA / f"added_{base}", base, base, ADDED)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(db, work / "big.db")
        shutil.copytree(written, work / "out")
        _ingest(added, work / "big.db", workers)
        out.update({f"big_{k}": v for k, v in write_outputs(work / "big.db", work / "out").items()})
        _ingest(added, work / "small.db", workers)
        out.update({f"empty_{k}": v for k, v in write_outputs(work / "small.db", work / "out_small").items()})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--base", type=int, default=1000, help="articles ingested for real; larger sizes are scaled"
    )
    ap.add_argument("--build-only", action="store_true", help="only build the cached stores")
    ap.add_argument("--no-incremental", action="store_true", help="skip the 50-new-articles measurement")
    args = ap.parse_args()
    sizes_ = [int(s) for s in args.sizes.split(",") if s]
    src = build_store(args.base, args.workers)
    stores = {n: src if n == args.base else scaled_store(src, n) for n in sizes_}
    if args.build_only:
        return
    rows = {n: measure(db, args.repeat, DATA / f"out_{n}") for n, db in stores.items()}
    print(
        "size    stories  conflicting  index B/art  pages B/art  analysis B/art  index MB  write s (median)"
    )
    for n, r in rows.items():
        print(
            f"{n:>6}  {r['stories']:>7}  {r['conflicting_claims']:>11}  {r['index_per_article']:>11.0f}"
            f"  {r['pages_per_article']:>11.0f}  {r['analysis_per_article']:>14.0f}"
            f"  {r['index_bytes'] / 1e6:>8.2f}  {r['total_s']:>6.2f} (analysis {r['analysis_s']:.2f},"
            f" report {r['report_s']:.2f}; CPU {r['total_cpu_s']:.2f})"
        )
    if args.no_incremental:
        print(json.dumps({"sizes": rows}))
        return
    big = max(stores)
    inc = incremental(stores[big], DATA / f"out_{big}", args.base, args.workers)
    print(
        f"re-write after {ADDED} new articles: into the {big}-article store {inc['big_total_s']:.2f} s"
        f" (analysis {inc['big_analysis_s']:.2f}, report {inc['big_report_s']:.2f},"
        f" CPU {inc['big_total_cpu_s']:.2f}); into an empty store"
        f" {inc['empty_total_s']:.2f} s (analysis {inc['empty_analysis_s']:.2f},"
        f" report {inc['empty_report_s']:.2f}, CPU {inc['empty_total_cpu_s']:.2f})"
    )
    print(json.dumps({"sizes": rows, "incremental": inc}))


if __name__ == "__main__":
    main()
