"""Corpus-level entity linking: one canonical entity for all the names it goes by.

Input is the distinct (label, in-article canonical name, surface form, count)
rows of the whole corpus, never the mentions themselves, and every step is a dictionary
lookup on a blocking key (the normalised name, or one word of a person's
name): cost grows with the number of distinct names, with no pairwise loop.

* Names that normalise alike ("U.S." / "US", "Global Times" / "the Global Times") are one entity;
  its type is the label most mentions carry (the small NER model often mislabels a few).
* A one-word person name ("Trump", "Xi") that no article resolved itself joins the one multi-word
  person whose surname it is ("Donald Trump"), else whose first word it is ("Xi Jinping"); with
  several candidates, the one carrying at least 80% of their mentions, else it stays on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from counterpoint.config import Settings
from counterpoint.model import Entity, content_id
from counterpoint.pipeline import corpus_stage

if TYPE_CHECKING:
    from counterpoint.store import Store

_PUNCT = re.compile(r"[^\w\s]")
_WS = re.compile(r"\s+")
#: a candidate full name must carry this share of the candidates' mentions to take a bare surname
DOMINANCE = 0.8


def name_key(name: str) -> str:
    """Blocking key of a name: case, accents, punctuation and a leading "the" folded away."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    folded = _PUNCT.sub("", folded.casefold())
    folded = _WS.sub(" ", folded).strip()
    return folded.removeprefix("the ").strip()


@dataclass(slots=True)
class _Group:
    key: str
    names: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    members: set[tuple[str, str]] = field(default_factory=set)  # (label, canonical) pairs
    surfaces: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.names.values())

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0]

    @property
    def name(self) -> str:
        # most used form; on a tie the longer (fuller) one
        return max(self.names.items(), key=lambda kv: (kv[1], len(kv[0])))[0]


def link_entities(
    names: Iterable[tuple[str, str, str, int]],
) -> tuple[list[Entity], list[tuple[str, str, str]]]:
    """Link (label, canonical, surface, count) rows into entities.

    Returns the entities (most mentioned first; aliases are every other way the corpus writes
    them) and alias rows (canonical, label, entity_id) that resolve any mention to its entity.
    """
    groups: dict[str, _Group] = {}
    for label, canonical, surface, count in names:
        key = name_key(canonical)
        if not key:
            continue
        g = groups.setdefault(key, _Group(key))
        g.names[canonical] += count
        g.labels[label] += count
        g.members.add((label, canonical))
        g.surfaces[re.sub(r"\s+", " ", surface).strip()] += count

    # Index multi-word person groups by each word of their name.
    by_last: dict[str, list[_Group]] = defaultdict(list)
    by_first: dict[str, list[_Group]] = defaultdict(list)
    for g in groups.values():
        words = g.key.split()
        if g.label == "PERSON" and len(words) >= 2:
            by_last[words[-1]].append(g)
            by_first[words[0]].append(g)

    merged_into: dict[str, _Group] = {}
    for g in groups.values():
        words = g.key.split()
        if len(words) != 1 or g.labels.get("PERSON", 0) == 0:
            continue
        target = _pick(by_last.get(words[0], [])) or _pick(by_first.get(words[0], []))
        if target is not None and target is not g:
            merged_into[g.key] = target

    final: dict[str, _Group] = {}
    for g in groups.values():
        target = merged_into.get(g.key, g)
        tg = final.setdefault(target.key, _Group(target.key))
        if target is g:
            tg.names.update(g.names)
        else:
            # absorbed surname forms count as mentions but never become the display name
            tg.names.update(dict.fromkeys(g.names, 0))
            tg.names.update({target.name: g.total})
        tg.labels.update(g.labels if target is g else Counter({"PERSON": g.total}))
        tg.members.update(g.members)
        tg.surfaces.update(g.surfaces)

    entities: list[Entity] = []
    aliases: list[tuple[str, str, str]] = []
    for g in final.values():
        eid = content_id("entity:" + g.key)
        display = g.name
        others = (set(g.names) | set(g.surfaces)) - {display}
        entities.append(Entity(eid, display, g.label, tuple(sorted(others)), g.total))
        aliases.extend((canonical, label, eid) for label, canonical in sorted(g.members))
    entities.sort(key=lambda e: (-e.mentions, e.name))
    return entities, aliases


def _pick(cands: list[_Group]) -> _Group | None:
    if len(cands) == 1:
        return cands[0]
    if not cands:
        return None
    total = sum(c.total for c in cands)
    best = max(cands, key=lambda c: c.total)
    return best if best.total >= DOMINANCE * total else None


NameRows = list[tuple[str, str, str, int]]
EntityTable = tuple[list[Entity], list[tuple[str, str, str]]]


class EntitiesStep:
    """The ``entities`` corpus stage: rebuild canonical entities from every distinct mention name.

    One partition, the distinct (label, canonical, surface, count) rows of the whole store:
    it works on names, not mentions, so it stays cheap as the corpus grows, and rebuilding
    from scratch keeps it consistent after any incremental ingest. A distributed runner can
    block it by ``name_key`` (every merge happens within one key or one surname).
    """

    def __init__(self, settings: Settings) -> None:
        self.entities = 0

    def partitions(self, store: Store) -> Iterator[NameRows]:
        yield list(store.mention_names())

    def key(self, part: NameRows) -> str:
        return f"{len(part)} names"

    def compute(self, part: NameRows) -> EntityTable:
        return link_entities(part)

    def commit(self, store: Store, result: EntityTable) -> None:
        store.replace_entities(*result)
        self.entities = len(result[0])

    def summary(self, store: Store) -> dict[str, int]:
        return {"entities": self.entities}


entities = corpus_stage("entities", needs=("mentions",), provides=("entities",))(EntitiesStep)
