"""Outlet profiles: a pure aggregation over per-article slant records, plus reliability ratings.

The shipped ratings are Lin et al. (2023) ``pc1`` domain quality scores (0 lowest .. 1 highest),
which the authors let anyone reuse with a citation; a user can point at another CSV with
``domain,<score>`` columns instead (``load_ratings(path)``).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from counterpoint.slant.model import ArticleSlant, EntityStance, OutletProfile, Stat

SHIPPED_RATINGS = "Lin et al. 2023 pc1"


@dataclass(frozen=True, slots=True)
class Ratings:
    """Reliability score per domain (lower-case, no ``www.``), and where the scores come from."""

    scores: Mapping[str, float]
    source: str

    def lookup(self, outlet: str | None, url: str | None = None) -> float | None:
        """The score of the outlet's domain (from its URL, or the outlet name if it is a domain)."""
        for cand in (url, outlet):
            dom = domain_of(cand)
            while dom and "." in dom:
                if dom in self.scores:
                    return self.scores[dom]
                dom = dom.split(".", 1)[1]
        return None


def domain_of(value: str | None) -> str | None:
    """``https://www.apnews.com/x`` or ``apnews.com`` -> ``apnews.com``; None for plain names."""
    if not value:
        return None
    v = value.strip().lower()
    host = urlsplit(v).hostname if "://" in v else v.split("/")[0]
    if not host or "." not in host or " " in host:
        return None
    return host[4:] if host.startswith("www.") else host


def _parse(lines: Iterable[str], source: str) -> Ratings:
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header or len(header) < 2:
        raise ValueError(f"{source}: expected a CSV with a header row 'domain,<score>'")
    scores = {}
    for row in reader:
        if len(row) >= 2 and row[1].strip():
            try:
                scores[row[0].strip().lower().removeprefix("www.")] = float(row[1])
            except ValueError:
                continue
    return Ratings(scores, source)


def load_ratings(path: str | Path | None = None) -> Ratings:
    """The shipped Lin et al. 2023 ratings, or a user's own ``domain,score`` CSV (optionally .gz)."""
    if path is None:
        data = resources.files("counterpoint.slant").joinpath("data", "lin2023_pc1.csv.gz").read_bytes()
        return _parse(io.StringIO(gzip.decompress(data).decode("utf-8")), SHIPPED_RATINGS)
    p = Path(path)
    opener = gzip.open if p.suffix == ".gz" else open
    with opener(p, "rt", encoding="utf-8") as fh:
        return _parse(fh, str(p))


def _stat(values: list[float]) -> Stat:
    if not values:
        return Stat(0.0, 0.0, 0)
    mean = sum(values) / len(values)
    return Stat(mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)), len(values))


def rekey_stance(rec: ArticleSlant, name_of: Callable[[str], str]) -> ArticleSlant:
    """``rec`` with its stance keyed by ``name_of(key)`` (corpus entities), merging keys that meet.

    Scores of merged keys are averaged; their sentence counts add up and their evidence is pooled.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for key in rec.stance:
        groups[name_of(key)].append(key)
    stance = {n: sum(rec.stance[k] for k in ks) / len(ks) for n, ks in groups.items()}
    details = rec.stance_detail or {}
    detail = {}
    for n, ks in groups.items():
        ds = [details[k] for k in ks if k in details]
        if ds:
            best = max(ds, key=lambda d: d.sentences)
            evidence = sorted((ev for d in ds for ev in d.evidence), key=lambda ev: -abs(ev[2]))[:3]
            detail[n] = EntityStance(
                stance[n], best.confidence, sum(d.sentences for d in ds), tuple(evidence)
            )
    return replace(rec, stance=stance, stance_detail=detail or rec.stance_detail)


def pooled_stance(pieces: list[tuple[float, int]], prior: float = 1.0) -> Stat:
    """An outlet's stance toward one actor from its articles' ``(score, sentences)``.

    Each article's score is a mean over its sentences shrunk with ``prior`` neutral pseudo-sentences;
    undoing that gives the summed sentence scores, which are pooled over all articles and shrunk
    once, so an outlet that named the actor in 40 sentences counts for more than one that named
    it in two. Records stored before sentence counts existed (all counts 0) keep the plain mean.
    """
    if not any(n for _s, n in pieces):
        return _stat([score for score, _n in pieces])
    total = sum(score * (max(n, 1) + prior) for score, n in pieces)
    sentences = sum(max(n, 1) for _s, n in pieces)
    per_article = _stat([score for score, _n in pieces])
    return Stat(total / (sentences + prior), per_article.spread, len(pieces), sentences)


def outlet_profiles(
    records: Iterable[tuple[str, ArticleSlant]],
    ratings: Ratings | None = None,
    *,
    urls: Mapping[str, str] | None = None,
    include_low_confidence: bool = False,
) -> dict[str, OutletProfile]:
    """Aggregate ``(outlet, ArticleSlant)`` records into one profile per outlet.

    Low-confidence articles (very short, or mostly quotation) are left out of the score
    statistics unless ``include_low_confidence``; they still count in ``articles``.
    ``urls`` maps outlet -> a URL or domain of the outlet, used to look up its rating.
    """
    groups: dict[str, list[ArticleSlant]] = defaultdict(list)
    for outlet, rec in records:
        groups[outlet].append(rec)
    out = {}
    for outlet, recs in sorted(groups.items()):
        scored = [r for r in recs if include_low_confidence or r.confidence != "low"]
        stance: dict[str, list[tuple[float, int]]] = defaultdict(list)
        frames: dict[str, float] = defaultdict(float)
        techniques: Counter[str] = Counter()
        for r in scored:
            detail = r.stance_detail or {}
            for ent, v in r.stance.items():
                stance[ent].append((v, detail[ent].sentences if ent in detail else 0))
            for fr, v in r.frames.items():
                frames[fr] += v
            techniques.update(s.technique for s in r.spans if s.speaker is None)
        total = sum(frames.values())
        rating = ratings.lookup(outlet, (urls or {}).get(outlet)) if ratings else None
        out[outlet] = OutletProfile(
            outlet=outlet,
            articles=len(recs),
            loaded_language=_stat([r.loaded_language for r in scored]),
            subjectivity=_stat([r.subjectivity for r in scored]),
            stance={e: pooled_stance(v) for e, v in sorted(stance.items(), key=lambda kv: -len(kv[1]))},
            frames={f: v / total for f, v in sorted(frames.items(), key=lambda kv: -kv[1])} if total else {},
            genres=dict(Counter(r.genre for r in recs)),
            techniques=dict(techniques.most_common()),
            reliability=rating,
            reliability_source=ratings.source if rating is not None and ratings else None,
            sentence_bias=_stat([r.sentence_bias for r in scored if r.sentences]),
        )
    return out
