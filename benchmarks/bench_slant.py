"""Throughput of the slant stage alone (``analyse_slant``), on top of prepared sentences, entities and quotes.

Articles: generated fictional ones (``synth.py``, ~800 words, page chrome included) and, when
``../shared/eval/allsides-article-bias`` is there, real news bodies from it. The nlp and quotes
stages run first and are not timed; then the slant stage runs over every article, in one process
and in a pool of ``--workers`` processes (each worker loads the lexicons once, as a runner would).

With ``--baseline ../main/src`` (another checkout's ``src/``), the same prepared articles are also
timed with that checkout's slant stage, in fresh processes alternating with this one's
(``--rounds``, three by default), and the same-run ratio of articles per CPU-second is printed:
the machine is shared and its speed swings, so only a ratio measured side by side means anything.

With ``--slant-model DIR`` the heads trained into DIR (``counterpoint train``) are used instead of the
shipped ones, as a run with ``slant_model = DIR`` would; a ``bias/3`` head embeds every sentence of
the sentences with MiniLM, which is what this measures; add ``--with-vectors`` to run the
``vectors`` stage first (untimed, as the pipeline does), so the head reuses the MiniLM vectors of the
claim-candidate sentences and embeds only the rest.

Usage: python benchmarks/bench_slant.py [--n 400] [--workers 2] [--baseline ../main/src [--rounds 3]]
       [--slant-model DIR [--with-vectors]]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import counterpoint  # noqa: E402
from counterpoint.config import Settings  # noqa: E402
from counterpoint.model import Doc, RawDocument, content_id  # noqa: E402
from counterpoint.slant.lexicon import load_lexicon  # noqa: E402
from counterpoint.slant.stage import analyse_slant  # noqa: E402
from counterpoint.slant.targeted import load_heads  # noqa: E402
from counterpoint.stages.clean import clean_text  # noqa: E402
from counterpoint.stages.nlp import nlp as nlp_stage  # noqa: E402
from counterpoint.stages.quotes import quotes as quotes_stage  # noqa: E402
from synth import articles, as_scraped_text  # noqa: E402 - benchmarks are scripts, not a package

ALLSIDES = HERE.parents[1] / "shared" / "eval" / "allsides-article-bias" / "media_valid.jsonl.gz"


def prepare(texts: list[str], with_vectors: bool = False) -> list[Doc]:
    """Docs with sentences, mentions and quotes filled, and the vectors stage's vectors if asked (untimed)."""
    s = Settings(workers=1)
    out = []
    for raw in texts:
        doc = Doc.from_raw(RawDocument(content_id(raw), "-", raw, "text"))
        doc = doc.with_article(text=clean_text(raw).text, language="en")
        doc = quotes_stage(nlp_stage(doc, s), s)
        if with_vectors:
            from counterpoint.stages.dates import dates as dates_stage
            from counterpoint.stages.numbers import numbers as numbers_stage
            from counterpoint.stages.vectors import vectors as vectors_stage

            doc = vectors_stage(dates_stage(numbers_stage(doc, s), s), s)
        out.append(doc)
    return out


#: the folder of trained heads to use (``--slant-model``; "" is the shipped default), set per process
MODEL = os.environ.get("CP_BENCH_SLANT_MODEL", "")


def _run(docs: list[Doc]) -> int:
    load_lexicon()
    heads = load_heads(MODEL)
    for d in docs:
        if d.vectors:  # only with --with-vectors (another checkout's stage may not take them)
            analyse_slant(d.article, d.sentences, d.mentions, d.quotes, heads=heads, vectors=d.vectors)
        else:
            analyse_slant(d.article, d.sentences, d.mentions, d.quotes, heads=heads)
    return len(docs)


def cpu_rate(docs: list[Doc]) -> float:
    """Articles per CPU-second in this process (best of three passes): steadier than wall time
    on a shared machine, where other processes' load inflates the wall clock."""
    load_lexicon()
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        _run(docs)
        best = min(best, time.process_time() - t0)
    return len(docs) / best


def measure(docs: list[Doc], workers: int) -> float:
    """Articles per second of the slant stage."""
    if workers == 1:
        load_lexicon()
        t0 = time.perf_counter()
        _run(docs)
        return len(docs) / (time.perf_counter() - t0)
    chunks = [docs[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_run, [c[:1] for c in chunks]))  # warm: import and load lexicons per worker
        t0 = time.perf_counter()
        list(pool.map(_run, chunks))
        return len(docs) / (time.perf_counter() - t0)


def rate_in(src: Path, docs_file: Path) -> float:
    """Articles per CPU-second of the slant stage of the checkout at ``src``, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--rate-of", str(docs_file)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return float(out.split()[-1])


def compare(docs: list[Doc], baseline: Path, rounds: int = 3) -> tuple[list[float], list[float]]:
    """CPU rates of this checkout's and ``baseline``'s slant stage, alternating, ``rounds`` each."""
    own = Path(counterpoint.__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        docs_file = Path(tmp) / "docs.pickle"
        docs_file.write_bytes(pickle.dumps(docs))
        mine, base = [], []
        for _ in range(rounds):
            base.append(rate_in(baseline, docs_file))
            mine.append(rate_in(own, docs_file))
    return mine, base


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=400, help="articles per corpus")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", type=Path, help="another checkout's src/ to time side by side")
    ap.add_argument("--rounds", type=int, default=3, help="alternating timings per checkout with --baseline")
    ap.add_argument("--slant-model", default="", help="folder of heads from `counterpoint train`")
    ap.add_argument("--with-vectors", action="store_true", help="run the vectors stage first (untimed)")
    ap.add_argument("--rate-of", type=Path, help=argparse.SUPPRESS)  # internal: one timing in this process
    args = ap.parse_args()
    if args.slant_model:  # through the environment, so pool workers and --baseline processes see it too
        global MODEL
        MODEL = os.environ["CP_BENCH_SLANT_MODEL"] = str(Path(args.slant_model).expanduser().resolve())
    if args.rate_of:  # our own pickle, written by compare() a moment ago
        print(cpu_rate(pickle.loads(args.rate_of.read_bytes())))
        return
    corpora = {"synthetic": [as_scraped_text(a, seed=i) for i, a in enumerate(articles(args.n))]}
    if ALLSIDES.exists():
        with gzip.open(ALLSIDES, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for _, line in zip(range(args.n), fh, strict=False)]
        corpora["allsides"] = [r["content_original"] for r in rows if r["content_original"]]
    for name, texts in corpora.items():
        docs = prepare(texts, args.with_vectors)
        words = sum(len(d.article.text.split()) for d in docs) / len(docs)
        one = measure(docs, 1)
        pool = measure(docs, args.workers)
        cpu = cpu_rate(docs)
        print(
            f"{name}: {len(docs)} articles, {words:.0f} words avg: "
            f"{one:.0f} articles/s in 1 process, {pool:.0f} articles/s with {args.workers} workers, "
            f"{cpu:.0f} articles per CPU-second",
            flush=True,
        )
        if args.baseline:
            mine, base = compare(docs, args.baseline.resolve(), args.rounds)
            ratios = [m / b for m, b in zip(mine, base, strict=True)]
            print(
                f"  same run, articles per CPU-second: this checkout {', '.join(f'{x:.0f}' for x in mine)}; "
                f"{args.baseline} {', '.join(f'{x:.0f}' for x in base)}; ratio per round "
                f"{', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
