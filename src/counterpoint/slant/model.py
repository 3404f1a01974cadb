"""Result records of the slant analysis: frozen, slotted, with ``to_dict`` for analysis.json."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from counterpoint.model import Span

Confidence = Literal["low", "medium", "high"]
Genre = Literal["opinion", "report", "quotes", "unknown"]


@dataclass(frozen=True, slots=True)
class SlantSpan:
    """Words that do persuasive work, with the technique they use and why they were flagged.

    ``speaker`` is set when the words are inside a direct quote: the slant is then the
    speaker's, not the reporting outlet's.
    """

    span: Span
    technique: str
    why: str
    speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "technique": self.technique, "why": self.why, "speaker": self.speaker}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SlantSpan:
        span = Span(d["article_id"], d["start"], d["end"], d["text"])
        return cls(span, d["technique"], d["why"], d.get("speaker"))


@dataclass(frozen=True, slots=True)
class EntityStance:
    """The outlet's stance toward one actor in one article, with the sentences behind it.

    ``score`` is -1..1 (mean of the sentences' ``p(positive) - p(negative)`` with one neutral
    pseudo-sentence); ``evidence`` holds ``(start, end, sentence score)`` of the strongest sentences.
    """

    score: float
    confidence: Confidence
    sentences: int
    evidence: tuple[tuple[int, int, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "confidence": self.confidence,
            "sentences": self.sentences,
            "evidence": [[s, e, round(v, 4)] for s, e, v in self.evidence],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EntityStance:
        ev = tuple((int(s), int(e), float(v)) for s, e, v in d.get("evidence", ()))
        return cls(float(d["score"]), d.get("confidence", "low"), int(d.get("sentences", 0)), ev)


@dataclass(frozen=True, slots=True)
class ArticleSlant:
    """How one article tells its story.

    Scores are the outlet's own voice: words inside direct quotes are kept in ``spans``
    (with their speaker) but do not count toward ``loaded_language``, ``subjectivity``
    or ``stance``. ``quoted_slant`` sums loaded-language weight per quoted speaker.
    """

    article_id: str
    loaded_language: float  # 0..1, density of loaded/persuasive words in the outlet's own words
    subjectivity: float  # 0..1
    stance: dict[str, float]  # canonical entity name -> -1..1
    frames: dict[str, float]  # frame -> 0..1
    spans: tuple[SlantSpan, ...]
    confidence: Confidence
    genre: Genre
    words: int = 0  # words in the outlet's own voice (outside quotes)
    quote_share: float = 0.0  # share of the text's words that are direct quotation
    quoted_slant: dict[str, float] | None = None  # speaker -> loaded-language weight in their quotes
    lean: float = 0.0  # US partisan word choice, -1 left .. +1 right (experimental; see docs/slant.md)
    #: actor -> the sentences behind ``stance`` and a confidence (``stance`` holds the scores)
    stance_detail: dict[str, EntityStance] | None = None
    #: quoted speaker -> actor -> stance in what the speaker is quoted saying (not the outlet's)
    quoted_stance: dict[str, dict[str, float]] | None = None
    sentence_bias: float = 0.0  # mean p(biased) of the outlet's own sentences (sentence-bias head)
    sentences: int = 0  # the outlet's own sentences scored by the sentence-bias head
    model: str = "shipped"  # which slant heads scored the article ("shipped" or a trained model)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "loaded_language": round(self.loaded_language, 4),
            "subjectivity": round(self.subjectivity, 4),
            "stance": {k: round(v, 4) for k, v in self.stance.items()},
            "frames": {k: round(v, 4) for k, v in self.frames.items()},
            "spans": [s.to_dict() for s in self.spans],
            "confidence": self.confidence,
            "genre": self.genre,
            "words": self.words,
            "quote_share": round(self.quote_share, 4),
            "quoted_slant": {k: round(v, 4) for k, v in (self.quoted_slant or {}).items()},
            "lean": round(self.lean, 4),
            "stance_detail": {k: v.to_dict() for k, v in (self.stance_detail or {}).items()},
            "quoted_stance": {
                sp: {k: round(v, 4) for k, v in t.items()} for sp, t in (self.quoted_stance or {}).items()
            },
            "sentence_bias": round(self.sentence_bias, 4),
            "sentences": self.sentences,
            "model": self.model,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ArticleSlant:
        return cls(
            article_id=d["article_id"],
            loaded_language=float(d["loaded_language"]),
            subjectivity=float(d["subjectivity"]),
            stance={k: float(v) for k, v in d.get("stance", {}).items()},
            frames={k: float(v) for k, v in d.get("frames", {}).items()},
            spans=tuple(SlantSpan.from_dict(s) for s in d.get("spans", ())),
            confidence=d.get("confidence", "medium"),
            genre=d.get("genre", "unknown"),
            words=int(d.get("words", 0)),
            quote_share=float(d.get("quote_share", 0.0)),
            quoted_slant={k: float(v) for k, v in (d.get("quoted_slant") or {}).items()},
            lean=float(d.get("lean", 0.0)),
            stance_detail={k: EntityStance.from_dict(v) for k, v in (d.get("stance_detail") or {}).items()},
            quoted_stance={
                sp: {k: float(v) for k, v in t.items()} for sp, t in (d.get("quoted_stance") or {}).items()
            },
            sentence_bias=float(d.get("sentence_bias", 0.0)),
            sentences=int(d.get("sentences", 0)),
            model=str(d.get("model", "shipped")),
        )


@dataclass(frozen=True, slots=True)
class Stat:
    """Mean and spread (population standard deviation) of a score over ``n`` articles.

    ``sentences`` counts the sentences behind the mean when it is pooled from sentence pieces
    (stance), so a reader sees how much evidence stands behind each number.
    """

    mean: float
    spread: float
    n: int
    sentences: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mean": round(self.mean, 4), "spread": round(self.spread, 4), "n": self.n}
        if self.sentences:
            out["sentences"] = self.sentences
        return out


@dataclass(frozen=True, slots=True)
class OutletProfile:
    """Aggregate slant of one outlet's articles, with its external reliability rating when known."""

    outlet: str
    articles: int
    loaded_language: Stat
    subjectivity: Stat
    stance: dict[str, Stat]
    frames: dict[str, float]  # share of the outlet's frame mass per frame (sums to 1 when any)
    genres: dict[str, int]
    techniques: dict[str, int]  # technique -> spans in the outlet's own words
    reliability: float | None = None  # 0..1 (Lin et al. 2023 pc1) when the outlet's domain is rated
    reliability_source: str | None = None
    sentence_bias: Stat | None = None  # mean p(biased) of the outlet's own sentences, per article

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "articles": self.articles,
            "loaded_language": self.loaded_language.to_dict(),
            "subjectivity": self.subjectivity.to_dict(),
            "stance": {k: v.to_dict() for k, v in self.stance.items()},
            "frames": {k: round(v, 4) for k, v in self.frames.items()},
            "genres": dict(self.genres),
            "techniques": dict(self.techniques),
            "reliability": None if self.reliability is None else round(self.reliability, 4),
            "reliability_source": self.reliability_source,
            "sentence_bias": self.sentence_bias.to_dict() if self.sentence_bias else None,
        }
