"""Outlets side by side: mean loaded language and stance toward one entity, for charts and tables.

Aggregates the stored per-article slant scores (``SlantRow``s read by the store), so the static
report and the web app share it. One pass over the scored
articles (optionally only those of one story); stance keys, which are each article's own canonical
names ("Trump"), are folded into corpus entities ("Donald Trump") through ``entity_aliases``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup

from counterpoint.report.charts import Point, scatter
from counterpoint.store.views import SlantRow

if TYPE_CHECKING:
    from counterpoint.store import Store

UNKNOWN_OUTLET = "(unknown outlet)"


@dataclass(slots=True)
class OutletSlant:
    """One outlet's articles in the selection, with mean scores."""

    outlet: str
    articles: int = 0
    loaded: list[float] = field(default_factory=list)
    subjectivity: list[float] = field(default_factory=list)
    stance: dict[str, list[float]] = field(default_factory=dict)
    genres: dict[str, int] = field(default_factory=dict)
    stance_sentences: dict[str, int] = field(default_factory=dict)  # sentences behind each stance

    @staticmethod
    def _mean(values: Sequence[float]) -> float | None:
        return sum(values) / len(values) if values else None

    @property
    def loaded_mean(self) -> float | None:
        return self._mean(self.loaded)

    @property
    def subjectivity_mean(self) -> float | None:
        return self._mean(self.subjectivity)

    def stance_mean(self, entity: str) -> float | None:
        return self._mean(self.stance.get(entity, []))

    def stance_err(self, entity: str) -> float:
        """Half-width of the whisker around ``stance_mean``: one standard error at most.

        Sentence scores lie in -1..1 (standard deviation at most 1), so the mean of ``m`` of them
        has a standard error of at most ``1/sqrt(m + 1)`` (one neutral pseudo-sentence, as in the
        article scores); records without sentence counts count one sentence per article.
        """
        m = self.stance_sentences.get(entity) or len(self.stance.get(entity, []))
        return float((m + 1) ** -0.5)


@dataclass(frozen=True, slots=True)
class SlantView:
    """Per-outlet slant of a selection of articles, and the entity the chart is about."""

    outlets: list[OutletSlant]
    entity: str | None
    entities: list[str]  # entities with a stance in at least two outlets, most covered first
    articles: list[tuple[str, str, float, dict[str, float]]] = field(default_factory=list)
    # (article id, label, loaded language, stance by entity) of every confident article

    def chart(self, *, per: str = "outlet", href_prefix: str | None = None, title: str = "") -> Markup | None:
        """Loaded language against stance toward ``entity``, one dot per outlet or per article."""
        if not self.entity:
            return None
        points = self.points(href_prefix) if per == "outlet" else self.article_points(href_prefix)
        return scatter(points, x_label=f"stance toward {self.entity}", y_label="loaded language", title=title)

    def article_points(self, href_prefix: str | None = None) -> list[Point]:
        """One dot per article: x = stance toward ``entity``, y = loaded language."""
        if not self.entity:
            return []
        return [
            Point(label, stance[self.entity], loaded, 1, f"{href_prefix}{aid}" if href_prefix else None)
            for aid, label, loaded, stance in self.articles
            if self.entity in stance
        ]

    def points(self, href_prefix: str | None = None) -> list[Point]:
        """Chart points: x = mean stance toward ``entity``, y = mean loaded language."""
        out = []
        for o in self.outlets:
            y = o.loaded_mean
            x = o.stance_mean(self.entity) if self.entity else None
            if y is None or x is None:
                continue
            href = f"{href_prefix}{o.outlet}" if href_prefix and o.outlet != UNKNOWN_OUTLET else None
            assert self.entity is not None
            sentences = o.stance_sentences.get(self.entity, 0)
            out.append(Point(o.outlet, x, y, o.articles, href, sentences, o.stance_err(self.entity)))
        return out


def slant_view(
    store: Store,
    *,
    article_ids: Sequence[str] | None = None,
    entity: str | None = None,
    outlet: str | None = None,
) -> SlantView:
    """Aggregate slant per outlet over all scored articles, or over ``article_ids`` / one ``outlet``."""
    rows = store.slant_rows(article_ids=article_ids, outlet=outlet)
    return build_slant_view(store.entity_display_names(), rows, entity=entity)


def build_slant_view(
    names: Mapping[str, str], rows: Iterable[SlantRow], *, entity: str | None = None
) -> SlantView:
    """Aggregate stored per-article slant ``rows`` per outlet; ``names`` folds stance keys into entities."""
    by_outlet: dict[str, OutletSlant] = {}
    coverage: dict[str, set[str]] = defaultdict(set)
    articles: list[tuple[str, str, float, dict[str, float]]] = []
    for outlet, data, article_id, title in rows:
        scores = json.loads(data)
        name = outlet or UNKNOWN_OUTLET
        o = by_outlet.setdefault(name, OutletSlant(name))
        o.articles += 1
        o.genres[scores.get("genre", "unknown")] = o.genres.get(scores.get("genre", "unknown"), 0) + 1
        if scores.get("confidence") == "low":
            continue  # counted, but too short or too quoted to move the means
        o.loaded.append(float(scores["loaded_language"]))
        o.subjectivity.append(float(scores["subjectivity"]))
        stance: dict[str, float] = {}
        detail = scores.get("stance_detail") or {}
        for key, value in scores.get("stance", {}).items():
            ent = names.get(key, key)
            stance[ent] = float(value)
            o.stance.setdefault(ent, []).append(float(value))
            n = int(detail.get(key, {}).get("sentences", 0))
            o.stance_sentences[ent] = o.stance_sentences.get(ent, 0) + n
            coverage[ent].add(name)
        label = f"{outlet or 'unknown'}: {(title or article_id)[:24]}"
        articles.append((article_id, label, float(scores["loaded_language"]), stance))
    shared = [e for e, outs in coverage.items() if len(outs) >= 2]
    spread: dict[str, float] = {}
    for e in shared:
        values = [st[e] for _a, _l, _y, st in articles if e in st]
        spread[e] = max(values) - min(values) if values else 0.0
    # the most widely covered entities first and, among those, the most contested
    ranked = sorted(shared, key=lambda e: (-len(coverage[e]), -spread[e], e))
    chosen = entity if entity in coverage else (ranked[0] if ranked else None)
    outlets = sorted(by_outlet.values(), key=lambda o: (-o.articles, o.outlet))
    return SlantView(outlets, chosen, ranked, articles)
