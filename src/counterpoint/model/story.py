"""Records of the story stages: what clustering reads and what the store keeps between runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the model imports nothing heavy at run time
    import numpy as np


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """One article as the story stages see it.

    ``entity_ids`` holds one canonical entity id per mention, in text order, so
    repeats count as salience; ``duplicate_of`` is an exact copy the store
    already found (same text hash), if any; ``published`` is ISO ``YYYY-MM-DD`` or None;
    ``frame`` is where and how the event happened (``events.event_frame``), None when not read.
    ``lead`` holds the lead cross-check's features (``lead.lead_features``) when a caller has them.
    """

    article_id: str
    outlet: str | None
    published: str | None
    title: str | None
    text: str
    language: str | None
    entity_ids: tuple[str, ...] = ()
    duplicate_of: str | None = None
    frame: EventFrame | None = None
    #: lead features (``stories/lead.py``); None: not computed yet (the clusterer computes them)
    lead: tuple[str, ...] | None = None

    @property
    def english(self) -> bool:
        """Unknown language counts as English: the language stage marks what it recognises."""
        return self.language in (None, "", "en")


@dataclass(frozen=True, slots=True)
class EventFrame:
    """Countries the event happened in and how it was held; empty when the lead does not say."""

    places: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one article went: its story, how well it matched, and why if it was not compared."""

    article_id: str
    story_id: str
    score: float | None  # None when the article founded the story or was not compared
    duplicate_of: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class StoryState:
    """One story's clustering state as plain data (what a runner persists between runs)."""

    id: str
    key: int  # dense integer id in the ANN index, in creation order
    vector_sum: bytes  # float32 sum of member embeddings
    embedded: int  # members whose embedding is in the sum
    articles: int  # every member, duplicates included
    duplicates: int
    entities: dict[str, int]
    outlets: dict[str, int]
    first: str | None
    last: str | None
    english: bool = True
    note: str | None = None
    #: event frame of the members: country code -> members placing the event there; mode -> members
    places: dict[str, int] = field(default_factory=dict)
    modes: dict[str, int] = field(default_factory=dict)
    #: lead features of the members (``stories/lead.py``): feature -> members whose lead has it
    lead: dict[str, int] = field(default_factory=dict)
    #: sum of the members' unit TF-IDF vectors of headline + lead (``stories/lexical.py``)
    terms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """``article_id`` copies ``duplicate_of`` (an original) with estimated Jaccard ``similarity``."""

    article_id: str
    duplicate_of: str
    similarity: float
    exact: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "article_id": self.article_id,
            "duplicate_of": self.duplicate_of,
            "similarity": round(self.similarity, 3),
            "exact": self.exact,
        }


@dataclass(frozen=True, slots=True)
class StorySummary:
    """What storyline linking needs of a story."""

    id: str
    key: int  # creation order
    centroid: np.ndarray | None  # unit vector, None when the story has no embedded member
    entities: Mapping[str, int]
    first: str | None = None
    last: str | None = None
    english: bool = True


@dataclass(frozen=True, slots=True)
class Storyline:
    """Linked stories (in creation order), the entities they centre on (most shared first), their span."""

    id: str
    story_ids: tuple[str, ...]
    entity_ids: tuple[str, ...]
    first: str | None
    last: str | None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """The fields of a stored article the story stages read."""

    seq: int
    id: str
    outlet: str | None
    published: str | None
    title: str | None
    text: str
    language: str | None
    duplicate_of: str | None  # exact copy found by the store (same text hash)
    dateline: str | None = None


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A story member as the store gives it to a re-check (``text``: its first 2,000 characters)."""

    article_id: str
    vector: np.ndarray | None  # None for copies and articles kept out of matching
    outlet: str | None
    published: str | None
    title: str | None
    text: str
    dateline: str | None
    entity_ids: tuple[str, ...]
    duplicate_of: str | None


@dataclass(frozen=True, slots=True)
class StorySplit:
    """``moved`` left story ``story_id`` for the new story ``new_story_id`` (copies included)."""

    story_id: str
    new_story_id: str
    moved: tuple[str, ...]
    between: float  # mean cosine between the two halves


@dataclass(frozen=True, slots=True)
class StoryBatch:
    """One clustering batch's outcome and the clustering state it changed (one transaction)."""

    assignments: Sequence[Assignment]
    embeddings: Sequence[tuple[str, np.ndarray]]
    duplicates: Sequence[Duplicate]
    signatures: Sequence[tuple[str, bytes]]
    states: Sequence[StoryState]
    df: Sequence[tuple[str, int]]
    ndocs: int
