"""Re-checking stories: a story holding two events is split; one event told in different words is not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.model.story import EventFrame, Storyline, StorySplit
from counterpoint.runners.corpus import update_stories
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.base import SQLStore
from counterpoint.store.stories import stories_for_output
from counterpoint.stories import StoryDoc
from counterpoint.stories.cluster import ClusterConfig, StoryClusterer, story_id_for
from counterpoint.stories.groups import GroupConfig
from counterpoint.stories.split import Member, MemberIndex, SplitConfig, decide, groups

SETTINGS = Settings(workers=1, story_embedder="hashing")


def unit(*values: float, dim: int = 384) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def noisy(base: np.ndarray, seed: int, scale: float = 0.15) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = base + scale * rng.standard_normal(base.shape).astype(np.float32) / np.sqrt(base.size / 8)
    return (v / np.linalg.norm(v)).astype(np.float32)


def members(vectors: Sequence[np.ndarray], prefix: str = "a") -> list[Member]:
    return [Member(f"{prefix}{i}", v) for i, v in enumerate(vectors)]


def test_split_groups_stop_at_the_cut() -> None:
    a, b = unit(1, 0), unit(0.5, 0.866)  # cosine 0.5 between the two events
    vecs = np.stack([a, a, b, a, b, b])
    assert sorted(groups(vecs @ vecs.T, 0.65)) == [[0, 1, 3], [2, 4, 5]]
    assert groups(vecs @ vecs.T, 0.4) == [[0, 1, 2, 3, 4, 5]]


def test_split_two_events_in_one_story_are_split_founder_keeps_the_story() -> None:
    a, b = unit(1, 0), unit(0.5, 0.866)
    mems = members([noisy(a, 0), noisy(b, 1), noisy(a, 2), noisy(b, 3), noisy(a, 4), noisy(b, 5)])
    out = decide(mems, SplitConfig())
    assert len(out) == 1
    moved, between = out[0]
    assert moved == {"a1", "a3", "a5"}  # the group without the founder (a0) leaves
    assert 0.3 < between < 0.7


def test_split_one_event_told_loosely_is_not_split() -> None:
    # every member loosely alike (one event in different words): no group holds together better
    rng = np.random.default_rng(7)
    base = unit(1)
    vecs = []
    for _ in range(8):
        v = base + 0.9 * rng.standard_normal(384).astype(np.float32) / np.sqrt(384 / 2)
        vecs.append((v / np.linalg.norm(v)).astype(np.float32))
    assert decide(members(vecs), SplitConfig()) == []


def test_split_needs_two_members_each_side_and_enough_members() -> None:
    a, b = unit(1, 0), unit(0, 1)
    assert decide(members([a, a, a, b]), SplitConfig()) == []  # a lone outlier stays
    assert decide(members([a, b, b]), SplitConfig()) == []  # too small to re-check


def test_split_copies_follow_their_original() -> None:
    a, b = unit(1, 0), unit(0.4, 0.9165)
    mems = members([a, a, b, b])
    mems.append(Member("copy", None, duplicate_of="a2"))
    out = decide(mems, SplitConfig())
    assert len(out) == 1
    assert out[0][0] == {"a2", "a3", "copy"}


def test_split_evidence_can_keep_groups_together() -> None:
    a, b = unit(1, 0), unit(0.5, 0.866)
    mems = members([a, a, b, b])
    assert decide(mems, SplitConfig(), lambda x, y: 0.0)
    assert decide(mems, SplitConfig(), lambda x, y: 0.3) == []  # e.g. the same people named throughout


def _doc(aid: str, ents: tuple[str, ...] = (), outlet: str = "Outlet") -> StoryDoc:
    return StoryDoc(
        aid, outlet, "2026-03-03", "Title " + aid, "Text of " + aid, "en", ents, None, EventFrame()
    )


def test_clusterer_recheck_splits_a_chained_story_and_rebuilds_both_halves() -> None:
    # a low threshold lets the second event's reports into the first event's story
    c = StoryClusterer(ClusterConfig(threshold=0.3, lead_weight=0.0))
    a, b = unit(1, 0), unit(0.5, 0.866)
    docs = [_doc(f"d{i}", ("e:ferry",) if i % 2 == 0 else ("e:quake",), f"O{i}") for i in range(6)]
    vecs = np.stack([a if i % 2 == 0 else b for i in range(6)])
    out = c.add(docs, vecs)
    assert len({o.story_id for o in out}) == 1
    index = MemberIndex()
    index.assign(
        [
            (Member(d.article_id, v, d.outlet, d.published, d.entity_ids), o.story_id)
            for d, v, o in zip(docs, vecs, out, strict=True)
        ]
    )
    c.changes()
    due = c.due()
    assert due == [out[0].story_id]
    splits = c.recheck(index.get(due))
    assert len(splits) == 1
    sp = splits[0]
    assert sp.story_id == story_id_for("d0")
    assert sp.new_story_id == story_id_for("d1")
    assert sp.moved == ("d1", "d3", "d5")
    states = {s.id: s for s in c.changes()[0]}
    kept, new = states[sp.story_id], states[sp.new_story_id]
    assert (kept.embedded, new.embedded, kept.articles, new.articles) == (3, 3, 3, 3)
    assert set(kept.entities) == {"e:ferry"}
    assert set(new.entities) == {"e:quake"}
    assert np.allclose(np.frombuffer(new.vector_sum, dtype=np.float32), 3 * b, atol=1e-5)
    assert c.due() == []  # nothing new joined since
    # a later report of the second event joins the new story, not the first
    later = c.add([_doc("d6", ("e:quake",))], np.stack([b]))
    assert later[0].story_id == sp.new_story_id


def test_clusterer_recheck_skips_coherent_stories() -> None:
    c = StoryClusterer()
    a = unit(1, 0)
    out = c.add([_doc(f"d{i}") for i in range(6)], np.stack([a] * 6))
    assert len({o.story_id for o in out}) == 1
    assert c.due() == []  # members alike on average: nothing to re-check


# -- through the store: the stage re-checks after each batch ------------------------------------------------


_SENTENCES = [
    "Officials said more details would be published later in the week after a review.",
    "Residents gathered outside the town hall to hear what the council had decided.",
    "The regional authority promised to answer questions from the public by Friday.",
    "Local shop owners told reporters that they were worried about the coming months.",
    "Several families described a long night spent waiting for news from the harbour.",
    "A spokesperson declined to say how much the work would cost the taxpayers.",
    "Opposition members said they would raise the matter again at the next meeting.",
    "Engineers are expected to inspect the damaged roads and bridges on Monday morning.",
    "Teachers said the schools would stay closed until the buildings had been checked.",
]


def _text(topic: str, i: int) -> str:
    """An English report of ``topic`` (ferry or quake); its two filler sentences vary per report."""
    lead = {
        "ferry": "The harbour council of Amsel voted to extend the ferry contract with Tidewell Lines.",
        "quake": "A strong earthquake struck the province of Caldera Bay and cut power to many homes.",
    }[topic]
    k = 3 * i + (0 if topic == "ferry" else 1)
    return " ".join([lead, *(_SENTENCES[(k + j * 4) % len(_SENTENCES)] for j in range(2))])


def _embedder(texts: Sequence[str]) -> np.ndarray:
    """Hand-made vectors: ferry reports one direction, quake reports another (cosine 0.5)."""
    return np.stack([unit(1, 0) if "ferry" in t else unit(0.5, 0.866) for t in texts])


@pytest.fixture
def store(store_url: str) -> SQLStore:
    """The split runs through each backend's store (PostgreSQL via tests/pgserver.py)."""
    s = open_store(store_url)
    assert isinstance(s, SQLStore)
    return s


def _two_event_feed(tmp_path: Path) -> Path:
    """Three ferry and three quake reports, one JSON line each, in a new folder."""
    import json

    folder = tmp_path / "in"
    folder.mkdir()
    lines = [
        json.dumps({"title": f"{topic} news {i}", "text": _text(topic, i), "outlet": f"Outlet {i}",
                    "url": f"https://x.example/{topic}{i}"})
        for i in range(3) for topic in ("ferry", "quake")
    ]  # fmt: skip
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


#: a low threshold merges the two events online, for the re-check to split (the run grouping, off
#: by default, would keep them apart from the start)
_MERGING = ClusterConfig(threshold=0.3, groups=GroupConfig(enabled=False))


def test_story_stage_splits_through_the_store_and_keeps_memberships(store: SQLStore, tmp_path: Path) -> None:
    folder = _two_event_feed(tmp_path)
    run(store, [str(folder)], default_pipeline(), SETTINGS)
    store.reset_stories()
    counts = update_stories(store, SETTINGS, embedder=_embedder, cluster=_MERGING)
    assert counts["split"] == 1
    stories, _lines, _dups = stories_for_output(store.db)
    by_title = {
        r[0]: r[1]
        for r in store.db.execute(
            "SELECT a.title, s.story_id FROM story_articles s JOIN articles a ON a.id = s.article_id"
        )
    }
    assert len({by_title[f"ferry news {i}"] for i in range(3)}) == 1
    assert len({by_title[f"quake news {i}"] for i in range(3)}) == 1
    assert by_title["ferry news 0"] != by_title["quake news 0"]
    assert sorted(len(s["article_ids"]) for s in stories) == [3, 3]
    assert all(s["title"] for s in stories)  # both halves are titled
    # memberships kept their score and order; the stored state matches the members
    rows = store.db.execute("SELECT COUNT(*), COUNT(DISTINCT seq) FROM story_articles").fetchone()
    assert rows == (6, 6)
    states = {s.id: s for s in store.load_story_states()}
    assert sorted(s.embedded for s in states.values()) == [3, 3]
    # a second run changes nothing
    again = update_stories(store, SETTINGS, embedder=_embedder, cluster=_MERGING)
    assert again["articles"] == 0
    assert stories_for_output(store.db)[0] == stories


def test_a_split_off_story_stays_in_its_parents_storyline(store: SQLStore, tmp_path: Path) -> None:
    """A split must not move articles out of their storyline: its claim scope would be compared
    again from scratch (stories/storylines.py)."""
    folder = _two_event_feed(tmp_path)
    settings = Settings(workers=1, story_embedder="hashing", story_event_checks=False)
    run(store, [str(folder)], default_pipeline(), settings)
    store.reset_stories()
    update_stories(store, settings, embedder=_embedder, cluster=_MERGING)
    (state,) = store.load_story_states()
    store.replace_storylines([Storyline("line-x", (state.id,), (), None, None)], ["x"])
    members = [r[0] for r in store.db.execute("SELECT article_id FROM story_articles ORDER BY seq")]
    split = StorySplit(state.id, "story-new", tuple(members[-3:]), 0.1)
    store.save_story_split([split], [state, replace(state, id="story-new", key=state.key + 1)])
    assert store.story_storylines() == {state.id: "line-x", "story-new": "line-x"}


def test_story_event_checks_off_keeps_the_similarity_rule_alone(store: SQLStore, tmp_path: Path) -> None:
    """``story_event_checks = false``: no re-check, so the two events chained at 0.3 stay one story."""
    folder = _two_event_feed(tmp_path)
    settings = Settings(workers=1, story_embedder="hashing", story_event_checks=False)
    run(store, [str(folder)], default_pipeline(), settings)
    store.reset_stories()
    counts = update_stories(store, settings, embedder=_embedder, cluster=_MERGING)
    assert counts["split"] == 0
    assert len(stories_for_output(store.db)[0]) == 1


def test_split_reads_words_when_the_lexical_channel_is_on() -> None:
    # two pairs of reports whose embeddings are alike (cosine 0.7 across the pairs: one story for
    # MiniLM alone) but whose words are not: with the lexical channel the pairs are two events
    one, two = unit(1.0), unit(0.7, np.sqrt(1 - 0.49))
    mems = members([one, one, two, two])
    words = {"a0": 0, "a1": 0, "a2": 1, "a3": 1}

    def lexical(ms: Sequence[Member]) -> np.ndarray:
        g = np.array([words[m.article_id] for m in ms])
        return (g[:, None] == g[None, :]).astype(np.float32)

    config = SplitConfig()
    assert decide(mems, config) == []
    assert decide(mems, config, lexical=lexical, lexical_weight=0.0) == []  # weight 0: not read
    out = decide(mems, config, lexical=lexical, lexical_weight=0.5)
    assert [ids for ids, _b in out] == [{"a2", "a3"}]
    # words shared across the pairs too: one event told twice, kept whole
    assert decide(mems, config, lexical=lambda ms: np.ones((len(ms), len(ms))), lexical_weight=0.5) == []


def test_story_stage_groups_a_runs_articles_before_the_online_rule(store: SQLStore, tmp_path: Path) -> None:
    """With the run grouping on (``story_grouping``), the same low threshold no longer merges the two
    events: each event's reports are nearer each other than the other event's, so they are two
    groups from the start, and nothing needs splitting."""
    folder = _two_event_feed(tmp_path)
    run(store, [str(folder)], default_pipeline(), SETTINGS)
    store.reset_stories()
    grouping = replace(SETTINGS, story_grouping=True)
    counts = update_stories(store, grouping, embedder=_embedder, cluster=ClusterConfig(threshold=0.3))
    assert (counts["grouped"], counts["split"], counts["new_stories"]) == (6, 0, 2)
    by_title = {
        r[0]: r[1]
        for r in store.db.execute(
            "SELECT a.title, s.story_id FROM story_articles s JOIN articles a ON a.id = s.article_id"
        )
    }
    assert len({by_title[f"ferry news {i}"] for i in range(3)}) == 1
    assert by_title["ferry news 0"] != by_title["quake news 0"]
