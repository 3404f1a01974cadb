"""Scale benchmark of the story stages: near-duplicates, embedding, clustering, storylines.

Synthetic articles from ``synth.articles`` (stories grouped into storylines, 10% syndicated
copies, entities = the names each story is about). Each size runs in a fresh process so
peak RSS is its own. The stages are timed as pure functions (no database). ``--pools`` runs
the generator with its fixed name pools (400 people, 12 places at every size: the density of
like stories grows with the corpus) and/or with pools that grow with the corpus (Heaps' law).

The 10k/100k runs embed with ``HashingEmbedder`` (model-free): at 100k MiniLM would dominate
everything. The real MiniLM path is timed on a sample of headline+lead texts and extrapolated.

    .venv/bin/python benchmarks/bench_stories.py                 # 10k and 100k, both pools, MiniLM 500
    .venv/bin/python benchmarks/bench_stories.py --sizes 2000 --minilm-sample 0
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

BATCH = 256


def _bcubed_f1(gold: list[int], pred: list[str]) -> float:
    gs: dict[int, set[int]] = defaultdict(set)
    ps: dict[str, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        gs[g].add(i)
        ps[p].add(i)
    prec = sum(len(gs[g] & ps[p]) / len(ps[p]) for g, p in zip(gold, pred, strict=True)) / len(gold)
    rec = sum(len(gs[g] & ps[p]) / len(gs[g]) for g, p in zip(gold, pred, strict=True)) / len(gold)
    return 2 * prec * rec / (prec + rec)


def pools_for(n: int, mode: str) -> tuple[list[str], list[str]] | None:
    """The generator's name pools: ``fixed`` (400 people, 12 places at any size) or ``growing``.

    ``growing`` scales both pools as (n / 10k)^0.6 from the fixed sizes at 10k (Heaps' law: a
    corpus ten times larger names ~4x more people and places); at 10k both have the same names.
    """
    if mode == "fixed":
        return None
    import synth

    scale = max(1.0, n / 10_000) ** 0.6
    return synth.name_pools(round(400 * scale), round(12 * scale))


def cluster_config(settings: str) -> object:
    """A ``ClusterConfig`` from "field=value,field=value" (numbers or true/false), defaults otherwise."""
    from counterpoint.stories.cluster import ClusterConfig
    from counterpoint.stories.groups import GroupConfig

    kw: dict[str, object] = {}
    grp: dict[str, object] = {}
    for item in filter(None, settings.split(",")):
        key, value = item.split("=", 1)
        val = value.strip().lower() == "true" if value.strip().lower() in ("true", "false") else float(value)
        if key.strip().startswith("groups."):  # the run grouping's fields, e.g. groups.enabled=false
            grp[key.strip().removeprefix("groups.")] = val
        else:
            kw[key.strip()] = val
    return ClusterConfig(**kw, groups=GroupConfig(**grp))  # type: ignore[arg-type]


def run_size(
    n: int, words: int, pools: str = "fixed", config: str = "", recheck: bool = True
) -> dict[str, float]:
    """Run every story stage over ``n`` synthetic articles; return timings and sizes.

    After each batch the stories it touched are re-checked (``recheck``), as the stage does, from
    members kept in memory (the stage reads them from the store).
    """
    import synth
    from counterpoint.model import content_id
    from counterpoint.model.story import StorySummary
    from counterpoint.stages.entities import name_key
    from counterpoint.stories import StoryDoc
    from counterpoint.stories.cluster import StoryClusterer
    from counterpoint.stories.dedup import NearDuplicateIndex
    from counterpoint.stories.embed import HashingEmbedder, embed, embed_text
    from counterpoint.stories.events import event_frame
    from counterpoint.stories.lead import lead_features
    from counterpoint.stories.lexical import lead_terms
    from counterpoint.stories.split import Member, MemberIndex
    from counterpoint.stories.storylines import link_storylines

    t: defaultdict[str, float] = defaultdict(float)
    dedup = NearDuplicateIndex()
    clusterer = StoryClusterer(cluster_config(config))  # type: ignore[arg-type]
    members = MemberIndex()
    splits = 0
    pred: list[str] = []
    embedder = HashingEmbedder()
    gold: list[int] = []
    copies = found_copies = 0
    gen = synth.articles(
        n, words=words, storylines=max(1, n // 80), syndication=0.1, pools=pools_for(n, pools)
    )
    done = 0
    started = time.process_time()
    # as the stage does: with grouping off it reads one batch at a time, not a slice
    groups = clusterer.config.groups
    slice_size = groups.max_articles if groups.enabled else BATCH
    prepared: list[tuple[list[Any], list[Any], np.ndarray]] = []
    hints: dict[str, tuple[str, float]] = {}
    while done < n:
        if not prepared:
            # the stage groups a run's new articles in slices before clustering them (groups.py)
            got = 0
            while got < slice_size and done + got < n:
                t0 = time.process_time()
                batch = [next(gen) for _ in range(min(BATCH, n - done - got))]
                docs = []
                for k, a in enumerate(batch):
                    text = "\n\n".join(a.paragraphs)
                    ents = tuple(
                        content_id("entity:" + name_key(nm))
                        for nm in a.names
                        for _ in range(max(1, text.count(nm)))
                    )
                    docs.append(
                        StoryDoc(
                            f"a{done + got + k}", a.outlet, a.published.isoformat(), a.title, text, "en", ents
                        )
                    )
                t["generate"] += time.process_time() - t0

                t0 = time.process_time()
                for k, (a, d) in enumerate(zip(batch, docs, strict=True)):
                    link, _sig = dedup.add(d.article_id, d.text)
                    copies += a.copy_of is not None
                    if link is not None:
                        found_copies += a.copy_of is not None
                        docs[k] = StoryDoc(
                            d.article_id, d.outlet, d.published, d.title, d.text, d.language, d.entity_ids,
                            link.duplicate_of,
                        )  # fmt: skip
                t["dedup"] += time.process_time() - t0

                t0 = time.process_time()
                docs = [replace(d, frame=event_frame(d.title, d.text)) for d in docs]
                t["event frames"] += time.process_time() - t0

                t0 = time.process_time()
                if clusterer.config.lead_weight or recheck:
                    docs = [replace(d, lead=lead_features(d.title, d.text)) for d in docs]  # once per article
                t["lead features"] += time.process_time() - t0

                t0 = time.process_time()
                todo = [i for i, d in enumerate(docs) if d.duplicate_of is None]
                vectors = np.zeros((len(docs), 384), dtype=np.float32)
                vectors[todo] = embed([embed_text(docs[i]) for i in todo], embedder)
                t["embed (hashing)"] += time.process_time() - t0
                prepared.append((batch, docs, vectors))
                got += len(batch)
            t0 = time.process_time()
            hints = clusterer.group(
                [d for _b, ds, _v in prepared for d in ds], np.concatenate([v for _b, _d, v in prepared])
            )
            t["group"] += time.process_time() - t0
        batch, docs, vectors = prepared.pop(0)

        t0 = time.process_time()
        assigned = clusterer.add(docs, vectors, hints=hints)
        clusterer.changes()  # what a runner persists each batch
        t["cluster"] += time.process_time() - t0

        if not recheck:
            gold.extend(a.story for a in batch)
            pred.extend(x.story_id for x in assigned)
            done += len(batch)
            continue
        t0 = time.process_time()
        # what the stage reads back from the store for a re-check: vector, entities, frame, lead
        members.assign(
            [
                (Member(x.article_id, vectors[k] if d.duplicate_of is None else None, d.outlet, d.published,
                        d.entity_ids, d.frame, d.duplicate_of,
                        d.lead or () if d.duplicate_of is None else (),
                        lead_terms(d.title, d.text) if d.duplicate_of is None else ()), x.story_id)
                for k, (x, d) in enumerate(zip(assigned, docs, strict=True))
            ]
        )  # fmt: skip
        if due := clusterer.due():
            made = clusterer.recheck(members.get(due))
            members.apply(made)
            splits += len(made)
            clusterer.changes()
        t["recheck"] += time.process_time() - t0
        gold.extend(a.story for a in batch)
        done += len(batch)
    if recheck:
        pred = [members.story_of[f"a{i}"] for i in range(n)]

    t0 = time.process_time()
    summaries = []
    for sid in sorted(set(pred)):
        st = clusterer.story(sid)
        assert st is not None
        summaries.append(
            StorySummary(st.id, st.key, clusterer.centroid(sid), st.entities, st.first, st.last, st.english)
        )
    lines = link_storylines(summaries)
    t["storylines"] += time.process_time() - t0
    total = time.process_time() - started
    stages = (
        t["dedup"]
        + t["event frames"]
        + t["lead features"]
        + t["embed (hashing)"]
        + t["group"]
        + t["cluster"]
        + t["recheck"]
        + t["storylines"]
    )
    return {
        "n": n,
        "words": words,
        "pools": pools,
        **{f"s_{k}": round(v, 2) for k, v in t.items()},
        "s_stages": round(stages, 2),
        "s_cpu_total": round(total, 2),
        "articles_per_s": round(n / stages, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "config": config or "defaults",
        "splits": splits,
        "stories": len(set(pred)),
        "gold_stories": len(set(gold)),
        "storylines": len(lines),
        "bcubed_f1_vs_synth_stories": round(_bcubed_f1(gold, pred), 3),
        "copies": copies,
        "copies_found": found_copies,
    }


def minilm_rate(sample: int, words: int) -> dict[str, float]:
    """Articles/s of the real MiniLM path (headline + lead) on ``sample`` synthetic articles."""
    import synth
    from counterpoint.stories import StoryDoc
    from counterpoint.stories.embed import embed, embed_text, load_embedder

    texts = [
        embed_text(StoryDoc(str(i), a.outlet, None, a.title, "\n\n".join(a.paragraphs), "en"))
        for i, a in enumerate(synth.articles(sample, words=words, seed=11))
    ]
    load_embedder()
    embed(texts[:8])  # warm-up
    t0 = time.perf_counter()
    embed(texts)
    dt = time.perf_counter() - t0
    return {"sample": sample, "seconds": round(dt, 2), "articles_per_s": round(sample / dt, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--words", type=int, default=400, help="words per synthetic article")
    ap.add_argument("--minilm-sample", type=int, default=500)
    ap.add_argument(
        "--pools", default="fixed,growing",
        help="name pools to run: fixed (same 400 people / 12 places at every size) and/or growing",
    )  # fmt: skip
    ap.add_argument(
        "--cluster", default="",
        help="ClusterConfig fields to change, e.g. lead_weight=0 (lead cross-check off) or threshold=0.5",
    )  # fmt: skip
    ap.add_argument("--no-recheck", action="store_true", help="do not re-check and split touched stories")
    ap.add_argument("--repeat", type=int, default=1, help="run each size this many times (report medians)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: run one size, print JSON
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.words, args.pools, args.cluster, not args.no_recheck)))
        return 0
    results = []
    sizes = [int(s) for s in args.sizes.split(",")]
    for mode in args.pools.split(","):
        runs = []
        for size in sizes:
            reps = []
            for _ in range(args.repeat):
                cmd = [sys.executable, __file__, "--one", str(size), "--words", str(args.words),
                       "--pools", mode, "--cluster", args.cluster]  # fmt: skip
                cmd += ["--no-recheck"] if args.no_recheck else []
                out = subprocess.run(cmd, check=True, capture_output=True, text=True)
                res = json.loads(out.stdout.strip().splitlines()[-1])
                reps.append(res)
                print(json.dumps(res), flush=True)
            # the median run by stage time stands for the size (the machine is shared and noisy)
            runs.append(sorted(reps, key=lambda r: r["s_stages"])[len(reps) // 2])
        results += runs
        if len(runs) >= 2:
            a, b = runs[0], runs[-1]
            ratio = b["s_stages"] / a["s_stages"]
            print(
                f"[{mode}] time ratio {b['n']}/{a['n']}: {ratio:.2f} (size ratio {b['n'] / a['n']:.0f};"
                f" medians of {args.repeat})"
            )
    if args.minilm_sample:
        rate = minilm_rate(args.minilm_sample, args.words)
        print(json.dumps({"minilm": rate}))
        for r in results:
            extra = r["n"] * 0.9 / rate["articles_per_s"]  # copies (10%) are not embedded
            print(
                f"{r['n']} articles with MiniLM instead of hashing: about "
                f"{r['s_stages'] - r['s_embed (hashing)'] + extra:.0f}s (embedding {extra:.0f}s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
