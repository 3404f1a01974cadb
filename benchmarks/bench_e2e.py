"""End to end as a user runs it: `counterpoint analyze` on generated news, against bare spaCy in the same run.

The corpus: ``synth.articles`` with stories grouped into storylines (several outlets per story, so the
claims stage has real comparisons to make), written half as scraped text and half as HTML pages,
~800 words each. Every measurement is the real default path (MiniLM encoder, every stage, SQLite
store, report and analysis.json), a fresh `counterpoint analyze` process with 2 workers, and the
peak resident memory of the whole process tree is sampled.

  e2e N          articles/s and peak tree RSS of analysing N articles into an empty store
  baseline       bare spaCy en_core_web_sm (full pipeline, nlp.pipe, 2 processes) over the same
                 clean texts: the floor for any pipeline that parses every article
  incremental    50 new articles into the N-article store vs the same 50 into an empty store
  outputs        bytes per article of report (index + story pages) and analysis.json
  seeds          `counterpoint analyze ../shared/corpus/seeds` wall time (when present)
  stages         CPU milliseconds per article of each per-article stage, in one process
  claims         ``claim_recall`` full against static, same run: CPU ms per article of the
                 ``vectors`` stage (40 articles) and of the ``claims`` stage over a store of
                 ``--claims-size`` articles, and the share of claim candidates given a MiniLM vector

With ``--corpus allsides`` the articles are real instead: the first N of the AllSides articles in
``../shared/eval/allsides-article-bias`` (media-split valid, 2,356 bodies of ~850 words from 60+
outlets and many topics), one ``{title, text, outlet, published, url}`` JSON file each; the
``stages`` part then measures the same real bodies. Generated articles are denser in entities and
numbers than real news (~48 claim candidates per article against ~20), so they overstate the
claim-encoding cost; the real corpus tops out at 2,356 articles, so 10k stays generated.

Usage: python benchmarks/bench_e2e.py [--sizes 1000,10000] [--baseline-size 1000] [--repeat 1]
       [--corpus synth|allsides]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - benchmarks are scripts, not a package
from bench_pipeline import run_once  # noqa: E402

SEEDS = HERE.parent.parent / "shared" / "corpus" / "seeds"
ALLSIDES = HERE.parent.parent / "shared" / "eval" / "allsides-article-bias" / "media_valid.jsonl.gz"
EXTRA = 50


def allsides_records(n: int, *, offset: int = 0) -> list[dict[str, str]]:
    """Articles ``offset .. offset + n`` of the AllSides media-split valid file, as analyze reads JSON."""
    import gzip

    if not ALLSIDES.is_file():
        raise SystemExit(f"--corpus allsides needs {ALLSIDES} (the shared eval data beside the checkout)")
    out: list[dict[str, str]] = []
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < offset:
                continue
            if len(out) >= n:
                break
            rec = json.loads(line)
            out.append({
                "title": rec["title"], "text": rec["content_original"], "outlet": rec["source"],
                "published": rec["date"], "url": rec["url"],
            })  # fmt: skip
    if len(out) < n:
        raise SystemExit(f"the AllSides file holds {offset + len(out)} articles; asked for {offset + n}")
    return out


def real_corpus(data: Path, n: int, *, offset: int = 0) -> Path:
    """``n`` real AllSides articles, one JSON file each (cached between runs)."""
    out = data / f"allsides_{n}_{offset}"
    if (out / ".complete").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    for i, rec in enumerate(allsides_records(n, offset=offset)):
        (out / f"{i:06d}.json").write_text(json.dumps(rec), encoding="utf-8")
    (out / ".complete").touch()
    return out


def corpus(data: Path, n: int, *, seed: int = 5) -> Path:
    """``n`` generated articles, half text and half HTML, in storylines (cached between runs)."""
    out = data / f"e2e_{n}_{seed}"
    if (out / ".complete").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    for i, art in enumerate(synth.articles(n, words=800, storylines=max(1, n // 80), seed=seed)):
        if i % 2 == 0:
            (out / f"{i:06d}.txt").write_text(synth.as_scraped_text(art, seed=i), encoding="utf-8")
        else:
            (out / f"{i:06d}.html").write_text(synth.as_html(art, seed=i), encoding="utf-8")
    (out / ".complete").touch()
    return out


def baseline(folder: Path, n: int) -> float:
    """Articles/s of bare spaCy (every component of en_core_web_sm, 2 processes) on the clean texts."""
    code = f"""
import sys, time
from pathlib import Path
import spacy
from counterpoint.ingest import iter_inputs
from counterpoint.model import Doc, RawDocument
from counterpoint.stages.extract import extract
from counterpoint.config import Settings
s = Settings(workers=1)
texts = []
for item in iter_inputs([{str(folder)!r}]):
    if isinstance(item, RawDocument):
        d = extract(Doc.from_raw(item), s)
        if d.skipped is None:
            texts.append(d.article.text)
texts = texts[:{n}]
from counterpoint.stages.nlp import DEFAULT_MODEL
nlp = spacy.load(DEFAULT_MODEL)
t = time.perf_counter()
for _ in nlp.pipe(texts, n_process=2, batch_size=32):
    pass
print(len(texts) / (time.perf_counter() - t))
"""
    with tempfile.TemporaryDirectory() as tmp:
        # a file, not -c: spaCy's worker processes re-import the main module
        script = Path(tmp) / "spacy_baseline.py"
        script.write_text("if __name__ == '__main__':\n" + "\n".join("    " + ln for ln in code.splitlines()))
        out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"spaCy baseline failed: {out.stderr[-2000:]}")
    return float(out.stdout.strip().splitlines()[-1])


def output_bytes(out: Path) -> dict[str, int]:
    report = sum(p.stat().st_size for p in out.rglob("*.html"))
    index = (out / "report.html").stat().st_size if (out / "report.html").exists() else 0
    return {
        "report_total": report,
        "report_index": index,
        "analysis_json": (out / "analysis.json").stat().st_size,
    }


def stage_costs(n: int, *, real: bool = False, recall: str = "full") -> dict[str, float]:
    """CPU milliseconds per article of each per-article stage, in this process (where the cores go)."""
    from collections import Counter

    from counterpoint.config import Settings
    from counterpoint.factories import default_pipeline
    from counterpoint.model import Doc, Hints, RawDocument, content_id

    settings, pipe = Settings(workers=1, claim_recall=recall), default_pipeline()
    docs = []
    if real:
        for i, rec in enumerate(allsides_records(n + 1)):
            hints = Hints(title=rec["title"], outlet=rec["outlet"])
            raw = RawDocument(content_id(rec["text"]), f"mem{i}", rec["text"], "text", hints)
            docs.append(Doc.from_raw(raw))
    for i, art in enumerate(synth.articles(0 if real else n + 1, words=800, storylines=2, seed=5)):
        body = synth.as_scraped_text(art, seed=i)
        docs.append(Doc.from_raw(RawDocument(content_id(body), f"mem{i}", body, "text")))
    spent: Counter[str] = Counter()
    sentences = candidates = 0
    for k, doc in enumerate(docs):
        for st in pipe.article_stages:
            t = time.process_time()
            doc = st(doc, settings)
            if k:  # the first article loads the models
                spent[st.name] += time.process_time() - t
        if k:
            sentences += len(doc.sentences)
            candidates += sum(v.kind == "sentence" for v in doc.vectors)
    out = {name: round(1000 * secs / n, 1) for name, secs in spent.most_common()}
    return {**out, "sentences_per_article": round(sentences / n, 1),
            "claim_candidates_per_article": round(candidates / n, 1)}  # fmt: skip


def claims_costs(folder: Path, n: int) -> dict[str, float]:
    """Per ``claim_recall``: CPU ms per article of the claims stage over ``folder``'s ``n`` articles.

    The store is analysed once (one worker); then the claims are reset, the MiniLM vectors the claims
    stage itself stored are dropped (so it embeds them again, as on a first run) and the stage is run
    alone, timed in this process.
    """
    from counterpoint.config import Settings
    from counterpoint.factories import default_pipeline
    from counterpoint.runners.corpus import update_claims
    from counterpoint.runners.local import run
    from counterpoint.store import open_store
    from counterpoint.store.sqlite import SQLiteStore

    out: dict[str, float] = {}
    for recall in ("full", "static"):
        settings = Settings(workers=1, claim_recall=recall)
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(str(Path(tmp) / "c.db"))
            assert isinstance(store, SQLiteStore)
            run(store, [str(folder)], default_pipeline(), settings)
            if recall == "static":
                with store.db:
                    store.db.execute("DELETE FROM claim_vectors WHERE model != 'static'")
            store.reset_claims()
            update_claims(store, settings)  # loads the encoders: not timed
            store.reset_claims()
            if recall == "static":
                with store.db:
                    store.db.execute("DELETE FROM claim_vectors WHERE model != 'static'")
            t = time.process_time()
            stats = update_claims(store, settings)
            spent = time.process_time() - t
            rows = dict(
                store.db.execute("SELECT model, COUNT(*) FROM claim_vectors GROUP BY model").fetchall()
            )
            candidates = rows.get("static" if recall == "static" else "minilm", 0)
            out[f"{recall}_claims_cpu_ms_per_article"] = round(1000 * spent / n, 1)
            out[f"{recall}_claims"] = stats["claims"]
            out[f"{recall}_conflicting"] = stats["conflicting"]
            out[f"{recall}_minilm_share"] = round(rows.get("minilm", 0) / max(candidates, 1), 3)
            out["claim_candidates"] = candidates
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--baseline-size", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--data", default=str(HERE / "_data"))
    ap.add_argument("--corpus", choices=("synth", "allsides"), default="synth")
    ap.add_argument(
        "--skip", default="", help="comma list of parts to skip: stages,claims,baseline,incremental,seeds"
    )
    ap.add_argument("--claims-size", type=int, default=100, help="articles of the claims part's store")
    args = ap.parse_args()
    data, skip = Path(args.data), set(args.skip.split(","))
    sizes = [int(s) for s in args.sizes.split(",") if s]
    real = args.corpus == "allsides"

    def make(n: int, seed: int = 5) -> Path:
        if real:  # the 50 "new" articles are the ones after the largest size
            return real_corpus(data, n, offset=max(sizes, default=0) if seed != 5 else 0)
        return corpus(data, n, seed=seed)

    results: dict[str, object] = {"corpus": args.corpus}
    if "stages" not in skip:
        costs = stage_costs(40, real=real)
        results["stage_cpu_ms_per_article"] = costs
        print(f"per-article stages, CPU ms per article (40 articles, one process): {json.dumps(costs)}")
    if "claims" not in skip:
        static = stage_costs(40, real=real, recall="static")
        results["stage_cpu_ms_per_article_static_recall"] = static
        print(f"the same with claim_recall = static: {json.dumps(static)}")
        found = claims_costs(make(args.claims_size), args.claims_size)
        results["claims_stage"] = found
        print(f"claims stage, full vs static recall ({args.claims_size} articles): {json.dumps(found)}")
    if "baseline" not in skip:
        rate = baseline(make(args.baseline_size), args.baseline_size)
        results["baseline_spacy_articles_per_s"] = round(rate, 1)
        print(f"baseline: bare spaCy en_core_web_sm, 2 processes: {rate:.1f} articles/s", flush=True)
    extra = make(EXTRA, seed=99)
    rows = []
    for n in sizes:
        folder = make(n)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            secs = []
            peak = 0.0
            for _ in range(args.repeat):
                shutil.rmtree(work / "out", ignore_errors=True)
                s, rss = run_once(folder, args.workers, work / "out")
                secs.append(s)
                peak = max(peak, rss)
            med = statistics.median(secs)
            rows.append((n, med))
            found = output_bytes(work / "out")
            rec: dict[str, object] = {
                "seconds": round(med, 1), "articles_per_s": round(n / med, 1),
                "peak_tree_rss_mib": round(peak),
                "bytes_per_article": {k: round(v / n) for k, v in found.items()},
                "report_index_mb": round(found["report_index"] / 1e6, 2),
                "report_total_mb": round(found["report_total"] / 1e6, 2),
            }  # fmt: skip
            if "incremental" not in skip:
                into_full, rss_full = run_once([folder, extra], args.workers, work / "out")
                into_empty, _ = run_once(extra, args.workers)
                rec["incremental_50_into_store_s"] = round(into_full, 1)
                rec["incremental_50_into_empty_s"] = round(into_empty, 1)
                rec["incremental_ratio"] = round(into_full / into_empty, 2)
                rec["incremental_peak_tree_rss_mib"] = round(rss_full)
        results[f"e2e_{n}"] = rec
        print(f"e2e {n}: {json.dumps(rec)}", flush=True)
    if len(rows) > 1:
        (n0, s0), (n1, s1) = rows[0], rows[-1]
        results["time_ratio"] = round(s1 / s0, 2)
        print(f"time ratio {n1}/{n0}: {s1 / s0:.2f} (linear = {n1 / n0:.0f})")
    if "seeds" not in skip and SEEDS.is_dir():
        times = [run_once(SEEDS, args.workers)[0] for _ in range(3)]
        results["seeds_seconds_median"] = round(statistics.median(times), 2)
        print(f"seeds: median {statistics.median(times):.2f} s of 3 runs", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
