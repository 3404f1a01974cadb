"""Story clustering quality on real multi-outlet news (NeuS AllSides) and on ECB+, ours vs a baseline.

NeuS (../shared/eval/neus-allsides-val): 307 real AllSides stories, each one left-, one centre- and
one right-rated outlet's headline + lead, no dates, no outlet names. The 921 articles are written as
{title, text} JSON files, one per article, in a shuffled order, and put through the real default path
(``counterpoint analyze``, MiniLM ONNX encoder) together, as a new user would. Scores are B-cubed
P/R/F1 and ARI over all 921 (an article the run skips counts as a story of its own), overall and per
half (stories of even line number, on which the rules were tuned, and odd, held out), against
TF-IDF (title + text) + average-linkage at a threshold fixed in advance (0.7) and at its best
threshold on the data (an oracle). Errors are reported as merged (a story of ours holding articles
of several gold stories) and split (a gold story over several of ours), with examples.

ECB+ pairs two different events of the same kind in each topic (two earthquakes,
two arrests); a story is ``topic_subtopic``. Scores: B-cubed P/R/F1 and ARI at
story level and at topic level, for

* ours: the online clusterer (MiniLM headline+lead embeddings, entity overlap from the
  project's own NER + entity linking, event frames, lead cross-check; ECB+ has no dates), fed in
  batches of 256 with the touched stories re-checked after each, as the ``stories`` stage does
  (``cluster_online``), in file order and in two shuffled orders (online clustering depends on order);
* baseline: TF-IDF of the full text + agglomerative clustering (cosine, average linkage)
  with its distance threshold chosen on the same data (an upper bound for it).

    .venv/bin/python benchmarks/eval_stories.py [--limit N] [--only neus|ecb] [--work DIR]
    .venv/bin/python benchmarks/eval_stories.py --only neus --work DIR --replay "threshold=0.45,split.cut=0.4"

``--work DIR`` keeps the NeuS run's inputs and database; ``--replay SETTINGS`` then skips ``analyze``
and re-clusters the stored articles (entities, lead vectors) in-process with those ``ClusterConfig``
settings, in seconds (``replay_neus``); the replay of the defaults gives the ``analyze`` run's stories.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from counterpoint.stories import StoryDoc
    from counterpoint.stories.cluster import ClusterConfig

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "eval" / "ecbplus-story-clusters" / "docs_story_clusters.jsonl"
NEUS = ROOT.parent / "shared" / "eval" / "neus-allsides-val" / "val.source"
#: the baseline's cosine-distance threshold, fixed before looking at NeuS (the ECB+ sweep's range)
BASELINE_THRESHOLD = 0.7
#: ``--grouping``: analyze with ``story_grouping = true`` (stories/groups.py), replays and ECB+ with
#: ``groups.enabled=true``
GROUPING = False
_ITEM = re.compile(r"TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)$", re.S)


def bcubed(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels."""
    gs: dict[str, set[int]] = defaultdict(set)
    ps: dict[str, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        gs[g].add(i)
        ps[p].add(i)
    prec = rec = 0.0
    for g, p in zip(gold, pred, strict=True):
        inter = len(gs[g] & ps[p])
        prec += inter / len(ps[p])
        rec += inter / len(gs[g])
    prec /= len(gold)
    rec /= len(gold)
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def scores(gold_story: Sequence[str], gold_topic: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score

    p, r, f = bcubed(gold_story, pred)
    tp, tr, tf = bcubed(gold_topic, pred)
    return {
        "story_P": p, "story_R": r, "story_F1": f, "story_ARI": adjusted_rand_score(gold_story, pred),
        "topic_P": tp, "topic_R": tr, "topic_F1": tf, "topic_ARI": adjusted_rand_score(gold_topic, pred),
        "clusters": len(set(pred)),
    }  # fmt: skip


def baseline(texts: Sequence[str], threshold: float) -> list[str]:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts).toarray()
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return [str(c) for c in model.fit_predict(x)]


def cluster_config(settings: str) -> ClusterConfig:
    """A ``ClusterConfig`` from "field=value,..." (numbers or true/false; ``split.field`` for the
    re-check's ``SplitConfig``), defaults otherwise."""
    from dataclasses import replace

    from counterpoint.stories.cluster import ClusterConfig

    top: dict[str, object] = {}
    sub: dict[str, object] = {}
    grp: dict[str, object] = {}
    for item in filter(None, settings.split(",")):
        key, value = (x.strip() for x in item.split("=", 1))
        val: object = value.lower() == "true" if value.lower() in ("true", "false") else float(value)
        if isinstance(val, float) and val.is_integer() and key.split(".")[-1] in _INT_FIELDS:
            val = int(val)
        if key.startswith("groups."):
            grp[key.removeprefix("groups.")] = val
            continue
        (sub if key.startswith("split.") else top)[key.removeprefix("split.")] = val
    config = ClusterConfig(**top)  # type: ignore[arg-type]
    config = replace(config, groups=replace(config.groups, **grp)) if grp else config  # type: ignore[arg-type]
    return replace(config, split=replace(config.split, **sub)) if sub else config  # type: ignore[arg-type]


_INT_FIELDS = {"ann_k", "block_entities", "block_cap", "grace_days", "max_gap_days", "story_entities",
               "lead_candidates", "story_lead", "full_names", "min_members", "max_groups", "min_part",
               "small", "sample", "neighbours", "scale_k", "max_articles", "block"}  # fmt: skip


def neus_articles(limit: int = 0) -> list[tuple[int, str, str]]:
    """(gold story, headline, lead) of every NeuS article, in a fixed shuffled order."""
    out = []
    for i, line in enumerate(NEUS.read_text(encoding="utf-8").splitlines()[: limit or None]):
        for part in line.split("[SEP]"):
            m = _ITEM.match(part.strip())
            if m:  # the source ends every headline with ". " before ARTICLE=>
                out.append((i, m.group(1).removesuffix(".").strip(), m.group(2).strip()))
    random.Random(0).shuffle(out)
    return out


def analyze_neus(articles: Sequence[tuple[int, str, str]], work: Path) -> tuple[list[str], float]:
    """Story of each article after one ``counterpoint analyze`` of them all, and the run's seconds."""
    inputs = work / "in"
    inputs.mkdir()
    for k, (_g, title, text) in enumerate(articles):
        (inputs / f"a{k:04d}.json").write_text(json.dumps({"title": title, "text": text}), encoding="utf-8")
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "counterpoint", "analyze", str(inputs), "--out", str(work / "out"),
           "--db", str(work / "neus.db")]  # fmt: skip
    env = {**os.environ, "COUNTERPOINT_STORY_GROUPING": "true"} if GROUPING else None
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - t0
    analysis = json.loads((work / "out" / "analysis.json").read_text(encoding="utf-8"))
    source = {a["id"]: Path(a["source"]).name for a in analysis["articles"]}
    story = {
        source[aid]: s["id"] for s in analysis["stories"] for aid in s["article_ids"] + s["duplicate_ids"]
    }
    # an input the run skipped (or merged into an identical one) is a story of its own
    return [story.get(f"a{k:04d}.json", f"skipped:{k}") for k in range(len(articles))], seconds


def replay_neus(db_path: Path, n: int, config: ClusterConfig | None = None) -> list[str]:
    """Story of each input after re-clustering a finished run's stored articles in-process.

    Reads what ``counterpoint analyze`` stored (articles in ingest order, linked entities, lead
    vectors) from a copy of its database and clusters them as the ``stories`` stage does
    (``cluster_online``: batches, merges, re-checks) with ``config``: seconds instead of minutes, to
    compare rules on the same inputs. Copies follow their original (the store's exact-text link).
    """
    import shutil

    from counterpoint.config import Settings
    from counterpoint.store.sqlite import SQLiteStore
    from counterpoint.stories import StoryDoc
    from counterpoint.stories.events import event_frame
    from counterpoint.stories.lead import lead_features

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "replay.db"
        shutil.copy(db_path, copy)
        store = SQLiteStore(str(copy))
        store.reset_stories()
        rows = store.unassigned_articles(10**9)
        ids = [r.id for r in rows]
        entities = store.article_entities(ids)
        stored = store.lead_vectors(ids, Settings().story_embedder)
        sources = dict(store.db.execute("SELECT id, source FROM articles").fetchall())
    docs = [
        StoryDoc(r.id, r.outlet, r.published, r.title, r.text, r.language, entities.get(r.id, ()),
                 r.duplicate_of, event_frame(r.title, r.text, r.dateline), lead_features(r.title, r.text))
        for r in rows
    ]  # fmt: skip
    vectors = np.zeros((len(docs), 384), dtype=np.float32)
    for i, r in enumerate(rows):
        if r.id in stored and r.duplicate_of is None:
            vectors[i] = stored[r.id]
    story = cluster_online(docs, vectors, config=config)
    by_file = {Path(sources[a]).name: s for a, s in story.items()}
    return [by_file.get(f"a{k:04d}.json", f"skipped:{k}") for k in range(n)]


def cluster_online(
    docs: Sequence[StoryDoc], vectors: np.ndarray, batch: int = 256, config: ClusterConfig | None = None
) -> dict[str, str]:
    """Article id -> story id after clustering ``docs`` as the ``stories`` stage does.

    Batches of ``batch`` articles; after each, the stories it touched are re-checked and split
    (``StoryClusterer.recheck``) from members kept in memory, where the stage reads them back from
    the store.
    """
    from counterpoint.stories.cluster import StoryClusterer
    from counterpoint.stories.lead import lead_features
    from counterpoint.stories.lexical import lead_terms
    from counterpoint.stories.split import Member, MemberIndex

    clusterer = StoryClusterer(config)
    members = MemberIndex()
    hints = clusterer.group(docs, vectors)  # the whole input is one run
    for start in range(0, len(docs), batch):
        part = list(docs[start : start + batch])
        vecs = vectors[start : start + batch]
        assigned = clusterer.add(part, vecs, hints=hints)
        clusterer.changes()
        members.assign(
            [
                (Member(a.article_id, v if float(np.linalg.norm(v)) > 0 else None, d.outlet, d.published,
                        d.entity_ids, d.frame, None, lead_features(d.title, d.text),
                        lead_terms(d.title, d.text)), a.story_id)
                for a, d, v in zip(assigned, part, vecs, strict=True)
            ]
        )  # fmt: skip
        if due := clusterer.due():
            members.apply(clusterer.recheck(members.get(due)))
            clusterer.changes()
    return dict(members.story_of)


def errors(gold: Sequence[int], pred: Sequence[str], titles: Sequence[str], show: int = 3) -> list[str]:
    """Merged and split stories, with the headlines of a few of each."""
    by_pred: dict[str, list[int]] = defaultdict(list)
    by_gold: dict[int, list[int]] = defaultdict(list)
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        by_pred[p].append(i)
        by_gold[g].append(i)
    merged = sorted((m for m in by_pred.values() if len({gold[i] for i in m}) > 1), key=len, reverse=True)
    split = [m for m in by_gold.values() if len({pred[i] for i in m}) > 1]
    sizes = sorted((len(m) for m in by_pred.values()), reverse=True)
    mixed = sum(len({gold[i] for i in m}) for m in merged)
    lines = [
        f"merged: {len(merged)} of our stories hold articles of {mixed}"
        f" gold stories ({sum(len(m) for m in merged)} articles); split: {len(split)} of {len(by_gold)} gold"
        f" stories are spread over more than one of ours; largest stories: {sizes[:6]};"
        f" singletons: {sizes.count(1)}"
    ]
    for kind, groups in (("merged", merged[:show]), ("split", split[:show])):
        for m in groups:
            lines.append(f"  {kind}: " + " | ".join(f"[{gold[i] if kind == 'merged' else pred[i][:6]}] "
                                                   f"{titles[i][:70]}" for i in m))  # fmt: skip
    return lines


def eval_neus(limit: int, work: Path | None = None, replay: str | None = None) -> None:
    """Ours (the real ``counterpoint analyze``) vs TF-IDF + average linkage on NeuS, same run.

    ``work``: keep the run's inputs and database there. ``replay``: do not run ``analyze`` but
    re-cluster the articles ``work`` holds in-process with these ``ClusterConfig`` settings
    ("field=value,...", "" for the defaults; ``replay_neus``).
    """
    from sklearn.metrics import adjusted_rand_score

    articles = neus_articles(limit)
    gold = [g for g, _t, _x in articles]
    if replay is not None:
        if work is None or not (work / "neus.db").is_file():
            raise SystemExit("--replay needs --work DIR holding an earlier run (neus.db)")
        t0 = time.perf_counter()
        pred = replay_neus(work / "neus.db", len(articles), cluster_config(replay))
        seconds = time.perf_counter() - t0
    elif work is not None:
        work.mkdir(parents=True, exist_ok=True)
        for sub in ("in", "out"):
            shutil.rmtree(work / sub, ignore_errors=True)
        (work / "neus.db").unlink(missing_ok=True)
        pred, seconds = analyze_neus(articles, work)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            pred, seconds = analyze_neus(articles, Path(tmp))
    texts = [f"{t}. {x}" for _g, t, x in articles]
    systems: dict[str, list[str]] = {"ours (counterpoint analyze)": pred}
    systems[f"TF-IDF + average linkage (fixed threshold {BASELINE_THRESHOLD})"] = baseline(
        texts, BASELINE_THRESHOLD
    )
    sweep = {thr: baseline(texts, thr) for thr in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)}
    best = max(sweep, key=lambda t: bcubed([str(g) for g in gold], sweep[t])[2])
    systems[f"TF-IDF + average linkage (oracle threshold {best})"] = sweep[best]
    how = f"re-clustered in-process ({replay or 'defaults'})" if replay is not None else "analyze"
    print(f"NeuS AllSides val: {len(articles)} articles, {len(set(gold))} stories; {how} took {seconds:.0f}s")
    print(f"{'system':<56} {'half':<9} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'stories':>8}")
    for name, p in systems.items():
        for half, keep in (("all", None), ("tuned", 0), ("held-out", 1)):
            idx = [i for i, g in enumerate(gold) if keep is None or g % 2 == keep]
            g_s = [str(gold[i]) for i in idx]
            p_s = [p[i] for i in idx]
            bp, br, bf = bcubed(g_s, p_s)
            ari = adjusted_rand_score(g_s, p_s)
            print(f"{name:<56} {half:<9} {bp:6.3f} {br:6.3f} {bf:6.3f} {ari:6.3f} {len(set(p_s)):8d}")
    print("\n".join(errors(gold, pred, [t for _g, t, _x in articles])))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents / stories (smoke test)")
    ap.add_argument("--only", choices=("neus", "ecb"), help="run one of the two evaluations")
    ap.add_argument(
        "--grouping", action="store_true", help="turn the run grouping on (story_grouping = true)"
    )
    ap.add_argument("--work", type=Path, help="keep the NeuS run (inputs, database) in this directory")
    ap.add_argument(
        "--replay", nargs="?", const="", metavar="SETTINGS",
        help="re-cluster the NeuS run kept in --work in-process (seconds), with ClusterConfig settings"
        " 'field=value,...' ('split.cut=0.6' for the re-check); also applied to ECB+",
    )  # fmt: skip
    args = ap.parse_args()
    if args.grouping:
        global GROUPING
        GROUPING = True
        if args.replay is not None:
            args.replay = ",".join(filter(None, ["groups.enabled=true", args.replay]))
    if args.only != "ecb":
        if NEUS.is_file():
            eval_neus(args.limit, args.work, args.replay)
        else:
            print(f"NeuS data not found at {NEUS} (clone with ../shared beside the repo); skipped")
    if args.only == "neus":
        return 0
    if not DATA.is_file():
        print(f"ECB+ data not found at {DATA} (clone with ../shared beside the repo); nothing to do")
        return 0

    from counterpoint.stages.entities import link_entities
    from counterpoint.stages.nlp import analyse_text, load_nlp
    from counterpoint.stories import StoryDoc
    from counterpoint.stories.embed import embed, embed_text
    from counterpoint.stories.events import event_frame

    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    # the first line of many ECB+ documents is the source URL, tokenised: not article text
    texts = ["\n".join(ln for ln in r["text"].split("\n") if not ln.startswith("http")) for r in rows]
    gold_story = [r["story_id"] for r in rows]
    gold_topic = [r["topic"] for r in rows]

    t0 = time.perf_counter()
    nlp = load_nlp()
    mentions = [analyse_text(t, nlp)[1] for t in texts]
    names: Counter[tuple[str, str, str]] = Counter()
    for t, ms in zip(texts, mentions, strict=True):
        for s, e, label, canon in ms:
            names[(label, canon, t[s:e])] += 1
    _entities, aliases = link_entities((lab, can, sur, n) for (lab, can, sur), n in names.items())
    alias = {(c, lab): eid for c, lab, eid in aliases}
    docs = [
        StoryDoc(r["doc_id"], None, None, None, t, "en",
                 tuple(eid for _s, _e, lab, can in ms if (eid := alias.get((can, lab)))),
                 None, event_frame(None, t))
        for r, t, ms in zip(rows, texts, mentions, strict=True)
    ]  # fmt: skip
    t_ner = time.perf_counter() - t0

    t0 = time.perf_counter()
    vectors = embed([embed_text(d) for d in docs])
    t_embed = time.perf_counter() - t0

    results: dict[str, dict[str, float]] = {}
    t_cluster = 0.0
    for name, seed in (("ours (file order)", 0), ("ours (shuffled 1)", 1), ("ours (shuffled 2)", 2)):
        order = list(range(len(docs)))
        if seed:
            random.Random(seed).shuffle(order)
        t0 = time.perf_counter()
        story = cluster_online(
            [docs[i] for i in order],
            vectors[order],
            config=cluster_config(
                ",".join(filter(None, ["groups.enabled=true" if GROUPING else "", args.replay]))
            ),
        )
        t_cluster = time.perf_counter() - t0
        results[name] = scores(gold_story, gold_topic, [story[d.article_id] for d in docs])
    mean = {k: float(np.mean([results[n][k] for n in results])) for k in next(iter(results.values()))}
    results["ours (mean of 3 orders)"] = mean

    t0 = time.perf_counter()
    best: tuple[float, float, list[str]] | None = None
    for thr in (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        pred = baseline(texts, thr)
        f = bcubed(gold_story, pred)[2]
        if best is None or f > best[0]:
            best = (f, thr, pred)
    t_base = time.perf_counter() - t0
    assert best is not None
    results[f"baseline TF-IDF + agglomerative (threshold {best[1]}, best of 7)"] = scores(
        gold_story, gold_topic, best[2]
    )

    print(f"ECB+: {len(docs)} documents, {len(set(gold_story))} stories, {len(set(gold_topic))} topics")
    print(f"time: NER {t_ner:.1f}s, embedding {t_embed:.1f}s ({len(docs) / t_embed:.1f} docs/s), "
          f"clustering {t_cluster:.2f}s per order, baseline sweep {t_base:.1f}s")  # fmt: skip
    head = (
        f"{'system':<64} {'story P':>8} {'R':>6} {'F1':>6} {'ARI':>6} | {'topic F1':>8} {'ARI':>6} {'#':>5}"
    )
    print(head)
    for name, sc in results.items():
        print(
            f"{name:<64} {sc['story_P']:8.3f} {sc['story_R']:6.3f} {sc['story_F1']:6.3f}"
            f" {sc['story_ARI']:6.3f} | {sc['topic_F1']:8.3f} {sc['topic_ARI']:6.3f} {int(sc['clusters']):5d}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
