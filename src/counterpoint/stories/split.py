"""Re-checking a grown story: split it in two when its members hold two events.

Online clustering decides for each article once, against the story as it stood then. A story can
still end up holding two events of one topic (two jobs reports, two votes on one bill) when the
articles of the second arrived while the story's members were few and alike. After a batch, each
story the batch touched and that has grown enough since it was last checked (``due``) is split by
average linkage into two groups of its members; when the mean cosine *between* the two groups is
below ``split_below`` and each group has at least ``min_part`` members, the group without the
story's founding member becomes a new story. Members keep their memberships' provenance (the
score and order they joined with); only their story changes.

Only touched stories are checked, and each again only once it has grown by ``regrow`` (x1.5) since
its last check, so a story of m members is checked O(log m) times; the linkage runs on at most
``sample`` members (the rest follow the nearer half): near-linear, never all pairs of the corpus.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from counterpoint.model.story import EventFrame, StorySplit


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitConfig:
    """When a story is re-checked and split (chosen on the NeuS tuning half, see docs/stories.md)."""

    #: re-check stories with at least this many embedded members
    min_members: int = 4
    #: average linkage over a story's members stops below this mean cosine
    cut: float = 0.65
    #: two groups stay apart when their mean cosine plus the entity and lead terms is below this
    split_below: float = 0.65
    #: the groups of at least ``min_part`` members must hold this share of the members read
    core_share: float = 0.6
    #: ``cut`` and ``split_below`` when the members' similarity also reads their words (the
    #: clusterer's lexical channel: ``(1 - w) x cosine + w x TF-IDF cosine``, on a lower scale)
    lexical_cut: float = 0.42
    lexical_split_below: float = 0.52
    #: most groups a story is split into at once (the largest; the rest join them)
    max_groups: int = 4
    #: each half keeps at least this many embedded members
    min_part: int = 2
    #: a story with fewer embedded members than this is checked whenever it grows; a larger one once
    #: it has grown by ``regrow`` since its last check (so O(log m) checks for m members)
    small: int = 32
    regrow: float = 1.5
    #: a story whose members' mean pairwise cosine is at least this is whole: not checked at all
    #: (read off the centroid sum, no member vectors needed)
    coherent: float = 0.75
    #: most members the linkage runs on (the rest go to the nearer half)
    sample: int = 64
    #: split only when each half holds together better than the two halves do, by this much (mean
    #: cosine within each half minus mean cosine between them): a story whose members are all
    #: loosely alike (one event told in different words) is not cut in two
    margin: float = 0.1


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a story as a re-check reads it (copies follow their original: ``duplicate_of``)."""

    article_id: str
    vector: np.ndarray | None  # unit lead embedding; None for copies and articles not compared
    outlet: str | None = None
    published: str | None = None
    entity_ids: tuple[str, ...] = ()
    frame: EventFrame | None = None
    duplicate_of: str | None = None
    lead: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()  # headline + lead terms (``lexical.lead_terms``)


def groups(sims: np.ndarray, cut: float) -> list[list[int]]:
    """Average-linkage agglomeration of rows with cosines ``sims``, merging while the best pair's
    mean cosine is at least ``cut``: the groups, each a list of row numbers in order."""
    n = len(sims)
    total = sims.astype(np.float64).copy()  # sum of pairwise cosines between two groups
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    members: list[list[int]] = [[i] for i in range(n)]
    for _ in range(n - 1):
        mean = total / np.outer(size, size)
        mean[~alive, :] = -np.inf
        mean[:, ~alive] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        i, j = divmod(int(np.argmax(mean)), n)
        if mean[i, j] < cut:
            break
        i, j = min(i, j), max(i, j)
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        size[i] += size[j]
        alive[j] = False
        members[i] += members[j]
    return [sorted(members[i]) for i in range(n) if alive[i]]


def _between(a: np.ndarray, b: np.ndarray) -> float:
    return float(a.sum(axis=0) @ b.sum(axis=0)) / (len(a) * len(b))


def _within_sims(sims: np.ndarray) -> float:
    """Mean off-diagonal value of a square similarity matrix (1.0 for a single row)."""
    n = len(sims)
    if n < 2:
        return 1.0
    return (float(sims.sum()) - float(np.trace(sims))) / (n * (n - 1))


def decide(
    members: Sequence[Member],
    config: SplitConfig,
    evidence: Callable[[Sequence[Member], Sequence[Member]], float] | None = None,
    pair: Callable[[Sequence[Member]], np.ndarray] | None = None,
    lexical: Callable[[Sequence[Member]], np.ndarray] | None = None,
    lexical_weight: float = 0.0,
) -> list[tuple[set[str], float]]:
    """Groups of members (article ids, copies included) that should leave the story, each as a story.

    Average linkage over the members' vectors stops at mean cosine ``cut``; groups smaller than
    ``min_part`` go back to the group they are closest to on average. Two groups stay apart only
    if their mean cosine plus ``evidence(a, b)`` (the clusterer's entity and lead terms: the
    joining rule applied group to group) is below ``split_below`` and each holds together better
    than the two do by ``margin``; otherwise they are joined again. The group of the first member
    (the founder) keeps the story. ``pair(members)``, when given, is a matrix added to the
    members' cosines for the linkage (the lead cross-check: two jobs reports whose numbers differ).
    ``lexical(members)``, when given with ``lexical_weight``, is the matrix of the members'
    TF-IDF cosines: similarity is then ``(1 - w) x cosine + w x lexical`` throughout (linkage and
    tests), cut at ``lexical_cut`` / ``lexical_split_below``.
    Returns (moved ids, score between it and the founder's group).
    """
    embedded = [m for m in members if m.vector is not None and m.duplicate_of is None]
    n = len(embedded)
    if n < max(config.min_members, 2 * config.min_part):
        return []
    vectors = np.stack([np.asarray(m.vector, dtype=np.float32) for m in embedded])
    idx = np.linspace(0, n - 1, config.sample).round().astype(int) if n > config.sample else np.arange(n)
    base = vectors[idx] @ vectors[idx].T
    cut, split_below = config.cut, config.split_below
    if lexical is not None and lexical_weight:
        base = (1.0 - lexical_weight) * base + lexical_weight * lexical([embedded[i] for i in idx])
        cut, split_below = config.lexical_cut, config.lexical_split_below
    sims = base + pair([embedded[i] for i in idx]) if pair is not None else base
    at = {int(i): r for r, i in enumerate(idx)}  # member -> row of the sample
    found = [[int(idx[r]) for r in g] for g in groups(sims, cut)]
    # the ``max_groups`` largest groups of at least ``min_part`` members (bounds the pairwise test)
    big = sorted((g for g in found if len(g) >= config.min_part), key=len, reverse=True)[: config.max_groups]
    if len(big) < 2 or sum(len(g) for g in big) < config.core_share * len(idx):
        return []  # a loose story with a few tight pairs in it is one story told loosely
    # every row (small groups, rows outside the sample) goes to the big group nearest on average
    sums = np.stack([vectors[g].sum(axis=0) / len(g) for g in big])
    home = np.argmax(vectors @ sums.T, axis=1)
    for g_no, g in enumerate(big):
        home[g] = g_no
    parts = [[i for i in range(n) if home[i] == g_no] for g_no in range(len(big))]
    cores = [list(g) for g in big]  # the test reads the groups' cores, not the stragglers they took in
    # join back any two groups that do not pass the split test, most alike first
    while len(parts) > 1:
        best: tuple[float, int, int] | None = None
        for a in range(len(parts)):
            for b in range(a + 1, len(parts)):
                ra, rb = [at[i] for i in cores[a]], [at[i] for i in cores[b]]
                between = float(base[np.ix_(ra, rb)].mean())
                within = min(_within_sims(base[np.ix_(ra, ra)]), _within_sims(base[np.ix_(rb, rb)]))
                score = between
                if within - between < config.margin:
                    score = math.inf  # loosely alike throughout: one story told in different words
                elif evidence is not None:
                    score += evidence([embedded[i] for i in cores[a]], [embedded[i] for i in cores[b]])
                if score >= split_below and (best is None or score > best[0]):
                    best = (score, a, b)
        if best is None:
            break
        _s, a, b = best
        parts[a] = sorted(parts[a] + parts[b])
        cores[a] = sorted(cores[a] + cores[b])
        del parts[b], cores[b]
    if len(parts) < 2:
        return []
    founder = next(p for p in parts if 0 in p)
    out: list[tuple[set[str], float]] = []
    for p in parts:
        if p is founder:
            continue
        ids = {embedded[i].article_id for i in p}
        ids.update(m.article_id for m in members if m.duplicate_of is not None and m.duplicate_of in ids)
        out.append((ids, _between(vectors[p], vectors[founder])))
    return out


class MemberIndex:
    """Story members kept in memory, for callers without a store (benchmarks, evaluations, tests).

    ``assign`` records a batch's assignments (after merges), ``apply`` a re-check's splits; ``get``
    returns the members of some stories in the order they joined (the founding member first).
    """

    def __init__(self) -> None:
        self.members: dict[str, Member] = {}
        self.story_of: dict[str, str] = {}
        self.by_story: dict[str, list[str]] = {}

    def assign(self, pairs: Sequence[tuple[Member, str]]) -> None:
        """Record (member, story id) pairs: a batch's final assignments, merges applied."""
        for m, sid in pairs:
            self.members[m.article_id] = m
            self.story_of[m.article_id] = sid
            self.by_story.setdefault(sid, []).append(m.article_id)

    def apply(self, splits: Sequence[StorySplit]) -> None:
        for sp in splits:
            moved = set(sp.moved)
            self.by_story[sp.story_id] = [a for a in self.by_story[sp.story_id] if a not in moved]
            self.by_story[sp.new_story_id] = list(sp.moved)
            for a in sp.moved:
                self.story_of[a] = sp.new_story_id

    def get(self, story_ids: Sequence[str]) -> dict[str, list[Member]]:
        return {s: [self.members[a] for a in self.by_story.get(s, [])] for s in story_ids}
