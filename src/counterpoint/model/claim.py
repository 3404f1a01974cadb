"""Records of the claims stage: what comparison reads of each article and what it returns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from counterpoint.model.article import Mention, NumberFact, Quote, Span, TimeExpr

Status = str  # corroborated | single_source | conflicting
#: reasons (one per disagreeing sentence pair) a claim keeps; ``Claim.why_count`` counts them all.
#: A claim of a big storyline can disagree with thousands of sentence pairs (1.4 MB of reasons for
#: one claim at 10k articles); each pair of claims is kept once, in ``ScopeResult.conflicts``
WHY_KEPT = 5


@dataclass(frozen=True, slots=True)
class ClaimText:
    """One claim as the aligner sees it: its words plus what other stages found in them."""

    text: str
    entities: frozenset[str] = frozenset()  # canonical entity names or name keys
    numbers: tuple[NumberFact, ...] = ()
    times: tuple[TimeExpr, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What the comparison needs of one article, all read back from the store."""

    article_id: str
    text: str
    outlet: str | None = None
    label: str | None = None  # where it came from when the outlet is unknown: its file name or domain
    published: str | None = None
    duplicate_of: str | None = None
    sentences: tuple[tuple[int, int], ...] = ()
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    numbers: tuple[NumberFact, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    loaded: tuple[Span, ...] = ()

    @property
    def source(self) -> str:
        """The independent source this article speaks for: its outlet, or itself when unknown."""
        return f"outlet:{self.outlet.casefold()}" if self.outlet else f"article:{self.article_id}"

    @property
    def name(self) -> str:
        """The outlet, or "unknown outlet (<file or domain>)": a headline never names a source."""
        if self.outlet:
            return self.outlet
        label = self.label or self.article_id[:8]
        label = label if len(label) <= 40 else label[:39].rstrip() + "…"
        return f"unknown outlet ({label})"


@dataclass(frozen=True, slots=True)
class ClaimCandidate:
    """One check-worthy sentence of one article."""

    span: Span
    score: float
    kind: str
    loaded: float  # share of the sentence's characters in loaded-language spans
    speaker: str | None
    claim: ClaimText


@dataclass(slots=True)
class Claim:
    """One claim of a scope with the evidence every article gives for it."""

    id: str
    story_id: str
    text: str
    status: Status
    kind: str
    evidence: list[Span]
    outlets: list[str]
    sources: int
    speaker: str | None = None
    score: float = 0.0
    conflicts_with: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)  # the first ``WHY_KEPT`` distinct reasons
    why_count: int = 0  # how many distinct reasons there are

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "story_id": self.story_id,
            "text": self.text,
            "status": self.status,
            "kind": self.kind,
            "speaker": self.speaker,
            "score": round(self.score, 4),
            "sources": self.sources,
            "outlets": list(self.outlets),
            "evidence": [s.to_dict() for s in self.evidence],
            "conflicts_with": list(self.conflicts_with),
            "why": "\n".join(self.why) if self.why else None,
            "why_count": self.why_count,
        }


@dataclass(frozen=True, slots=True)
class ClaimConflict:
    """Two claims of a scope that disagree, once per pair (``first`` before ``second`` in display order).

    ``why`` is the first reason (one per disagreeing sentence pair, in the judge's order) and
    ``pairs`` counts the distinct reasons. ``first == second``: sentences aligned as one claim that
    disagree with each other; ``first_sentences``/``second_sentences`` then count the distinct
    sentences on each side of its reasons (the sides are both that claim's evidence).
    """

    first: str
    second: str
    why: str
    pairs: int
    first_sentences: int | None = None
    second_sentences: int | None = None


@dataclass(frozen=True, slots=True)
class BriefSentence:
    sentence: str
    citations: tuple[Span, ...]
    claim_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "citations": [s.to_dict() for s in self.citations],
            "claim_ids": list(self.claim_ids),
        }


@dataclass(frozen=True, slots=True)
class ConflictLink:
    """A judge's disagreement between two candidates of a scope (indexes into its candidates)."""

    first: int
    second: int
    why: str | None
    rule: str | None = None


@dataclass(slots=True)
class ScopeState:
    """What a later update of a scope needs of its last comparison, so that old members are never re-scored.

    ``candidates`` are in comparison order (members in scope order, sentences in text order); new
    articles' candidates are appended. ``roots[i]`` is the index of the founder of candidate
    ``i``'s group; ``top[i]`` the cosines of its nearest candidates, best first (how close a
    newcomer must be to enter its neighbour list); ``refused`` the matching pairs the founder rule
    kept apart (each still supports the other's claim); ``members`` the article -> story map the
    state was computed for and ``compared`` the members that took part (duplicates left out).
    ``brief_keys``: a digest of everything each story's brief was built from, so that an update
    keeps the brief of a story whose inputs did not change (``story.assemble``).
    """

    members: dict[str, str]
    compared: list[str]
    candidates: list[ClaimCandidate]
    roots: list[int]
    top: list[tuple[float, ...]]
    refused: list[tuple[int, int]]
    conflicts: list[ConflictLink]
    brief_keys: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ScopeResult:
    """Claims of one scope; omissions (article id -> claim ids) and a brief per story.

    ``state`` is what an incremental update starts from next time (None: nothing to keep);
    ``kept`` the stories whose stored brief an update kept because its inputs did not change;
    ``conflicts`` each disagreeing pair of claims once.
    """

    claims: list[Claim]
    omissions: dict[str, list[str]]
    briefs: dict[str, list[BriefSentence]]
    state: ScopeState | None = None
    kept: frozenset[str] = frozenset()
    conflicts: list[ClaimConflict] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DatedSentence:
    """One input: a time expression and the sentence it dates, from one article."""

    article_id: str
    outlet: str | None
    published: str | None  # ISO day of the article
    time: TimeExpr  # time.span and time.sentence are Spans into the article's clean text
    loaded: float = 0.0  # 0..1 loaded-language density of the sentence; neutral wording is shown first


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated event of the storyline and every sentence that reports it."""

    date: str  # ISO at its precision: the most precise agreeing value among the merged sentences
    precision: str
    text: str  # one evidence sentence as written (trimmed of leading chrome), never reworded
    evidence: tuple[Span, ...]  # every merged sentence, ``article.text[start:end] == text``
    outlets: tuple[str, ...]
    kind: str = "event"  # event (it happened) | plan (a target or a scheduled date, after publication)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "precision": self.precision,
            "kind": self.kind,
            "text": self.text,
            "evidence": [s.to_dict() for s in self.evidence],
            "outlets": list(self.outlets),
        }


@dataclass(frozen=True, slots=True)
class ClaimScope:
    """What claims are compared over, and the story of each member article."""

    id: str
    kind: str  # story | storyline
    story_of: dict[str, str]  # article id -> story id, duplicates included

    @property
    def signature(self) -> str:
        h = hashlib.sha256(self.kind.encode())
        for aid in sorted(self.story_of):
            h.update(f"\n{aid}\t{self.story_of[aid]}".encode())
        return h.hexdigest()[:32]
