"""Cost of the events stages: per-article coding as a share of the per-article time, and merging.

1. Per article: every per-article stage of the default pipeline runs in this process over
   generated fictional articles (benchmarks/synth.py) and over the five seeds (news about two
   countries, far denser in events); CPU time per stage, the ``events`` stage as a share of all the
   others (target: at most 20% extra), and the share of sentences the parser saw.
2. Corpus merge: ``merge_scope`` over synthetic reports in scopes of 50 reports, at growing sizes:
   CPU microseconds per report should stay flat (near-linear).

CPU time (time.process_time), so other processes on the machine do not skew it; medians of
``--repeat`` passes for the merge.

Usage: python benchmarks/bench_events.py [--n 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - benchmarks are scripts, not a package
from counterpoint.config import Settings  # noqa: E402
from counterpoint.events.merge import merge_scope  # noqa: E402
from counterpoint.factories import default_pipeline  # noqa: E402
from counterpoint.model import Doc, RawDocument, Span, content_id  # noqa: E402
from counterpoint.model.event import Actor, EventReport, ReportSource  # noqa: E402

SEEDS = HERE.parent.parent / "shared" / "corpus" / "seeds"


def per_article(bodies: list[str]) -> dict[str, float]:
    """CPU ms per article of each per-article stage (the first article, which loads models, excluded)."""
    settings, pipe = Settings(workers=1), default_pipeline()
    from counterpoint.events.actors import resolve
    from counterpoint.events.article import candidates

    spent: Counter[str] = Counter()
    sentences = reports = parsed = 0
    n = 0
    for k, body in enumerate(bodies):
        doc = Doc.from_raw(RawDocument(content_id(body), f"mem{k}", body, "text"))
        for st in pipe.article_stages:
            t = time.process_time()
            doc = st(doc, settings)
            if k:
                spent[st.name] += time.process_time() - t
        if k:
            n += 1
            sentences += len(doc.sentences)
            reports += len(doc.events)
            text = doc.article.text
            parsed += len(candidates(text, doc.sentences, doc.mentions, resolve(text, doc.mentions)))
    others = sum(v for name, v in spent.items() if name != "events")
    return {
        "articles": n,
        "all_other_stages_ms": round(1000 * others / n, 1),
        "events_ms": round(1000 * spent["events"] / n, 1),
        "events_share_pct": round(100 * spent["events"] / others, 1),
        "sentences_per_article": round(sentences / n, 1),
        "reports_per_article": round(reports / n, 2),
        "parsed_share_of_sentences": round(parsed / max(sentences, 1), 3),
    }


def synthetic_reports(n: int, seed: int = 3) -> list[ReportSource]:
    rng = random.Random(seed)
    countries = ["CAN", "CHN", "USA", "GBR", "FRA", "DEU", "JPN", "IND", "RUS", "BRA"]
    out = []
    for i in range(n):
        s, t = rng.sample(countries, 2)
        day = 1 + rng.randrange(28)
        text = f"report {i}"
        span = Span(f"a{i // 3}", 0, len(text), text)
        rep = EventReport(
            Actor(s, s, "government"), Actor(t, t, "government"), rng.choice(["CONSULT", "SANCTION"]), "040",
            "reported", False, False, f"2026-{1 + rng.randrange(12):02d}-{day:02d}", "day", 1.0, span, span,
            0.6,
        )  # fmt: skip
        out.append(ReportSource(rep, f"outlet{rng.randrange(20)}", None, None, f"story{i // 10}"))
    return out


def merge_cost(sizes: list[int], repeat: int, scope_size: int = 50) -> dict[int, float]:
    """Median CPU microseconds per report of merging ``n`` reports in scopes of ``scope_size``."""
    out = {}
    for n in sizes:
        reports = synthetic_reports(n)
        scopes = [reports[i : i + scope_size] for i in range(0, n, scope_size)]
        runs = []
        for _ in range(repeat):
            t = time.process_time()
            for j, part in enumerate(scopes):
                merge_scope(f"scope{j}", part)
            runs.append(time.process_time() - t)
        out[n] = round(1e6 * statistics.median(runs) / n, 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="generated articles for the per-article cost")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--merge-sizes", default="1000,10000,100000")
    args = ap.parse_args()
    bodies = [
        synth.as_scraped_text(a, seed=i)
        for i, a in enumerate(synth.articles(args.n + 1, storylines=4, seed=5))
    ]
    print(f"generated articles: {per_article(bodies)}")
    if SEEDS.is_dir():
        seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
        # the first article of a pass loads the models, so the seeds go after one warm-up article
        print(f"seeds: {per_article([bodies[0], *seeds])}")
    sizes = [int(x) for x in args.merge_sizes.split(",")]
    print(f"merge, CPU us per report (median of {args.repeat}): {merge_cost(sizes, args.repeat)}")


if __name__ == "__main__":
    main()
