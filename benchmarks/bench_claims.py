"""Throughput and memory of the comparison stages (claims, alignment, conflicts, omissions, brief, timeline).

Synthetic articles from ``synth.articles`` grouped by their generated story (the stories stage is
measured in bench_stories.py). The per-article facts the language stages would store are made
cheaply here: sentences by a regex splitter, mentions where the story's names occur, numbers and
dates by the real ``find_numbers`` / ``find_times``. Then ``compare_scope`` and ``build_timeline``
run per story exactly as the claims runner calls them, with the model-free hashing embedder (the
MiniLM cost is sentence embedding, measured separately below and reported per claim sentence).

Three questions: articles/s and peak RSS at 1k and 10k articles (each size in a fresh process),
whether the cost per article stays flat as one story grows (stories of 10, 100 and 1,000 articles),
and what bringing a storyline scope of 80 articles up to date with 1 or 5 new ones costs,
incremental (``claims/update.py``) against comparing it again from scratch.

    .venv/bin/python benchmarks/bench_claims.py
    .venv/bin/python benchmarks/bench_claims.py --sizes 1000 --story-sizes 10,100 --minilm-sample 0
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

_SENTENCE = re.compile(r"[^.!?]+[.!?]+(?:[”\"’])?")


def _facts(i: int, a: object) -> object:
    from counterpoint.model import Article, Mention
    from counterpoint.model.claim import ArticleFacts
    from counterpoint.stages.dates import find_times
    from counterpoint.stages.numbers import find_numbers

    text = "\n\n".join(a.paragraphs)  # type: ignore[attr-defined]
    sentences = tuple((m.start(), m.end()) for m in _SENTENCE.finditer(text))
    art = Article(f"a{i}", "synth", text=text, published=a.published.isoformat())  # type: ignore[attr-defined]
    mentions = []
    for name in a.names:  # type: ignore[attr-defined]
        for m in re.finditer(re.escape(name), text):
            label = "PERSON" if " " in name else "GPE"
            mentions.append(Mention(art.span(m.start(), m.end()), label, name))
    mentions.sort(key=lambda m: m.span.start)
    return ArticleFacts(
        art.id, text, a.outlet, a.title, art.published,  # type: ignore[attr-defined]
        None, sentences, tuple(mentions), (), tuple(find_numbers(art)), tuple(find_times(art, sentences)),
    )  # fmt: skip


def _compare(stories: dict[int, list[object]]) -> tuple[float, int, int]:
    from counterpoint.claims.story import compare_scope
    from counterpoint.claims.timeline import build_timeline
    from counterpoint.stages.claims import timeline_items as _timeline
    from counterpoint.stories.embed import HashingEmbedder, embed

    embedder = HashingEmbedder()
    claims = events = 0
    t0 = time.perf_counter()
    for sid, arts in stories.items():
        result = compare_scope(
            f"s{sid}",
            arts,  # type: ignore[arg-type]
            lambda spans: embed([s.text for s in spans], embedder),
        )
        claims += len(result.claims)
        events += len(build_timeline(_timeline(arts), max_events=60))  # type: ignore[arg-type]
    return time.perf_counter() - t0, claims, events


def run_size(n: int, words: int) -> dict[str, float]:
    """Compare every story of ``n`` synthetic articles; return timings and sizes."""
    import synth

    t0 = time.perf_counter()
    stories: dict[int, list[object]] = defaultdict(list)
    for i, a in enumerate(synth.articles(n, words=words, storylines=max(1, n // 80))):
        stories[a.story].append(_facts(i, a))
    prep = time.perf_counter() - t0
    seconds, claims, events = _compare(stories)
    return {
        "n": n,
        "stories": len(stories),
        "s_prepare_facts": round(prep, 2),
        "s_compare": round(seconds, 2),
        "articles_per_s": round(n / seconds, 1),
        "claims": claims,
        "timeline_events": events,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def story_size(size: int, words: int, repeat: int) -> dict[str, float]:
    """Seconds per article of comparing one story of ``size`` articles (median of ``repeat``)."""
    import synth

    arts = [_facts(i, a) for i, a in enumerate(synth.articles(size, words=words, stories=1))]
    times = [_compare({0: arts})[0] for _ in range(repeat)]
    med = statistics.median(times)
    return {"story_size": size, "s_median": round(med, 3), "ms_per_article": round(1000 * med / size, 2)}


def scope_update(size: int, new: int, words: int, repeat: int) -> dict[str, float]:
    """Seconds to bring a storyline of ``size`` articles up to date with ``new`` more (median of ``repeat``).

    Full: ``compare_scope`` over all ``size + new`` articles, as before incremental updates.
    Incremental: ``update_scope`` from the state the comparison of the first ``size`` left,
    including reading that state back from a store (written there as a run would). Both include
    the timeline, rebuilt over the whole scope in both cases (``s_timeline`` alone). Sentence
    vectors come from a cache filled beforehand, as the stored ``claim_vectors`` would give them;
    the full path's reading of every member's facts is not timed, so the ratio is conservative.
    """
    import synth
    from counterpoint.claims.story import compare_scope
    from counterpoint.claims.timeline import build_timeline
    from counterpoint.claims.update import update_scope
    from counterpoint.model.claim import ClaimScope
    from counterpoint.stages.claims import timeline_items
    from counterpoint.store import open_store
    from counterpoint.stories.embed import HashingEmbedder, embed

    gen = synth.articles(size + new, words=words, stories=max(1, (size + new) // 8), storylines=1)
    pairs = [(_facts(i, a), f"s{a.story}") for i, a in enumerate(gen)]
    arts = [f for f, _s in pairs]
    story_of = {f.article_id: s for f, s in pairs}  # type: ignore[attr-defined]
    embedder, cache = HashingEmbedder(), {}

    def vectors(spans: list) -> object:  # type: ignore[type-arg]
        todo = [s for s in spans if (s.article_id, s.start) not in cache]
        if todo:
            cache.update(
                zip(
                    [(s.article_id, s.start) for s in todo],
                    embed([s.text for s in todo], embedder),
                    strict=True,
                )
            )
        import numpy as np

        return np.stack([cache[(s.article_id, s.start)] for s in spans])

    old = arts[:size]
    old_story_of = {a.article_id: story_of[a.article_id] for a in old}  # type: ignore[attr-defined]
    base = compare_scope("line", old, vectors, story_of=old_story_of)  # type: ignore[arg-type]
    store = open_store(":memory:")
    store.save_claim_scope(ClaimScope("line", "storyline", old_story_of), base, [])
    compare_scope("line", arts, vectors, story_of=story_of)  # type: ignore[arg-type]  # fills the cache

    def full() -> object:
        compare_scope("line", arts, vectors, story_of=story_of)  # type: ignore[arg-type]
        return build_timeline(timeline_items(arts), max_events=60)  # type: ignore[arg-type]

    def incremental() -> object:
        state = store.claim_scope_state("line")
        assert state is not None
        members = {a.article_id: a for a in arts}  # type: ignore[attr-defined]
        update_scope("line", state, arts[size:], members, vectors, story_of=story_of)  # type: ignore[arg-type]
        return build_timeline(timeline_items(arts), max_events=60)  # type: ignore[arg-type]

    def median(fn: object) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - t0)
        return round(statistics.median(times), 3)

    t0 = time.perf_counter()
    for _ in range(repeat):
        build_timeline(timeline_items(arts), max_events=60)  # type: ignore[arg-type]
    timeline = (time.perf_counter() - t0) / repeat
    return {
        "scope": size,
        "new": new,
        "candidates": len(base.state.candidates) if base.state else 0,
        "s_full": median(full),
        "s_incremental": median(incremental),
        "s_timeline": round(timeline, 3),
    }


def minilm_rate(sample: int) -> dict[str, float]:
    """Claim sentences per second embedded by all-MiniLM-L6-v2 (the real default)."""
    import synth
    from counterpoint.stories.embed import embed, load_embedder

    sentences = [
        m.group(0).strip()
        for a in synth.articles(max(1, sample // 10), words=300, seed=5)
        for m in _SENTENCE.finditer(" ".join(a.paragraphs))
    ][:sample]
    load_embedder()
    embed(sentences[:8])
    t0 = time.perf_counter()
    embed(sentences)
    dt = time.perf_counter() - t0
    rate = round(len(sentences) / dt, 1)
    return {"sentences": len(sentences), "seconds": round(dt, 2), "sentences_per_s": rate}


def _child(args: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--story-sizes", default="10,100,1000")
    ap.add_argument("--words", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--minilm-sample", type=int, default=400)
    ap.add_argument("--update-scope", type=int, default=80, help="storyline size for the update measure")
    ap.add_argument("--update-new", default="1,5", help="new articles per update measure (0: skip)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--story", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.words)))
        return
    if args.story:
        print(json.dumps(story_size(args.story, args.words, args.repeat)))
        return
    rows = [_child(["--one", s, "--words", str(args.words)]) for s in args.sizes.split(",") if s]
    print("size     stories  compare s  articles/s  claims    events  peak RSS MB")
    for r in rows:
        cells = (r["n"], r["stories"], r["s_compare"], r["articles_per_s"], r["claims"], r["timeline_events"])
        print("  ".join(f"{c!s:<8}" for c in cells), r["peak_rss_mb"])
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        ratio = b["s_compare"] / a["s_compare"]
        print(f"time ratio {b['n']}/{a['n']}: {ratio:.2f} (size ratio {b['n'] / a['n']:.0f})")
    story_rows = [
        _child(["--story", s, "--words", str(args.words), "--repeat", str(args.repeat)])
        for s in args.story_sizes.split(",")
        if s
    ]
    if story_rows:
        print("one story of N articles: median seconds, ms per article")
        for r in story_rows:
            print(f"  N={r['story_size']:<6} {r['s_median']:<8} {r['ms_per_article']}")
    update_rows = [
        scope_update(args.update_scope, int(m), args.words, args.repeat)
        for m in args.update_new.split(",")
        if m and int(m) > 0
    ]
    if update_rows:
        print(f"update a storyline scope of {args.update_scope} articles: median seconds of {args.repeat}")
        for r in update_rows:
            print(f"  +{r['new']:<3} full {r['s_full']:<7} incremental {r['s_incremental']:<7}"
                  f" (timeline, in both: {r['s_timeline']}; {r['candidates']} candidates)")  # fmt: skip
    if args.minilm_sample:
        m = minilm_rate(args.minilm_sample)
        print(f"MiniLM claim-sentence embedding: {m['sentences_per_s']} sentences/s "
              f"({m['sentences']} in {m['seconds']} s)")  # fmt: skip
    print(json.dumps({"sizes": rows, "story_sizes": story_rows, "updates": update_rows}))


if __name__ == "__main__":
    main()
