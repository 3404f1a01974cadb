from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta

import numpy as np
import pytest

from counterpoint.stories import StoryDoc
from counterpoint.stories.cluster import ClusterConfig, StoryClusterer, day_gap, parse_date
from counterpoint.stories.events import event_frame


def embedding_only(**kw: object) -> ClusterConfig:
    """The rule these hand-made embeddings were written for: MiniLM cosine (and entities) alone,
    joining at 0.6, without the lexical channel (their texts are placeholders)."""
    base: dict[str, object] = {"lexical_weight": 0.0, "threshold": 0.6, "entity_weight": 0.25}
    return ClusterConfig(**{**base, **kw})  # type: ignore[arg-type]


def unit(*values: float, dim: int = 384) -> np.ndarray:
    """A unit vector whose first components are ``values`` (a hand-made embedding)."""
    v = np.zeros(dim, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def doc(
    aid: str, *, day: str | None = None, ents: tuple[str, ...] = (), lang: str = "en", **kw: str
) -> StoryDoc:
    return StoryDoc(aid, kw.get("outlet", "Outlet " + aid), day, "Title " + aid, "Text of " + aid, lang, ents)


def test_story_cluster_same_event_joins_other_event_founds() -> None:
    c = StoryClusterer(embedding_only())
    quake = unit(1, 0.1)
    docs = [
        doc("a", ents=("e:town", "e:quake")),
        doc("b", ents=("e:town", "e:quake")),
        doc("c", ents=("e:mayor",)),
    ]
    out = c.add(docs, np.stack([quake, unit(1, 0.15), unit(0, 1)]))
    assert out[0].story_id == out[1].story_id != out[2].story_id
    assert out[0].score is None
    assert out[1].score is not None
    assert len(c) == 2


def test_story_cluster_entities_tell_apart_two_events_of_one_kind() -> None:
    # two arrests, near-identical wording: the people arrested differ
    c = StoryClusterer(embedding_only(threshold=1.2, entity_weight=0.8, full_names=0))
    v = unit(1, 0.2)
    a = doc("a", ents=("e:smith", "e:smith", "e:police"))
    b = doc("b", ents=("e:jones", "e:jones", "e:police"))
    a2 = doc("a2", ents=("e:smith", "e:police"))
    out = c.add([a, b, a2], np.stack([v, v, v]))
    assert out[0].story_id != out[1].story_id
    assert out[2].story_id == out[0].story_id


def test_story_cluster_date_gap_beyond_limit_starts_new_story() -> None:
    c = StoryClusterer(embedding_only(max_gap_days=30))
    v = unit(1)
    out = c.add(
        [doc("a", day="2026-01-01"), doc("b", day="2026-03-15"), doc("c", day="2026-01-03")],
        np.stack([v, v, v]),
    )
    assert out[1].story_id != out[0].story_id
    assert out[2].story_id == out[0].story_id


def test_story_cluster_articles_without_date_match_on_content() -> None:
    c = StoryClusterer(embedding_only())
    v = unit(1)
    out = c.add([doc("a", day="2026-01-01"), doc("b"), doc("c", day="2026-01-02")], np.stack([v, v, v]))
    assert len({o.story_id for o in out}) == 1
    st = c.story(out[0].story_id)
    assert st is not None
    assert (st.first, st.last) == ("2026-01-01", "2026-01-02")


def test_story_cluster_story_running_for_years_keeps_growing() -> None:
    # an article every 10 days for three years: the span moves with the story, so the gap stays small
    start = date(2023, 1, 1)
    stamps = [(start + timedelta(days=10 * i)).isoformat() for i in range(110)]
    c = StoryClusterer(embedding_only())
    out = c.add([doc(f"a{i}", day=d) for i, d in enumerate(stamps)], np.stack([unit(1)] * len(stamps)))
    assert len({o.story_id for o in out}) == 1
    st = c.story(out[0].story_id)
    assert st is not None
    assert st.first == "2023-01-01"
    assert st.last == stamps[-1] > "2025-12-01"


def test_story_cluster_other_language_kept_out_with_reason() -> None:
    c = StoryClusterer(embedding_only())
    v = unit(1)
    out = c.add([doc("en1"), doc("fr1", lang="fr"), doc("en2")], np.stack([v, v, v]))
    assert out[0].story_id == out[2].story_id != out[1].story_id
    assert out[1].note is not None
    assert "'fr'" in out[1].note


def test_story_cluster_duplicate_joins_original_story_and_counts_apart() -> None:
    c = StoryClusterer(embedding_only())
    v = unit(1)
    first = c.add([doc("a")], np.stack([v]))[0]
    copy = StoryDoc("b", "Other", None, "T", "x", "en", (), duplicate_of="a")
    later = StoryDoc("c", "Third", None, "T", "x", "en", (), duplicate_of="old")
    out = c.add([copy, later], np.zeros((2, 384), dtype=np.float32), known={"old": first.story_id})
    assert out[0].story_id == out[1].story_id == first.story_id
    st = c.story(first.story_id)
    assert st is not None
    assert (st.articles, st.duplicates, st.embedded) == (3, 2, 1)


def test_story_cluster_one_article_corpus() -> None:
    c = StoryClusterer(embedding_only())
    out = c.add([doc("only")], np.stack([unit(1)]))
    assert len(out) == 1
    assert out[0].score is None
    assert len(c) == 1


def test_story_cluster_article_without_text_is_its_own_story() -> None:
    c = StoryClusterer(embedding_only())
    out = c.add([doc("a"), doc("b")], np.zeros((2, 384), dtype=np.float32))
    assert out[0].story_id != out[1].story_id
    assert out[0].note is not None
    assert "no text" in out[0].note


def test_story_cluster_state_round_trip_is_incremental() -> None:
    vs = [unit(1, 0.1), unit(0, 1), unit(1, 0.12)]
    docs = [doc("a", ents=("e:x",)), doc("b", ents=("e:y",)), doc("c", ents=("e:x",))]
    whole = StoryClusterer(embedding_only()).add(docs, np.stack(vs))
    first = StoryClusterer(embedding_only())
    part1 = first.add(docs[:2], np.stack(vs[:2]))
    states, df, ndocs = first.changes()
    second = StoryClusterer(embedding_only())
    second.load(states, df, ndocs)
    part2 = second.add(docs[2:], np.stack(vs[2:]))
    assert [a.story_id for a in part1 + part2] == [a.story_id for a in whole]
    assert first.changes() == ([], [], 2)  # nothing changed since the last export


def test_story_cluster_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    vs = rng.normal(size=(60, 384)).astype(np.float32)
    vs /= np.linalg.norm(vs, axis=1, keepdims=True)
    docs = [doc(f"d{i}", ents=(f"e{i % 7}",)) for i in range(60)]
    a = [x.story_id for x in StoryClusterer(embedding_only()).add(docs, vs)]
    b = [x.story_id for x in StoryClusterer(embedding_only()).add(docs, vs)]
    assert a == b


def test_story_cluster_rejects_mismatched_vectors() -> None:
    with pytest.raises(ValueError, match="2 docs but 1 vectors"):
        StoryClusterer(embedding_only()).add([doc("a"), doc("b")], np.stack([unit(1)]))


def test_story_cluster_day_gap_and_parse_date() -> None:
    d = parse_date("2026-01-10T09:00:00Z")
    assert d is not None
    assert str(d) == "2026-01-10"
    assert parse_date("2026-01") is None
    assert parse_date("not a date!") is None
    assert day_gap(d, parse_date("2026-01-01"), parse_date("2026-01-05")) == 5
    assert day_gap(d, None, None) is None


def _event(aid: str, title: str, text: str, dateline: str | None = None) -> StoryDoc:
    ents = ("e:carney", "e:xi", "e:china", "e:canada")
    frame = event_frame(title, text, dateline)
    return StoryDoc(aid, "Outlet " + aid, None, title, text, "en", ents, None, frame)


def test_story_cluster_event_place_keeps_two_like_meetings_apart() -> None:
    summit = _event("a", "Leaders meet", "The two leaders held a meeting at a conference in South Korea.")
    visit = _event("b", "Leaders meet", "The two leaders met on a state visit to Beijing.")
    arrival = _event("c", "Leaders meet", "The leader arrived in China and met the president.")
    vs = np.stack([unit(1, 0.1), unit(1, 0.11), unit(1, 0.12)])
    out = StoryClusterer(embedding_only()).add([summit, visit, arrival], vs)
    assert out[0].story_id != out[1].story_id  # South Korea is not China
    assert out[1].story_id == out[2].story_id  # Beijing is in China
    # without the places the same articles are one story: the frame is what kept them apart
    bare = [_event(d.article_id, "Leaders meet", "The two leaders met.") for d in (summit, visit, arrival)]
    assert len({a.story_id for a in StoryClusterer(embedding_only()).add(bare, vs)}) == 1


def test_story_cluster_a_call_is_not_a_visit_and_frames_survive_a_reload() -> None:
    visit = _event("a", "Leaders meet", "The leader arrived for a visit and talks.", dateline="Beijing")
    first = StoryClusterer(embedding_only())
    first.add([visit], np.stack([unit(1, 0.1)]))
    states, df, ndocs = first.changes()
    assert (states[0].places, states[0].modes) == ({"CN": 1}, {"in_person": 1})
    second = StoryClusterer(embedding_only())
    second.load(states, df, ndocs)
    call = _event("b", "Leaders talk", "The overture came during a call between the two leaders.")
    later = _event("c", "Leaders meet", "More talks on the visit.")
    out = second.add([call, later], np.stack([unit(1, 0.11), unit(1, 0.12)]))
    assert out[0].story_id != states[0].id
    assert out[1].story_id == states[0].id


def test_story_cluster_batch_finds_stories_founded_earlier_in_the_same_batch() -> None:
    # months are searched once per batch as they stood at its start; stories founded during the
    # batch (here 40, more than ann_k) must still be found by the articles after them
    rng = np.random.default_rng(5)
    vs = rng.normal(size=(41, 384)).astype(np.float32)
    vs[40] = vs[7] + 0.05 * rng.normal(size=384).astype(np.float32)
    vs /= np.linalg.norm(vs, axis=1, keepdims=True)
    docs = [doc(f"d{i}", day="2026-03-02", ents=(f"e{i}",)) for i in range(40)]
    docs.append(doc("late", day="2026-03-03", ents=("e-new",)))  # found by its vector, not an entity
    c = StoryClusterer(embedding_only())
    c.add(docs[:1], vs[:1])  # a month to prefetch from exists before the batch
    out = c.add(docs[1:], vs[1:])
    assert out[-1].story_id == out[6].story_id  # joined the story of d7, founded in this batch
    assert len(c) == 40


def test_story_cluster_no_chaining_through_a_centroid() -> None:
    # a and b are one event; c is near their centroid's direction (cosine 0.625) but further from
    # each member (0.57): the mean cosine to the members keeps it out, the centroid cosine let it in
    a, b, c = unit(1, 0.45, 0), unit(1, -0.45, 0), unit(1, 0, 1.25)
    centroid = (a + b) / np.linalg.norm(a + b)
    assert float(a @ b) > 0.6
    assert float(c @ a) < 0.6 <= float(c @ centroid)
    docs, vecs = [doc("a"), doc("b"), doc("c")], np.stack([a, b, c])
    out = StoryClusterer(embedding_only(threshold=0.6, entity_weight=0.0)).add(docs, vecs)
    assert out[0].story_id == out[1].story_id != out[2].story_id
    before = embedding_only(threshold=0.6, entity_weight=0.0, mean_linkage=False, merge_fresh=False)
    assert len({o.story_id for o in StoryClusterer(before).add(docs, vecs)}) == 1


def test_story_cluster_fresh_stories_whose_members_agree_are_merged() -> None:
    # a founds a story; b1 is too far from a and founds another; b2 is closest to b1 and joins it,
    # but is closer still to a than b1 was: the two stories' members now agree on average (0.825)
    a, b1, b2 = unit(1, 0, 0), unit(0.75, 0.6614, 0), unit(0.9, 0.4158, 0.1309)
    docs, vecs = [doc("a"), doc("b1"), doc("b2")], np.stack([a, b1, b2])
    cfg = embedding_only(threshold=0.8, entity_weight=0.0, merge_fresh=False)
    apart = StoryClusterer(cfg).add(docs, vecs)
    assert apart[0].story_id != apart[1].story_id == apart[2].story_id
    c = StoryClusterer(embedding_only(threshold=0.8, entity_weight=0.0, merge_fresh=True))
    out = c.add(docs, vecs)
    assert len({o.story_id for o in out}) == 1
    assert out[0].score is None  # the older story keeps its id; b1 moved in with the merge score
    assert out[1].score is not None
    assert out[1].score >= 0.8
    assert len(c) == 1
    states, _df, _n = c.changes()
    assert [(s.articles, s.embedded) for s in states] == [(3, 3)]
    # a later article is compared with the merged story only
    more = c.add([doc("d")], np.stack([b2]))
    assert more[0].story_id == out[0].story_id


def _blas_threads() -> list[int]:
    from threadpoolctl import ThreadpoolController

    return [int(i["num_threads"]) for i in ThreadpoolController().select(user_api="blas").info()]


def test_story_cluster_runs_its_products_on_one_blas_thread_and_restores_the_pool() -> None:
    """A thread pool spinning over many small products cost more CPU than it saved (docs/stories.md)."""
    from threadpoolctl import ThreadpoolController

    from counterpoint.stories.cluster import one_blas_thread

    with ThreadpoolController().limit(limits=2, user_api="blas"):  # a pool to limit, whatever the machine
        _check_one_blas_thread(one_blas_thread)


def _check_one_blas_thread(one_blas_thread: Callable[[], AbstractContextManager[None]]) -> None:
    before = _blas_threads()
    assert before, "numpy's BLAS should be visible to threadpoolctl"
    assert all(n == 2 for n in before)
    seen: list[list[int]] = []

    class Watched(StoryClusterer):
        def _add(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(_blas_threads())
            return super()._add(*args, **kwargs)

        def _recheck(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(_blas_threads())
            return super()._recheck(*args, **kwargs)

    c = Watched(embedding_only())
    out = c.add([doc("a"), doc("b")], np.stack([unit(1, 0.1), unit(1, 0.12)]))
    assert out[0].story_id == out[1].story_id
    c.recheck({})
    with one_blas_thread():
        seen.append(_blas_threads())
    assert seen == [[1] * len(before)] * 3
    assert _blas_threads() == before
