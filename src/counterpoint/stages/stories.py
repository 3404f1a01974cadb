"""Corpus stages for stories: near-duplicates + online story clustering, then storylines.

``stories`` is stateful and sequential: its partitions are batches of articles in no story yet,
in ingest order; it restores the clustering and near-duplicate state the store kept from earlier
runs, lets new articles join existing stories, and commits each batch with the state it changed
in one transaction (a killed run loses at most the batch in flight). Lead vectors come from the
per-article ``vectors`` stage; only articles without one (older stores, another encoder) are
embedded here. After each batch, the stories it touched that have grown enough are re-checked
and split in two when they hold two events (``stories/split.py``; one more partition, read
and written through the store). Its last partition retitles the stories the run touched.

``storylines`` works on stories, not articles (cheap): one partition, relinked each run; a
storyline keeps the stories it held (links are only added), so its claim scope can be updated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from counterpoint.config import Settings
from counterpoint.model.story import (
    ArticleRow,
    Duplicate,
    MemberRow,
    StoryBatch,
    Storyline,
    StorySplit,
    StoryState,
    StorySummary,
)
from counterpoint.pipeline import corpus_stage
from counterpoint.stages.vectors import encoder
from counterpoint.stories import StoryDoc
from counterpoint.stories.cluster import ClusterConfig, StoryClusterer
from counterpoint.stories.dedup import NearDuplicateIndex
from counterpoint.stories.embed import DIM, Embedder, embed, embed_text
from counterpoint.stories.events import event_frame
from counterpoint.stories.lead import lead_features
from counterpoint.stories.lexical import lead_terms
from counterpoint.stories.split import Member
from counterpoint.stories.storylines import StorylineConfig, link_storylines
from counterpoint.stories.titles import story_title, storyline_title

if TYPE_CHECKING:  # the protocol only: stages reach the store through its methods
    from counterpoint.store import Store

#: articles per clustering batch (one transaction each)
BATCH = 256


@dataclass(frozen=True, slots=True)
class ArticleBatch:
    """New articles in ingest order, with what clustering needs of each."""

    rows: list[ArticleRow]
    entities: dict[str, tuple[str, ...]]
    vectors: dict[str, np.ndarray]  # stored lead vectors (the rest are embedded in compute)
    story_of: dict[str, str]  # story of exact copies' originals found by the store
    hints: dict[str, tuple[str, float]] = field(default_factory=dict)  # article -> (group leader, link)


@dataclass(frozen=True, slots=True)
class Recheck:
    """Stories a batch touched that are due for a re-check, with all their members."""

    members: dict[str, list[MemberRow]]


@dataclass(frozen=True, slots=True)
class Splits:
    """A re-check's outcome: the splits made and the state of every story they changed."""

    splits: list[StorySplit]
    states: list[StoryState]


@dataclass(frozen=True, slots=True)
class Titles:
    """Stories whose membership changed: (story id, members' headline, text start, vector)."""

    members: dict[str, list[tuple[str | None, str, np.ndarray | None]]]
    centroids: dict[str, np.ndarray | None]


class StoriesStep:
    """One run of the ``stories`` stage (see the module docstring)."""

    def __init__(
        self, settings: Settings, *, embedder: Embedder | None = None, cluster: ClusterConfig | None = None
    ) -> None:
        self.model = settings.story_embedder
        self.embedder = embedder
        self.batch = max(1, min(BATCH, settings.batch_size * 4))
        self.recheck = settings.story_event_checks
        if cluster is None and not settings.story_event_checks:
            cluster = ClusterConfig(lead_weight=0.0)  # lead cross-check off: the similarity rule alone
        if settings.story_grouping:
            cluster = cluster or ClusterConfig()
            cluster = replace(cluster, groups=replace(cluster.groups, enabled=True))
        self.clusterer = StoryClusterer(cluster, dim=DIM)
        self.dedup = NearDuplicateIndex()
        self.touched: set[str] = set()
        self.counts = {
            "articles": 0,
            "new_stories": 0,
            "joined": 0,
            "duplicates": 0,
            "not_compared": 0,
            "split": 0,
            "grouped": 0,
        }

    def partitions(self, store: Store) -> Iterator[ArticleBatch | Recheck | Titles]:
        if store.count_unassigned() == 0:
            return
        df, ndocs = store.load_entity_df()
        self.clusterer.load(store.load_story_states(), df, ndocs)
        self.dedup.load(store.load_signatures())
        after = 0
        while (grouped := self._group(store, after)) is not None:
            hints, upto = grouped
            while rows := [r for r in store.unassigned_articles(self.batch, after) if r.seq <= upto]:
                after = rows[-1].seq
                ids = [r.id for r in rows]
                yield ArticleBatch(
                    rows,
                    store.article_entities(ids),
                    {} if self.embedder is not None else store.lead_vectors(ids, self.model),
                    store.story_of([r.duplicate_of for r in rows if r.duplicate_of]),
                    {i: hints[i] for i in ids if i in hints},
                )
                # the batch is committed: re-check the stories it grew, from their stored members
                due = self.clusterer.due()  # called either way: it also forgets the batch's touched stories
                if due and self.recheck:
                    yield Recheck(store.story_members_for_recheck(due))
        ids = sorted(self.touched)
        yield Titles({s: store.story_members(s) for s in ids}, {s: self.clusterer.centroid(s) for s in ids})

    def _group(self, store: Store, after: int) -> tuple[dict[str, tuple[str, float]], int] | None:
        """Group the next slice of the run's new articles (``stories/groups.py``): the hints the
        batches of the slice are added with, and the ingest position the slice ends at (None: no
        articles left). Reads the slice once more than the batches do, keeping only its features."""
        cfg = self.clusterer.config.groups
        if not cfg.enabled:  # no grouping: one slice of every article left
            return ({}, 2**62) if store.unassigned_articles(1, after) else None
        docs: list[StoryDoc] = []
        vectors: list[np.ndarray] = []
        upto = None
        while len(docs) < cfg.max_articles and (
            rows := store.unassigned_articles(min(self.batch, cfg.max_articles - len(docs)), after)
        ):
            after = upto = rows[-1].seq
            ids = [r.id for r in rows]
            entities = store.article_entities(ids)
            stored = {} if self.embedder is not None else store.lead_vectors(ids, self.model)
            part = [
                StoryDoc(r.id, r.outlet, r.published, r.title, r.text, r.language, entities.get(r.id, ()),
                         r.duplicate_of, event_frame(r.title, r.text, r.dateline), ())
                for r in rows
            ]  # fmt: skip
            docs.extend(part)
            vectors.extend(self._vectors(part, stored))
        if upto is None:
            return None
        hints = self.clusterer.group(docs, np.asarray(vectors, dtype=np.float32).reshape(-1, DIM))
        sizes = Counter(leader for leader, _link in hints.values())
        self.counts["grouped"] += sum(n for n in sizes.values() if n > 1)  # articles in groups of 2 or more
        return hints, upto

    def _vectors(self, docs: list[StoryDoc], stored: dict[str, np.ndarray]) -> np.ndarray:
        """Lead vectors of ``docs``: stored ones, the rest embedded; zeros for copies and other languages."""
        vectors = np.zeros((len(docs), DIM), dtype=np.float32)
        missing = []
        for i, d in enumerate(docs):
            if d.duplicate_of is None and d.english:
                if d.article_id in stored:
                    vectors[i] = stored[d.article_id]
                else:
                    missing.append(i)
        if missing:
            fn = self.embedder if self.embedder is not None else encoder(self.model)
            vectors[missing] = embed([embed_text(docs[i]) for i in missing], fn)
        return vectors

    def key(self, part: ArticleBatch | Recheck | Titles) -> str:
        if isinstance(part, Titles):
            return f"titles of {len(part.members)} stories"
        if isinstance(part, Recheck):
            return f"re-check of {len(part.members)} stories"
        return f"articles {part.rows[0].id}..{part.rows[-1].id}"

    def compute(self, part: ArticleBatch | Recheck | Titles) -> StoryBatch | Splits | list[tuple[str, str]]:
        if isinstance(part, Titles):
            return [(sid, _title(members, part.centroids[sid])) for sid, members in part.members.items()]
        if isinstance(part, Recheck):
            members = {
                sid: [
                    Member(m.article_id, m.vector, m.outlet, m.published, m.entity_ids,
                           event_frame(m.title, m.text, m.dateline) if m.vector is not None else None,
                           m.duplicate_of,
                           lead_features(m.title, m.text) if m.vector is not None else (),
                           lead_terms(m.title, m.text) if m.vector is not None else ())
                    for m in rows
                ]
                for sid, rows in part.members.items()
            }  # fmt: skip
            splits = self.clusterer.recheck(members)
            states = self.clusterer.changes()[0] if splits else []
            self.touched.update(s.id for s in states)
            return Splits(splits, states)
        docs: list[StoryDoc] = []
        dups: list[Duplicate] = []
        sigs: list[tuple[str, bytes]] = []
        for r in part.rows:
            frame = event_frame(r.title, r.text, r.dateline)
            ents = part.entities.get(r.id, ())
            lead = lead_features(r.title, r.text)
            doc = StoryDoc(r.id, r.outlet, r.published, r.title, r.text, r.language, ents, None, frame, lead)
            link, sig = self.dedup.add(r.id, r.text)
            if link is None and r.duplicate_of is not None:
                # the store saw the same text (case and spacing folded); MinHash may miss a wordless copy
                link = Duplicate(r.id, r.duplicate_of, 1.0, True)
            elif link is not None and r.duplicate_of is not None:
                link = replace(link, exact=True)
            if link is not None:
                dups.append(link)
                doc = replace(doc, duplicate_of=link.duplicate_of)
            if sig is not None:
                sigs.append((r.id, sig))
            docs.append(doc)
        todo = [i for i, d in enumerate(docs) if d.duplicate_of is None and d.english]
        vectors = self._vectors(docs, part.vectors)
        assignments = self.clusterer.add(docs, vectors, part.story_of, part.hints)
        embedded = [(docs[i].article_id, vectors[i]) for i in todo if float(np.linalg.norm(vectors[i])) > 0]
        states, df_changes, ndocs = self.clusterer.changes()
        self.touched.update(s.id for s in states)
        return StoryBatch(assignments, embedded, dups, sigs, states, df_changes, ndocs)

    def commit(self, store: Store, result: StoryBatch | Splits | list[tuple[str, str]]) -> None:
        if isinstance(result, list):
            store.save_story_titles(result)
            return
        if isinstance(result, Splits):
            if result.splits:
                store.save_story_split(result.splits, result.states)
                self.counts["split"] += len(result.splits)
            return
        store.save_story_batch(result)
        for a in result.assignments:
            self.counts["articles"] += 1
            if a.duplicate_of is not None:
                self.counts["duplicates"] += 1
            elif a.note is not None:
                self.counts["not_compared"] += 1
            if a.score is not None:
                self.counts["joined"] += 1
            elif a.duplicate_of is None:
                self.counts["new_stories"] += 1

    def summary(self, store: Store) -> dict[str, int]:
        return {**self.counts, **store.story_totals()}


def _title(members: list[tuple[str | None, str, np.ndarray | None]], centroid: np.ndarray | None) -> str:
    """A story's title: the headline of its most central member."""
    scored = [
        (title, text, float(vec @ centroid) if vec is not None and centroid is not None else -1.0)
        for title, text, vec in members
    ]
    return story_title(scored)


@dataclass(frozen=True, slots=True)
class StoryIndex:
    """Every story's summary with the names and titles that storyline titles are made of."""

    summaries: list[StorySummary]
    entity_names: dict[str, str]
    story_titles: dict[str, str]
    previous: dict[str, str] = field(default_factory=dict)  # story -> storyline when last built


class StorylinesStep:
    """One run of the ``storylines`` stage: link every story into storylines and title them.

    Stories keep the storyline they were in (``stories/storylines.py``): a run adds links only.
    """

    def __init__(self, settings: Settings, *, config: StorylineConfig | None = None) -> None:
        self.config = config

    def partitions(self, store: Store) -> Iterator[StoryIndex]:
        if not store.storylines_stale():
            return
        summaries: list[StorySummary] = []
        entity_ids: set[str] = set()
        for st in store.load_story_states():
            v = np.frombuffer(st.vector_sum, dtype=np.float32)
            norm = float(np.linalg.norm(v))
            centroid = (v / norm).astype(np.float32) if st.embedded and norm > 0 else None
            summaries.append(
                StorySummary(st.id, st.key, centroid, st.entities, st.first, st.last, st.english)
            )
            entity_ids.update(st.entities)
        yield StoryIndex(
            summaries, store.entity_names(sorted(entity_ids)), store.story_titles(), store.story_storylines()
        )

    def key(self, part: StoryIndex) -> str:
        return f"{len(part.summaries)} stories"

    def compute(self, part: StoryIndex) -> tuple[list[Storyline], list[str]]:
        lines = link_storylines(part.summaries, self.config, part.previous)
        names, titles = part.entity_names, part.story_titles
        line_titles = [
            storyline_title(
                [names[e] for e in sl.entity_ids if e in names], [titles.get(s, "") for s in sl.story_ids]
            )
            for sl in lines
        ]
        return lines, line_titles

    def commit(self, store: Store, result: tuple[list[Storyline], list[str]]) -> None:
        store.replace_storylines(*result)

    def summary(self, store: Store) -> dict[str, int]:
        return store.story_totals()


stories = corpus_stage(
    "stories",
    needs=("text", "title", "published", "entities", "vectors"),
    provides=("duplicates", "stories"),
    sequential=True,
)(StoriesStep)
storylines = corpus_stage("storylines", needs=("stories", "entities"), provides=("storylines",))(
    StorylinesStep
)
