"""Every side of one story: its claims aligned across outlets, their status, omissions and a brief.

The unit of work is one *scope* (a story, or a storyline so that background facts told in
different chapters meet): a plain function over the scope's articles, so it runs the same
in-process or on a distributed engine, and its cost grows with the scope's size only:

1. ``article_claims``: the check-worthy sentences of each article (``checkworthy``), with the
   entities, numbers and dates inside them; a sentence that is mostly a direct quote is a claim
   *by its speaker*.
2. Candidates: each claim's ``k`` nearest claims of the scope by sentence embedding
   (``align.nearest``: exact for small scopes, HNSW for big ones; never all pairs). With static
   recall (``recall``), the nearest by the cheap static encoder's cosine, and MiniLM embeds only
   the sentences of the pairs its cosine could decide (``decisive_pairs``).
3. Confirmation: ``align.match_score`` over words, entities, numbers and dates; pairs at or
   above ``GROUP_THRESHOLD`` from different articles join one claim.
4. Conflicts: the judge (``compare.RuleJudge`` by default) looks at every candidate pair from
   different sources that is at least ``related`` — an assertion and its negation are rarely
   worded alike enough to *match* —; differing figures and dates count only for pairs that
   matched as the same claim (two related sentences with different dates are usually two facts).
5. Status: ``conflicting`` if a judge found a disagreement, else ``corroborated`` when at least
   two independent sources carry it (an outlet counts once however many of its articles or
   syndicated copies do), else ``single_source``.

Duplicates (near-identical copies found by the stories stage) are left out of the comparison:
they would corroborate a claim with itself.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import numpy as np

from counterpoint.claims.align import STATIC_FLOOR, match_score, nearest, optimistic_cosine, score_bound
from counterpoint.claims.brief import stands_alone, story_brief, story_members, usable
from counterpoint.claims.checkworthy import CHECKWORTHY_THRESHOLD, sentence_worthiness
from counterpoint.claims.compare import Judge, RuleJudge
from counterpoint.model import Span
from counterpoint.model.claim import (
    WHY_KEPT,
    ArticleFacts,
    BriefSentence,
    Claim,
    ClaimCandidate,
    ClaimConflict,
    ClaimText,
    ConflictLink,
    ScopeResult,
    ScopeState,
)

#: claim kinds that are not factual claims even when they score high
_NOT_CLAIMS = frozenset({"opinion", "question"})
#: sentences this far below the check-worthiness threshold still take part: they can corroborate
#: or contradict a claim ("a formal agreement remains elusive" scores low on its own) but never
#: found one unless they conflict with another
WEAK_MARGIN = 0.15
#: match score at which two sentences of one scope are the same claim. Higher than
#: ``align.MATCH_THRESHOLD`` (fitted for retrieval among thousands of unrelated fact-checks): inside
#: one story every candidate already shares the topic, names and dates, which lifts every score
GROUP_THRESHOLD = 0.5
#: candidate pairs scoring this much, or this close in embedding, are related enough to be checked
#: for a conflict: a claim and its denial share words but rarely score as the same claim
RELATED_THRESHOLD = 0.25
RELATED_COSINE = 0.45
#: nearest neighbours proposed per claim
NEIGHBOURS = 8
#: sentences of each article's lead a fallback brief reads (``fallback_brief``)
FALLBACK_LEAD = 3
#: nearest neighbours proposed per claim by static cosine (``recall``): the static encoder ranks
#: paraphrases less well, so it proposes more, and most are dropped before MiniLM sees them
STATIC_NEIGHBOURS = 2 * NEIGHBOURS

#: sentence vectors by span: L2-normalised rows, one per span
Embed = Callable[[Sequence[Span]], np.ndarray]


def covered_share(start: int, end: int, spans: Sequence[tuple[int, int]]) -> float:
    """The share of ``start..end`` that ``spans`` cover (0..1)."""
    if end <= start:
        return 0.0
    covered = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return min(1.0, covered / (end - start))


def article_claims(
    a: ArticleFacts, *, threshold: float = CHECKWORTHY_THRESHOLD, skip: Collection[str] = _NOT_CLAIMS
) -> list[ClaimCandidate]:
    """The sentences of one article scoring at least ``threshold``, with their facts and spans
    (sentences of a kind in ``skip`` left out)."""
    out: list[ClaimCandidate] = []
    quotes = [(q.span.start, q.span.end) for q in a.quotes]
    loaded = [(sp.start, sp.end) for sp in a.loaded]
    for s, e in a.sentences:
        text = a.text[s:e]
        mentions = [m for m in a.mentions if s <= m.span.start and m.span.end <= e]
        numbers = tuple(n for n in a.numbers if s <= n.span.start and n.span.end <= e)
        times = tuple(t for t in a.times if s <= t.span.start and t.span.end <= e and t.value)
        in_quote = covered_share(s, e, quotes)
        w = sentence_worthiness(
            text,
            [(m.span.start - s, m.span.end - s, m.label) for m in mentions],
            numbers,
            times,
            in_quote=in_quote,
        )
        if w.score < threshold or w.kind in skip:
            continue
        speaker = None
        if in_quote >= 0.5:
            speaker = next((q.speaker for q in a.quotes if q.span.start < e and s < q.span.end), None)
        claim = ClaimText(text, frozenset(m.canonical for m in mentions), numbers, times)
        out.append(
            ClaimCandidate(
                Span(a.article_id, s, e, text), w.score, w.kind, covered_share(s, e, loaded), speaker, claim
            )
        )
    return out


def claim_id(scope_id: str, span: Span) -> str:
    """A claim's stable id: its scope and the first evidence sentence that founded it."""
    key = f"claim:{scope_id}:{span.article_id}:{span.start}:{span.end}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class Groups:
    """Union-find over candidate indexes, from each index's parent (itself for a new one)."""

    def __init__(self, parent: Sequence[int]) -> None:
        self.parent = list(parent)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def compare_scope(
    scope_id: str,
    articles: Sequence[ArticleFacts],
    embed: Embed,
    *,
    recall: Embed | None = None,
    story_of: Mapping[str, str] | None = None,
    judge: Judge | None = None,
    neighbours: int | None = None,
) -> ScopeResult:
    """Align, judge and summarise the claims of one scope.

    ``embed`` maps evidence sentences to L2-normalised rows (by span, so a caller can cache
    them); with ``recall`` (static recall), pairs are proposed by ``recall``'s rows instead and
    ``embed`` is asked only for the sentences of pairs whose outcome its cosine could change
    (:func:`decisive_pairs`). ``story_of`` maps article ids to story ids
    (all articles belong to ``scope_id`` when omitted, i.e. the scope is a story). The result
    carries the ``ScopeState`` that ``claims.update.update_scope`` extends later.
    """
    judge = judge or RuleJudge()
    story_of = dict(story_of or {a.article_id: scope_id for a in articles})
    originals = comparable(articles, story_of)
    cands, owner = candidates(originals)
    state = ScopeState(story_of, [a.article_id for a in originals], cands, [], [], [], [])
    if cands:
        spans = [c.span for c in cands]
        rough = (recall or embed)(spans)
        fine = Cosines(embed, spans, None if recall else rough)
        k = neighbours or (NEIGHBOURS if recall is None else STATIC_NEIGHBOURS)
        rows = nearest(rough, k)
        pairs = {(min(i, j), max(i, j)): cos for i, row in enumerate(rows) for j, cos in row}
        edges, state.conflicts = judge_pairs(pairs, cands, owner, judge, fine if recall else None)
        groups = Groups(list(range(len(cands))))
        state.refused = group(edges, groups, cands, fine)
        state.roots = [groups.find(i) for i in range(len(cands))]
        state.top = [tuple(cos for _j, cos in row) for row in rows]
    return assemble(scope_id, state, {a.article_id: a for a in originals})


class Cosines:
    """Cosines between candidates by index, embedding a candidate only when a pair first needs it.

    ``known`` rows (the full path's vectors) are used as they are; otherwise ``embed`` is called
    once per :meth:`need` for the candidates not embedded yet, and ``embedded`` counts them.
    """

    def __init__(self, embed: Embed, spans: Sequence[Span], known: np.ndarray | None = None) -> None:
        self.embed, self.spans = embed, spans
        self.rows: dict[int, np.ndarray] = {} if known is None else dict(enumerate(known))
        self.embedded = 0

    def need(self, idx: Iterable[int]) -> None:
        # not ``set(idx) - self.rows.keys()``: that copies every key, and a scope has ~50k rows
        todo = sorted({i for i in idx if i not in self.rows})
        if todo:
            self.rows.update(zip(todo, self.embed([self.spans[i] for i in todo]), strict=True))
            self.embedded += len(todo)

    def __call__(self, i: int, j: int) -> float:
        self.need((i, j))
        return float(self.rows[i] @ self.rows[j])


def comparable(articles: Sequence[ArticleFacts], members: Mapping[str, str]) -> list[ArticleFacts]:
    """The articles that take part: near-duplicates of another member would corroborate it with itself."""
    return [a for a in articles if a.duplicate_of is None or a.duplicate_of not in members]


def candidates(articles: Sequence[ArticleFacts]) -> tuple[list[ClaimCandidate], list[ArticleFacts]]:
    """Every candidate sentence of ``articles`` (weak ones included), in order, with its article."""
    cands: list[ClaimCandidate] = []
    owner: list[ArticleFacts] = []
    for a in articles:
        for c in article_claims(a, threshold=CHECKWORTHY_THRESHOLD - WEAK_MARGIN):
            cands.append(c)
            owner.append(a)
    return cands, owner


def judge_pairs(
    pairs: Mapping[tuple[int, int], float],
    cands: Sequence[ClaimCandidate],
    owner: Sequence[ArticleFacts],
    judge: Judge,
    fine: Cosines | None = None,
) -> tuple[list[tuple[float, int, int]], list[ConflictLink]]:
    """Score candidate pairs (i < j -> cosine): the matching edges, and the conflicts the judge finds.

    Pairs within one article are skipped; conflicts are judged only between different sources and
    returned in pair order, so the result does not depend on the order pairs were proposed in.
    With ``fine``, the pairs' cosines are static ones: only the :func:`decisive_pairs` are scored,
    with ``fine``'s cosines (their sentences embedded in one call).
    """
    if fine is not None:
        keep = decisive_pairs(pairs, cands, owner, judge)
        fine.need(i for pair in keep for i in pair)
        pairs = nearest_of({(i, j): fine(i, j) for i, j in keep}, NEIGHBOURS)
    edges: list[tuple[float, int, int]] = []
    conflicts: list[ConflictLink] = []
    for (i, j), cos in sorted(pairs.items()):
        if owner[i].article_id == owner[j].article_id:
            continue
        score = match_score(cands[i].claim, cands[j].claim, cos)
        if score >= GROUP_THRESHOLD:
            edges.append((score, i, j))
        if (score >= RELATED_THRESHOLD or cos >= RELATED_COSINE) and owner[i].source != owner[j].source:
            verdict = judge.judge(cands[i].claim, cands[j].claim, same_claim=score >= GROUP_THRESHOLD)
            if verdict is not None and verdict.conflict:
                conflicts.append(ConflictLink(i, j, verdict.why, verdict.rule))
    return edges, conflicts


def nearest_of(pairs: Mapping[tuple[int, int], float], k: int) -> dict[tuple[int, int], float]:
    """The pairs among ``pairs`` (i < j -> cosine) that are among the ``k`` closest of i's or of j's.

    Static recall proposes more neighbours than the full path; keeping, by MiniLM cosine, each
    sentence's ``k`` closest of the decisive ones gives about the pairs the full path's ``k``
    nearest would have proposed.
    """
    by_row: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for (i, j), cos in pairs.items():
        by_row[i].append((cos, i, j))
        by_row[j].append((cos, i, j))
    kept: dict[tuple[int, int], float] = {}
    for row in by_row.values():
        for cos, i, j in sorted(row, key=lambda t: (-t[0], t[1], t[2]))[:k]:
            kept[(i, j)] = cos
    return kept


def decisive_pairs(
    pairs: Mapping[tuple[int, int], float],
    cands: Sequence[ClaimCandidate],
    owner: Sequence[ArticleFacts],
    judge: Judge,
) -> list[tuple[int, int]]:
    """The pairs (i < j -> static cosine) whose outcome in :func:`judge_pairs` a MiniLM cosine could change.

    Dropped: pairs within one article; a static cosine under ``align.STATIC_FLOOR``; pairs that
    could not match (``align.score_bound`` under ``GROUP_THRESHOLD``) and would not be judged even
    with the optimistic cosine, or are between one source's articles. The offline rule judge's
    verdict on a pair that cannot match needs no cosine, so such a pair is kept only if the rules
    find a conflict (an LLM judge is asked only about pairs the full path would ask about).
    """
    offline = isinstance(judge, RuleJudge)
    keep: list[tuple[int, int]] = []
    for (i, j), cos in sorted(pairs.items()):
        if owner[i].article_id == owner[j].article_id or cos < STATIC_FLOOR:
            continue
        a, b = cands[i].claim, cands[j].claim
        bound = score_bound(a, b, cos)
        if bound < GROUP_THRESHOLD:
            if owner[i].source == owner[j].source:
                continue
            if bound < RELATED_THRESHOLD and optimistic_cosine(cos) < RELATED_COSINE:
                continue
            if offline and not ((v := judge.judge(a, b, same_claim=False)) is not None and v.conflict):
                continue
        keep.append((i, j))
    return keep


def group(
    edges: Sequence[tuple[float, int, int]],
    groups: Groups,
    cands: Sequence[ClaimCandidate],
    cosine: Callable[[int, int], float],
) -> list[tuple[int, int]]:
    """Join matching pairs into claims, best first; return the pairs the founder rule refused.

    Two groups join only if their founding sentences match too, which stops A~B~C chains from
    gluing unrelated sentences through one that mentions a bit of both. ``cosine(i, j)`` is the
    pair's (MiniLM) cosine.
    """
    refused: list[tuple[int, int]] = []
    for _score, i, j in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ri, rj = groups.find(i), groups.find(j)
        if ri == rj:
            continue
        if {ri, rj} != {i, j}:
            cos = cosine(ri, rj)
            if match_score(cands[ri].claim, cands[rj].claim, cos) < GROUP_THRESHOLD:
                refused.append((i, j))
                continue
        groups.union(i, j)
    return refused


def assemble(
    scope_id: str,
    state: ScopeState,
    articles: Mapping[str, ArticleFacts],
    kept: Mapping[str, list[BriefSentence]] | None = None,
) -> ScopeResult:
    """Claims, statuses, omissions and briefs of a scope from its grouped and judged candidates.

    Bookkeeping only (no scoring): ``articles`` needs each compared member's outlet, label and
    date, not its text or layers. ``kept``: the briefs stored by the last comparison; a story's is
    kept when everything its brief is built from digests as it did then (``state.brief_keys``):
    choosing brief sentences is most of the cost of updating a big scope (42 of 105 s at 10k).
    """
    cands = state.candidates
    if not cands:
        return ScopeResult([], {}, _fallbacks(scope_id, state, articles, {}), state)
    owner = [articles[c.span.article_id] for c in cands]
    story_of = state.members
    groups = Groups(state.roots)
    # A sentence often carries several facts ("… since 2018, following the arrest of … and the
    # detention of …"): a refused pair still supports both claims, as extra evidence of each.
    support: dict[int, set[int]] = defaultdict(set)
    for i, j in state.refused:
        ri, rj = groups.find(i), groups.find(j)
        if ri != rj:
            support[ri].add(j)
            support[rj].add(i)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(cands)):
        members[groups.find(i)].append(i)
    claims: list[Claim] = []
    claim_of: dict[int, Claim] = {}
    in_conflict = {groups.find(k) for c in state.conflicts for k in (c.first, c.second)}
    for root in sorted(members, key=lambda r: (cands[r].span.article_id, cands[r].span.start)):
        if root not in in_conflict and all(cands[i].score < CHECKWORTHY_THRESHOLD for i in members[root]):
            continue  # only weak sentences: context, not a claim
        idx = sorted(set(members[root]) | support.get(root, set()), key=lambda i: (
            owner[i].published or "", cands[i].span.article_id, cands[i].span.start))  # fmt: skip
        best = min(
            members[root],
            key=lambda i: (
                cands[i].score < CHECKWORTHY_THRESHOLD,
                round(cands[i].loaded, 2),
                -cands[i].score,
                len(cands[i].span.text),
            ),
        )
        sources = {owner[i].source for i in idx}
        stories = [story_of.get(owner[i].article_id, scope_id) for i in idx]
        story = max(set(stories), key=lambda s: (stories.count(s), s))
        outlets = list(dict.fromkeys(owner[i].name for i in idx))
        claim = Claim(
            claim_id(scope_id, cands[root].span),
            story,
            cands[best].span.text.strip(),
            "corroborated" if len(sources) >= 2 else "single_source",
            cands[best].kind,
            [cands[i].span for i in idx],
            outlets,
            len(sources),
            cands[best].speaker,
            max(cands[i].score for i in idx),
        )
        claims.append(claim)
        for i in idx:
            claim_of[i] = claim
    conflicts = [
        (c.first, c.second, c) for c in state.conflicts if c.first in claim_of and c.second in claim_of
    ]
    # what each claim lists already, as sets: a claim can be in hundreds of conflicts and its
    # sentences in thousands of disagreeing pairs (a claim keeps WHY_KEPT reasons, counts them all)
    listed: dict[str, set[str]] = defaultdict(set)
    said: dict[str, set[str]] = defaultdict(set)
    disputes: dict[tuple[str, str], _Dispute] = {}
    for i, j, link in conflicts:
        first, second = claim_of[i], claim_of[j]
        why = _conflict_why(owner[i], cands[i], owner[j], cands[j], link.why)
        for x, y in ((first, second), (second, first)):
            x.status = "conflicting"
            if y.id != x.id and y.id not in listed[x.id]:
                listed[x.id].add(y.id)
                x.conflicts_with.append(y.id)
            if why not in said[x.id]:
                said[x.id].add(why)
                if len(x.why) < WHY_KEPT:
                    x.why.append(why)
        key = (min(first.id, second.id), max(first.id, second.id))
        disputes.setdefault(key, _Dispute()).add(why, cands[i], cands[j])
    for claim in claims:
        claim.why_count = len(said.get(claim.id, ()))
    claims.sort(key=_claim_order)
    position = {c.id: k for k, c in enumerate(claims)}
    pairs_of = [d.record(*sorted(key, key=position.__getitem__)) for key, d in disputes.items()]
    originals = [articles[a] for a in state.compared]
    omissions = _omissions(claims, originals, story_of, scope_id)
    # a story's brief states only the conflicts between two of its own articles, and cites only them
    pairs: dict[str, list[tuple[int, int, ConflictLink]]] = defaultdict(list)
    for i, j, link in conflicts:
        si = story_of.get(owner[i].article_id, scope_id)
        if si == story_of.get(owner[j].article_id, scope_id):
            pairs[si].append((i, j, link))
    briefs: dict[str, list[BriefSentence]] = {}
    keys: dict[str, str] = {}
    reused: set[str] = set()
    for sid, idx in story_members(cands, owner, story_of, scope_id).items():
        keys[sid] = _brief_key(idx, cands, owner, claim_of, pairs.get(sid, []))
        if kept is not None and sid in kept and state.brief_keys.get(sid) == keys[sid]:
            briefs[sid] = kept[sid]
            reused.add(sid)
        else:
            briefs[sid] = story_brief(sid, idx, cands, owner, claim_of, pairs.get(sid, []))
    briefs.update(_fallbacks(scope_id, state, articles, briefs))
    state.brief_keys = keys
    return ScopeResult(claims, omissions, briefs, state, frozenset(reused), pairs_of)


class _Dispute:
    """The reasons of one pair of claims as the judge gives them: the first, and how many differ.

    For a claim at odds with itself, also the distinct sentences on each side of its reasons.
    """

    def __init__(self) -> None:
        self.first: str | None = None
        self.reasons: set[str] = set()
        self.sides: tuple[set[str], set[str]] = (set(), set())

    def add(self, why: str, a: ClaimCandidate, b: ClaimCandidate) -> None:
        if self.first is None:
            self.first = why
        self.reasons.add(why)
        self.sides[0].add(a.span.text.strip())
        self.sides[1].add(b.span.text.strip())

    def record(self, first: str, second: str) -> ClaimConflict:
        own = first == second
        return ClaimConflict(
            first, second, self.first or "", len(self.reasons),
            len(self.sides[0]) if own else None, len(self.sides[1]) if own else None,
        )  # fmt: skip


def _brief_key(
    idx: Sequence[int],
    cands: Sequence[ClaimCandidate],
    owner: Sequence[ArticleFacts],
    claim_of: Mapping[int, Claim],
    pairs: Sequence[tuple[int, int, ConflictLink]],
) -> str:
    """A digest of what ``story_brief`` reads for one story: its candidates and their articles'
    names, outlets and dates, the id and status of their claims and the claims' evidence in the
    story's own articles (a claim of a big storyline has evidence all over it: that part is not
    read, and digesting it made the digest cost more than the brief), and its conflicts."""
    in_story = {owner[i].article_id for i in idx}
    parts: list[object] = []
    seen: set[str] = set()
    for i in idx:
        c, a, claim = cands[i], owner[i], claim_of.get(i)
        parts.append((i, c.span.article_id, c.span.start, c.span.end, a.name, a.outlet, a.published))
        if claim is not None and claim.id not in seen:
            seen.add(claim.id)
            ev = [(e.article_id, e.start, e.end) for e in claim.evidence if e.article_id in in_story]
            parts.append((claim.id, claim.status, ev))
    parts.extend((i, j, link.why, link.rule) for i, j, link in pairs)
    return hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def briefless(scope_id: str, state: ScopeState) -> dict[str, list[str]]:
    """Story id -> its compared articles, for each story of the scope none of whose candidates a
    brief can use (no check-worthy sentence, or only fragments and cut-off lines)."""
    by_story: dict[str, list[ClaimCandidate]] = defaultdict(list)
    for c in state.candidates:
        by_story[state.members.get(c.span.article_id, scope_id)].append(c)
    # most stories' first candidate will do: stop there
    has_brief = {sid: any(usable(c) for c in cands) for sid, cands in by_story.items()}
    out: dict[str, list[str]] = defaultdict(list)
    for aid in state.compared:
        sid = state.members.get(aid, scope_id)
        if not has_brief.get(sid, False):
            out[sid].append(aid)
    return dict(out)


def fallback_brief(story_id: str, articles: Sequence[ArticleFacts]) -> list[BriefSentence]:
    """The brief of a story without a check-worthy sentence: its articles' leads.

    A headline with a one-sentence lead, a feature or an opinion piece has no sentence the claims
    stage keeps, yet it is a story a reader looks at. Its brief is built the same way from the first
    ``FALLBACK_LEAD`` sentences of each article (questions left out, opinions kept), without claims:
    a sentence is stated as fact only when another source echoes it in plain words, and is
    otherwise told in its outlet's name ("According to …"), a view always so. Sentences that do not
    stand alone (``brief.stands_alone``: "He said …", "Watch …", "I joined …") are left out: such a
    story may still have no brief.
    """
    cands: list[ClaimCandidate] = []
    owner: list[ArticleFacts] = []
    for a in articles:
        for c in article_claims(a, threshold=float("-inf"), skip=("question",))[:FALLBACK_LEAD]:
            if stands_alone(c.span.text.strip()):
                cands.append(c)
                owner.append(a)
    return story_brief(story_id, range(len(cands)), cands, owner, {}) if cands else []


def _fallbacks(
    scope_id: str, state: ScopeState, articles: Mapping[str, ArticleFacts], briefs: Mapping[str, object]
) -> dict[str, list[BriefSentence]]:
    """``fallback_brief`` of each story without a brief, from the articles whose text is at hand
    (an update passes the text of a briefless story's old members; see ``briefless``)."""
    lacking: dict[str, list[str]] = defaultdict(list)
    for aid in state.compared:
        sid = state.members.get(aid, scope_id)
        if not briefs.get(sid):
            lacking[sid].append(aid)
    out = {}
    for sid, ids in lacking.items():
        facts = [articles[a] for a in ids if a in articles and articles[a].sentences]
        brief = fallback_brief(sid, facts)
        if brief:
            out[sid] = brief
    return out


def _conflict_why(
    oa: ArticleFacts, ca: ClaimCandidate, ob: ArticleFacts, cb: ClaimCandidate, verdict_why: str | None
) -> str:
    first, second = oa.name, ob.name
    detail = (verdict_why or "they disagree").replace("the first", first).replace("the second", second)
    return f"{first} reports “{ca.span.text.strip()}”; {second} reports “{cb.span.text.strip()}” — {detail}"


_STATUS_ORDER = {"conflicting": 0, "corroborated": 1, "single_source": 2}


def _claim_order(c: Claim) -> tuple[int, int, float, str, int]:
    first = c.evidence[0]
    return (_STATUS_ORDER[c.status], -c.sources, -c.score, first.article_id, first.start)


def _omissions(
    claims: Sequence[Claim], articles: Sequence[ArticleFacts], story_of: Mapping[str, str], scope_id: str
) -> dict[str, list[str]]:
    """Per article: the corroborated claims of its own story that it carries no evidence for."""
    out: dict[str, list[str]] = {}
    told = [
        (c, {s.article_id for s in c.evidence})
        for c in claims
        if c.status != "single_source" and c.sources >= 2
    ]
    for a in articles:
        story = story_of.get(a.article_id, scope_id)
        missing = [c.id for c, carried in told if c.story_id == story and a.article_id not in carried]
        if missing:
            out[a.article_id] = missing
    return out
