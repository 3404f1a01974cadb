"""Grouping a run's new articles together before they are clustered one by one.

The online clusterer decides for each article on arrival, against the stories as they stand. What
tells one event from another of the same topic is relative (is this the clearly nearest group?),
and on arrival the nearest is often not there yet: on NeuS the online rule stops at B³ F1 0.85,
while average linkage over *local-scaled* similarities of all of a run's articles at once reaches
0.90 (docs/stories.md, "Grouping a run's articles"). So before a run's articles are clustered,
the articles it adds are grouped among themselves:

* similarity of two articles: the clusterer's own rule (``ClusterConfig``): ``(1 - lexical_weight)``
  × MiniLM cosine + ``lexical_weight`` × TF-IDF cosine of headline + lead + ``entity_weight`` ×
  entity cosine (weighed down for articles naming few entities) − date penalty (the full penalty
  past ``max_gap_days``: a story may run longer than that, as the online rule lets its span grow);
  a pair whose event frames clash counts -1, whatever else they share;
* candidate pairs only: each article's ``neighbours`` nearest by MiniLM cosine (blocked matrix
  products), so never all pairs of the run are scored;
* local scaling (cross-domain similarity local scaling, in part): ``2·sim(a, b) − w·(r(a) + r(b))``,
  where ``r(x)`` is the mean similarity of ``x`` to its ``scale_k`` most similar candidates and
  ``w`` is ``scale_weight`` (0.6: at 1 a story of many near-alike reports falls apart): a pair
  counts as close when it is close *for these two articles*, which is what separates two events
  of one dense topic (two jobs reports) while still joining differently worded reports of one;
* average linkage: two groups linked by at least one candidate pair merge while the mean scaled
  similarity over *all* their pairs (computed exactly, block by block, when first needed) is at
  least ``threshold``. Groups with no candidate pair between them never merge.

The result is a hint per article, its group's *leader* (the group's first article in ingest
order). The clusterer then takes the leader through its usual rule, which decides whether the group
joins a stored story or founds one, and the other members follow the leader (``StoryClusterer.add``,
``hints``). Stored stories are never re-opened here: a run's grouping sees only its own articles,
so runs stay incremental, and a run that adds a few articles to a large store is decided by the
online rule almost alone. Cost: one matrix product per block of ``block`` articles for the
candidates, then a heap-driven linkage over ~``2 × neighbours`` candidate pairs per article, whose
group-to-group sums are computed once per pair of neighbouring groups and then added up as groups
merge: near-linear in the run's size while stories stay small next to it.

Off by default (``story_grouping``): it helps where each event has a few reports and many events
share a topic (NeuS), and cuts apart stories of many closely worded reports (docs/stories.md).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from counterpoint.model.story import EventFrame
from counterpoint.stories.events import clash


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupConfig:
    """Parameters of the run grouping (chosen on the NeuS tuning half, see docs/stories.md)."""

    #: off (the default; ``story_grouping = true`` turns it on): every article goes through the
    #: online rule alone
    enabled: bool = False
    #: candidate neighbours per article, by MiniLM cosine
    neighbours: int = 16
    #: local scaling: mean similarity to this many most similar candidates
    scale_k: int = 3
    #: how much of that is taken off: 1 is full local scaling, 0 plain average linkage
    scale_weight: float = 0.6
    #: two groups merge while their mean local-scaled similarity is at least this
    threshold: float = 0.15
    #: two groups whose plain mean similarity (no local scaling) reaches this merge anyway: local
    #: scaling raises the bar where articles have near-copies, which would cut a large story of
    #: closely worded reports apart; None: off
    plain_threshold: float | None = None
    #: a run's groups are kept apart from each other (the leader and ``merge_fresh`` look only at
    #: stories of earlier runs); False: grouping only adds joins, and the online rule may still
    #: join two groups
    keep_apart: bool = True
    #: articles grouped together at most (a larger run is grouped in slices of this many)
    max_articles: int = 20_000
    #: rows per matrix product of the neighbour search
    block: int = 1024


@dataclass(frozen=True, slots=True)
class GroupItem:
    """What grouping reads of one article (the same features the clusterer scores)."""

    article_id: str
    vector: np.ndarray  # unit MiniLM vector of headline + lead
    terms: tuple[str, ...]  # ``lexical.lead_terms``
    entities: tuple[str, ...]  # canonical entity ids, with repeats
    frame: EventFrame
    day: date | None


@dataclass(frozen=True, slots=True)
class Weights:
    """The clusterer's similarity rule, as grouping applies it to a pair of articles."""

    lexical: float
    entity: float
    full_names: int
    grace_days: int
    max_gap_days: int
    date_penalty: float


def group_articles(
    items: Sequence[GroupItem],
    weights: Weights,
    df: Mapping[str, int],
    ndocs: int,
    config: GroupConfig | None = None,
) -> dict[str, tuple[str, float]]:
    """Article id -> (its group's leader, its mean similarity to the rest of its group).

    ``items`` in ingest order; ``df``/``ndocs``: the clusterer's document frequencies (entities
    bare, terms as ``t:<term>``) before this run, to which the run's own counts are added. Every
    item gets an entry; a leader, and an article left alone, maps to itself.
    """
    cfg = config or GroupConfig()
    out: dict[str, tuple[str, float]] = {}
    if not cfg.enabled:
        return out
    for start in range(0, len(items), cfg.max_articles):
        out.update(_group_slice(items[start : start + cfg.max_articles], weights, df, ndocs, cfg))
    return out


class _Rows:
    """Unit TF-IDF rows (column -> weight), multiplied block by block: small blocks (a candidate
    row, two small groups) with dictionaries, large ones as a sparse matrix product."""

    #: blocks of at most this many pairs are multiplied with dictionaries (scipy's per-call
    #: overhead, ~1 ms, is what grouping spent most of its time on)
    SMALL = 256

    def __init__(self, rows: list[dict[int, float]], width: int) -> None:
        self.rows = rows
        self.width = width
        self._csr: Any = None

    def block(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if len(a) * len(b) <= self.SMALL:
            out = np.zeros((len(a), len(b)))
            for i, x in enumerate(a.tolist()):
                ra = self.rows[x]
                if not ra:
                    continue
                for j, y in enumerate(b.tolist()):
                    rb = self.rows[y]
                    small, big = (ra, rb) if len(ra) <= len(rb) else (rb, ra)
                    out[i, j] = sum(v * big[k] for k, v in small.items() if k in big)
            return out
        if self._csr is None:
            from scipy import sparse  # type: ignore[import-untyped]  # here: only runs that group large blocks

            data = [v for row in self.rows for v in row.values()]
            cols = [k for row in self.rows for k in row]
            ptr = np.cumsum([0] + [len(row) for row in self.rows])
            self._csr = sparse.csr_matrix(
                (data, cols, ptr), shape=(len(self.rows), max(1, self.width)), dtype=np.float64
            )
        out2: np.ndarray = (self._csr[a] @ self._csr[b].T).toarray()
        return out2


def _unit_rows(bags: Sequence[Counter[str]], df: Mapping[str, int], ndocs: int, prefix: str) -> _Rows:
    """(1 + log tf) × idf rows scaled to unit length, idf over the store's and this slice's counts."""
    local: Counter[str] = Counter()
    for bag in bags:
        local.update(bag.keys())
    vocab = {t: j for j, t in enumerate(sorted(local))}
    n = max(1, ndocs + len(bags))
    rows: list[dict[int, float]] = []
    for bag in bags:
        w = {
            t: (1 + math.log(c)) * math.log(1 + n / max(1, df.get(prefix + t, 0) + local[t]))
            for t, c in bag.items()
        }
        norm = math.sqrt(math.fsum(v * v for v in w.values()))
        rows.append({vocab[t]: w[t] / norm for t in sorted(w)} if norm > 0 else {})
    return _Rows(rows, len(vocab))


class _Pairs:
    """The clusterer's similarity rule over blocks of a slice's articles, local-scaled."""

    def __init__(self, items: Sequence[GroupItem], wt: Weights, df: Mapping[str, int], ndocs: int) -> None:
        self.wt = wt
        self.vecs = np.stack([it.vector for it in items]).astype(np.float32)
        self.terms = _unit_rows([Counter(it.terms) for it in items], df, ndocs, "t:")
        self.ents = _unit_rows([Counter(it.entities) for it in items], df, ndocs, "")
        names = np.array([len(set(it.entities)) for it in items], dtype=np.float64)
        self.ew = wt.entity * (
            np.minimum(1.0, names / wt.full_names) if wt.full_names else np.ones(len(items))
        )
        self.days = np.array([it.day.toordinal() if it.day else -1 for it in items], dtype=np.int64)
        self.frames = [it.frame for it in items]
        self.framed = np.array([bool(f.places or f.modes) for f in self.frames])
        self.r = np.zeros(len(items))

    def sim(self, a: np.ndarray, b: np.ndarray, cos: np.ndarray | None = None) -> np.ndarray:
        """Similarity of every article of ``a`` to every one of ``b``; -1 where they cannot be one
        event (their frames clash)."""
        wt = self.wt
        if cos is None:
            cos = self.vecs[a] @ self.vecs[b].T
        s: np.ndarray = (1 - wt.lexical) * cos.astype(np.float64)
        if wt.lexical:
            s += wt.lexical * self.terms.block(a, b)
        if wt.entity:
            s += np.minimum.outer(self.ew[a], self.ew[b]) * self.ents.block(a, b)
        da, db = self.days[a], self.days[b]
        dated = (da[:, None] >= 0) & (db[None, :] >= 0)
        if dated.any():
            gap = np.abs(da[:, None] - db[None, :])
            over = np.minimum(
                1.0, np.maximum(0, gap - wt.grace_days) / max(1, wt.max_gap_days - wt.grace_days)
            )
            s -= np.where(dated, wt.date_penalty * over, 0.0)
        for i, j in zip(*np.nonzero(self.framed[a][:, None] & self.framed[b][None, :]), strict=True):
            fa, fb = self.frames[a[i]], self.frames[b[j]]
            if clash(fa.places, fa.modes, fb.places, fb.modes):
                s[i, j] = -1.0
        return s

    def scaled_sum(self, a: Sequence[int], b: Sequence[int]) -> float:
        """Sum of the local-scaled similarities of all pairs between two groups."""
        ia, ib = np.asarray(a), np.asarray(b)
        s = self.sim(ia, ib)
        return float(2 * s.sum() - len(ib) * self.r[ia].sum() - len(ia) * self.r[ib].sum())


def _group_slice(
    items: Sequence[GroupItem], wt: Weights, df: Mapping[str, int], ndocs: int, cfg: GroupConfig
) -> dict[str, tuple[str, float]]:
    n = len(items)
    if n < 2:
        return {}
    pairs = _Pairs(items, wt, df, ndocs)
    k = min(cfg.neighbours, n - 1)
    near: list[dict[int, float]] = [{} for _ in range(n)]  # candidate pairs and their similarity
    for start in range(0, n, cfg.block):
        rows = np.arange(start, min(n, start + cfg.block))
        cos = pairs.vecs[rows] @ pairs.vecs.T
        cos[np.arange(len(rows)), rows] = -np.inf
        top = np.argpartition(-cos, k - 1, axis=1)[:, :k]
        for row, cands in enumerate(top):
            sims = pairs.sim(rows[row : row + 1], cands, cos[row : row + 1, cands])[0]
            for b, v in zip(cands.tolist(), sims.tolist(), strict=True):
                near[rows[row]][b] = near[b][rows[row]] = v
    for a in range(n):
        best = sorted(near[a].values(), reverse=True)[: cfg.scale_k]
        pairs.r[a] = cfg.scale_weight * sum(best) / len(best) if best else 0.0
    groups = _average_linkage(near, pairs, cfg)
    out: dict[str, tuple[str, float]] = {}
    for members in groups:
        members.sort()
        leader = items[members[0]].article_id
        if len(members) == 1:
            out[leader] = (leader, 0.0)
            continue
        idx = np.asarray(members)
        s = pairs.sim(idx, idx)
        np.fill_diagonal(s, 0.0)
        mean = s.sum(axis=1) / (len(members) - 1)  # each member's mean similarity to the others
        for m, v in zip(members, mean.tolist(), strict=True):
            out[items[m].article_id] = (leader, round(v, 4))
    return out


def _average_linkage(near: Sequence[Mapping[int, float]], pairs: _Pairs, cfg: GroupConfig) -> list[list[int]]:
    """Average linkage over the groups that candidate pairs connect, with exact group means.

    Each group keeps the sum of scaled similarities to each neighbouring group; a sum is computed
    over all pairs of the two groups when first needed and then added up as groups merge. The heap
    holds each neighbouring pair's mean; stale entries are skipped (a version per group). Ties go
    to the pair of lowest indices, so the result does not depend on dictionary order.
    """
    n = len(near)
    members: list[list[int]] = [[i] for i in range(n)]
    r = pairs.r
    rsum = [float(x) for x in r]  # per group: the sum of its members' local scales
    links: list[dict[int, float]] = [{b: 2 * s - r[a] - r[b] for b, s in near[a].items()} for a in range(n)]
    version = [0] * n
    alive = [True] * n
    heap: list[tuple[float, int, int, int, int]] = []

    def push(a: int, b: int) -> None:
        lo, hi = min(a, b), max(a, b)
        na, nb = len(members[lo]), len(members[hi])
        total = links[lo][hi]
        m = total / (na * nb) - cfg.threshold
        if cfg.plain_threshold is not None:
            # the plain mean similarity (local scales added back) is enough on its own when it is high
            plain = (total + nb * rsum[lo] + na * rsum[hi]) / (2 * na * nb)
            m = max(m, plain - cfg.plain_threshold)
        if m >= 0:
            heapq.heappush(heap, (-m, lo, hi, version[lo], version[hi]))

    for a in range(n):
        for b in links[a]:
            if a < b:
                push(a, b)
    while heap:
        _m, a, b, va, vb = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        # b joins a (the lower index keeps the group); sums to every neighbour of either
        merged: dict[int, float] = {}
        for c in (links[a].keys() | links[b].keys()) - {a, b}:
            sa = links[a].get(c)
            sb = links[b].get(c)
            if sa is None:
                sa = pairs.scaled_sum(members[a], members[c])
            if sb is None:
                sb = pairs.scaled_sum(members[b], members[c])
            merged[c] = sa + sb
        alive[b] = False
        rsum[a] += rsum[b]
        members[a].extend(members[b])
        members[b] = []
        version[a] += 1
        for c in links[b]:
            links[c].pop(b, None)
        links[b] = {}
        links[a] = merged
        for c, total in merged.items():
            links[c][a] = total
            push(a, c)
    return [members[a] for a in range(n) if alive[a]]
