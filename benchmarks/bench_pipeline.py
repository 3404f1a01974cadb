"""End-to-end cost of the whole pipeline: every registered stage, the store and the outputs.

Each later capability adds its stages to the default pipeline, so this one command always
measures the whole thing. Runs `counterpoint analyze` (real CLI, real SQLite store, process pool)
over generated fictional articles (half scraped text, half HTML) at each size, in a fresh process,
and samples the resident memory of the whole process tree (main + workers).

Usage: python benchmarks/bench_pipeline.py [--sizes 1000,10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ingest import generate  # noqa: E402 - benchmarks are scripts, not a package


def mixed_corpus(data: Path, n: int) -> Path:
    """A folder with n/2 text and n/2 HTML articles (links to the cached generated files)."""
    out = data / f"mixed_{n}"
    if (out / ".complete").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    text, html = generate(data, n, "text"), generate(data, n, "html")
    for i in range(n):
        src = text / f"{i:06d}.txt" if i % 2 == 0 else html / f"{i:06d}.html"
        dst = out / src.name
        if not dst.exists():
            dst.symlink_to(src)
    (out / ".complete").touch()
    return out


def tree_rss_mib(proc: psutil.Process) -> float:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a worker may exit between listing and reading
            total += p.memory_info().rss
    return total / 2**20


def run_once(corpus: Path | list[Path], workers: int, out: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak tree RSS (MiB) of one `counterpoint analyze` run.

    ``out``: where the store and outputs go (kept); a temporary folder when None.
    """
    with tempfile.TemporaryDirectory() as tmp:
        where = out or Path(tmp)
        paths = [str(p) for p in (corpus if isinstance(corpus, list) else [corpus])]
        cmd = [sys.executable, "-m", "counterpoint", "--json", "analyze", *paths, "--out", str(where),
               "--db", str(where / "b.db"), "--workers", str(workers)]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ps = psutil.Process(proc.pid)
        peak = 0.0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                try:
                    peak = max(peak, tree_rss_mib(ps))
                except psutil.Error:
                    return
                time.sleep(0.05)

        t = threading.Thread(target=sample, daemon=True)
        t.start()
        code = proc.wait()
        stop.set()
        t.join()
        if code != 0:
            raise SystemExit(f"counterpoint analyze failed with exit code {code}")
        return time.perf_counter() - started, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--data", default=str(HERE / "_data"))
    args = ap.parse_args()
    if shutil.which("true") is None:  # pragma: no cover - sanity for odd environments
        raise SystemExit("needs a POSIX system")
    print(f"{'size':>6} {'workers':>7} {'seconds':>8} {'articles/s':>10} {'peak tree RSS MiB':>18}")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        corpus = mixed_corpus(Path(args.data), size)
        secs, rss = run_once(corpus, args.workers)
        rows.append((size, secs, rss))
        print(f"{size:>6} {args.workers:>7} {secs:>8.1f} {size / secs:>10.1f} {rss:>18.0f}", flush=True)
    if len(rows) > 1:
        (n0, s0, r0), (n1, s1, r1) = rows[0], rows[-1]
        print(f"time ratio {n1}/{n0}: {s1 / s0:.2f} (linear = {n1 / n0:.0f}); RSS ratio {r1 / r0:.2f}")


if __name__ == "__main__":
    main()
