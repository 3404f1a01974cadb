"""Write ``analysis.json``: the versioned output contract (see docs/schema.md).

Streamed: one pass over the articles writes each list to its own temporary
file, which are then joined into one JSON document, so a large corpus never
sits in memory. The result is moved into place atomically, so a reader never
sees half a file.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from counterpoint import __version__
from counterpoint.model import SCHEMA_VERSION, Entity, NumberFact, Quote, Span, StoredArticle, TimeExpr
from counterpoint.slant.lean import Leans, story_lean
from counterpoint.slant.model import ArticleSlant
from counterpoint.slant.profiles import load_ratings, outlet_profiles, rekey_stance
from counterpoint.store import Store
from counterpoint.store.dialect import redact
from counterpoint.store.items import slant_from_layers

#: Per-article layers written as top-level lists, in this order.
ITEM_KEYS: tuple[str, ...] = ("quotes", "numbers", "dates", "slant")
#: The stored layers those lists are made of (mentions and sentences, two thirds of the stored
#: items, are not read per article: entities list their mentions from the corpus-wide index)
READ_LAYERS: tuple[str, ...] = ("quote", "number", "time", "slant_scores", "loaded")
#: Evidence spans listed per claim, timeline event and brief sentence; ``evidence_count``
#: (``citation_count``) says how many there are, the web app and the store have them all.
MAX_EVIDENCE = 3
#: Mentions listed per entity (the first ones, in ingest order); ``mention_count`` counts them all.
MAX_MENTIONS = 20


def article_record(sa: StoredArticle, inferred: tuple[str, str] | None = None) -> dict[str, Any]:
    """One entry of ``articles`` in analysis.json (``inferred``: the inferred day and window, if any)."""
    rec = sa.article.to_dict()
    rec["published_inferred"], rec["published_window"] = inferred or (None, None)
    rec["duplicate_of"] = sa.duplicate_of
    rec["notes"] = [{"stage": s, "reason": r} for s, r in sa.notes]
    return rec


def quote_record(q: Quote, entity_for: Callable[[str], str | None]) -> dict[str, Any]:
    rec = q.to_dict()
    if q.speaker and not q.speaker_entity_id:
        rec["speaker_entity_id"] = entity_for(q.speaker)
    return rec


def number_record(n: NumberFact) -> dict[str, Any]:
    return n.to_dict()


def date_record(t: TimeExpr) -> dict[str, Any]:
    return t.to_dict()


class _ListWriter:
    """Appends JSON records to a temporary file as the items of one list."""

    def __init__(self, folder: Path, name: str) -> None:
        self.path = folder / f"{name}.part"
        self.f: IO[str] = self.path.open("w", encoding="utf-8")
        self.n = 0

    def add(self, rec: dict[str, Any]) -> None:
        self.f.write(("," if self.n else "") + "\n" + json.dumps(rec, ensure_ascii=False))
        self.n += 1

    def copy_into(self, out: IO[str]) -> None:
        self.f.close()
        with self.path.open(encoding="utf-8") as f:
            shutil.copyfileobj(f, out)


def _entity_record(ent: Entity, mentions: tuple[int, list[Span]]) -> dict[str, Any]:
    count, spans = mentions
    return {
        "id": ent.id,
        "name": ent.name,
        "type": ent.type,
        "aliases": list(ent.aliases),
        "mentions": [m.to_dict() for m in spans],
        "mention_count": count,
    }


def _entity_name(key: str, entity_for: Callable[[str], str | None], names: dict[str, str]) -> str:
    """The corpus entity an article's stance key belongs to ("Trump" and "Donald Trump" are one)."""
    eid = entity_for(key)
    return names.get(eid, key) if eid else key


def write_analysis(
    store: Store,
    path: str | os.PathLike[str],
    *,
    ratings_file: str | None = None,
    leans: Leans | None = None,
) -> dict[str, int]:
    """Write the whole store as analysis.json at ``path``; return the counts written per list.

    ``leans``: the user's outlet lean ratings, for each story's ``lean_coverage`` and ``blindspot``
    (both null without them).
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".analysis-") as work:
        folder = Path(work)
        lists = {
            key: _ListWriter(folder, key)
            for key in ("articles", "skipped", "entities", *ITEM_KEYS, "outlets")
        }
        slants: list[tuple[str, ArticleSlant]] = []
        urls: dict[str, str] = {}
        entity_names = {e.id: e.name for e in store.iter_entities()}
        # one store lookup per name, not per quote and stance key (a speaker is quoted many times)
        entity_for = functools.cache(store.entity_for)
        inferred = store.inferred_dates()
        for sa in store.iter_articles():
            lists["articles"].add(article_record(sa, inferred.get(sa.article.id)))
            layers = store.article_items(sa.article.id, sa.article.text, READ_LAYERS)
            for q in layers.get("quote", ()):
                lists["quotes"].add(quote_record(q, entity_for))
            for n in layers.get("number", ()):
                lists["numbers"].add(number_record(n))
            for t in layers.get("time", ()):
                lists["dates"].add(date_record(t))
            slant = slant_from_layers(sa.article.id, layers)
            if slant is not None:
                slant = rekey_stance(slant, lambda k: _entity_name(k, entity_for, entity_names))
                lists["slant"].add(slant.to_dict())
                outlet = sa.article.outlet or "(unknown outlet)"
                # profiles need only the scores and the techniques of the outlet's own spans
                slants.append(
                    (outlet, replace(slant, spans=tuple(s for s in slant.spans if s.speaker is None)))
                )
                if sa.article.url:
                    urls.setdefault(outlet, sa.article.url)
        for s in store.iter_skipped():
            lists["skipped"].add({"source": s.source, "reason": s.reason, "id": s.id})
        mentions = store.entity_mentions_for_output(MAX_MENTIONS)
        for ent in store.iter_entities():
            lists["entities"].add(_entity_record(ent, mentions.get(ent.id, (0, []))))
        stories, storylines, duplicates = store.stories_for_output()
        store.attach_sides(stories, max_evidence=MAX_EVIDENCE)
        for story in stories:
            story.update(story_lean(story["outlets"], leans))
        claims = store.claims_for_output(max_evidence=MAX_EVIDENCE)
        timeline = store.timeline_for_output(max_evidence=MAX_EVIDENCE)
        for key, records in (
            ("stories", stories), ("storylines", storylines), ("duplicates", duplicates), ("claims", claims),
            ("conflicts", store.conflicts_for_output()), ("timeline", timeline),
            ("events", store.events_for_output(max_evidence=MAX_EVIDENCE)),
            ("relations", store.relations_for_output()),
        ):  # fmt: skip
            lists[key] = _ListWriter(folder, key)
            for rec in records:
                lists[key].add(rec)
        ratings = load_ratings(ratings_file or None)
        for profile in outlet_profiles(slants, ratings, urls=urls).values():
            lists["outlets"].add(profile.to_dict())
        with tmp.open("w", encoding="utf-8") as f:
            head = {
                "schema_version": SCHEMA_VERSION,
                "generator": f"counterpoint {__version__}",
                "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "store": redact(store.url),
            }
            f.write(json.dumps(head, ensure_ascii=False)[:-1])
            for key, writer in lists.items():
                f.write(f', "{key}": [')
                writer.copy_into(f)
                f.write("\n]")
            f.write("}\n")
    os.replace(tmp, out)
    return {key: w.n for key, w in lists.items()}
