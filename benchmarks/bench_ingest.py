"""Throughput and memory of ingest + cleaning, against bare trafilatura in the same run.

Generates fictional articles (benchmarks/synth.py) as scraped text and as HTML pages at each size,
then measures, each in a fresh process so peak RSS is its own:

  clean        clean_text() + metadata on every text file, one core        (target >= 1,000 articles/s)
  ingest-text  the ingest half of the runner on text, 1 worker  (read, clean, metadata, language, store)
  trafilatura  bare trafilatura.extract() on every HTML file, one core      (baseline)
  html         our HTML stage (extract_html) on the same files, one core    (target <= 1.2x baseline time)
  ingest-html  the same on the HTML corpus

Prints median articles/s over --repeat runs, peak RSS of the measuring process, and the ratios.
Usage: python benchmarks/bench_ingest.py [--sizes 1000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - benchmarks are scripts, not a package


def generate(folder: Path, n: int, kind: str) -> Path:
    """Write n fictional articles as .txt or .html files (reused if already there)."""
    out = folder / f"{kind}_{n}"
    marker = out / ".complete"
    if marker.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    for i, art in enumerate(synth.articles(n, seed=11)):
        if kind == "text":
            (out / f"{i:06d}.txt").write_text(synth.as_scraped_text(art, seed=i), encoding="utf-8")
        else:
            (out / f"{i:06d}.html").write_text(synth.as_html(art, seed=i), encoding="utf-8")
    marker.touch()
    return out


def _files(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.glob(f"*{suffix}"))


def one(kind: str, folder: Path) -> dict[str, float]:
    """Run one measurement in this process and return seconds, article count and peak RSS (MiB)."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    n = 0
    if kind == "clean":
        from counterpoint.stages.clean import clean_text
        from counterpoint.stages.metadata import extract_metadata

        for f in _files(folder, ".txt"):
            raw = f.read_text(encoding="utf-8")
            extract_metadata(raw, clean_text(raw))
            n += 1
    elif kind == "trafilatura":
        import trafilatura

        for f in _files(folder, ".html"):
            trafilatura.extract(f.read_text(encoding="utf-8"))
            n += 1
    elif kind == "html":
        from counterpoint.stages.html import extract_html

        for f in _files(folder, ".html"):
            extract_html(f.read_text(encoding="utf-8"))
            n += 1
    elif kind.startswith("ingest"):
        from counterpoint.config import Settings
        from counterpoint.pipeline import Pipeline
        from counterpoint.runners.local import run
        from counterpoint.stages.extract import extract, metadata
        from counterpoint.stages.language import language
        from counterpoint.store import open_store

        # The ingest half only: reading, cleaning, metadata, language, store. The language
        # stages (spaCy and after) are measured by bench_language.py and bench_pipeline.py.
        ingest_only = Pipeline.build([extract, metadata, language])
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(str(Path(tmp) / "bench.db"))
            stats = run(store, [str(folder)], ingest_only, Settings(workers=1, batch_size=64))
            n = stats.articles
            store.close()
    else:
        raise SystemExit(f"unknown measurement {kind}")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "articles": n, "rss_mib": rss_mib}


def measure(kind: str, folder: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--one", kind, str(folder)], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    secs = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r.get("cpu", r["seconds"]) for r in runs)
    return {
        "seconds": secs,
        "cpu": cpu,
        "articles": runs[0]["articles"],
        "per_s": runs[0]["articles"] / secs if secs else 0.0,
        "per_cpu_s": runs[0]["articles"] / cpu if cpu else 0.0,
        "rss_mib": max(r["rss_mib"] for r in runs),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement at the smallest size (median)"
    )
    ap.add_argument("--data", default=str(HERE / "_data"), help="where generated corpora are cached")
    ap.add_argument("--one", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], Path(args.one[1]))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    data = Path(args.data)
    print(
        f"{'size':>6} {'measurement':<12} {'articles':>8} {'median s':>9} {'art/s':>9} {'peak RSS MiB':>13}"
    )
    results: dict[tuple[int, str], dict[str, float]] = {}
    for size in sizes:
        repeat = args.repeat if size == min(sizes) else 1
        text_dir, html_dir = generate(data, size, "text"), generate(data, size, "html")
        plan = [("clean", text_dir), ("ingest-text", text_dir), ("trafilatura", html_dir),
                ("html", html_dir), ("ingest-html", html_dir)]  # fmt: skip
        for kind, folder in plan:
            r = measure(kind, folder, repeat)
            results[(size, kind)] = r
            print(
                f"{size:>6} {kind:<12} {r['articles']:>8.0f} {r['seconds']:>9.2f} {r['per_s']:>9.1f}"
                f" {r['per_cpu_s']:>10.1f} {r['rss_mib']:>13.1f}",
                flush=True,
            )
        base, ours = results[(size, "trafilatura")], results[(size, "html")]
        print(
            f"{size:>6} ratio html/trafilatura time = {ours['seconds'] / base['seconds']:.2f} (target <= 1.2)"
        )
    if len(sizes) > 1:
        lo, hi = min(sizes), max(sizes)
        for kind in ("clean", "ingest-text", "html", "ingest-html"):
            a, b = results[(lo, kind)], results[(hi, kind)]
            print(f"peak RSS {kind}: {a['rss_mib']:.0f} MiB at {lo} -> {b['rss_mib']:.0f} MiB at {hi}"
                  f" (x{b['rss_mib'] / a['rss_mib']:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
