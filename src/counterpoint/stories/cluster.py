"""Online, time-aware story clustering: each new article joins the best existing story or starts one.

An article is scored against a few candidate stories only:

* the ``ann_k`` stories whose centroids are nearest to its embedding: for a dated article, by exact
  search in each month its ``max_gap_days`` window touches (plus a usearch HNSW index of undated
  stories); for an undated article, in a usearch HNSW index of every story; and
* the newest stories that share one of its most salient entities (entity blocking; each
  posting list keeps the ``block_cap`` newest stories, so a ubiquitous entity costs no more
  than a rare one).

``score = (1 - lexical_weight) * mean cos(article, story members) + lexical_weight * mean lexical
cos(article, story members) + entity_weight * entity overlap - date penalty``, where the lexical
cosine is that of TF-IDF vectors of headline + lead (``lexical.py``), the mean cosine to the
members (average linkage) is the cosine to the centroid times the centroid sum's length over the
member count (no member vectors needed), entity overlap is the cosine
of idf-weighted log entity counts (weighed down for an article naming few entities) and the date
penalty grows with the days between the article and the story's date span (past ``max_gap_days``
the story is not a candidate at all). Scoring by the mean cosine, not the centroid cosine, is what
stops chaining: a story that has grown diffuse has a short centroid sum, so it no longer draws in
every article of its topic. After each batch, a story founded in it is merged into the best other
story when the two stories' members agree by the same rule (``merge_fresh``). Articles without
a date are matched on content alone. A story whose event frame clashes with the article's
(``events.py``: the lead puts the event in another country, or it was a call and the story a
visit) is not a candidate either:
like events read alike, and where and how they happened is what tells them apart.
For candidates scoring within ``lead_band`` of the threshold, the lead cross-check (``lead.py``:
action words, their arguments and numbers of the headline and first sentence) adds
``lead_weight`` x agreement: a tie-breaker, never more.
The article joins the best story scoring at least ``threshold``, else founds a new one.

After a batch, ``due`` lists the stories it grew that may hold two events and ``recheck`` splits
those that do, from their members (``split.py``); nothing else is re-clustered. Per-story state
(centroid sum, entity counts, date span, outlets, frame, lead features) is updated in place,
exported as plain ``StoryState`` rows for a runner to persist, and loaded back on the next run.
Given the same articles in the same order, the result is the same.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
from threadpoolctl import ThreadpoolController
from usearch.index import Index

from counterpoint.model import content_id
from counterpoint.model.story import Assignment, EventFrame, StorySplit, StoryState
from counterpoint.stories import StoryDoc
from counterpoint.stories.events import clash
from counterpoint.stories.groups import GroupConfig, GroupItem, Weights, group_articles
from counterpoint.stories.lead import agreement, comparable, lead_features
from counterpoint.stories.lexical import lead_terms, mean_cosine, trim, unit_weights
from counterpoint.stories.split import Member, SplitConfig, decide


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterConfig:
    """Parameters of story clustering (chosen on the NeuS tuning half and ECB+, see docs/stories.md)."""

    #: an article joins the best story scoring at least this (0.42 with the lexical channel at 0.5,
    #: on the NeuS tuning half; 0.6 for MiniLM alone)
    threshold: float = 0.42
    #: weight of the lexical channel (``lexical.py``: mean TF-IDF cosine of headline + lead to the
    #: story's members); the MiniLM mean cosine weighs ``1 - lexical_weight``; 0: off
    lexical_weight: float = 0.5
    #: term weights kept per story (the largest)
    story_terms: int = 128
    #: most candidates an article's words are compared with (those of highest embedding and entity
    #: score): bounds the cost, since the lexical term leaves the exact pruning little to prune
    lexical_candidates: int = 16
    #: weight of entity overlap (0..1) added to the embedding cosine
    entity_weight: float = 0.2
    #: an article naming fewer distinct entities than this gets a proportionally smaller entity
    #: weight (a short lead naming only "Trump" overlaps every story about him); 0: always full
    full_names: int = 6
    #: score a story by the mean cosine between the article and its members (average linkage)
    #: rather than the cosine to its centroid, which a large, diffuse story makes close to anything
    mean_linkage: bool = True
    #: after each batch, merge a story founded in it into the best other story when their members
    #: agree (the joining rule applied story to story)
    merge_fresh: bool = True
    #: nearest story centroids taken from the ANN index per article
    ann_k: int = 16
    #: most salient entities of an article used as blocking keys
    block_entities: int = 3
    #: newest stories kept per blocking key
    block_cap: int = 32
    #: days between an article and a story's span that cost nothing
    grace_days: int = 3
    #: a dated article never joins a story whose span is further away than this
    max_gap_days: int = 30
    #: score lost at ``max_gap_days``, growing linearly from ``grace_days``
    date_penalty: float = 0.3
    #: entity counts kept per story (the most frequent), bounding memory
    story_entities: int = 48
    #: weight of the lead cross-check (``lead.py``), applied only to candidates scoring within
    #: ``lead_band`` of the threshold when both leads have an action word or a number; 0: off
    lead_weight: float = 0.3
    lead_band: float = 0.1
    #: most candidates scoring below the threshold that are scored for the lead to lift
    lead_candidates: int = 16
    #: lead overlap that counts as neither agreement nor disagreement
    lead_pivot: float = 0.15
    #: taken off the agreement when both leads name numbers and share none
    lead_number_clash: float = 1.0
    #: the lead term also counts when a re-check weighs a story's two halves
    split_lead: bool = True
    #: taken off the cosine of two members whose leads both name numbers and share none, when a
    #: re-check groups a story's members
    split_number_clash: float = 0.2
    #: lead features kept per story (the most frequent)
    story_lead: int = 64
    #: when and how ``recheck`` splits a story the batch touched
    split: SplitConfig = field(default_factory=SplitConfig)
    #: how ``group`` groups a run's new articles before they are added (``groups.py``)
    groups: GroupConfig = field(default_factory=GroupConfig)


@dataclass(slots=True)
class _Story:
    id: str
    key: int
    vsum: np.ndarray
    embedded: int = 0
    articles: int = 0
    duplicates: int = 0
    entities: Counter[str] = field(default_factory=Counter)
    outlets: Counter[str] = field(default_factory=Counter)
    first: date | None = None
    last: date | None = None
    english: bool = True
    note: str | None = None
    places: Counter[str] = field(default_factory=Counter)
    modes: Counter[str] = field(default_factory=Counter)
    lead: Counter[str] = field(default_factory=Counter)
    checked: int = 0  # embedded members when it was last re-checked
    terms: dict[str, float] = field(default_factory=dict)  # sum of members' unit TF-IDF vectors

    def state(self) -> StoryState:
        return StoryState(
            self.id, self.key, self.vsum.astype(np.float32).tobytes(), self.embedded, self.articles,
            self.duplicates, dict(self.entities), dict(self.outlets),
            self.first.isoformat() if self.first else None, self.last.isoformat() if self.last else None,
            self.english, self.note, dict(self.places), dict(self.modes), dict(self.lead),
            {t: round(w, 5) for t, w in self.terms.items()},
        )  # fmt: skip


def parse_date(value: str | None) -> date | None:
    """An ISO ``YYYY-MM-DD`` date (longer timestamps are cut), or None if absent or unreadable."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def day_gap(day: date, first: date | None, last: date | None) -> int | None:
    """Days from ``day`` to the span ``first..last`` (0 inside it), or None for an undated span."""
    if first is None or last is None:
        return None
    if day < first:
        return (first - day).days
    if day > last:
        return (day - last).days
    return 0


class _MonthIndex:
    """Exact inner-product search over the stories active in one month.

    A month holds the stories of a bounded stretch of time, so a matrix product over it is both
    exact and cheaper than a graph index: HNSW search cost grows with the index (measured ~6x for
    10x more random vectors), while a month grows only with how dense the news is.
    """

    def __init__(self, dim: int) -> None:
        self.rows = np.zeros((16, dim), dtype=np.float32)
        self.keys = np.zeros(16, dtype=np.int64)
        self.size = 0
        self.row_of: dict[int, int] = {}

    def __len__(self) -> int:
        return self.size

    def __contains__(self, key: int) -> bool:
        return key in self.row_of

    def add(self, key: int, unit: np.ndarray) -> None:
        row = self.row_of.get(key)
        if row is None:
            row = self.size
            if row == len(self.rows):
                self.rows = np.concatenate([self.rows, np.zeros_like(self.rows)])
                self.keys = np.concatenate([self.keys, np.zeros_like(self.keys)])
            self.keys[row] = key
            self.row_of[key] = row
            self.size += 1
        self.rows[row] = unit

    def drop(self, key: int) -> None:
        """Remove a story (merged into another): its row is taken by the last one."""
        row = self.row_of.pop(key, None)
        if row is None:
            return
        last = self.size - 1
        if row != last:
            moved = int(self.keys[last])
            self.rows[row], self.keys[row] = self.rows[last], moved
            self.row_of[moved] = row
        self.size = last

    def search(self, vec: np.ndarray, k: int) -> np.ndarray:
        """Keys of the ``k`` rows with the largest inner product with ``vec`` (in no order)."""
        n = self.size
        if n <= k:
            return self.keys[:n]
        return self.keys[np.argpartition(-(self.rows[:n] @ vec), k - 1)[:k]]


def _month(day: date) -> int:
    """A month as one integer, so a window of months is a range."""
    return day.year * 12 + day.month - 1


def _blas() -> ThreadpoolController:
    # a new controller each time (a few ms per batch): one made earlier would not see a BLAS that
    # was loaded since (by the encoder, say), and leave its pool spinning
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the products inside on one BLAS thread.

    The clusterer's products are small (a month's stories x a batch's articles, a candidate set x
    one vector, a re-check's members x themselves). Above a few hundred thousand multiply-adds
    OpenBLAS hands them to its thread pool, which spins while it waits: on two cores shared with
    other work, a 30k-article benchmark spent 8.4 s of CPU in the month search against 0.64 s on one
    thread, a cost that grew with the size of the months (x13 for x3 articles).
    """
    with _blas().limit(limits=1, user_api="blas"):
        yield


def story_id_for(article_id: str) -> str:
    """A story's stable id: derived from the article that founded it."""
    return content_id("story:" + article_id)


class StoryClusterer:
    """Holds every story's state and assigns new articles to stories, batch by batch."""

    def __init__(self, config: ClusterConfig | None = None, *, dim: int = 384) -> None:
        self.config = config or ClusterConfig()
        self.dim = dim
        self._stories: dict[int, _Story] = {}
        self._by_id: dict[str, int] = {}
        # Dated articles search only the months their 30-day window touches (exactly, one small
        # matrix per month a story is active in) plus the undated stories (HNSW); undated articles
        # search every story (HNSW).
        # Without the monthly split a dense corpus fills the top-k with stories from other months
        # that the date window then throws away, and search cost grows with the whole corpus.
        self._index = Index(ndim=dim, metric="ip", dtype="f16", connectivity=16)
        self._index_ready = False  # the all-stories index is built on the first undated article
        self._undated = Index(ndim=dim, metric="ip", dtype="f16", connectivity=16)
        self._months: dict[int, _MonthIndex] = {}
        self._in_month: dict[int, set[int]] = {}  # story key -> months it is indexed in
        # Per story key, so that every candidate is scored in one numpy pass: the exact unit
        # centroid (zeros while nothing is embedded) and the date span as day ordinals (-1: undated).
        self._unit = np.zeros((64, dim), dtype=np.float32)
        self._span = np.full((64, 2), -1, dtype=np.int64)
        self._scale = np.zeros(64, dtype=np.float32)  # |centroid sum| / members: mean cosine = cos x scale
        self._postings: dict[str, deque[int]] = {}
        self._enorm: dict[int, tuple[int, float]] = {}  # story key -> (articles seen, entity norm)
        self._fresh: list[int] = []  # stories founded during the current ``add`` call
        self._grouped: set[int] = set()  # stories founded by this run's grouped articles (``hints``)
        self._df: Counter[str] = Counter()
        self._ndocs = 0
        self._story_of: dict[str, int] = {}
        self._dirty: set[int] = set()
        self._dirty_df: set[str] = set()
        self._touched: set[int] = set()  # stories with new embedded members since the last ``due``
        self._next_key = 0

    # -- state ------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._stories)

    def load(self, stories: Iterable[StoryState], df: Iterable[tuple[str, int]], ndocs: int) -> None:
        """Restore state exported by ``changes`` on earlier runs (stories in key order)."""
        for st in sorted(stories, key=lambda s: s.key):
            vsum = np.frombuffer(st.vector_sum, dtype=np.float32).copy()
            if vsum.shape != (self.dim,):
                raise ValueError(f"story {st.id}: stored vector has {vsum.size} values, expected {self.dim}")
            s = _Story(
                st.id, st.key, vsum, st.embedded, st.articles, st.duplicates, Counter(st.entities),
                Counter(st.outlets), parse_date(st.first), parse_date(st.last), st.english, st.note,
                Counter(st.places), Counter(st.modes), Counter(st.lead), st.embedded, dict(st.terms),
            )  # fmt: skip
            self._stories[s.key] = s
            self._by_id[s.id] = s.key
            self._next_key = max(self._next_key, s.key + 1)
            self._sync(s)
            if s.english and s.embedded:
                self._index_story(s, fresh=True)
                for eid, _n in s.entities.most_common(self.config.block_entities):
                    self._post(eid, s.key)
        self._df.update(dict(df))
        self._ndocs += ndocs

    def changes(self) -> tuple[list[StoryState], list[tuple[str, int]], int]:
        """Stories and entity document-frequencies changed since the last call, and the document count."""
        stories = [self._stories[k].state() for k in sorted(self._dirty)]
        df = [(e, self._df[e]) for e in sorted(self._dirty_df)]
        self._dirty.clear()
        self._dirty_df.clear()
        return stories, df, self._ndocs

    def story(self, story_id: str) -> StoryState | None:
        key = self._by_id.get(story_id)
        return self._stories[key].state() if key is not None else None

    def centroid(self, story_id: str) -> np.ndarray | None:
        """Unit centroid of a story's embedded members, or None if it has none."""
        key = self._by_id.get(story_id)
        if key is None or not self._stories[key].embedded:
            return None
        v = self._stories[key].vsum
        n = float(np.linalg.norm(v))
        return (v / n).astype(np.float32) if n > 0 else None

    # -- re-checking grown stories (``split.py``) ------------------------------------------------------

    def due(self) -> list[str]:
        """Stories touched since the last call that have grown enough to be re-checked (``split.py``)."""
        cfg = self.config.split
        out = []
        for key in sorted(self._touched):
            s = self._stories.get(key)
            if s is None or s.embedded < cfg.min_members or s.embedded <= s.checked:
                continue
            if s.embedded >= cfg.small and s.embedded < s.checked * cfg.regrow:
                continue
            n = s.embedded
            norm2 = float(s.vsum @ s.vsum)
            if (norm2 - n) / (n * (n - 1)) >= cfg.coherent:
                continue  # members alike on average: one event (mean pairwise cosine off the sum)
            out.append(s.id)
        self._touched.clear()
        return out

    def recheck(self, members: Mapping[str, Sequence[Member]]) -> list[StorySplit]:
        """Split each of these stories (id -> all its members, founding member first) that holds two events.

        The half without the founding member becomes a new story; both halves' state is rebuilt
        from their members (``changes`` then exports both). Returns the splits made.
        """
        with one_blas_thread():
            return self._recheck(members)

    def _recheck(self, members: Mapping[str, Sequence[Member]]) -> list[StorySplit]:
        out: list[StorySplit] = []
        for sid, mems in members.items():
            key = self._by_id.get(sid)
            if key is None:
                continue
            s = self._stories[key]
            s.checked = s.embedded
            founder = [m for m in mems if story_id_for(m.article_id) == sid]
            ordered = founder + [m for m in mems if story_id_for(m.article_id) != sid]
            pair = self._pair_lead if self.config.lead_weight and self.config.split_lead else None
            lexical = self._pair_terms if self.config.lexical_weight else None
            found = decide(
                ordered, self.config.split, self._half_evidence, pair, lexical, self.config.lexical_weight
            )
            if not found:
                continue
            gone_all = set().union(*(ids for ids, _b in found))
            self._rebuild(s, [m for m in ordered if m.article_id not in gone_all])
            for moved, between in found:
                gone = [m for m in ordered if m.article_id in moved]
                new_id = story_id_for(gone[0].article_id)
                if new_id in self._by_id:
                    new_id = content_id("story:split:" + ",".join(sorted(moved)))
                new = _Story(new_id, self._next_key, np.zeros(self.dim, dtype=np.float32))
                self._next_key += 1
                self._stories[new.key] = new
                self._by_id[new.id] = new.key
                self._rebuild(new, gone)
                out.append(StorySplit(sid, new_id, tuple(m.article_id for m in gone), round(between, 4)))
        return out

    def _half_evidence(self, a: Sequence[Member], b: Sequence[Member]) -> float:
        """The entity term between two halves of a story: what ``_best`` adds to an article's cosine."""
        cfg = self.config
        wa = self._weights(Counter(e for m in a for e in m.entity_ids))
        wb = self._weights(Counter(e for m in b for e in m.entity_ids))
        na = math.sqrt(sum(w * w for w in wa.values()))
        nb = math.sqrt(sum(w * w for w in wb.values()))
        if not na or not nb:
            return 0.0
        sim = sum(w * wb[e] for e, w in wa.items() if e in wb) / (na * nb)
        names = min(
            sum(len(set(m.entity_ids)) for m in a) / len(a), sum(len(set(m.entity_ids)) for m in b) / len(b)
        )
        ew = cfg.entity_weight * min(1.0, names / cfg.full_names) if cfg.full_names else cfg.entity_weight
        return ew * sim + self._half_lead(a, b)

    def _half_lead(self, a: Sequence[Member], b: Sequence[Member]) -> float:
        """The lead term between two halves: how the moved half's leads agree with the kept half's."""
        cfg = self.config
        if not cfg.lead_weight or not cfg.split_lead:
            return 0.0
        counts = Counter(f for m in a for f in m.lead)
        if not comparable(counts):
            return 0.0
        total = 0.0
        for m in b:
            if m.lead and comparable(m.lead):
                total += agreement(
                    m.lead, counts, len(a), pivot=cfg.lead_pivot, number_clash=cfg.lead_number_clash
                )
        return cfg.lead_weight * total / len(b)

    def _pair_lead(self, members: Sequence[Member]) -> np.ndarray:
        """The lead term between every two members for a re-check's linkage: only disagreement counts.

        Two leads that both name numbers and share none (two jobs reports, two death tolls) lose
        ``split_number_clash``; shared words do not pull members of one topic together.
        """
        nums = [frozenset(f for f in m.lead if f.startswith("n:")) for m in members]
        out = np.zeros((len(members), len(members)), dtype=np.float32)
        named = [i for i, n in enumerate(nums) if n]
        for x, i in enumerate(named):
            for j in named[x + 1 :]:
                if not nums[i] & nums[j]:
                    out[i, j] = out[j, i] = -self.config.split_number_clash
        return out

    def _pair_terms(self, members: Sequence[Member]) -> np.ndarray:
        """TF-IDF cosines between every two members' headline + lead terms (current idf).

        The members' ``lexical.unit_weights`` as rows of one matrix: each distinct term's idf is
        looked up once per re-check, not once per member that has it.
        """
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tf: list[float] = []
        for i, m in enumerate(members):
            for t, n in Counter(m.terms).items():
                rows.append(i)
                cols.append(vocab.setdefault(t, len(vocab)))
                tf.append(1.0 + math.log(n))
        x = np.zeros((len(members), max(1, len(vocab))), dtype=np.float64)
        if vocab:
            idf = np.fromiter((self._term_idf(t) for t in vocab), dtype=np.float64, count=len(vocab))
            x[rows, cols] = np.asarray(tf) * idf[cols]
            norm = np.sqrt((x * x).sum(axis=1, keepdims=True))
            x = np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)
        x32 = x.astype(np.float32)
        out: np.ndarray = x32 @ x32.T
        return out

    def _rebuild(self, s: _Story, members: Sequence[Member]) -> None:
        """Recompute a story's state from its members (after a split) and re-index it."""
        s.vsum = np.zeros(self.dim, dtype=np.float32)
        s.embedded = s.articles = s.duplicates = 0
        s.entities, s.outlets, s.places, s.modes, s.lead = (
            Counter(),
            Counter(),
            Counter(),
            Counter(),
            Counter(),
        )
        s.terms = {}
        s.first = s.last = None
        for m in members:
            s.articles += 1
            s.duplicates += m.duplicate_of is not None
            if m.outlet:
                s.outlets[m.outlet] += 1
            day = parse_date(m.published)
            if day is not None:
                s.first = day if s.first is None else min(s.first, day)
                s.last = day if s.last is None else max(s.last, day)
            self._story_of[m.article_id] = s.key
            if m.vector is None or m.duplicate_of is not None:
                continue
            s.vsum += np.asarray(m.vector, dtype=np.float32)
            s.embedded += 1
            s.entities.update(m.entity_ids)
            s.lead.update(m.lead)
            if self.config.lexical_weight and m.terms:
                for t, w in unit_weights(m.terms, self._term_idf).items():
                    s.terms[t] = s.terms.get(t, 0.0) + w
            if m.frame is not None:
                s.places.update(m.frame.places)
                s.modes.update(m.frame.modes)
        if len(s.entities) > 2 * self.config.story_entities:
            s.entities = Counter(dict(s.entities.most_common(self.config.story_entities)))
        if len(s.lead) > 2 * self.config.story_lead:
            s.lead = Counter(dict(s.lead.most_common(self.config.story_lead)))
        s.terms = trim(s.terms, self.config.story_terms)
        s.checked = s.embedded
        self._enorm.pop(s.key, None)
        self._dirty.add(s.key)
        self._sync(s)
        weights = self._weights(s.entities)
        for e in self._salient(weights):
            self._post(e, s.key)
        self._index_story(s, fresh=False)

    # -- assignment -------------------------------------------------------------------------------------

    def group(self, docs: Sequence[StoryDoc], vectors: np.ndarray) -> dict[str, tuple[str, float]]:
        """Hints for ``add``: a run's new articles (in ingest order) grouped among themselves.

        Copies, other languages and articles without a vector are left out (they are not compared).
        """
        cfg = self.config
        if not cfg.groups.enabled:
            return {}
        items = [
            GroupItem(d.article_id, v, lead_terms(d.title, d.text), tuple(d.entity_ids),
                      d.frame or EventFrame(), parse_date(d.published))
            for d, v in zip(docs, np.asarray(vectors, dtype=np.float32), strict=True)
            if d.duplicate_of is None and d.english and float(np.linalg.norm(v)) > 0
        ]  # fmt: skip
        weights = Weights(
            lexical=cfg.lexical_weight,
            entity=cfg.entity_weight,
            full_names=cfg.full_names,
            grace_days=cfg.grace_days,
            max_gap_days=cfg.max_gap_days,
            date_penalty=cfg.date_penalty,
        )
        with one_blas_thread():
            return group_articles(items, weights, self._df, self._ndocs, cfg.groups)

    def add(
        self,
        docs: Sequence[StoryDoc],
        vectors: np.ndarray,
        known: Mapping[str, str] | None = None,
        hints: Mapping[str, tuple[str, float]] | None = None,
    ) -> list[Assignment]:
        """Assign each of ``docs`` (row ``i`` of ``vectors`` is doc ``i``'s unit embedding) to a story.

        ``known`` maps articles from earlier runs to their story ids, so that a duplicate
        of one of them joins its story. Non-English articles and articles without text are
        kept out of similarity matching and found a story of their own, with a note saying why.
        ``hints`` (``groups.group_articles``) maps each article the run grouped to its group's
        leader and its similarity to the group: the leader meets the usual rule, but against stories
        of earlier runs only (the grouping already weighed this run's articles against each other),
        and the other members follow it.
        """
        if len(docs) != len(vectors):
            raise ValueError(f"{len(docs)} docs but {len(vectors)} vectors")
        with one_blas_thread():
            return self._add(docs, vectors, known or {}, hints or {})

    def _add(
        self,
        docs: Sequence[StoryDoc],
        vectors: np.ndarray,
        known: Mapping[str, str],
        hints: Mapping[str, tuple[str, float]],
    ) -> list[Assignment]:
        vectors = np.asarray(vectors, dtype=np.float32)
        monthly = self._monthly_candidates(docs, vectors)
        self._fresh = []
        out: list[Assignment] = []
        for i, (doc, vec) in enumerate(zip(docs, vectors, strict=True)):
            out.append(self._add_one(doc, vec, known, monthly.get(i), hints.get(doc.article_id)))
        if self.config.merge_fresh:
            merged = self._merge_fresh(out)
            if merged:
                out = [
                    replace(a, story_id=merged[a.story_id][0], score=merged[a.story_id][1])
                    if a.story_id in merged
                    else a
                    for a in out
                ]
        return out

    def _merge_fresh(self, assigned: Sequence[Assignment]) -> dict[str, tuple[str, float]]:
        """Merge each story founded during this call into the best other story, if their members agree.

        An online pass founds a story when an article arrives before the members it belongs with;
        two halves of one event then sit apart. A story founded in this call is not stored yet, so
        it can be folded into another at no cost to the store. Two stories merge when the mean
        cosine between their members (average linkage, ``mean_linkage``) plus the entity term
        reaches the joining threshold: the same rule an article meets, applied to a whole story.
        Returns merged story id -> (story it went into, merge score).
        """
        out: dict[str, tuple[str, float]] = {}
        members: dict[str, list[str]] = {}
        for a in assigned:
            members.setdefault(a.story_id, []).append(a.article_id)
        for key in list(self._fresh):
            f = self._stories.get(key)
            if f is None or not f.english or not f.embedded:
                continue
            weights = self._weights(f.entities)
            vec = (f.vsum / f.embedded).astype(np.float32)  # mean member: cos x scale is the mean cosine
            frame = EventFrame(frozenset(f.places), frozenset(f.modes))
            terms = {t: w / f.embedded for t, w in f.terms.items()}  # the mean member's term vector
            # the grouping kept them apart
            avoid = self._grouped if key in self._grouped and self.config.groups.keep_apart else None
            best, score = self._best(
                vec, weights, self._salient(weights), f.first, frame, exclude=key, terms=terms, avoid=avoid
            )
            if best is None or score < self.config.threshold:
                continue
            into, gone = self._stories[best], f
            if best > key and best in self._fresh:
                into, gone = f, into  # the older story of the two keeps its id
            out[gone.id] = (into.id, round(score, 4))
            for merged_id, (target, s) in list(out.items()):
                if target == gone.id:  # stories merged into this one earlier follow it
                    out[merged_id] = (into.id, s)
            moved = members.pop(gone.id, [])
            members.setdefault(into.id, []).extend(moved)
            self._absorb(into, gone, moved)
        return out

    def _absorb(self, into: _Story, f: _Story, moved: Sequence[str]) -> None:
        """Fold story ``f`` (founded in this call, never stored) into ``into`` and forget it."""
        into.vsum += f.vsum
        into.embedded += f.embedded
        into.articles += f.articles
        into.duplicates += f.duplicates
        into.outlets.update(f.outlets)
        into.places.update(f.places)
        into.modes.update(f.modes)
        into.entities.update(f.entities)
        into.lead.update(f.lead)
        for t, w in f.terms.items():
            into.terms[t] = into.terms.get(t, 0.0) + w
        into.terms = trim(into.terms, self.config.story_terms)
        self._touched.add(into.key)
        self._touched.discard(f.key)
        self._enorm.pop(into.key, None)
        for day in (f.first, f.last):
            if day is not None:
                into.first = day if into.first is None else min(into.first, day)
                into.last = day if into.last is None else max(into.last, day)
        for aid in moved:
            self._story_of[aid] = into.key
        for e in f.entities:
            posted = self._postings.get(e)
            if posted is not None and f.key in posted:
                posted.remove(f.key)
        for e, _n in into.entities.most_common(self.config.block_entities):
            self._post(e, into.key)
        for index in (self._index, self._undated):
            if f.key in index:
                index.remove(f.key)
        for m in self._in_month.pop(f.key, ()):
            self._months[m].drop(f.key)
        del self._stories[f.key], self._by_id[f.id]
        self._dirty.discard(f.key)
        self._fresh.remove(f.key)
        self._unit[f.key] = 0.0
        self._scale[f.key] = 0.0
        self._span[f.key] = -1
        self._dirty.add(into.key)
        self._sync(into)
        self._index_story(into, fresh=False)

    def _monthly_candidates(
        self, docs: Sequence[StoryDoc], vectors: np.ndarray
    ) -> dict[int, list[np.ndarray]]:
        """The ``ann_k`` nearest stories in each month of each dated article's window, for a whole batch.

        One matrix product per month for every article of the batch whose window touches it: the
        month's rows are read once per batch, not once per article, which is what made the search
        grow with the density of news. The months are searched as they stand when the batch starts;
        stories founded during the batch are searched exactly, apart (``_fresh``). Like the
        re-indexing at 1, 4 and 16 members, this only changes which stories are candidates;
        scoring always uses the exact centroids.
        """
        k = self.config.ann_k
        window = timedelta(days=self.config.max_gap_days)
        readers: dict[int, list[int]] = {}
        out: dict[int, list[np.ndarray]] = {}
        for i, doc in enumerate(docs):
            day = parse_date(doc.published)
            if day is None or doc.duplicate_of is not None or not doc.english:
                continue  # undated: the HNSW path; copies and other languages are not compared
            out[i] = []
            for m in range(_month(day - window), _month(day + window) + 1):
                if m in self._months:
                    readers.setdefault(m, []).append(i)
        for m, idx in readers.items():
            month = self._months[m]
            n = month.size
            if n <= k:
                for i in idx:
                    out[i].append(month.keys[:n].copy())
                continue
            sims = month.rows[:n] @ vectors[idx].T  # (stories in the month, articles reading it)
            top = np.argpartition(-sims, k - 1, axis=0)[:k]
            for j, i in enumerate(idx):
                out[i].append(month.keys[top[:, j]])
        return out

    def _add_one(
        self,
        doc: StoryDoc,
        vec: np.ndarray,
        known: Mapping[str, str],
        monthly: list[np.ndarray] | None,
        hint: tuple[str, float] | None = None,
    ) -> Assignment:
        day = parse_date(doc.published)
        if doc.duplicate_of is not None:
            key = self._story_of.get(doc.duplicate_of)
            if key is None and doc.duplicate_of in known:
                key = self._by_id.get(known[doc.duplicate_of])
            if key is not None:
                s = self._stories[key]
                s.duplicates += 1
                self._join(s, doc, day, None)
                return Assignment(doc.article_id, s.id, None, doc.duplicate_of)
        if not doc.english:
            note = f"language {doc.language!r}: kept out of story matching, which compares English text"
            return self._found(doc, day, None, note)
        if not float(np.linalg.norm(vec)) > 0:
            return self._found(doc, day, None, "no text to compare: kept as a story of its own")
        ents = Counter(doc.entity_ids)
        self._ndocs += 1
        for e in ents:
            self._df[e] += 1
        self._dirty_df.update(ents)
        terms: dict[str, float] = {}
        if self.config.lexical_weight:
            words = lead_terms(doc.title, doc.text)
            for t in set(words):
                self._df["t:" + t] += 1
                self._dirty_df.add("t:" + t)
            terms = unit_weights(words, self._term_idf)
        doc_w = self._weights(ents)
        salient = self._salient(doc_w)
        frame = doc.frame or EventFrame()
        lead = doc.lead if doc.lead is not None else lead_features(doc.title, doc.text)
        if not self.config.lead_weight:
            lead = ()
        avoid: set[int] | None = None
        if hint is not None:
            leader, link = hint
            key = self._story_of.get(leader) if leader != doc.article_id else None
            if key is not None and key in self._stories:  # a member follows its group's leader
                s = self._stories[key]
                self._join(s, doc, day, vec, ents, salient, frame, lead, terms)
                return Assignment(doc.article_id, s.id, link)
            if self.config.groups.keep_apart:
                avoid = self._grouped  # the grouping weighed this run's articles against each other
        best, best_score = self._best(
            vec, doc_w, salient, day, frame, monthly, lead=lead, terms=terms, avoid=avoid
        )
        if best is not None and best_score >= self.config.threshold:
            s = self._stories[best]
            self._join(s, doc, day, vec, ents, salient, frame, lead, terms)
            return Assignment(doc.article_id, s.id, round(best_score, 4))
        founded = self._found(doc, day, vec, None, ents, salient, frame, lead, terms)
        if hint is not None:
            self._grouped.add(self._by_id[founded.story_id])
        return founded

    def _candidates(
        self, vec: np.ndarray, salient: Sequence[str], day: date | None, monthly: list[np.ndarray] | None
    ) -> np.ndarray:
        """Keys of the candidate stories, sorted and unique (``monthly``: prefetched month hits)."""
        found: list[np.ndarray] = []
        if day is None:
            if not self._index_ready:
                self._index_ready = True
                for st in self._stories.values():
                    if st.english and st.embedded:
                        self._index_story(st, fresh=True)
            index = self._index
        else:
            if monthly is not None:
                found += monthly
                if self._fresh:  # stories founded during this batch, not in the prefetched months
                    fresh = np.asarray(self._fresh, dtype=np.int64)
                    if len(fresh) > self.config.ann_k:
                        fresh = fresh[np.argpartition(-(self._unit[fresh] @ vec), self.config.ann_k - 1)]
                        fresh = fresh[: self.config.ann_k]
                    found.append(fresh)
            else:
                window = timedelta(days=self.config.max_gap_days)
                for m in range(_month(day - window), _month(day + window) + 1):
                    if m in self._months:
                        found.append(self._months[m].search(vec, self.config.ann_k))
            index = self._undated
        if len(index):
            # one thread: many small searches, and threads only add contention on a shared machine
            hits = index.search(vec, self.config.ann_k, threads=1)
            found.append(np.atleast_1d(hits.keys).astype(np.int64))
        for e in salient:
            posted = self._postings.get(e)
            if posted:
                found.append(np.fromiter(posted, dtype=np.int64, count=len(posted)))
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def _best(
        self,
        vec: np.ndarray,
        doc_w: Mapping[str, float],
        salient: Sequence[str],
        day: date | None,
        frame: EventFrame,
        monthly: list[np.ndarray] | None = None,
        exclude: int | None = None,
        lead: tuple[str, ...] = (),
        terms: Mapping[str, float] | None = None,
        avoid: set[int] | None = None,
    ) -> tuple[int | None, float]:
        """The best candidate story and its score. ``terms``: the article's unit TF-IDF vector (or a
        story's mean member vector, for ``merge_fresh``); ``vec`` likewise for the embedding."""
        cfg = self.config
        keys = self._candidates(vec, salient, day, monthly)
        if exclude is not None:
            keys = keys[keys != exclude]
        if avoid:  # per candidate: the set grows with the run, the candidates do not
            keys = keys[np.fromiter((k not in avoid for k in keys.tolist()), dtype=bool, count=len(keys))]
        penalties = np.zeros(len(keys))
        if day is not None and len(keys):
            # gap to the nearest end of each candidate's span; undated stories pay no date penalty
            d = day.toordinal()
            lo, hi = self._span[keys, 0], self._span[keys, 1]
            dated = lo >= 0
            gap = np.where(d < lo, lo - d, np.where(d > hi, d - hi, 0))
            keep = ~dated | (gap <= cfg.max_gap_days)
            keys, gap, dated = keys[keep], gap[keep], dated[keep]
            over = np.maximum(0, gap - cfg.grace_days) / max(1, cfg.max_gap_days - cfg.grace_days)
            penalties = np.where(dated, cfg.date_penalty * over, 0.0)
        if not len(keys):
            return None, -math.inf
        cos = (self._unit[keys] @ vec).astype(np.float64)
        if cfg.mean_linkage:
            cos *= self._scale[keys]  # the mean cosine to the story's members
        lex_w = cfg.lexical_weight if terms is not None else 0.0
        if lex_w:
            cos *= 1.0 - lex_w  # the lexical mean cosine (at most 1) takes the rest of the weight
        # the entity evidence counts in proportion to how many names the article (or story) gives:
        # a short lead naming only "Trump" overlaps every story about him
        ew = (
            cfg.entity_weight * min(1.0, len(doc_w) / cfg.full_names) if cfg.full_names else cfg.entity_weight
        )
        bounds = cos + ew + lex_w - penalties  # entity overlap and the lexical cosine are at most 1
        # the article's side of the entity cosine, folded once: weight x idf / norm per entity
        doc_norm = math.sqrt(sum(w * w for w in doc_w.values()))
        query = {e: w * self._idf(e) / doc_norm for e, w in doc_w.items()} if doc_norm else {}
        best: int | None = None
        best_score = -math.inf
        order = np.lexsort((keys, -bounds)).tolist()
        keys_l, cos_l, bounds_l, pen_l = keys.tolist(), cos.tolist(), bounds.tolist(), penalties.tolist()
        # the lead cross-check can lift a candidate scoring within the band below the threshold by
        # at most ``lead_weight * (1 - pivot)``: candidates that close are scored too
        use_lead = bool(cfg.lead_weight and lead and comparable(lead))
        lift = cfg.lead_weight * (1.0 - cfg.lead_pivot) if use_lead else 0.0
        floor = cfg.threshold - (min(cfg.lead_band, lift) if use_lead else 0.0)
        band: list[tuple[int, float]] = []
        below = 0  # candidates scored only because the lead might lift them
        scored = 0
        # highest bound first, so the exact pruning below stops early; ties keep the older story
        for i in order:
            bound = bounds_l[i]
            if bound < floor or bound < best_score - lift:
                break  # no later candidate can win
            if bound < cfg.threshold:
                below += 1
                if below > cfg.lead_candidates:
                    break  # the lead breaks ties among a few close candidates, never scans many
            key = keys_l[i]
            s = self._stories[key]
            if (frame.places or frame.modes) and clash(frame.places, frame.modes, s.places, s.modes):
                continue  # another place or another kind of meeting: another event, however alike
            score = cos_l[i] + ew * self._entity_sim(query, key) - pen_l[i]
            if lex_w and terms:
                scored += 1
                if scored > cfg.lexical_candidates:
                    break  # the rest have lower embedding and entity scores: the words rarely reverse that
                score += lex_w * mean_cosine(terms, s.terms, s.embedded)
            if use_lead and abs(score - cfg.threshold) <= cfg.lead_band:
                band.append((key, score))
            if score > best_score or (score == best_score and best is not None and key < best):
                best, best_score = key, score
        if band:
            # tie-breaker inside the ambiguity band: the leads' actions, arguments and numbers
            if best is not None and best_score > cfg.threshold + cfg.lead_band:
                return best, best_score  # a clear winner: the lead cannot change it
            best, best_score = None, -math.inf
            for key, score in band:
                s = self._stories[key]
                if comparable(s.lead):
                    score += cfg.lead_weight * agreement(
                        lead, s.lead, s.embedded, pivot=cfg.lead_pivot, number_clash=cfg.lead_number_clash
                    )
                if score > best_score or (score == best_score and best is not None and key < best):
                    best, best_score = key, score
        return best, best_score

    def _idf(self, entity: str) -> float:
        return math.log(1 + max(1, self._ndocs) / max(1, self._df[entity]))

    def _term_idf(self, term: str) -> float:
        return math.log(1 + max(1, self._ndocs) / max(1, self._df["t:" + term]))

    def _weights(self, counts: Mapping[str, int]) -> dict[str, float]:
        """idf-weighted log counts: a name said often and rare in the corpus weighs most."""
        return {e: (1 + math.log(c)) * self._idf(e) for e, c in counts.items() if c}

    def _entity_sim(self, query: Mapping[str, float], key: int) -> float:
        """Cosine of the article's (``query``, already weighted and normalised) and a story's entities."""
        story = self._stories[key].entities
        if not query or not story:
            return 0.0
        dot = 0.0
        for e, q in query.items():
            c = story.get(e)
            if c:
                dot += q * (1 + math.log(c))
        return dot / self._story_norm(key) if dot else 0.0

    def _story_norm(self, key: int) -> float:
        """Norm of a story's entity weights, cached (and updated as members join) until the corpus grows 5%.

        idf moves with every article, so an exact norm would mean re-weighting each candidate's
        (up to ~100) entities for every article: the largest cost at 100k articles. An idf grows by
        at most 5% while the corpus grows 5%, so the cached norm is never off by more than that.
        """
        cached = self._enorm.get(key)
        if cached is not None and self._ndocs <= cached[0] * 1.05:
            return cached[1]
        norm = math.sqrt(sum(w * w for w in self._weights(self._stories[key].entities).values()))
        self._enorm[key] = (self._ndocs, norm)
        return norm

    def _salient(self, weights: Mapping[str, float]) -> list[str]:
        return sorted(weights, key=lambda e: (-weights[e], e))[: self.config.block_entities]

    def _found(
        self,
        doc: StoryDoc,
        day: date | None,
        vec: np.ndarray | None,
        note: str | None,
        ents: Counter[str] | None = None,
        salient: Sequence[str] = (),
        frame: EventFrame | None = None,
        lead: tuple[str, ...] = (),
        terms: Mapping[str, float] | None = None,
    ) -> Assignment:
        key = self._next_key
        self._next_key += 1
        s = _Story(story_id_for(doc.article_id), key, np.zeros(self.dim, dtype=np.float32))
        s.english = note is None
        s.note = note
        self._stories[key] = s
        self._by_id[s.id] = key
        self._sync(s)
        if vec is not None:
            self._fresh.append(key)
        self._join(s, doc, day, vec, ents, salient, frame, lead, terms)
        return Assignment(doc.article_id, s.id, None, note=note)

    def _join(
        self,
        s: _Story,
        doc: StoryDoc,
        day: date | None,
        vec: np.ndarray | None,
        ents: Counter[str] | None = None,
        salient: Sequence[str] = (),
        frame: EventFrame | None = None,
        lead: tuple[str, ...] = (),
        terms: Mapping[str, float] | None = None,
    ) -> None:
        s.articles += 1
        if doc.outlet:
            s.outlets[doc.outlet] += 1
        if day is not None:
            s.first = day if s.first is None else min(s.first, day)
            s.last = day if s.last is None else max(s.last, day)
        self._story_of[doc.article_id] = s.key
        self._dirty.add(s.key)
        if vec is not None:
            s.vsum += vec
            s.embedded += 1
        self._sync(s)
        if vec is None:
            return
        self._touched.add(s.key)
        if frame is not None:
            s.places.update(frame.places)
            s.modes.update(frame.modes)
        if lead:
            s.lead.update(lead)
            if len(s.lead) > 2 * self.config.story_lead:
                s.lead = Counter(dict(s.lead.most_common(self.config.story_lead)))
        if terms:
            for t, w in terms.items():
                s.terms[t] = s.terms.get(t, 0.0) + w
            s.terms = trim(s.terms, self.config.story_terms)
        if ents:
            cached = self._enorm.get(s.key)
            if cached is not None:
                # update the cached norm for the counts that change instead of re-weighing them all
                sq = cached[1] ** 2
                for e, c in ents.items():
                    idf, old = self._idf(e), s.entities.get(e, 0)
                    sq += ((1 + math.log(old + c)) * idf) ** 2 - (
                        ((1 + math.log(old)) * idf) ** 2 if old else 0.0
                    )
                self._enorm[s.key] = (cached[0], math.sqrt(max(sq, 0.0)))
            s.entities.update(ents)
            cap = self.config.story_entities
            if len(s.entities) > 2 * cap:
                s.entities = Counter(dict(s.entities.most_common(cap)))
                self._enorm.pop(s.key, None)
            for e in salient:
                self._post(e, s.key)
        # Re-index the centroid at 1, 4 and 16 members only: it moves less and less as members add
        # up, scoring uses the exact sum anyway, and every re-index leaves a tombstone in the HNSW
        # graph that slows every later search and insert.
        n = s.embedded
        if n in (1, 4, 16):
            self._index_story(s, fresh=n == 1)
        else:
            self._track_months(s)

    def _sync(self, s: _Story) -> None:
        """Copy a story's centroid and span into the per-key arrays scoring reads."""
        while s.key >= len(self._unit):
            self._unit = np.concatenate([self._unit, np.zeros_like(self._unit)])
            self._span = np.concatenate([self._span, np.full_like(self._span, -1)])
            self._scale = np.concatenate([self._scale, np.zeros_like(self._scale)])
        norm = float(np.linalg.norm(s.vsum)) if s.english else 0.0
        self._unit[s.key] = s.vsum / norm if norm > 0 else 0.0
        self._scale[s.key] = norm / s.embedded if s.embedded else 0.0
        if s.first is not None and s.last is not None:
            self._span[s.key] = (s.first.toordinal(), s.last.toordinal())
        else:
            self._span[s.key] = -1

    def _post(self, entity: str, key: int) -> None:
        dq = self._postings.get(entity)
        if dq is None:
            dq = self._postings[entity] = deque(maxlen=self.config.block_cap)
        if key not in dq:
            dq.append(key)

    def _index_story(self, s: _Story, *, fresh: bool) -> None:
        norm = float(np.linalg.norm(s.vsum))
        if norm <= 0:
            return
        unit = (s.vsum / norm).astype(np.float32)
        # ``fresh``: a vector already indexed for this story may stay (it is only being indexed in
        # more months); otherwise every copy is replaced by the new centroid
        undated = s.first is None or s.last is None
        everything = (self._index,) if self._index_ready else ()
        for index in (*everything, self._undated) if undated else everything:
            if s.key in index:
                if fresh:
                    continue
                index.remove(s.key)
            index.add(s.key, unit, threads=1)
        if s.first is None or s.last is None:
            return
        if s.key in self._undated:
            self._undated.remove(s.key)  # it has a date now: found through its months
        months = self._in_month.setdefault(s.key, set())
        for m in range(_month(s.first), _month(s.last) + 1):
            if m not in self._months:
                self._months[m] = _MonthIndex(self.dim)
            if m in months and fresh:
                continue
            self._months[m].add(s.key, unit)
            months.add(m)

    def _track_months(self, s: _Story) -> None:
        """Index a story in the months its span newly reaches (its centroid as last indexed)."""
        if s.first is None or s.last is None or not s.embedded:
            return
        months = self._in_month.get(s.key)
        span = range(_month(s.first), _month(s.last) + 1)
        if months is not None and all(m in months for m in span):
            return
        self._index_story(s, fresh=True)
