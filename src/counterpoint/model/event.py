"""Events: who did what to whom, coded per sentence and merged into one record per real event.

* ``Actor``       - a canonical entity with its country code (ISO alpha-3, or CAMEO's ``IGO...``)
                    and sector (government, media, business, ...) where the text makes them clear;
* ``EventReport`` - one sentence's coding of an event, with its evidence span (per-article stage);
* ``Event``       - the reports of one real event across a story scope, merged (corpus stage);
* ``RelationPoint`` - one period of a country pair's series, with the events behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from counterpoint.model.article import Span

#: how the text presents the event: narrated as done, attributed, agreed, urged, expected, denied
Mode = Literal["reported", "said", "agreed", "urged", "expects", "denied"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts or is acted on: ``name`` is the in-article canonical name ("Mark Carney")."""

    name: str
    country: str | None = None
    sector: str | None = None

    @property
    def key(self) -> str:
        """What merging compares: the country (and sector) when known, else the name."""
        return self.country or self.name.casefold()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "sector": self.sector}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Actor:
        return cls(d["name"], d.get("country"), d.get("sector"))


@dataclass(frozen=True, slots=True)
class EventReport:
    """One sentence's account of an event. ``evidence`` is the sentence; ``trigger`` the event word."""

    source: Actor
    target: Actor
    type: str  # PLOVER
    cameo: str  # CAMEO code (2-4 digits); its first two are the root
    mode: Mode
    negated: bool
    hypothetical: bool
    date: str | None
    precision: str  # a TimeExpr precision; "published"/"inferred": only the article's date bounds it
    score: float  # Goldstein score of the CAMEO root
    evidence: Span
    trigger: Span
    confidence: float

    @property
    def is_act(self) -> bool:
        """Whether the sentence says the event took place (not denied, negated or hypothetical)."""
        return not self.negated and not self.hypothetical and self.mode not in {"denied", "expects", "urged"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.to_dict(),
            "target": self.target.to_dict(),
            "type": self.type,
            "cameo": self.cameo,
            "mode": self.mode,
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "date": self.date,
            "precision": self.precision,
            "score": self.score,
            "evidence": self.evidence.to_dict(),
            "trigger": self.trigger.to_dict(),
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EventReport:
        ev, tr = d["evidence"], d["trigger"]
        return cls(
            Actor.from_dict(d["source"]),
            Actor.from_dict(d["target"]),
            d["type"],
            d["cameo"],
            d["mode"],
            bool(d["negated"]),
            bool(d["hypothetical"]),
            d.get("date"),
            d["precision"],
            float(d["score"]),
            Span(ev["article_id"], ev["start"], ev["end"], ev["text"]),
            Span(tr["article_id"], tr["start"], tr["end"], tr["text"]),
            float(d["confidence"]),
        )


@dataclass(frozen=True, slots=True)
class ReportSource:
    """An event report with the article facts merging needs: its outlet, date and original."""

    report: EventReport
    outlet: str
    published: str | None
    duplicate_of: str | None = None
    story: str | None = None  # the story of the report's article: one story is one event


@dataclass(frozen=True, slots=True)
class Event:
    """One real event: the reports of it within a story scope, merged.

    ``reports`` counts the articles that report it (exact copies of an article count once);
    ``outlets`` are the independent outlets behind them (a sentence copied word for word from
    another outlet's report is syndication and adds no outlet).
    """

    id: str
    scope_id: str
    source: Actor
    target: Actor
    type: str
    cameo: str
    mode: Mode
    is_act: bool
    date: str | None
    precision: str
    score: float
    reports: int
    outlets: tuple[str, ...]
    evidence: tuple[Span, ...]
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source.to_dict(),
            "target": self.target.to_dict(),
            "type": self.type,
            "cameo": self.cameo,
            "mode": self.mode,
            "act": self.is_act,
            "date": self.date,
            "precision": self.precision,
            "score": self.score,
            "reports": self.reports,
            "outlets": list(self.outlets),
            "evidence": [s.to_dict() for s in self.evidence],
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class RelationPoint:
    """One period of a country pair's relation: how many events, their mean score, which events."""

    period: str  # YYYY-MM
    events: int
    score: float
    event_ids: tuple[str, ...]
