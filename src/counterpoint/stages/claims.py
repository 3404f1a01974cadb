"""The ``claims`` corpus stage: compare the claims of every changed scope across outlets.

A scope is a storyline, or a story in none. Its partition carries the comparison input of
each member article (read from the store) and the claim-sentence vectors the per-article
``vectors`` stage stored; ``compute`` aligns and judges the claims, writes the briefs and
omissions and builds the scope's timeline, embedding only sentences that have no stored
vector. With ``claim_recall = "static"`` the stored vectors are the cheap static encoder's: pairs
are proposed by them, and ``claim_embedder`` (MiniLM) embeds only the sentences of the pairs its
cosine could decide (``claims.story.decisive_pairs``); ``commit`` stores those too, so a later run
reuses them. ``commit`` replaces the scope's results, its signature and the state an update starts
from in one transaction. A scope is recomputed only when its member articles changed since it
was stored, so re-running on the same input does no work. When it only gained articles (the usual
case: new articles joined its stories) it is *updated* (``claims/update.py``): only the new
articles' sentences are scored, aligned against the stored candidates and judged; when a member
left or moved, it is compared from scratch. Scopes are independent: a distributed runner may
compute them in any order, in parallel.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.claims.backends import judge_for
from counterpoint.claims.compare import Judge
from counterpoint.claims.llm_brief import brief_writer_for
from counterpoint.claims.story import briefless, compare_scope, covered_share
from counterpoint.claims.timeline import build_timeline
from counterpoint.claims.update import can_update, update_scope
from counterpoint.config import Settings
from counterpoint.model import Span
from counterpoint.model.claim import (
    ArticleFacts,
    BriefSentence,
    ClaimScope,
    DatedSentence,
    ScopeResult,
    ScopeState,
    TimelineEvent,
)
from counterpoint.pipeline import corpus_stage
from counterpoint.stages.vectors import claim_encoder_name, encoder, recall_encoder_name
from counterpoint.stories.embed import Embedder, embed

if TYPE_CHECKING:  # the protocol only: stages reach the store through its methods
    from counterpoint.store import Store

#: events kept per scope's timeline (the best-supported, shown in date order)
TIMELINE_EVENTS = 60

VectorKey = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class ScopeWork:
    """One changed scope with the facts and stored sentence vectors of its articles."""

    scope: ClaimScope
    articles: list[ArticleFacts]
    vectors: Mapping[VectorKey, np.ndarray]
    recall: Mapping[VectorKey, np.ndarray] = field(default_factory=dict)  # static recall's vectors


@dataclass(frozen=True, slots=True)
class ScopeUpdate:
    """A scope that only gained articles: its stored state, the new articles' facts and the rest's headers.

    ``headers`` (outlet, label, date of every member) and ``times`` (the timeline's layers of the
    old members) are read without the layers the comparison needs; ``vectors`` are the stored
    sentence vectors of every compared member; ``briefless`` the whole facts of the old members of
    a story without a brief (``story.briefless``), which the fallback brief reads, and of a story
    the batch touched, whose brief is chosen again; ``kept`` the briefs stored for the others.
    """

    scope: ClaimScope
    state: ScopeState
    new: list[ArticleFacts]
    headers: list[ArticleFacts]
    times: list[ArticleFacts]
    vectors: Mapping[VectorKey, np.ndarray]
    recall: Mapping[VectorKey, np.ndarray] = field(default_factory=dict)  # static recall's vectors
    briefless: list[ArticleFacts] = field(default_factory=list)
    kept: dict[str, list[BriefSentence]] = field(default_factory=dict)  # the stored briefs


@dataclass(frozen=True, slots=True)
class ScopeOutcome:
    """What ``commit`` stores for one scope, with the sentence vectors embedded on the way."""

    scope: ClaimScope
    result: ScopeResult
    timeline: list[TimelineEvent]
    fresh_vectors: list[tuple[VectorKey, np.ndarray]] = field(default_factory=list)
    fresh_recall: list[tuple[VectorKey, np.ndarray]] = field(default_factory=list)
    updated: bool = False  # extended from the stored state rather than compared from scratch


@dataclass(frozen=True, slots=True)
class StaleScopes:
    """Scopes stored earlier that no longer exist (their stories were regrouped)."""

    ids: list[str]


class _Vectors:
    """Sentence vectors by span: stored ones first, the rest embedded once and remembered.

    The encoder named ``model`` is loaded only if a span has no stored vector: normally every
    candidate was embedded by the per-article ``vectors`` stage, and loading a second copy of the
    model in this process would cost time and memory for nothing.
    """

    def __init__(self, stored: Mapping[VectorKey, np.ndarray], embedder: Embedder | None, model: str) -> None:
        self.stored, self.embedder, self.model = stored, embedder, model
        self.fresh: dict[VectorKey, np.ndarray] = {}

    def __call__(self, spans: Sequence[Span]) -> np.ndarray:
        keys = [(s.article_id, s.start, s.end) for s in spans]
        todo = list(dict.fromkeys(k for k in keys if k not in self.stored and k not in self.fresh))
        if todo:
            text = {(s.article_id, s.start, s.end): s.text for s in spans}
            fn = self.embedder or encoder(self.model)
            self.fresh.update(zip(todo, embed([text[k] for k in todo], fn), strict=True))
        rows = [self.stored[k] if k in self.stored else self.fresh[k] for k in keys]
        return np.stack(rows).astype(np.float32)


def timeline_items(articles: Sequence[ArticleFacts]) -> list[DatedSentence]:
    """The dated sentences of a scope's original reports, with their loaded-language share."""
    items: list[DatedSentence] = []
    for a in articles:
        if a.duplicate_of is not None:
            continue  # a copy would corroborate an event with itself
        loaded = [(sp.start, sp.end) for sp in a.loaded]
        for t in a.times:
            share = covered_share(t.sentence.start, t.sentence.end, loaded)
            items.append(DatedSentence(a.article_id, a.name, a.published, t, share))
    return items


class ClaimsStep:
    """One run of the ``claims`` stage (see the module docstring)."""

    def __init__(
        self, settings: Settings, *, embedder: Embedder | None = None, judge: Judge | None = None
    ) -> None:
        self.model = claim_encoder_name(settings) if embedder is None else type(embedder).__name__
        self.embedder = embedder
        #: the encoder that proposes pairs under static recall (None: the claim encoder does)
        recall = recall_encoder_name(settings) if settings.claim_recall == "static" else None
        self.recall: str | None = None if recall == self.model else recall
        self.judge = judge or judge_for(settings)
        self.brief_writer = brief_writer_for(settings)
        self.counts = {
            "scopes": 0,
            "scopes_updated": 0,
            "claims": 0,
            "conflicting": 0,
            "sentences_embedded": 0,
        }

    def partitions(self, store: Store) -> Iterator[StaleScopes | ScopeWork | ScopeUpdate]:
        current = store.claim_scopes()
        stored = store.claim_signatures()
        wanted = {s.id for s in current}
        stale = [sid for sid in stored if sid not in wanted]
        if stale:
            yield StaleScopes(stale)
        for scope in current:
            if stored.get(scope.id) == scope.signature:
                continue
            ids = list(scope.story_of)
            update = self._update(store, scope) if scope.id in stored else None
            if update is not None:
                yield update
                continue
            yield ScopeWork(
                scope,
                store.load_facts(ids),
                store.sentence_vectors(ids, self.model),
                self._recall(store, ids),
            )

    def _update(self, store: Store, scope: ClaimScope) -> ScopeUpdate | None:
        """The input of an incremental update when the scope only gained articles, else None."""
        state = store.claim_scope_state(scope.id)
        if state is None:
            return None
        ids = list(scope.story_of)
        headers = store.claim_headers(ids)
        dups = {h.article_id: h.duplicate_of for h in headers if h.duplicate_of is not None}
        if not can_update(state, scope.story_of, dups):
            return None
        new = [a for a in ids if a not in state.members]
        old = [a for a in ids if a in state.members]
        compared = [*state.compared, *new]
        vectors = store.sentence_vectors(compared, self.model)
        # by the stories as they are now: a member may have moved to another story of the scope
        now = replace(state, members=dict(scope.story_of))
        read = {a for ids in briefless(scope.id, now).values() for a in ids}
        # a story that gained, lost or got members has its brief chosen again: with its old
        # members' text, as a comparison from scratch reads it (the other stories keep theirs)
        moved = [a for a in old if state.members[a] != scope.story_of[a]]
        touched = {scope.story_of[a] for a in [*new, *moved]} | {state.members[a] for a in moved}
        read.update(a for a in state.compared if scope.story_of.get(a) in touched)
        lacking = sorted(read)
        return ScopeUpdate(
            scope, state, store.load_facts(new), headers, store.timeline_facts(old), vectors,
            self._recall(store, compared), store.load_facts(lacking) if lacking else [],
            store.claim_scope_briefs(scope.id) if self.brief_writer is None else {},
        )  # fmt: skip

    def _recall(self, store: Store, ids: Sequence[str]) -> Mapping[VectorKey, np.ndarray]:
        return {} if self.recall is None else store.sentence_vectors(ids, self.recall)

    def key(self, part: StaleScopes | ScopeWork | ScopeUpdate) -> str:
        return f"{len(part.ids)} stale scopes" if isinstance(part, StaleScopes) else f"scope {part.scope.id}"

    def compute(self, part: StaleScopes | ScopeWork | ScopeUpdate) -> StaleScopes | ScopeOutcome:
        if isinstance(part, StaleScopes):
            return part
        vectors = _Vectors(part.vectors, self.embedder, self.model)
        recall = None if self.recall is None else _Vectors(part.recall, None, self.recall)
        scope = part.scope
        if isinstance(part, ScopeUpdate):
            members = {h.article_id: h for h in part.headers}
            result = update_scope(
                scope.id, part.state, part.new, members, vectors,
                recall=recall, story_of=scope.story_of, judge=self.judge, texts=part.briefless,
                kept=part.kept,
            )  # fmt: skip
            dated = {a.article_id: a for a in [*part.times, *part.new]}
            articles = [dated[a] for a in scope.story_of if a in dated]
        else:
            articles = part.articles
            result = compare_scope(
                scope.id, articles, vectors, recall=recall, story_of=scope.story_of, judge=self.judge
            )
        timeline = build_timeline(timeline_items(articles), max_events=TIMELINE_EVENTS)
        if self.brief_writer is not None:  # opt-in: the user's LLM rewrites each brief, checked
            outlet_of = {a.article_id: a.outlet for a in articles}
            result.briefs = {sid: self.brief_writer.rewrite(b, outlet_of) for sid, b in result.briefs.items()}
            # (no brief is kept under a writer: the stored ones are rewrites, not its input)
        return ScopeOutcome(
            scope, result, timeline, list(vectors.fresh.items()),
            [] if recall is None else list(recall.fresh.items()), isinstance(part, ScopeUpdate),
        )  # fmt: skip

    def commit(self, store: Store, result: StaleScopes | ScopeOutcome) -> None:
        if isinstance(result, StaleScopes):
            store.drop_claim_scopes(result.ids)
            return
        if result.fresh_vectors:
            store.save_sentence_vectors(self.model, result.fresh_vectors)
        if result.fresh_recall and self.recall is not None:
            store.save_sentence_vectors(self.recall, result.fresh_recall)
        self.counts["sentences_embedded"] += len(result.fresh_vectors)
        store.save_claim_scope(result.scope, result.result, result.timeline)
        self.counts["scopes"] += 1
        self.counts["scopes_updated"] += result.updated
        self.counts["claims"] += len(result.result.claims)
        self.counts["conflicting"] += sum(c.status == "conflicting" for c in result.result.claims)

    def summary(self, store: Store) -> dict[str, int]:
        return {**self.counts, **store.claim_totals()}


claims = corpus_stage(
    "claims",
    needs=(
        "stories",
        "storylines",
        "sentences",
        "mentions",
        "quotes",
        "numbers",
        "times",
        "slant",
        "vectors",
    ),
    provides=("claims", "briefs", "omissions", "timeline"),
)(ClaimsStep)
