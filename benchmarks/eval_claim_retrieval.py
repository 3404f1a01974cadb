"""Claim matching on CLEF CheckThat! 2020 task 2 (EN): find the fact-checked claim a tweet repeats.

Data: ../shared/eval/checkthat2020-t2-claim-retrieval (10,375 Snopes claims; train and dev tweets
with TREC qrels). It is the closest public proxy for issue #5's job, matching one claim told in
different words, though tweets are noisier than news sentences. Each tweet ranks all claims;
scores are MAP@1/3/5/10 (MAP@5 is the official one), MRR and P@1, train and dev apart. Everything
tuned (the scorer's weights and ``MATCH_THRESHOLD``, how a claim is represented) was tuned on
train; dev is held out.

A claim's words are its sentence plus its Snopes title (the title restates it); its embedding is
two views, sentence and title, scored by the better cosine. Systems:

* ours: ``align.retrieve``: MiniLM cosine shortlist, re-ranked by ``align.match_score``;
* BM25 (Okapi, k1=1.2, b=0.75, implemented here) over the same ``align.content_tokens``;
* embeddings only: MiniLM cosine, the shortlist's own order (an ablation of the scorer);
* ours, static recall (``claim_recall = "static"``, ``--recall``): the ``--static-shortlist``
  claims nearest by the cheap static encoder's cosine, re-ranked by ``align.rerank``: pairs whose
  static cosine is under ``align.STATIC_FLOOR`` or whose ``align.score_bound`` is under
  ``MATCH_THRESHOLD`` are ranked by that bound without a MiniLM cosine, the rest by
  ``match_score`` with their MiniLM cosine; it reports how many pairs and claims needed MiniLM;
* ours, static+BM25 recall: the same with BM25's top claims added to the static shortlist.

Published anchors, from the task overview paper (Shaar et al., CLEF 2020) and on the *test* split,
which is not run here: best MAP@5 ~0.929 (Buster.ai, fine-tuned), organisers' Elasticsearch
baseline ~0.76.

A second check uses news: ECB+ (../shared/eval/ecbplus-story-clusters) has, per topic, documents
about two different events of one kind. Pairs of lead sentences within a topic are "same event"
or "same topic, other event", the hard negatives of matching claims inside one story. Reported
by ECB+'s usual train topics (1-35) and test topics (36-45); nothing is tuned on them.

    .venv/bin/python benchmarks/eval_claim_retrieval.py [--json] [--fit]

MiniLM embeddings and spaCy entities are cached under the system temp directory, keyed by a hash
of the texts; the first run takes about 15 minutes on two busy cores, later runs half a minute.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import math
import pickle
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "eval" / "checkthat2020-t2-claim-retrieval"
ECB = ROOT.parent / "shared" / "eval" / "ecbplus-story-clusters"
#: ECB+'s usual held-out topics (its event-coreference test split)
ECB_TEST_TOPICS = frozenset(range(36, 46))
CACHE = Path(tempfile.gettempdir()) / "counterpoint-eval-cache"
DEPTHS = (1, 3, 5, 10)
ANCHORS = {"Buster.ai (best, test)": 0.929, "Elasticsearch baseline (organisers, test)": 0.76}

_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|\bwww\.\S+")
#: the embed signature a tweet was copied with: "— Name (@handle) January 6, 2020"
_SIGNATURE = re.compile(r"\s*[—–]\s*[^—–\n]{0,100}\(@\w+\)\s*[A-Z][a-z]+\s+\d{1,2},\s+\d{4}\s*$")
_TAG = re.compile(r"[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)")


def clean_tweet(text: str) -> str:
    """Tweet text without links, the signature tail, and with hashtags/handles read as words."""
    text = _URL.sub(" ", text)
    text = _SIGNATURE.sub("", text)
    # "#IranProtests" and "@realDonaldTrump" carry words; split them where the case changes
    text = _TAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", text)
    return " ".join(text.split())


def read_tsv(path: Path) -> list[list[str]]:
    """Rows of a tab-separated file with quoted fields, header dropped."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    return rows[1:]


def load_split(split: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Tweets (id -> cleaned text) that have gold claims, and the gold claim ids of each."""
    qrels: dict[str, set[str]] = defaultdict(set)
    for line in (DATA / split / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] != "0":
            qrels[parts[0]].add(parts[2])
    tweets = {r[0]: clean_tweet(r[1]) for r in read_tsv(DATA / split / "tweets.queries.tsv") if r}
    return {q: t for q, t in tweets.items() if q in qrels}, dict(qrels)


def _key(kind: str, texts: Sequence[str]) -> Path:
    h = hashlib.sha256(kind.encode())
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass") + b"\0")
    return CACHE / f"{kind}-{h.hexdigest()[:20]}.pkl"


def cached(kind: str, texts: Sequence[str], compute: Callable[[Sequence[str]], Any]) -> Any:
    """``compute(texts)``, remembered on disk (outside the repo) by a hash of the texts."""
    path = _key(kind, texts)
    if path.is_file():
        with path.open("rb") as fh:
            return pickle.load(fh)
    value = compute(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(value, fh)
    tmp.replace(path)
    return value


def entity_names(texts: Sequence[str]) -> list[list[str]]:
    """Canonical entity names per text, from the project's own spaCy NER + rules."""
    from counterpoint.stages.nlp import analyse_text, load_nlp

    nlp = load_nlp()
    return [[canon for _s, _e, _label, canon in analyse_text(t, nlp)[1]] for t in texts]


def claim_texts(texts: Sequence[str], names: Sequence[Sequence[str]]) -> list[Any]:
    """ClaimText records with entities, numbers and dates found by the project's stages."""
    from counterpoint.model import Article
    from counterpoint.model.claim import ClaimText
    from counterpoint.stages.dates import find_times
    from counterpoint.stages.numbers import find_numbers

    out = []
    for i, (text, ents) in enumerate(zip(texts, names, strict=True)):
        art = Article(id=str(i), source="checkthat", text=text)
        out.append(
            ClaimText(
                text, frozenset(ents), tuple(find_numbers(art)), tuple(find_times(art, [(0, len(text))]))
            )
        )
    return out


class BM25:
    """Okapi BM25 over pre-tokenised documents (postings as numpy arrays)."""

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        postings: dict[str, dict[int, int]] = defaultdict(dict)
        for i, doc in enumerate(docs):
            for tok in doc:
                postings[tok][i] = postings[tok].get(i, 0) + 1
        n = len(docs)
        norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1e-9))
        self.n = n
        # per term: document ids and their precomputed BM25 weights (idf * saturated tf)
        self.index: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for tok, hits in postings.items():
            ids = np.fromiter(hits, dtype=np.int64, count=len(hits))
            tf = np.fromiter(hits.values(), dtype=np.float64, count=len(hits))
            idf = math.log(1 + (n - len(hits) + 0.5) / (len(hits) + 0.5))
            self.index[tok] = (ids, idf * tf * (k1 + 1) / (tf + norm[ids]))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        out = np.zeros(self.n)
        for tok in set(query):
            hit = self.index.get(tok)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out


def top(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` highest scores, best first (ties by index, so runs are repeatable)."""
    k = min(k, len(scores))
    idx = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in idx[np.lexsort((idx, -scores[idx]))]]


def metrics(ranked: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """MAP@k (as the CheckThat! scorer: precision at each hit, over the number of gold claims), MRR, P@1."""
    out: dict[str, float] = {}
    for depth in DEPTHS:
        aps = []
        for q, gold in qrels.items():
            hits, total = 0, 0.0
            for rank, c in enumerate(ranked.get(q, [])[:depth], start=1):
                if c in gold:
                    hits += 1
                    total += hits / rank
            aps.append(total / len(gold))
        out[f"MAP@{depth}"] = float(np.mean(aps))
    rr = []
    for q, gold in qrels.items():
        ranks = [r for r, c in enumerate(ranked.get(q, []), start=1) if c in gold]
        rr.append(1.0 / ranks[0] if ranks else 0.0)
    out["MRR"] = float(np.mean(rr))
    out["P@1"] = float(np.mean([1.0 if ranked.get(q, [""])[:1] and ranked[q][0] in g else 0.0
                                for q, g in qrels.items()]))  # fmt: skip
    return out


def load_claims() -> tuple[list[str], list[str], list[str]]:
    """Verified claims: ids, claim sentences, Snopes titles."""
    rows = [r for r in read_tsv(DATA / "verified_claims.docs.tsv") if r]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] if len(r) > 2 else "" for r in rows]


def logistic(z: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
    return out


def shortlist_features(
    queries: Sequence[Any], qvecs: np.ndarray, claims: Sequence[Any], views: Sequence[np.ndarray], size: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per query: its ``size`` nearest claims (best cosine over the views) and their pair features."""
    from counterpoint.claims.align import pair_features

    sims = np.max([qvecs @ v.T for v in views], axis=0)
    out = []
    for i, q in enumerate(queries):
        cands = np.array(top(sims[i], size))
        out.append((cands, np.array([pair_features(q, claims[j], float(sims[i, j])) for j in cands])))
    return out


def pair_labels(
    short: Sequence[tuple[np.ndarray, np.ndarray]], gold: Sequence[set[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """All shortlisted (query, claim) feature rows stacked, and 1 where the claim is the gold one."""
    x = np.vstack([f for _c, f in short])
    y = np.concatenate(
        [[1.0 if int(c) in g else 0.0 for c in cands] for (cands, _f), g in zip(short, gold, strict=True)]
    )
    return x, y


def fit_weights(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression over ``align.FEATURES`` with the signs the design promises.

    Shared terms, entities, figures and dates may only raise the score and an entity clash only
    lower it, so a quirk of tweets (noisy NER, say) cannot flip a rule meant for news.
    """
    from scipy.optimize import minimize

    from counterpoint.claims.align import FEATURES

    signs = {"bias": None, "entity_clash": -1}
    bounds = [(None, None) if signs.get(f, 1) is None else (None, 0) if signs.get(f) == -1 else (0, None)
              for f in FEATURES]  # fmt: skip
    l2 = 0.05

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        grad = x.T @ (logistic(z) - y)
        grad[1:] += 2 * l2 * w[1:]
        return float(np.sum(np.logaddexp(0, z) - y * z) + l2 * np.sum(w[1:] ** 2)), grad

    w0 = np.zeros(x.shape[1])
    result = minimize(loss, w0, jac=True, method="L-BFGS-B", bounds=bounds)
    return np.asarray(result.x)


def prf(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of "score >= threshold" against 0/1 labels."""
    tp = float(np.sum((p >= threshold) & (y == 1)))
    prec, rec = tp / max(float(np.sum(p >= threshold)), 1.0), tp / max(float(np.sum(y)), 1.0)
    return {"P": prec, "R": rec, "F1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The threshold (a multiple of 0.05) with the best F1."""
    grid = [round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05)]
    return max(grid, key=lambda t: (prf(p, y, t)["F1"], -t))


def rerank_metrics(
    short: Sequence[tuple[np.ndarray, np.ndarray]], gold: Sequence[set[int]], w: np.ndarray
) -> dict[str, float]:
    """Retrieval metrics of the shortlists re-ranked by weights ``w`` (claims named by index)."""
    ranked, qrels = {}, {}
    for qi, ((cands, feats), g) in enumerate(zip(short, gold, strict=True)):
        order = np.lexsort((cands, -(feats @ w)))
        ranked[str(qi)] = [str(int(c)) for c in cands[order]]
        qrels[str(qi)] = {str(c) for c in g}
    return metrics(ranked, qrels)


_DETOK = re.compile(r" (?=[,.;:!?%)\]}'’”]|n't\b|'s\b)|(?<=[(\[{“$]) ")


def load_ecb_leads() -> list[tuple[str, str, str]]:
    """(topic, story, sentence) per ECB+ document: its first annotated sentence of eight words or more.

    ECB+ annotators selected the sentences about each document's seminal event, and each topic
    holds two events of one kind (two rehab check-ins, two earthquakes): so within a topic, two
    documents' lead sentences are about the same event or about a different one of the same kind.
    """
    selected: dict[str, list[int]] = defaultdict(list)
    with (ECB / "ECBplus_coreference_sentences.csv").open(encoding="utf-8", newline="") as fh:
        for row in list(csv.reader(fh))[1:]:
            selected[f"{row[0]}_{row[1]}"].append(int(row[2]))
    out = []
    for line in (ECB / "docs_story_clusters.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        sentences = doc["text"].split("\n")
        for i in sorted(selected.get(doc["doc_id"], [])):
            if i < len(sentences) and len(sentences[i].split()) >= 8 and not sentences[i].startswith("http"):
                out.append((doc["topic"], doc["story_id"], _DETOK.sub("", sentences[i])))
                break
    return out


def ecb_pairs(encoder: str = "minilm") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of lead sentences within an ECB+ topic: (topic, same event 0/1, pair features)."""
    from counterpoint.claims.align import pair_features

    leads = load_ecb_leads()
    texts = [t for _topic, _story, t in leads]
    vecs = cached(f"{encoder}-ecb", texts, encoder_fn(encoder))
    claims = claim_texts(texts, cached("ents", texts, entity_names))
    topic, same, feats = [], [], []
    for i, j in itertools.combinations(range(len(leads)), 2):
        if leads[i][0] == leads[j][0]:
            topic.append(int(leads[i][0]))
            same.append(1.0 if leads[i][1] == leads[j][1] else 0.0)
            feats.append(pair_features(claims[i], claims[j], float(vecs[i] @ vecs[j])))
    return np.array(topic), np.array(same), np.array(feats)


def encoder_fn(name: str) -> Callable[[Sequence[str]], np.ndarray]:
    """The sentence encoder ``name`` (``Settings.claim_embedder`` values) as an ``embed`` function."""
    from counterpoint.stories.embed import embed, load_embedder

    fn = load_embedder(name)
    return lambda texts: embed(texts, fn)


def run_checkthat(
    refit: bool, encoder: str = "minilm", recall: str = "", static_shortlist: int = 200
) -> dict[str, Any]:
    """Rank all claims for every train and dev tweet with the three systems; optionally refit weights."""
    from counterpoint.claims import align

    embed = encoder_fn(encoder)

    claim_ids, vclaims, titles = load_claims()
    n = len(claim_ids)
    # a Snopes title restates the claim in other words: its terms join the claim's, and its
    # embedding is a second view of the claim (best cosine of the two; one text of both blurs)
    texts = [f"{c} {t}".strip() for c, t in zip(vclaims, titles, strict=True)]
    splits = {s: load_split(s) for s in ("train", "dev")}
    tweets = [t for queries, _q in splits.values() for t in queries.values()]

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    views = [cached(f"{encoder}-vclaim", vclaims, embed), cached(f"{encoder}-title", titles, embed)]
    tvecs = cached(f"{encoder}-tweets", tweets, embed)
    claims = claim_texts(texts, cached("ents", texts, entity_names))
    tclaims = claim_texts(tweets, cached("ents", tweets, entity_names))
    if recall:
        rough = encoder_fn(recall)
        rviews = [cached(f"{recall}-vclaim", vclaims, rough), cached(f"{recall}-title", titles, rough)]
        rvecs = cached(f"{recall}-tweets", tweets, rough)
    t_prep = time.perf_counter() - t0
    t0 = time.process_time()
    embed(tweets[:2000])
    timings["encode 2,000 tweets, CPU s (not cached)"] = time.process_time() - t0
    t0 = time.perf_counter()
    bm25 = BM25([align.content_tokens(t) for t in texts])
    timings["prepare (cached after first run)"] = t_prep
    timings["BM25 index"] = time.perf_counter() - t0

    depth = align.SHORTLIST
    pool, pool_vecs = [*claims, *claims], np.vstack(views)
    results: dict[str, dict[str, dict[str, float]]] = {}
    shorts: dict[str, tuple[list[tuple[np.ndarray, np.ndarray]], list[set[int]]]] = {}
    index_of = {c: i for i, c in enumerate(claim_ids)}
    offset = 0
    usage: dict[str, dict[str, float]] = {}
    for split, (queries, qrels) in splits.items():
        qids = list(queries)
        qs, qv = tclaims[offset : offset + len(qids)], tvecs[offset : offset + len(qids)]
        rv = rvecs[offset : offset + len(qids)] if recall else None
        offset += len(qids)
        ranked: dict[str, dict[str, list[str]]] = {"ours": {}, "BM25": {}, "embeddings only": {}}
        t = time.perf_counter()
        for qid, q in zip(qids, qs, strict=True):
            scores = bm25.scores(align.content_tokens(q.text))
            ranked["BM25"][qid] = [claim_ids[i] for i in top(scores, depth)]
        timings["BM25"] = timings.get("BM25", 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        sims = np.max([qv @ v.T for v in views], axis=0)
        for qid, row in zip(qids, sims, strict=True):
            ranked["embeddings only"][qid] = [claim_ids[i] for i in top(row, depth)]
        timings["embeddings only"] = timings.get("embeddings only", 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        for qid, q, vec in zip(qids, qs, qv, strict=True):
            # the pool holds each claim twice (one row per view): ask for twice as many rows and
            # keep each claim's first, best-scoring row
            hits = align.retrieve(q, vec, pool, pool_vecs, 2 * depth, shortlist=2 * depth)
            ranked["ours"][qid] = list(dict.fromkeys(claim_ids[i % n] for i, _s in hits))[:depth]
        timings["ours"] = timings.get("ours", 0.0) + time.perf_counter() - t
        if rv is not None:
            t = time.perf_counter()
            lexical = {q: [index_of[c] for c in r] for q, r in ranked["BM25"].items()}
            rough_sims = np.max([rv @ v.T for v in rviews], axis=0)
            usage[split] = static_recall(
                ranked, qids, qs, claims, claim_ids, rough_sims, sims, lexical, static_shortlist, depth
            )
            timings["ours, static recall"] = timings.get("ours, static recall", 0.0) + time.perf_counter() - t
        results[split] = {name: metrics(r, qrels) for name, r in ranked.items()}
        gold = [{index_of[c] for c in qrels[q]} for q in qids]
        shorts[split] = (shortlist_features(qs, qv, claims, views, depth), gold)

    weights = np.array(align.WEIGHTS)
    pairs = {s: pair_labels(*shorts[s]) for s in shorts}
    report: dict[str, Any] = {
        "encoder": encoder,
        "data": {"claims": n, **{s: len(q) for s, (q, _r) in splits.items()}},
        "results": results,
        "pairs_at_threshold": {s: prf(logistic(x @ weights), y, align.MATCH_THRESHOLD)
                               for s, (x, y) in pairs.items()},
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }  # fmt: skip
    if recall:
        report["static_recall"] = {"encoder": recall, "shortlist": static_shortlist, **usage}
    if refit:
        w = fit_weights(*pairs["train"])
        thr = best_threshold(logistic(pairs["train"][0] @ w), pairs["train"][1])
        report["refit"] = {
            "weights": [round(float(x), 2) for x in w],
            "threshold": thr,
            **{s: {"MAP@5": rerank_metrics(*shorts[s], w)["MAP@5"],
                   **prf(logistic(pairs[s][0] @ w), pairs[s][1], thr)} for s in shorts},
        }  # fmt: skip
    return report


def static_recall(
    ranked: dict[str, dict[str, list[str]]],
    qids: Sequence[str],
    queries: Sequence[Any],
    claims: Sequence[Any],
    claim_ids: Sequence[str],
    rough: np.ndarray,
    fine: np.ndarray,
    lexical: dict[str, list[int]],
    size: int,
    depth: int,
) -> dict[str, float]:
    """Rank with static recall into ``ranked`` (two systems); the share of pairs and claims needing MiniLM.

    ``rough`` and ``fine`` are query x claim cosines (static, MiniLM; best of the claim's views),
    ``lexical`` BM25's top claims per query. A MiniLM cosine is read from ``fine`` only for the
    pairs ``align.rerank`` keeps, as the claims stage embeds only their sentences.
    """
    from counterpoint.claims import align

    ranked["ours, static recall"], ranked["ours, static+BM25 recall"] = {}, {}
    pairs = kept = 0
    needed: set[int] = set()
    queries_needing = 0
    for x, (qid, q) in enumerate(zip(qids, queries, strict=True)):
        static_top = top(rough[x], size)
        with_bm25 = list(dict.fromkeys([*static_top, *lexical[qid]]))
        for name, short in (("ours, static recall", static_top), ("ours, static+BM25 recall", with_bm25)):
            used: list[int] = []

            def cosines(idx: Sequence[int], row: int = x, used: list[int] = used) -> np.ndarray:
                used.extend(idx)
                return np.asarray(fine[row, list(idx)])

            hits, n_kept = align.rerank(q, claims, short, [float(rough[x, j]) for j in short], cosines, depth)
            ranked[name][qid] = [claim_ids[j] for j, _s in hits]
            if name == "ours, static recall":
                pairs, kept = pairs + len(short), kept + n_kept
                needed.update(used)
                queries_needing += bool(used)
    return {
        "pairs shortlisted": pairs,
        "pairs with a MiniLM cosine": round(kept / max(pairs, 1), 4),
        "claims needing a MiniLM vector": round(len(needed) / len(claims), 4),
        "tweets needing a MiniLM vector": round(queries_needing / max(len(qids), 1), 4),
    }


def run_ecb(
    weights: np.ndarray, threshold: float, encoder: str = "minilm", recall: str = ""
) -> dict[str, Any]:
    """Same-event vs same-topic-other-event lead-sentence pairs in ECB+, by ECB+'s train/test topics."""
    from sklearn.metrics import roc_auc_score

    topic, same, feats = ecb_pairs(encoder)
    p = logistic(feats @ weights)
    out: dict[str, Any] = {"pairs": len(same)}
    p_static = None
    if recall:  # static recall: MiniLM's score where align.rerank would ask for it, else the bound
        from counterpoint.claims.align import STATIC_FLOOR, optimistic_cosine

        rough = ecb_pairs(recall)[2][:, 1]
        optimistic = feats.copy()
        optimistic[:, 1] = [optimistic_cosine(c) for c in rough]
        bound = np.where(rough >= STATIC_FLOOR, logistic(optimistic @ weights), 0.0)
        keep = bound >= threshold
        p_static = np.where(keep, p, bound)
        out["static recall: pairs with a MiniLM cosine"] = round(float(keep.mean()), 4)
    for part, mask in (("topics 1-35", ~np.isin(topic, list(ECB_TEST_TOPICS))),
                       ("topics 36-45", np.isin(topic, list(ECB_TEST_TOPICS)))):  # fmt: skip
        out[part] = {
            "pairs": int(mask.sum()), "same event": float(same[mask].mean()),
            "AUC cosine": float(roc_auc_score(same[mask], feats[mask, 1])),
            "AUC match_score": float(roc_auc_score(same[mask], p[mask])),
            **prf(p[mask], same[mask], threshold),
        }  # fmt: skip
        if p_static is not None:
            out[part]["AUC static recall"] = float(roc_auc_score(same[mask], p_static[mask]))
            # decisions at the threshold: what the claims stage acts on
            out[part]["static recall at threshold"] = prf(p_static[mask], same[mask], threshold)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument(
        "--fit", action="store_true", help="also refit the scorer's weights and threshold on train"
    )
    ap.add_argument(
        "--encoder",
        default="minilm",
        help="sentence encoder: minilm (default), static, minilm-torch or hashing",
    )
    ap.add_argument(
        "--recall",
        default="static",
        help="encoder of the static-recall systems, measured in the same run (empty: skip them)",
    )
    ap.add_argument(
        "--static-shortlist", type=int, default=200, help="claims the static encoder shortlists per tweet"
    )
    args = ap.parse_args()
    if not (DATA / "verified_claims.docs.tsv").is_file():
        print(f"CheckThat! 2020 task 2 data not found at {DATA}; nothing to do")
        return 0
    from counterpoint.claims import align

    t0 = time.perf_counter()
    report = run_checkthat(args.fit, args.encoder, args.recall, args.static_shortlist)
    report["threshold"] = align.MATCH_THRESHOLD
    report["anchors_test_MAP@5"] = ANCHORS
    if (ECB / "docs_story_clusters.jsonl").is_file():
        report["ecb"] = run_ecb(np.array(align.WEIGHTS), align.MATCH_THRESHOLD, args.encoder, args.recall)
    report["seconds"]["total"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


def print_report(report: dict[str, Any]) -> None:
    d = report["data"]
    print(f"CheckThat! 2020 task 2 (EN): {d['claims']} verified claims; {d['train']} train and "
          f"{d['dev']} dev tweets with gold (dev held out)")  # fmt: skip
    cols = [f"MAP@{k}" for k in DEPTHS] + ["MRR", "P@1"]
    print(f"{'split':<6} {'system':<26}" + "".join(f"{c:>8}" for c in cols))
    for split, systems in report["results"].items():
        for name, sc in systems.items():
            print(f"{split:<6} {name:<26}" + "".join(f"{sc[c]:8.3f}" for c in cols))
    print("published, on the TEST split (not run here), from the overview paper: MAP@5 "
          + ", ".join(f"{k} {v:.3f}" for k, v in report["anchors_test_MAP@5"].items()))  # fmt: skip
    thr = report["threshold"]
    print(f"MATCH_THRESHOLD {thr}, shortlisted (tweet, claim) pairs vs gold: "
          + "; ".join(f"{s} P {v['P']:.3f} R {v['R']:.3f} F1 {v['F1']:.3f}"
                      for s, v in report["pairs_at_threshold"].items()))  # fmt: skip
    if "ecb" in report:
        print(
            f"ECB+ lead-sentence pairs within a topic, same event vs other event ({report['ecb']['pairs']}):"
        )
        for part, v in report["ecb"].items():
            if isinstance(v, dict):
                print(f"  {part}: {v['pairs']} pairs ({v['same event']:.0%} same), AUC cosine "
                      f"{v['AUC cosine']:.3f}, match_score {v['AUC match_score']:.3f}; at threshold "
                      f"P {v['P']:.3f} R {v['R']:.3f} F1 {v['F1']:.3f}")  # fmt: skip
                if "AUC static recall" in v:
                    t = v["static recall at threshold"]
                    print(f"    static recall: AUC {v['AUC static recall']:.3f}; at threshold "
                          f"P {t['P']:.3f} R {t['R']:.3f} F1 {t['F1']:.3f}")  # fmt: skip
            elif part != "pairs":
                print(f"  {part}: {v}")
    if "static_recall" in report:
        print(f"static recall ({report['static_recall']['encoder']}): " + json.dumps(report["static_recall"]))
    print("seconds: " + ", ".join(f"{k} {v}" for k, v in report["seconds"].items()))
    if "refit" in report:
        f = report["refit"]
        print(f"refit on train: WEIGHTS = {tuple(f['weights'])}, MATCH_THRESHOLD = {f['threshold']}")
        for split in ("train", "dev"):
            print(f"  {split}: " + ", ".join(f"{k} {v:.3f}" for k, v in f[split].items()))


if __name__ == "__main__":
    sys.exit(main())
