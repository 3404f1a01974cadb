"""Grouping a run's new articles before they are clustered (stories/groups.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from counterpoint.model.story import EventFrame
from counterpoint.stories import StoryDoc
from counterpoint.stories.cluster import ClusterConfig, StoryClusterer
from counterpoint.stories.groups import (
    GroupConfig,
    GroupItem,
    Weights,
    _average_linkage,
    _Pairs,
    group_articles,
)

#: similarity = the MiniLM cosine alone, so the hand-made vectors say everything
COSINE_ONLY = Weights(lexical=0.0, entity=0.0, full_names=6, grace_days=3, max_gap_days=30, date_penalty=0.3)


ON = GroupConfig(enabled=True)  # off by default (``story_grouping``)


def unit(*values: float, dim: int = 384) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def item(
    aid: str, vec: np.ndarray, *, day: date | None = None, places: frozenset[str] = frozenset()
) -> GroupItem:
    return GroupItem(aid, vec, (), (), EventFrame(places, frozenset()), day)


def two_events() -> list[GroupItem]:
    """Two events of one topic, three reports each: every cross pair has cosine ~0.55 (above the
    clusterer's joining threshold of 0.42), each event's own reports ~0.99."""
    a = [unit(1, 0.539, 0.05 * i) for i in range(3)]
    b = [unit(1, -0.539, 0.05 * i) for i in range(3)]
    return [item(f"a{i}", v) for i, v in enumerate(a)] + [item(f"b{i}", v) for i, v in enumerate(b)]


def leaders(hints: dict[str, tuple[str, float]]) -> dict[str, str]:
    return {aid: leader for aid, (leader, _s) in hints.items()}


def test_groups_tell_apart_two_events_whose_reports_are_all_alike() -> None:
    items = two_events()
    cross = float(items[0].vector @ items[3].vector)
    assert 0.42 < cross < 0.6  # the online rule alone would join them
    got = leaders(group_articles(items, COSINE_ONLY, {}, 0, ON))
    assert got == {"a0": "a0", "a1": "a0", "a2": "a0", "b0": "b0", "b1": "b0", "b2": "b0"}
    # without local scaling (plain average linkage at the joining threshold) they are one group
    plain = GroupConfig(
        enabled=True, scale_weight=0.0, threshold=0.84
    )  # 2 x 0.42: the scaled sum counts 2 x sim
    assert set(leaders(group_articles(items, COSINE_ONLY, {}, 0, plain)).values()) == {"a0"}


def test_groups_leader_is_first_in_ingest_order_and_links_are_scores() -> None:
    items = list(reversed(two_events()))
    hints = group_articles(items, COSINE_ONLY, {}, 0, ON)
    assert hints["a0"][0] == "a2"
    assert hints["b2"][0] == "b2"
    assert all(0.9 < s <= 1.0 for _leader, s in hints.values())  # mean cosine to the rest of the group


def test_groups_never_link_a_frame_clash_and_a_date_gap_costs_the_penalty() -> None:
    v = unit(1, 0.1)
    clash = [item("x", v, places=frozenset({"CA"})), item("y", v, places=frozenset({"US"}))]
    assert leaders(group_articles(clash, COSINE_ONLY, {}, 0, ON)) == {"x": "x", "y": "y"}
    near = [item("x", v, day=date(2026, 1, 1)), item("y", v, day=date(2026, 1, 2))]
    assert group_articles(near, COSINE_ONLY, {}, 0, ON)["y"] == ("x", 1.0)
    # past max_gap_days the full penalty (0.3), no more: a story may run longer than a month
    for day in (date(2026, 3, 1), date(2027, 3, 1)):
        far = [item("x", v, day=date(2026, 1, 1)), item("y", v, day=day)]
        assert group_articles(far, COSINE_ONLY, {}, 0, ON)["y"] == ("x", 0.7)


def test_groups_disabled_or_tiny_give_no_hints() -> None:
    assert group_articles(two_events(), COSINE_ONLY, {}, 0, GroupConfig(enabled=False)) == {}
    assert group_articles(two_events()[:1], COSINE_ONLY, {}, 0, ON) == {}


def test_groups_in_slices_are_grouped_apart() -> None:
    items = two_events()
    got = leaders(group_articles(items, COSINE_ONLY, {}, 0, GroupConfig(enabled=True, max_articles=2)))
    slice_of = {it.article_id: k // 2 for k, it in enumerate(items)}
    assert all(slice_of[member] == slice_of[leader] for member, leader in got.items())
    assert got["a1"] == "a0"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_average_linkage_is_exact_when_every_pair_is_a_candidate(seed: int) -> None:
    """With all pairs as candidates the sparse linkage is plain average linkage on the scaled
    similarities (checked against scipy's), whatever the data."""
    from scipy.cluster.hierarchy import fcluster, linkage  # type: ignore[import-untyped]
    from scipy.spatial.distance import squareform  # type: ignore[import-untyped]

    rng = np.random.default_rng(seed)
    n = 24
    centres = rng.normal(size=(4, 8))
    vecs = [centres[i % 4] + 0.6 * rng.normal(size=8) for i in range(n)]
    items = [
        GroupItem(
            f"d{i}", unit(*v), tuple(f"w{int(x)}" for x in rng.integers(0, 12, 5)), (), EventFrame(), None
        )
        for i, v in enumerate(vecs)
    ]
    weights = Weights(lexical=0.5, entity=0.2, full_names=6, grace_days=3, max_gap_days=30, date_penalty=0.3)
    cfg = GroupConfig(enabled=True, neighbours=n - 1, threshold=0.1)
    pairs = _Pairs(items, weights, {}, 0)
    idx = np.arange(n)
    sim = pairs.sim(idx, idx)
    np.fill_diagonal(sim, -np.inf)
    pairs.r = cfg.scale_weight * np.sort(sim, axis=1)[:, -cfg.scale_k :].mean(axis=1)
    near = [{b: float(sim[a, b]) for b in range(n) if b != a} for a in range(n)]
    ours = sorted(sorted(g) for g in _average_linkage(near, pairs, cfg))

    scaled = 2 * sim - pairs.r[:, None] - pairs.r[None, :]
    np.fill_diagonal(scaled, 0.0)
    top = float(scaled.max())
    dist = top - scaled
    np.fill_diagonal(dist, 0.0)
    labels = fcluster(linkage(squareform(dist, checks=False), "average"), top - cfg.threshold, "distance")
    theirs = sorted(sorted(int(i) for i in np.nonzero(labels == k)[0]) for k in set(labels.tolist()))
    assert ours == theirs
    assert 1 < len(ours) < n  # the case is not trivial


def _docs(items: list[GroupItem]) -> list[StoryDoc]:
    return [StoryDoc(it.article_id, None, None, f"Title {it.article_id}", "text", "en", ()) for it in items]


def test_clusterer_members_follow_their_leader_and_groups_stay_apart() -> None:
    config = ClusterConfig(lexical_weight=0.0, entity_weight=0.0, lead_weight=0.0)
    items = two_events()
    docs, vecs = _docs(items), np.stack([it.vector for it in items])
    # the online rule alone puts all six in one story
    assert len({a.story_id for a in StoryClusterer(config).add(docs, vecs)}) == 1
    config = replace(config, groups=ON)
    assert StoryClusterer(replace(config, groups=GroupConfig())).group(docs, vecs) == {}  # off by default
    c = StoryClusterer(config)
    hints = c.group(docs, vecs)
    out = {a.article_id: a for a in c.add(docs, vecs, hints=hints)}
    assert out["a1"].story_id == out["a2"].story_id == out["a0"].story_id
    assert out["b1"].story_id == out["b2"].story_id == out["b0"].story_id != out["a0"].story_id
    assert out["a1"].score == hints["a1"][1]  # a member's score is its link to the group
    assert out["a0"].score is None
    assert out["b0"].score is None


def test_clusterer_grouped_leader_still_joins_a_story_of_an_earlier_run() -> None:
    config = ClusterConfig(lexical_weight=0.0, entity_weight=0.0, lead_weight=0.0, groups=ON)
    items = two_events()
    c = StoryClusterer(config)
    earlier = c.add(_docs([item("old", unit(1, 0.539, 0.02))]), np.stack([unit(1, 0.539, 0.02)]))
    states, df, ndocs = c.changes()
    later = StoryClusterer(config)  # a new run, loading what the first one stored
    later.load(states, df, ndocs)
    docs, vecs = _docs(items), np.stack([it.vector for it in items])
    out = {a.article_id: a.story_id for a in later.add(docs, vecs, hints=later.group(docs, vecs))}
    assert out["a0"] == out["a1"] == out["a2"] == earlier[0].story_id
    assert out["b0"] == out["b1"] == out["b2"]  # across runs the online rule decides, group by group
