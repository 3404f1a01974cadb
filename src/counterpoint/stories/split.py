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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from counterpoint.model.story import EventFrame, StorySplit


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitConfig:
    """When a story is re-checked and split (chosen on the NeuS tuning half, see docs/stories.md)."""

    #: re-check stories with at least this many embedded members
    min_members: int = 4
    #: split when the mean cosine between the two halves is below this
    split_below: float = 0.8
    #: each half keeps at least this many embedded members
    min_part: int = 2
    #: a story is checked again once its embedded members have grown by this factor
    regrow: float = 1.5
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


def _average_linkage_two(sims: np.ndarray) -> np.ndarray:
    """Group labels (0/1) of average-linkage agglomeration stopped at two groups (``sims``: cosines)."""
    n = len(sims)
    total = sims.astype(np.float64).copy()  # sum of pairwise cosines between two groups
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    label = np.arange(n)
    for _ in range(n - 2):
        mean = total / np.outer(size, size)
        mean[~alive, :] = -np.inf
        mean[:, ~alive] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        i, j = divmod(int(np.argmax(mean)), n)
        i, j = min(i, j), max(i, j)
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        size[i] += size[j]
        alive[j] = False
        label[label == j] = i
    first = label[0]
    out: np.ndarray = (label != first).astype(np.int8)
    return out


def two_way(vectors: np.ndarray, sample: int = 64) -> tuple[np.ndarray, float]:
    """Average-linkage split of unit ``vectors`` into two groups: (mask of group 1, mean cosine between).

    Group 1 is the group without the first row (the founding member). With more than ``sample``
    rows, the linkage runs on an evenly spaced sample and every row goes to the group whose
    centroid is nearer.
    """
    n = len(vectors)
    vectors = vectors.astype(np.float32)
    if n > sample:
        idx = np.linspace(0, n - 1, sample).round().astype(int)
        labels = _average_linkage_two(vectors[idx] @ vectors[idx].T)
        c0 = vectors[idx[labels == 0]].sum(axis=0)
        c1 = vectors[idx[labels == 1]].sum(axis=0)
        near1 = vectors @ c1 / max(float(np.linalg.norm(c1)), 1e-9)
        near0 = vectors @ c0 / max(float(np.linalg.norm(c0)), 1e-9)
        mask = near1 > near0
        mask[0] = False
    else:
        mask = _average_linkage_two(vectors @ vectors.T) == 1
    k = int(mask.sum())
    if k == 0 or k == n:
        return mask, 1.0
    a, b = vectors[~mask].sum(axis=0), vectors[mask].sum(axis=0)
    return mask, float(a @ b) / ((n - k) * k)


def _within(vectors: np.ndarray) -> float:
    """Mean cosine between distinct rows of unit ``vectors`` (1.0 for a single row)."""
    n = len(vectors)
    if n < 2:
        return 1.0
    total = vectors.sum(axis=0)
    return (float(total @ total) - float((vectors * vectors).sum())) / (n * (n - 1))


def decide(
    members: Sequence[Member],
    config: SplitConfig,
    evidence: Callable[[Sequence[Member], Sequence[Member]], float] | None = None,
) -> tuple[set[str], float] | None:
    """Article ids (copies included) of the half that should leave the story, or None to keep it whole.

    The two halves' score is the mean cosine between them plus ``evidence(kept, moved)`` (the
    clusterer's entity term: the joining rule applied half to half); below ``split_below``, split.
    """
    embedded = [m for m in members if m.vector is not None and m.duplicate_of is None]
    if len(embedded) < max(config.min_members, 2 * config.min_part):
        return None
    vectors = np.stack([np.asarray(m.vector, dtype=np.float32) for m in embedded])
    mask, between = two_way(vectors, config.sample)
    moved = int(mask.sum())
    if between >= config.split_below or min(moved, len(embedded) - moved) < config.min_part:
        return None
    if min(_within(vectors[mask]), _within(vectors[~mask])) - between < config.margin:
        return None
    go = mask.tolist()
    if evidence is not None:
        kept = [m for m, g in zip(embedded, go, strict=True) if not g]
        between += evidence(kept, [m for m, g in zip(embedded, go, strict=True) if g])
        if between >= config.split_below:
            return None
    out = {m.article_id for m, g in zip(embedded, go, strict=True) if g}
    out.update(m.article_id for m in members if m.duplicate_of is not None and m.duplicate_of in out)
    return out, between


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
