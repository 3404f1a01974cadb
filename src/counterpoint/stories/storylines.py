"""Storylines: stories linked over months because they share central entities and a theme.

Two stories are linked when they share at least ``min_shared`` of their
central entities (the ``central`` most weighted by count x idf over stories)
and the shared ones carry at least ``min_overlap`` of the idf mass of the
smaller central set (sharing "United States" and "Donald Trump" is not enough
when everything mentions them),
their centroids' cosine reaches ``min_cosine`` (a looser bar than joining a
story: a storyline holds different events), and, when both are dated, their
spans are at most ``max_gap_days`` apart. Linked stories form storylines
(connected components).

Candidates come from blocking, never all pairs: stories are visited in
creation order and each is compared with the newest ``block_cap`` earlier
stories that share one of its central entities, plus its ``ann_k`` nearest
earlier centroids. Stories kept out of English similarity are never linked.

Links are re-examined each run over the whole story table (cheap: stories,
not articles), but a storyline never loses a story it held: stories that were
in one storyline before stay together (``previous``) and the run only adds
links, so storylines grow and merge and never split. A storyline is a claim
scope; when links were recomputed from nothing, a shifted idf or centroid
broke one link and moved hundreds of articles between storylines, and each
such storyline was compared again from scratch (at 10k articles 15 of 19
touched scopes, up to 1,740 articles each: docs/BENCHMARKS.md). A storyline
keeps the id it had (the one held by most of its stories when two merge), so
its claims, page and links stay put.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from usearch.index import Index

from counterpoint.model import content_id
from counterpoint.model.story import Storyline, StorySummary
from counterpoint.stories.cluster import day_gap, parse_date


@dataclass(frozen=True, slots=True, kw_only=True)
class StorylineConfig:
    """Parameters of storyline linking."""

    central: int = 6
    min_shared: int = 2
    min_overlap: float = 0.5
    min_cosine: float = 0.5
    max_gap_days: int = 365
    ann_k: int = 10
    block_cap: int = 16


def storyline_id(first_story_id: str) -> str:
    """A storyline's id: derived from its oldest story, so it stays put as the storyline grows."""
    return content_id("storyline:" + first_story_id)


def central_entities(stories: Sequence[StorySummary], k: int) -> tuple[list[list[str]], dict[str, float]]:
    """The ``k`` central entities of each story (count x idf, idf over stories), and the idf."""
    df: Counter[str] = Counter()
    for s in stories:
        df.update(e for e, c in s.entities.items() if c > 0)
    n = max(1, len(stories))
    idf = {e: math.log(1 + n / d) for e, d in df.items()}
    out: list[list[str]] = []
    for s in stories:
        w = {e: c * idf[e] for e, c in s.entities.items() if c > 0}
        out.append(sorted(w, key=lambda e: (-w[e], e))[:k])
    return out, idf


def link_storylines(
    stories: Sequence[StorySummary],
    config: StorylineConfig | None = None,
    previous: Mapping[str, str] | None = None,
) -> list[Storyline]:
    """Group stories into storylines; stories linked to no other are left out.

    ``previous`` maps story ids to the storyline each was in when storylines were last built:
    those stories start out together, and their storyline keeps its id.
    """
    cfg = config or StorylineConfig()
    previous = previous or {}
    order = sorted(range(len(stories)), key=lambda i: stories[i].key)
    stories = [stories[i] for i in order]
    central, idf = central_entities(stories, cfg.central)
    mass = [sum(idf[e] for e in c) for c in central]
    parent = list(range(len(stories)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    for i, s in enumerate(stories):
        if (line := previous.get(s.id)) is not None:
            ri, rj = find(i), find(first_of.setdefault(line, i))
            parent[max(ri, rj)] = min(ri, rj)

    dim = next((len(s.centroid) for s in stories if s.centroid is not None), 0)
    # a lighter graph than the default (expansion 128/64): 10 neighbours of one story are wanted
    index = (
        Index(ndim=dim, metric="ip", dtype="f16", connectivity=16, expansion_add=40, expansion_search=40)
        if dim
        else None
    )
    postings: dict[str, deque[int]] = {}
    for i, s in enumerate(stories):
        if not s.english or s.centroid is None or index is None:
            continue
        cands: set[int] = set()
        for e in central[i]:
            cands.update(postings.get(e, ()))
        if len(index):
            hits = index.search(s.centroid, cfg.ann_k, threads=1)
            cands.update(int(k) for k in np.atleast_1d(hits.keys))
        mine = set(central[i])
        for j in sorted(cands):
            other = stories[j]
            if find(i) == find(j) or other.centroid is None:
                continue
            if float(s.centroid @ other.centroid) < cfg.min_cosine:
                continue
            shared = mine.intersection(central[j])
            if len(shared) < cfg.min_shared:
                continue
            if math.fsum(idf[e] for e in shared) < cfg.min_overlap * min(mass[i], mass[j]):
                continue
            if _gap(s, other) > cfg.max_gap_days:
                continue
            ri, rj = find(i), find(j)
            parent[max(ri, rj)] = min(ri, rj)
        for e in central[i]:
            postings.setdefault(e, deque(maxlen=cfg.block_cap)).append(i)
        index.add(i, s.centroid.astype(np.float32), threads=1)

    groups: dict[int, list[int]] = {}
    for i in range(len(stories)):
        groups.setdefault(find(i), []).append(i)
    out: list[Storyline] = []
    for root in sorted(groups):
        members = sorted(groups[root])
        if len(members) < 2:
            continue
        in_stories: Counter[str] = Counter()
        mentions: Counter[str] = Counter()
        for i in members:
            in_stories.update(central[i])
            mentions.update(stories[i].entities)
        ents = sorted(in_stories, key=lambda e: (-in_stories[e], -mentions[e], e))
        firsts = [d for i in members if (d := stories[i].first)]
        lasts = [d for i in members if (d := stories[i].last)]
        out.append(
            Storyline(
                _line_id([stories[i].id for i in members], previous),
                tuple(stories[i].id for i in members),
                tuple(e for e in ents if in_stories[e] >= 2)[: cfg.central],
                min(firsts) if firsts else None,
                max(lasts) if lasts else None,
            )
        )
    return out


def _line_id(story_ids: Sequence[str], previous: Mapping[str, str]) -> str:
    """The id a storyline held before (the one most of its stories were in; the oldest's on a tie),
    else one derived from its oldest story."""
    held = Counter(line for s in story_ids if (line := previous.get(s)) is not None)
    if not held:
        return storyline_id(story_ids[0])
    return max(held, key=held.__getitem__)  # first counted first: the oldest story's on a tie


def _gap(a: StorySummary, b: StorySummary) -> int:
    """Days between two stories' spans (0 when they overlap or either is undated)."""
    a1, a2, b1, b2 = parse_date(a.first), parse_date(a.last), parse_date(b.first), parse_date(b.last)
    if a1 is None or a2 is None or b1 is None or b2 is None:
        return 0
    gaps = [g for g in (day_gap(a1, b1, b2), day_gap(a2, b1, b2)) if g is not None]
    return 0 if a1 <= b2 and b1 <= a2 else min(gaps)
