"""Sentence encoders side by side: int8 ONNX (the default) vs fp32 torch, in one run.

* speed: sentences/s over the same 2,000 news sentences (AllSides media-split validation articles in
  ../shared/eval), one thread each (one worker process per core), median of 3 passes;
* agreement: cosine of the two vectors of each sentence;
* cold start: import + load + first sentence, each in a fresh interpreter, median of 3;
* ``--quality``: benchmarks/eval_stories.py (ECB+ story B³) and eval_claim_retrieval.py
  (CheckThat 2020 t2 MAP@5) once per encoder, the torch one as Counterpoint 0.1 ran it (128-token
  window); each encoder gets its own embedding cache, so neither reads the other's vectors.

    .venv/bin/python benchmarks/bench_embed.py [--quality | --quality-only]

Needs the ``[torch]`` extra (``make install`` has it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "eval" / "allsides-article-bias" / "media_valid.jsonl.gz"
N = 2000

COLD = """
import time; t = time.perf_counter()
from counterpoint.stories.embed import {fn}
{fn}({args})(["A first sentence."]); print(time.perf_counter() - t)
"""
#: run a benchmark script with ``embed``'s default embedder swapped for ``{fn}({args})``
SWAP = """
import runpy, sys
import counterpoint.stories.embed as e
e.load_embedder = lambda *a, **k: e.{fn}({args})
sys.argv = [{script!r}]
runpy.run_path({script!r}, run_name="__main__")
"""
ENCODERS = {"onnx int8": ("load_embedder", ""), "torch fp32": ("load_torch_embedder", "")}
#: for quality: the torch path exactly as Counterpoint 0.1 ran it
QUALITY = {"torch fp32 (0.1)": ("load_torch_embedder", "128"), "onnx int8 (new)": ("load_embedder", "")}


def news_sentences(n: int = N) -> list[str]:
    """The first ``n`` lead sentences (>= 4 words) of the AllSides validation articles."""
    from counterpoint.stories.embed import lead_sentences

    out: list[str] = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            out.extend(lead_sentences(json.loads(line)["content_original"], n=8))
            if len(out) >= n:
                break
    return out[:n]


def speed_and_agreement(texts: list[str]) -> dict[str, object]:
    """Median sentences/s of each encoder over ``texts`` (1 thread each) and their cosines."""
    import numpy as np
    import torch

    from counterpoint.stories.embed import load_embedder, load_torch_embedder

    torch.set_num_threads(1)
    encoders = {"onnx int8": load_embedder(threads=1), "torch fp32": load_torch_embedder()}
    rates: dict[str, list[float]] = {k: [] for k in encoders}
    cpu_rates: dict[str, list[float]] = {k: [] for k in encoders}
    vectors = {}
    for _ in range(3):
        for name, fn in encoders.items():
            t, c = time.perf_counter(), time.process_time()
            vectors[name] = fn(texts)
            rates[name].append(len(texts) / (time.perf_counter() - t))
            cpu_rates[name].append(len(texts) / (time.process_time() - c))
    cos = (vectors["onnx int8"] * vectors["torch fp32"]).sum(axis=1)
    med = {k: round(statistics.median(v), 1) for k, v in rates.items()}
    cpu = {k: round(statistics.median(v), 1) for k, v in cpu_rates.items()}
    return {
        "sentences": len(texts),
        "sentences_per_s": med,
        "sentences_per_cpu_s": cpu,  # other load on the shared machine disturbs this less
        "runs": {k: [round(x, 1) for x in v] for k, v in rates.items()},
        "speedup": round(med["onnx int8"] / med["torch fp32"], 2),
        "speedup_cpu": round(cpu["onnx int8"] / cpu["torch fp32"], 2),
        "cosine": {"min": float(cos.min()), "median": float(np.median(cos)), "mean": float(cos.mean())},
    }


def cold_start() -> dict[str, float]:
    """Median seconds, in a fresh interpreter, to import and load each encoder and embed one sentence."""
    out = {}
    for name, (fn, args) in ENCODERS.items():
        runs = [
            float(subprocess.run([sys.executable, "-c", COLD.format(fn=fn, args=args)], check=True,
                                 capture_output=True, text=True).stdout)
            for _ in range(3)
        ]  # fmt: skip
        out[name] = round(statistics.median(runs), 2)
    return out


def quality() -> None:
    """Each eval script once per encoder, output as it prints it."""
    first: Path | None = None
    for name, (fn, args) in QUALITY.items():
        cache = Path(tempfile.gettempdir()) / f"counterpoint-bench-embed-{fn}{args}"
        (cache / "counterpoint-eval-cache").mkdir(parents=True, exist_ok=True)
        if first is not None:  # spaCy entities do not depend on the encoder: reuse them
            for f in (first / "counterpoint-eval-cache").glob("ents-*.pkl"):
                shutil.copy(f, cache / "counterpoint-eval-cache" / f.name)
        first = first or cache
        for script in ("benchmarks/eval_stories.py", "benchmarks/eval_claim_retrieval.py"):
            print(f"## {name}: {script}", flush=True)
            code = SWAP.format(fn=fn, args=args, script=str(ROOT / script))
            # eval_claim_retrieval caches embeddings under the temp dir: one per encoder
            subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "TMPDIR": str(cache)})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quality", action="store_true", help="also run the ECB+ and CheckThat evals twice")
    ap.add_argument("--quality-only", action="store_true", help="only the ECB+ and CheckThat evals")
    args = ap.parse_args()
    if not NEWS.is_file():
        print(f"news sentences not found at {NEWS} (clone with ../shared beside the repo); nothing to do")
        return 0
    if not args.quality_only:
        report = {**speed_and_agreement(news_sentences()), "cold_start_s": cold_start()}
        print(json.dumps(report, indent=2), flush=True)
    if args.quality or args.quality_only:
        quality()
    return 0


if __name__ == "__main__":
    sys.exit(main())
