"""Local engine vs Ray engine, in the same run, on N generated articles (benchmarks/synth.py).

Each engine runs a fresh `counterpoint analyze` process (every stage, default models, SQLite store)
over the same corpus with the same number of CPUs: ``--engine local --workers W`` (a process pool)
and ``--engine ray --workers W`` (a private Ray cluster of W CPUs started by the run; its raylet,
GCS and actors are in the process tree). The whole process tree is sampled every 50 ms:

  articles/s     N / wall seconds of the command (start-up and outputs included)
  CPU-s          user + system CPU seconds summed over every process of the tree
  peak tree MiB  the peak of the tree's summed resident memory
  peak proc MiB  the largest resident memory of any one process of the tree

and the two analysis.json files are compared with run metadata left out and lists sorted
("same output": yes/no, with the sections that differ). Output sizes (analysis.json, the report's
pages) are printed per article for each run.

Options that make the one long run also answer issue 12's scale questions in the same process:

  --small M        first run the local engine on M articles generated the same way
                   (the 10k/1k time ratio and the bytes per article at both sizes)
  --incremental    after the local run at N, add 50 new articles to its store, and the same 50
                   to an empty store (the incremental ratio at N)
  --baseline M     bare spaCy en_core_web_sm over M of the clean texts (bench_e2e.baseline)
  --keep DIR       keep each run's store and outputs in DIR/<run> (they are deleted otherwise),
                   to look into a run afterwards (its `phase_seconds`, its scopes)

Usage: python benchmarks/bench_engines.py [--n 100] [--workers 2] [--engines local,ray]
       (the 10k run of docs/BENCHMARKS.md: --n 10000 --small 1000 --incremental --baseline 1000)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_e2e import EXTRA, baseline, corpus, output_bytes  # noqa: E402 - benchmarks are scripts


@dataclass
class Measure:
    seconds: float
    cpu: float
    peak_tree: float
    peak_proc: float


def measure(cmd: list[str], trace: Path | None = None) -> Measure:
    """Run ``cmd`` and sample its process tree until it exits.

    With ``trace`` (a kept run's folder), the command's JSON summary goes to ``summary.json`` and
    one line per second to ``rss.tsv`` (seconds, tree MiB, largest process MiB, processes), so a
    memory peak can be placed in a phase by the summary's ``phase_seconds``.
    """
    started = time.perf_counter()
    out = subprocess.PIPE if trace else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    cpu: dict[int, float] = {}
    peak_tree = peak_proc = 0.0
    lines: list[str] = []
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree, peak_proc
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            tree = largest = 0.0
            for p in procs:
                try:
                    t = p.cpu_times()
                    rss = p.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                cpu[p.pid] = max(cpu.get(p.pid, 0.0), t.user + t.system)
                tree += rss
                largest = max(largest, rss)
            peak_proc = max(peak_proc, largest)
            peak_tree = max(peak_tree, tree)
            elapsed = time.perf_counter() - started
            if trace and elapsed >= len(lines):
                lines.append(f"{elapsed:.1f}\t{tree:.0f}\t{largest:.0f}\t{len(procs)}")
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    summary, err = proc.communicate()
    stop.set()
    sampler.join()
    if trace:
        trace.mkdir(parents=True, exist_ok=True)
        (trace / "summary.json").write_bytes(summary or b"")
        head = "seconds\ttree_mib\tlargest_mib\tprocesses"
        (trace / "rss.tsv").write_text("\n".join([head, *lines]) + "\n")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:6])}... failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    return Measure(time.perf_counter() - started, sum(cpu.values()), peak_tree, peak_proc)


def normalised(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("generated_at", "store", "generator"):
        data.pop(key, None)
    return {
        k: sorted(json.dumps(v, sort_keys=True) for v in val) if isinstance(val, list) else val
        for k, val in data.items()
    }


def analyze(paths: list[Path], out: Path, workers: int, engine: str) -> list[str]:
    return [sys.executable, "-m", "counterpoint", "--json", "analyze", *map(str, paths), "--out", str(out),
            "--db", str(out / "b.db"), "--workers", str(workers), "--engine", engine]  # fmt: skip


def row(label: str, n: int, m: Measure, out: Path, stored: int = 0) -> None:
    """One printed line; bytes per article divide by the articles in the store (``stored`` or n)."""
    size = {k: round(v / (stored or n)) for k, v in output_bytes(out).items()}
    print(
        f"{label:<12} {m.seconds:>8.1f} {n / m.seconds:>10.2f} {m.cpu:>8.1f}"
        f" {m.peak_tree:>14.0f} {m.peak_proc:>14.0f}   bytes/article {json.dumps(size)}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", default="local,ray")
    ap.add_argument("--small", type=int, default=0, help="also run the local engine on this many first")
    ap.add_argument("--incremental", action="store_true", help="50 new articles into the local store at N")
    ap.add_argument("--baseline", type=int, default=0, help="bare spaCy over this many clean texts")
    ap.add_argument("--data", default=str(HERE / "_data"))
    ap.add_argument("--keep", default=None, help="keep each run's store and outputs in this folder")
    args = ap.parse_args()
    data = Path(args.data)
    folder = corpus(data, args.n)
    engines = [e for e in args.engines.split(",") if e]
    results: dict[str, Measure] = {}
    outputs: dict[str, dict[str, Any]] = {}
    print(f"{args.n} articles, {args.workers} CPUs per engine", flush=True)
    if args.baseline:
        rate = baseline(folder, args.baseline)
        print(f"baseline: bare spaCy, 2 processes, {args.baseline} texts: {rate:.1f} articles/s")
    head = ("run", "seconds", "articles/s", "CPU-s", "peak tree MiB", "peak proc MiB")
    print(f"{head[0]:<12} {head[1]:>8} {head[2]:>10} {head[3]:>8} {head[4]:>14} {head[5]:>14}", flush=True)

    def trace(out: Path) -> Path | None:
        return out / "trace" if args.keep else None

    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or scratch
        if args.small:
            out = Path(tmp) / "small"
            small = measure(analyze([corpus(data, args.small)], out, args.workers, "local"))
            row(f"local {args.small}", args.small, small, out)
        for engine in engines:
            out = Path(tmp) / engine
            m = results[engine] = measure(analyze([folder], out, args.workers, engine), trace(out))
            outputs[engine] = normalised(out / "analysis.json")
            row(f"{engine} {args.n}", args.n, m, out)
            if engine == "local" and args.incremental:
                extra = corpus(data, EXTRA, seed=99)
                into = measure(analyze([folder, extra], out, args.workers, "local"), trace(out / "into"))
                row(f"+{EXTRA} into {args.n}", EXTRA, into, out, args.n + EXTRA)
                empty = measure(analyze([extra], Path(tmp) / "empty", args.workers, "local"))
                row(f"+{EXTRA} into 0", EXTRA, empty, Path(tmp) / "empty")
                print(f"incremental ratio: {into.seconds / empty.seconds:.2f}", flush=True)
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)
        if args.small and "local" in results:
            print(f"time ratio local {args.n}/{args.small}: {results['local'].seconds / small.seconds:.2f}")
    if {"local", "ray"} <= set(results):
        lo, ra = results["local"], results["ray"]
        print(
            f"ray/local: time {ra.seconds / lo.seconds:.2f}x, CPU {ra.cpu / lo.cpu:.2f}x,"
            f" peak tree RSS {ra.peak_tree / lo.peak_tree:.2f}x"
        )
        diff = [k for k in outputs["local"] if outputs["local"][k] != outputs["ray"].get(k)]
        print("same analysis.json:", "yes" if not diff else f"no (differs in {', '.join(diff)})")


if __name__ == "__main__":
    main()
