"""Throughput and memory of the language stages (sentences + entities, quotes, numbers, dates).

Generates fictional ~800-word articles (benchmarks/synth.py), cleans them once up front, then runs
the language stages over them in a pool of worker processes, each of which loads the spaCy model
once. Baseline in the same run: bare spaCy with its full default pipeline (every pipe enabled) on
the same texts and the same number of processes.

Prints articles/s for each, per-stage seconds, and the peak RSS of each worker.
Usage: python benchmarks/bench_language.py [--n 1000] [--workers 2] [--words 800]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - benchmarks are scripts, not a package


def _texts(n: int, words: int) -> list[str]:
    return ["\n\n".join(a.paragraphs) for a in synth.articles(n, words=words, seed=5)]


def _ours(texts: list[str]) -> tuple[int, dict[str, float], float]:
    from counterpoint.config import Settings
    from counterpoint.model import Doc, RawDocument, content_id
    from counterpoint.stages.dates import dates
    from counterpoint.stages.nlp import nlp
    from counterpoint.stages.numbers import numbers
    from counterpoint.stages.quotes import quotes

    settings = Settings(workers=1)
    spent: Counter[str] = Counter()
    for text in texts:
        doc = Doc.from_raw(RawDocument(content_id(text), "bench", text, "text"))
        doc = doc.with_article(text=text, language="en", published="2026-03-01")
        for st in (nlp, quotes, numbers, dates):
            t0 = time.perf_counter()
            doc = st(doc, settings)
            spent[st.name] += time.perf_counter() - t0
    return len(texts), dict(spent), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bare(texts: list[str]) -> tuple[int, dict[str, float], float]:
    import spacy

    from counterpoint.stages.nlp import DEFAULT_MODEL

    nlp = spacy.load(DEFAULT_MODEL)
    t0 = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=16):
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return len(texts), {"spacy-full": time.perf_counter() - t0}, rss


def run_pool(fn: str, texts: list[str], workers: int) -> tuple[float, Counter[str], list[float]]:
    """Wall seconds, summed per-stage seconds and each worker's peak RSS (MiB)."""
    chunk = (len(texts) + workers - 1) // workers
    parts = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    func = _ours if fn == "ours" else _bare
    ctx = get_context("spawn")  # a fresh process each: peak RSS is the worker's own
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        results = list(pool.map(func, parts))
    wall = time.perf_counter() - t0
    spent: Counter[str] = Counter()
    for _n, s, _r in results:
        spent.update(s)
    return wall, spent, [r for _n, _s, r in results]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--words", type=int, default=800)
    args = ap.parse_args()
    texts = _texts(args.n, args.words)
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{args.n} generated articles, {words:.0f} words on average, {args.workers} worker processes")
    print("(wall time includes each worker loading the model once)")
    for name in ("bare", "ours"):
        wall, spent, rss = run_pool(name, texts, args.workers)
        label = "bare spaCy (all pipes)" if name == "bare" else "ours: nlp+quotes+numbers+dates"
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in spent.items())
        print(f"{label:<32} {args.n / wall:7.1f} articles/s  wall {wall:6.1f}s  [{stages}]")
        print(f"{'':<32} peak RSS per worker: " + ", ".join(f"{r:.0f} MiB" for r in rss))


if __name__ == "__main__":
    main()
