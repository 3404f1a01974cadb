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
("same output": yes/no, with the sections that differ).

Usage: python benchmarks/bench_engines.py [--n 100] [--workers 2]
       (the 10k run of docs/BENCHMARKS.md: --n 10000)
"""

from __future__ import annotations

import argparse
import json
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

from bench_e2e import corpus  # noqa: E402 - benchmarks are scripts, not a package


@dataclass
class Measure:
    seconds: float
    cpu: float
    peak_tree: float
    peak_proc: float


def measure(cmd: list[str]) -> Measure:
    """Run ``cmd`` and sample its process tree until it exits."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    cpu: dict[int, float] = {}
    peak_tree = peak_proc = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree, peak_proc
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            tree = 0.0
            for p in procs:
                try:
                    t = p.cpu_times()
                    rss = p.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                cpu[p.pid] = max(cpu.get(p.pid, 0.0), t.user + t.system)
                tree += rss
                peak_proc = max(peak_proc, rss)
            peak_tree = max(peak_tree, tree)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    stop.set()
    sampler.join()
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--data", default=str(HERE / "_data"))
    args = ap.parse_args()
    folder = corpus(Path(args.data), args.n)
    results: dict[str, Measure] = {}
    outputs: dict[str, dict[str, Any]] = {}
    print(f"{args.n} articles, {args.workers} CPUs per engine")
    head = ("engine", "seconds", "articles/s", "CPU-s", "peak tree MiB", "peak proc MiB")
    print(f"{head[0]:<7} {head[1]:>8} {head[2]:>10} {head[3]:>7} {head[4]:>14} {head[5]:>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for engine in ("local", "ray"):
            out = Path(tmp) / engine
            cmd = [sys.executable, "-m", "counterpoint", "--json", "analyze", str(folder), "--out", str(out),
                   "--db", str(out / "b.db"), "--workers", str(args.workers), "--engine", engine]  # fmt: skip
            m = results[engine] = measure(cmd)
            outputs[engine] = normalised(out / "analysis.json")
            print(
                f"{engine:<7} {m.seconds:>8.1f} {args.n / m.seconds:>10.2f} {m.cpu:>7.1f}"
                f" {m.peak_tree:>14.0f} {m.peak_proc:>14.0f}",
                flush=True,
            )
    lo, ra = results["local"], results["ray"]
    print(
        f"ray/local: time {ra.seconds / lo.seconds:.2f}x, CPU {ra.cpu / lo.cpu:.2f}x,"
        f" peak tree RSS {ra.peak_tree / lo.peak_tree:.2f}x"
    )
    diff = [k for k in outputs["local"] if outputs["local"][k] != outputs["ray"].get(k)]
    print("same analysis.json:", "yes" if not diff else f"no (differs in {', '.join(diff)})")


if __name__ == "__main__":
    main()
