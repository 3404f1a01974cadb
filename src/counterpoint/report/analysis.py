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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from counterpoint import __version__
from counterpoint.model import (
    SCHEMA_VERSION,
    ArticleOutput,
    Entity,
    NumberFact,
    Quote,
    Span,
    StoredArticle,
    TimeExpr,
)
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
#: The version of the per-article records kept between runs (``ArticleOutput``): bump it with
#: any change to what an article's records say, or the parts written before are served again
FRAGMENTS = f"{SCHEMA_VERSION}.1"


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
        self.add_encoded(_encode(rec))

    def add_encoded(self, text: str) -> None:
        """Append one record already encoded as JSON."""
        self.f.write(("," if self.n else "") + "\n" + text)
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


def _encode(rec: Any) -> str:
    return json.dumps(rec, ensure_ascii=False)


def _batches(items: Iterator[tuple[str, int]], n: int) -> Iterator[list[tuple[str, int]]]:
    batch: list[tuple[str, int]] = []
    for item in items:
        batch.append(item)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


class _Deps:
    """What an article's part of analysis.json reads beyond the article, as the store has it now."""

    def __init__(self, store: Store) -> None:
        self.names = {e.id: e.name for e in store.iter_entities()}
        # one store lookup per name, not per quote and stance key (a speaker is quoted many times)
        self.entity_for = functools.cache(store.entity_for)
        self.inferred = store.inferred_dates()

    def of(self, article_id: str, speakers: Sequence[str], stance: Sequence[str]) -> str:
        inferred = self.inferred.get(article_id)
        return _encode({
            "format": FRAGMENTS,
            "inferred": list(inferred) if inferred else None,
            "speakers": {k: self.entity_for(k) for k in speakers},
            "stance": {k: self.name(k) for k in stance},
        })  # fmt: skip

    def name(self, key: str) -> str:
        return _entity_name(key, self.entity_for, self.names)

    def holds(self, part: ArticleOutput | None, seq: int) -> bool:
        """Whether ``part`` was written for this version of its article and what it read is unchanged."""
        if part is None or part.seq != seq:
            return False
        was = json.loads(part.deps)
        return part.deps == self.of(part.article_id, list(was["speakers"]), list(was["stance"]))


def _fragment(store: Store, sa: StoredArticle, seq: int, deps: _Deps) -> ArticleOutput:
    """One article's part of analysis.json, encoded, with what it read (``_Deps``)."""
    aid = sa.article.id
    layers = store.article_items(aid, sa.article.text, READ_LAYERS)
    quotes = layers.get("quote", ())
    lists = {
        "articles": _encode(article_record(sa, deps.inferred.get(aid))),
        "quotes": "\n".join(_encode(quote_record(q, deps.entity_for)) for q in quotes),
        "numbers": "\n".join(_encode(number_record(n)) for n in layers.get("number", ())),
        "dates": "\n".join(_encode(date_record(t)) for t in layers.get("time", ())),
    }
    speakers = [q.speaker for q in quotes if q.speaker and not q.speaker_entity_id]
    slant = slant_from_layers(aid, layers)
    profile = None
    stance: list[str] = []
    if slant is not None:
        stance = list(slant.stance)
        slant = rekey_stance(slant, deps.name)
        lists["slant"] = _encode(slant.to_dict())
        outlet = sa.article.outlet or "(unknown outlet)"
        # profiles need only the scores and the techniques of the outlet's own spans
        own = replace(slant, spans=tuple(s for s in slant.spans if s.speaker is None))
        profile = _encode([outlet, sa.article.url, own.to_dict()])
    return ArticleOutput(aid, seq, deps.of(aid, list(dict.fromkeys(speakers)), stance), lists, profile)


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
        deps = _Deps(store)
        for versions in _batches(store.article_versions(), 500):
            kept = store.output_fragments([aid for aid, _seq in versions])
            fresh = {aid: seq for aid, seq in versions if not deps.holds(kept.get(aid), seq)}
            made = [
                _fragment(store, sa, fresh[sa.article.id], deps) for sa in store.stored_articles(list(fresh))
            ]
            store.save_output_fragments(made)
            # a kept part only where it still holds (a fresh article may have left the store since)
            parts = {aid: p for aid, p in kept.items() if aid not in fresh} | {f.article_id: f for f in made}
            for aid, _seq in versions:
                if (part := parts.get(aid)) is None:
                    continue  # removed since the versions were read
                for key in ("articles", *ITEM_KEYS):
                    for line in filter(None, part.lists.get(key, "").split("\n")):
                        lists[key].add_encoded(line)
                if part.profile is not None:
                    outlet, url, slant_dict = json.loads(part.profile)
                    slants.append((outlet, ArticleSlant.from_dict(slant_dict)))
                    if url:
                        urls.setdefault(outlet, url)
        for s in store.iter_skipped():
            lists["skipped"].add({"source": s.source, "reason": s.reason, "id": s.id})
        mentions = store.entity_mentions_for_output(MAX_MENTIONS)
        for ent in store.iter_entities():
            lists["entities"].add(_entity_record(ent, mentions.get(ent.id, (0, []))))
        stories, storylines, duplicates = store.stories_for_output()
        store.attach_sides(stories, max_evidence=MAX_EVIDENCE)
        for story in stories:
            story.update(story_lean(story["outlets"], leans))
        # each corpus-wide list is read when its turn comes and dropped once written: at 10k
        # articles the claims, conflicts and timeline lists are hundreds of MB while they are held
        read: dict[str, Callable[[], Sequence[dict[str, Any]]]] = {
            "stories": lambda: stories, "storylines": lambda: storylines, "duplicates": lambda: duplicates,
            "claims": lambda: store.claims_for_output(max_evidence=MAX_EVIDENCE),
            "conflicts": store.conflicts_for_output,
            "timeline": lambda: store.timeline_for_output(max_evidence=MAX_EVIDENCE),
            "events": lambda: store.events_for_output(max_evidence=MAX_EVIDENCE),
            "relations": store.relations_for_output,
        }  # fmt: skip
        for key, reader in read.items():
            lists[key] = _ListWriter(folder, key)
            for rec in reader():
                lists[key].add(rec)
            if key == "duplicates":
                del stories, storylines, duplicates
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
