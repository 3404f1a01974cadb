"""Articles and their language layers: from the raw input to the ``Doc`` the per-article stages fill."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # the slant package builds on this module, so only the type is imported
    from counterpoint.model.event import EventReport
    from counterpoint.slant.model import ArticleSlant

SCHEMA_VERSION = "1.1"

RawFormat = Literal["text", "html"]


def content_id(data: bytes | str) -> str:
    """Stable id of a piece of content: the first 16 hex digits of its SHA-256.

    Ids are content hashes so that ingesting the same input twice adds nothing.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Hints:
    """Metadata an input container already states (JSON fields, HTML meta, WARC headers).

    Hints win over what the metadata stage guesses from the text.
    """

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # ISO YYYY-MM-DD
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read from its input, before any cleaning."""

    id: str  # content_id of the record's raw bytes
    source: str  # path, path#record, URL, or "-" for stdin, as the user gave it
    body: str  # decoded text or HTML
    format: RawFormat
    hints: Hints = field(default_factory=Hints)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not turned into an article, and the one-line reason why."""

    source: str
    reason: str
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Removed:
    """A block the cleaner dropped from the body, kept so a user can audit it."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Span:
    """Evidence: ``article.text[start:end] == text``."""

    article_id: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "start": self.start, "end": self.end, "text": self.text}


EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "LAW"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention in one article.

    ``canonical`` is the fullest form the same article uses for it ("Carney" ->
    "Mark Carney" when the article names him in full); corpus-level linking maps
    canonical forms to entities.
    """

    span: Span
    label: str
    canonical: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "label": self.label, "canonical": self.canonical}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Mention:
        return cls(_span(d), d["label"], d["canonical"])


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity across the corpus ("Mark Carney"), with the names it goes by."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    mentions: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote: ``span`` is the quoted words (without the quote marks)."""

    span: Span
    speaker: str | None = None  # canonical in-article name of the speaker, or the speaker phrase
    speaker_span: Span | None = None
    cue: str | None = None  # the attribution verb or phrase: "said", "according to", "–"
    speaker_entity_id: str | None = None  # filled by corpus-level entity linking

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.span.to_dict(),
            "speaker": self.speaker,
            "speaker_span": self.speaker_span.to_dict() if self.speaker_span else None,
            "cue": self.cue,
            "speaker_entity_id": self.speaker_entity_id,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Quote:
        sp = d.get("speaker_span")
        return cls(
            _span(d), d.get("speaker"), _span(sp) if sp else None, d.get("cue"), d.get("speaker_entity_id")
        )


@dataclass(frozen=True, slots=True)
class NumberFact:
    """A quantity stated in the text, normalised: "nearly eight years" -> 8.0 year, qualifier "nearly"."""

    span: Span
    value: float | None
    unit: str | None
    qualifier: str | None
    kind: str  # percent | money | count | distance | duration | age | year | ordinal | multiplier | other

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.span.to_dict(),
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> NumberFact:
        return cls(_span(d), d.get("value"), d.get("unit"), d.get("qualifier"), d["kind"])


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A temporal expression normalised against the publication date.

    ``value`` is ISO at its ``precision``: "2018" (year), "2025-10" (month),
    "2026-01-16" (day); ``sentence`` is the sentence whose event it dates.
    """

    span: Span
    value: str | None
    precision: str  # day | week | month | year | decade | relative | unknown
    sentence: Span

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.span.to_dict(),
            "value": self.value,
            "precision": self.precision,
            "sentence": self.sentence.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TimeExpr:
        return cls(_span(d), d.get("value"), d["precision"], _span(d["sentence"]))


def _span(d: Mapping[str, Any]) -> Span:
    return Span(d["article_id"], d["start"], d["end"], d["text"])


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article with its metadata. ``text`` never changes once set."""

    id: str
    source: str
    text: str = ""
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    dateline: str | None = None
    language: str | None = None
    url: str | None = None
    removed: tuple[Removed, ...] = ()

    def span(self, start: int, end: int) -> Span:
        """Evidence span into this article's clean text."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside article {self.id} of length {len(self.text)}")
        return Span(self.id, start, end, self.text[start:end])

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "outlet": self.outlet,
            "author": self.author,
            "published": self.published,
            "dateline": self.dateline,
            "language": self.language,
            "url": self.url,
            "text": self.text,
            "removed": [{"text": r.text, "reason": r.reason} for r in self.removed],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Article:
        return cls(
            id=d["id"],
            source=d["source"],
            text=d.get("text") or "",
            title=d.get("title"),
            outlet=d.get("outlet"),
            author=d.get("author"),
            published=d.get("published"),
            dateline=d.get("dateline"),
            language=d.get("language"),
            url=d.get("url"),
            removed=tuple(Removed(r["text"], r["reason"]) for r in d.get("removed") or ()),
        )


@dataclass(frozen=True, slots=True)
class Vector:
    """A unit-length float32 sentence embedding computed where the worker cores are.

    ``kind`` is ``"lead"`` (headline plus lead: what the story stage compares; offsets 0, 0)
    or ``"sentence"`` (a claim candidate, ``start``/``end`` into the clean text);
    ``model`` names the encoder, so vectors of another encoder are never mixed in.
    """

    kind: Literal["lead", "sentence"]
    start: int
    end: int
    model: str
    values: bytes  # float32, native byte order

    def array(self) -> Any:
        """The vector as a numpy array (imported lazily: the model stays light)."""
        import numpy as np

        return np.frombuffer(self.values, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Doc:
    """The record that flows through per-article stages.

    ``article`` is filled in step by step; ``skipped`` is set by the first stage
    that cannot go on with this input (the runner then stores a ``Skipped``);
    ``notes`` records stages that passed over an article they do not handle
    (e.g. English-only stages on a French article), as ``(stage, reason)``.
    """

    raw: RawDocument
    article: Article
    skipped: str | None = None
    notes: tuple[tuple[str, str], ...] = ()
    #: keys of lines the runner found in several documents of this outlet (chrome)
    repeated_lines: frozenset[int] = frozenset()
    #: language layers, each filled by its stage: sentence boundaries as (start, end) offsets
    sentences: tuple[tuple[int, int], ...] = ()
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    numbers: tuple[NumberFact, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    slant: ArticleSlant | None = None
    vectors: tuple[Vector, ...] = ()
    events: tuple[EventReport, ...] = ()

    @classmethod
    def from_raw(cls, raw: RawDocument, repeated_lines: frozenset[int] = frozenset()) -> Doc:
        h = raw.hints
        art = Article(
            id=raw.id,
            source=raw.source,
            title=h.title,
            outlet=h.outlet,
            author=h.author,
            published=h.published,
            language=h.language,
            url=h.url,
        )
        return cls(raw=raw, article=art, repeated_lines=repeated_lines)

    def skip(self, reason: str) -> Doc:
        return replace(self, skipped=reason)

    def note(self, stage: str, reason: str) -> Doc:
        return replace(self, notes=(*self.notes, (stage, reason)))

    def with_layers(self, **layers: Any) -> Doc:
        """A copy with language layers (sentences, mentions, quotes, numbers, times) set."""
        return replace(self, **layers)

    def with_article(self, **changes: Any) -> Doc:
        return replace(self, article=replace(self.article, **changes))


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the store returns it, with what the store knows about it."""

    article: Article
    duplicate_of: str | None = None  # id of the earlier article with the same text
    notes: tuple[tuple[str, str], ...] = ()  # (stage, reason) for stages that passed over it


@dataclass(frozen=True, slots=True)
class ArticleOutput:
    """What analysis.json says of one article, as written last time, so an unchanged article is not
    read and encoded again.

    ``seq`` is the article's version in the store (a reprocessed article gets a new one); ``deps``
    what its records read beyond the article (its inferred day, the corpus entity of each speaker
    and stance name), as JSON; ``lists`` its records per analysis.json list, one JSON record per
    line; ``profile`` (JSON: outlet, URL, slant) what its outlet's profile reads, if it has a slant.
    """

    article_id: str
    seq: int
    deps: str
    lists: dict[str, str]
    profile: str | None = None
