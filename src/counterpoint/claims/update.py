"""Update a scope's claims with its new articles instead of comparing the whole scope again.

A storyline grows by a few articles at a time, and comparing it from scratch costs every member's
check-worthiness scoring, neighbour search and pair scoring again. ``update_scope`` starts from
the ``ScopeState`` the last comparison left (every candidate sentence with its scores, its group
and how close its nearest neighbours were; refused pairs; conflicts) and does only the work the
new candidates bring:

1. check-worthiness of the new articles' sentences (``story.candidates``);
2. neighbours: each new candidate's ``k`` nearest among all candidates (one matrix product against
   the stored vectors), and every old candidate whose ``k`` nearest a new one now enters (its
   stored neighbour cosines say how close a newcomer must be);
3. scoring and judging of those pairs only (``story.judge_pairs``), the same rules as a full
   comparison;
4. grouping of the new matching pairs, best first, on top of the stored groups (``story.group``,
   the founder rule included);
5. claims, statuses, omissions and briefs assembled again from the whole state
   (``story.assemble``): bookkeeping over the scope's candidates, no scoring.

Where the result can differ from a full comparison (``docs/claims.md``, "Incremental updates"):
an old pair a newcomer pushed out of an old candidate's ``k`` nearest stays compared; old matching
pairs were grouped before the new ones, so where the founder rule's outcome depends on the order
of edges two chains may be joined differently; and the HNSW index of big scopes is approximate
anyway. Groups are never split by an update.

Additions are updated this way, and so are members that moved between stories of the scope (a
story split by the stories stage's re-check): the candidate graph is the scope's and never reads
which story an article is in; only ``assemble``'s bookkeeping does, and it runs on the new map.
When a member left the scope or became a duplicate of another member, the caller compares the
scope from scratch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from counterpoint.claims.compare import Judge, RuleJudge
from counterpoint.claims.story import (
    NEIGHBOURS,
    STATIC_NEIGHBOURS,
    Cosines,
    Embed,
    Groups,
    assemble,
    candidates,
    comparable,
    group,
    judge_pairs,
)
from counterpoint.model.claim import ArticleFacts, BriefSentence, ScopeResult, ScopeState

#: cells of one block of the new-rows x all-rows cosine matrix (64 MB of float32)
BLOCK = 1 << 24


def can_update(
    state: ScopeState | None, story_of: Mapping[str, str], duplicate_of: Mapping[str, str]
) -> bool:
    """Whether the scope only gained articles since ``state`` (or its members moved between its
    stories), so that an update gives its claims.

    ``duplicate_of`` maps the scope's near-duplicate members to their originals. False when a
    member left, or stopped (or started) taking part in the comparison because its original joined
    the scope: those need a full comparison. A member that moved to another story of the scope
    does not: at 10k articles a story split by the stories stage's re-check made whole storylines
    of up to 1,403 articles be compared again (docs/BENCHMARKS.md, "10k end to end").
    """
    if state is None:
        return False
    if any(aid not in story_of for aid in state.members):
        return False
    compared = set(state.compared)
    for aid in state.members:
        dup = duplicate_of.get(aid)
        takes_part = dup is None or dup not in story_of
        if takes_part != (aid in compared):
            return False
    return True


def update_scope(
    scope_id: str,
    state: ScopeState,
    new_articles: Sequence[ArticleFacts],
    members: Mapping[str, ArticleFacts],
    embed: Embed,
    *,
    recall: Embed | None = None,
    story_of: Mapping[str, str],
    judge: Judge | None = None,
    neighbours: int | None = None,
    texts: Sequence[ArticleFacts] = (),
    kept: Mapping[str, list[BriefSentence]] | None = None,
) -> ScopeResult:
    """The claims of a scope that gained ``new_articles`` since ``state`` (see the module docstring).

    ``new_articles`` carry their facts (text and layers); ``members`` needs only the outlet, label
    and date of every compared member, old and new (``ArticleFacts`` without text is enough);
    ``embed`` maps spans to L2-normalised rows, old candidates' rows coming from the store; with
    ``recall`` (static recall) neighbours are found with ``recall``'s rows, as ``compare_scope``
    does, and ``embed`` is asked only for the sentences of the decisive pairs. ``texts``: whole facts
    of old members whose story has no brief yet (``story.briefless``), for its fallback brief;
    ``kept``: the stored briefs, kept for the stories whose brief inputs did not change.
    """
    judge = judge or RuleJudge()
    fresh = comparable(new_articles, story_of)
    new_cands, _owner = candidates(fresh)
    n = len(state.candidates)
    cands = [*state.candidates, *new_cands]
    everyone = {**members, **{a.article_id: a for a in texts}, **{a.article_id: a for a in fresh}}
    owner = [everyone[c.span.article_id] for c in cands]
    before = set(state.compared)
    out = ScopeState(
        dict(story_of),
        [*state.compared, *(a.article_id for a in fresh if a.article_id not in before)],
        cands,
        [*state.roots, *range(n, len(cands))],
        list(state.top),
        list(state.refused),
        list(state.conflicts),
        dict(state.brief_keys),
    )
    if new_cands:
        spans = [c.span for c in cands]
        rough = (recall or embed)(spans)
        fine = Cosines(embed, spans, None if recall else rough)
        k = neighbours or (NEIGHBOURS if recall is None else STATIC_NEIGHBOURS)
        pairs = _new_pairs(rough, n, out.top, k)
        edges, conflicts = judge_pairs(pairs, cands, owner, judge, fine if recall else None)
        groups = Groups(out.roots)
        out.refused += group(edges, groups, cands, fine)
        out.roots = [groups.find(i) for i in range(len(cands))]
        out.conflicts = sorted([*out.conflicts, *conflicts], key=lambda c: (c.first, c.second))
    return assemble(scope_id, out, everyone, kept)


def _new_pairs(
    vectors: np.ndarray, n: int, top: list[tuple[float, ...]], neighbours: int
) -> dict[tuple[int, int], float]:
    """Candidate pairs (i < j -> cosine) with a new row (index >= ``n``), as ``nearest`` proposes them.

    Extends ``top`` (each row's nearest cosines, best first) in place with the new rows and with
    the new rows that enter an old row's ``k`` nearest. The new rows are compared with all rows in
    blocks of ``BLOCK`` cells: when two big storylines merge, the new rows of one and every row of
    the other made one matrix of 12 GB at 10k articles.
    """
    total = len(vectors)
    k = min(neighbours, total - 1)
    pairs: dict[tuple[int, int], float] = {}
    if k <= 0:
        top.extend(() for _ in range(total - n))
        return pairs
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    # the k-th nearest cosine of each old row before this update: a new row closer than it enters
    kth = np.array([t[k - 1] if len(t) >= k else -np.inf for t in top[:n]], dtype=np.float32)
    closer: dict[int, list[tuple[float, int]]] = {}
    step = max(1, BLOCK // total)
    for a in range(n, total, step):
        b = min(total, a + step)
        sims = v[a:b] @ v.T  # these new rows x all rows
        sims[np.arange(b - a), np.arange(a, b)] = -np.inf
        for x in range(b - a):
            row = np.argpartition(-sims[x], k - 1)[:k]
            order = row[np.argsort(-sims[x, row], kind="stable")]
            top.append(tuple(float(sims[x, j]) for j in order))
            for j in order:
                pairs[(int(j), a + x) if j < a + x else (a + x, int(j))] = float(sims[x, j])
        xs, js = np.nonzero(sims[:, :n] > kth[None, :])
        for x, j in zip(xs.tolist(), js.tolist(), strict=True):
            closer.setdefault(j, []).append((float(sims[x, j]), a + x))
    # old rows whose k nearest a new row enters: closer than their k-th, or they had fewer than k
    for j in sorted(closer):
        kept: list[tuple[float, int]] = [(c, -1) for c in top[j]]  # -1: an old neighbour, paired already
        merged = sorted([*kept, *closer[j]], key=lambda t: -t[0])[:k]
        top[j] = tuple(c for c, _ in merged)
        for cos, i in merged:
            if i >= 0:
                pairs.setdefault((j, i), cos)
    return pairs
