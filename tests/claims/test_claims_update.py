"""Incremental claim updates: adding articles in two runs gives the claims of one run over all of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import write_feed
from counterpoint.claims.align import nearest
from counterpoint.claims.story import compare_scope
from counterpoint.claims.update import _new_pairs, can_update, update_scope
from counterpoint.config import Settings
from counterpoint.factories import DEFAULT_STAGES, default_pipeline
from counterpoint.model.claim import BriefSentence, ScopeResult, ScopeState
from counterpoint.pipeline import Pipeline
from counterpoint.runners.corpus import update_claims
from counterpoint.runners.local import run
from counterpoint.stages.claims import ClaimsStep, ScopeUpdate, _Vectors
from counterpoint.stages.vectors import claim_encoder_name
from counterpoint.store import open_store
from counterpoint.store.claims import briefs_for_output, claims_for_output, omissions_for_output
from counterpoint.store.sqlite import SQLiteStore

SETTINGS = Settings(workers=1, story_embedder="hashing")

# One fictional story told by six outlets, in the wording each would use. The first three are
# ingested in a first run, the last three in a second one.
_VOTE = (
    "The harbour council of the fictional town of Amsel voted on Tuesday to extend the ferry contract "
    "with Tidewell Lines for five more years, ending a dispute between fishermen and shopkeepers."
)
RECORDS = [
    ("tide", "Amsel extends ferry deal", [
        _VOTE,
        "Mayor Lena Castell said fares would stay frozen at 12 crowns until the timetable is agreed.",
        "The regional authority in Northmark said it would review the decision within thirty days.",
    ]),
    ("harbourpost", "Ferry contract extended in Amsel", [
        _VOTE.replace("ending", "closing"),
        "Fares will stay frozen at 12 crowns until the autumn timetable is agreed, Mayor Lena Castell said.",
        "A spokesperson for Northmark's regional authority said the decision would be reviewed within "
        "thirty days and that its findings would be published online.",
    ]),
    ("quaytimes", "Amsel council backs ferry deal", [
        _VOTE.replace("voted on Tuesday", "voted Tuesday"),
        "The regional authority in Northmark said it would review the decision within thirty days.",
    ]),
    ("northmark-daily", "Tidewell keeps Amsel ferry route", [
        "Amsel's harbour council on Tuesday extended the Tidewell Lines ferry contract by five years.",
        "Mayor Lena Castell said fares would stay frozen at 30 crowns until the new timetable is agreed.",
        "Fishermen had opposed the extension for months, saying the ferries crowd the harbour at dawn.",
    ]),
    ("coastwatch", "Ferry deal: fishermen lose harbour fight", [
        "Fishermen in Amsel lost their fight against the ferry contract on Tuesday, when the harbour "
        "council extended the Tidewell Lines deal for five more years.",
        "The regional authority in Northmark said it would review the decision within thirty days.",
        "The contract is worth 40 million crowns a year to Tidewell Lines, according to council papers.",
    ]),
    ("amsel-herald", "Council extends Tidewell contract", [
        "The Amsel harbour council voted on Tuesday to extend its ferry contract with Tidewell Lines for "
        "five more years.",
        "The contract is worth 40 million crowns a year, council papers show.",
        "Mayor Lena Castell said fares would stay frozen at 12 crowns until the timetable is agreed.",
    ]),
]  # fmt: skip


def _feed(folder: Path, records: list[tuple[str, str, list[str]]]) -> Path:
    return write_feed(folder, records, date="2025-05-06")


def _open(path: Path) -> SQLiteStore:
    store = open_store(str(path))
    assert isinstance(store, SQLiteStore)
    return store


def _claims(store: SQLiteStore) -> dict[frozenset[tuple[str, int, int]], tuple[str, str, int]]:
    """Each claim by its evidence: (id, status, sources); the grouping is the set of keys."""
    return {
        frozenset((e["article_id"], e["start"], e["end"]) for e in c["evidence"]): (
            c["id"],
            c["status"],
            c["sources"],
        )
        for c in claims_for_output(store.db)
    }


def test_update_two_runs_equal_one_run_on_a_multi_outlet_story(tmp_path: Path) -> None:
    first, second = _feed(tmp_path / "a", RECORDS[:3]), _feed(tmp_path / "b", RECORDS[3:])
    grown = _open(tmp_path / "grown.db")
    run(grown, [str(first)], default_pipeline(), SETTINGS)
    stats = run(grown, [str(second)], default_pipeline(), SETTINGS)
    assert stats.stories["stories"] == 1  # the six tellings are one story, so the scope grew
    assert stats.claims["scopes"] == 1
    assert stats.claims["scopes_updated"] == 1
    once = _open(tmp_path / "once.db")
    run(once, [str(first), str(second)], default_pipeline(), SETTINGS)
    assert _claims(grown) == _claims(once)
    assert omissions_for_output(grown.db) == omissions_for_output(once.db)
    # the story the new tellings joined has its brief chosen again, reading every member's text
    assert briefs_for_output(grown.db) == briefs_for_output(once.db)
    statuses = {status for _id, status, _n in _claims(grown).values()}
    assert "corroborated" in statuses
    assert "conflicting" in statuses  # 12 crowns against 30 crowns, found by the update


def test_update_two_runs_equal_one_run_on_the_seeds(tmp_path: Path, seeds_dir: Path) -> None:
    files = sorted(seeds_dir.iterdir())
    part = tmp_path / "part"
    part.mkdir()
    for f in files[:-1]:
        shutil.copy(f, part / f.name)
    settings = Settings(workers=1)  # MiniLM, as a user runs it
    grown = _open(tmp_path / "grown.db")
    run(grown, [str(part)], default_pipeline(), settings)
    stats = run(grown, [str(seeds_dir)], default_pipeline(), settings)
    assert stats.claims["scopes_updated"] >= 1
    once = _open(tmp_path / "once.db")
    run(once, [str(seeds_dir)], default_pipeline(), settings)
    assert _claims(grown) == _claims(once)
    assert omissions_for_output(grown.db) == omissions_for_output(once.db)
    assert briefs_for_output(grown.db) == briefs_for_output(once.db)


def test_update_removed_member_falls_back_to_full_comparison(tmp_path: Path) -> None:
    store = _open(tmp_path / "c.db")
    run(store, [str(_feed(tmp_path / "in", RECORDS[:4]))], default_pipeline(), SETTINGS)
    gone = store.db.execute("SELECT id FROM articles WHERE outlet = 'harbourpost'").fetchone()[0]
    with store.db:
        store.db.execute("DELETE FROM story_articles WHERE article_id = ?", (gone,))
    stats = update_claims(store, SETTINGS)
    assert stats["scopes"] == 1
    assert stats["scopes_updated"] == 0
    after = _claims(store)
    assert all(aid != gone for ev in after for aid, _s, _e in ev)
    store.reset_claims()
    update_claims(store, SETTINGS)
    assert _claims(store) == after


def test_update_rerun_with_nothing_new_does_no_work(tmp_path: Path) -> None:
    store = _open(tmp_path / "c.db")
    folder = _feed(tmp_path / "in", RECORDS[:3])
    run(store, [str(folder)], default_pipeline(), SETTINGS)
    before = _claims(store)
    again = update_claims(store, SETTINGS)
    assert again["scopes"] == 0
    assert again["scopes_updated"] == 0
    assert _claims(store) == before


def _state(members: dict[str, str], compared: list[str]) -> ScopeState:
    return ScopeState(members, compared, [], [], [], [], [])


def test_update_can_update_only_when_members_were_added() -> None:
    state = _state({"a": "s1", "b": "s1"}, ["a", "b"])
    assert can_update(state, {"a": "s1", "b": "s1", "c": "s2"}, {})
    assert not can_update(None, {"a": "s1"}, {})
    assert not can_update(state, {"a": "s1"}, {})  # b left
    # b moved to another story of the scope (a split): the candidate graph does not change
    assert can_update(state, {"a": "s1", "b": "s2"}, {})
    # b's original joined the scope: b is a copy now and must leave the comparison
    assert not can_update(state, {"a": "s1", "b": "s1", "c": "s1"}, {"b": "c"})
    # b was a copy of an article outside the scope and still is: nothing changes for it
    assert can_update(state, {"a": "s1", "b": "s1", "c": "s1"}, {"b": "x"})


def test_update_new_pairs_are_the_pairs_nearest_proposes_with_a_new_row() -> None:
    rng = np.random.default_rng(7)
    v = rng.normal(size=(60, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    n, k = 45, 5
    top = [tuple(c for _j, c in row) for row in nearest(v[:n], k)]
    pairs = _new_pairs(v, n, top, k)
    full = nearest(v, k)
    expected = {(min(i, j), max(i, j)) for i, row in enumerate(full) for j, _c in row if max(i, j) >= n}
    assert set(pairs) == expected
    for got, want in zip(top, full, strict=True):  # the neighbour cosines kept for the next update
        assert got == pytest.approx([c for _j, c in want], abs=1e-5)
    for (i, j), cos in pairs.items():
        assert cos == pytest.approx(float(v[i] @ v[j]), abs=1e-5)


@pytest.mark.parametrize("block", [60, 61, 300])
def test_update_new_pairs_in_blocks_equal_one_matrix(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The new rows are compared in blocks (of one row for 60 and 61): same pairs, same neighbours."""
    rng = np.random.default_rng(11)
    v = rng.normal(size=(60, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    n, k = 40, 5
    start = [tuple(c for _j, c in row) for row in nearest(v[:n], k)]
    one_top = list(start)
    one = _new_pairs(v, n, one_top, k)
    monkeypatch.setattr("counterpoint.claims.update.BLOCK", block)
    small_top = list(start)
    small = _new_pairs(v, n, small_top, k)
    assert list(small) == list(one)  # a one-row product may round the last bit differently
    assert list(small.values()) == pytest.approx(list(one.values()), abs=1e-6)
    for got, want in zip(small_top, one_top, strict=True):
        assert got == pytest.approx(want, abs=1e-6)


# A feature story with no check-worthy sentence: its brief is the fallback from its articles' leads.
_FEATURE = [
    ("tide", "Cookies or carrots for the winter visitor", [
        "Children in the harbour town of Amsel face a big decision on the night before the winter "
        "festival: cookies or carrots for the visitor.",
        "Many families in Amsel leave out cookies and warm milk, while others prefer carrots and hay "
        "for the reindeer.",
    ]),
    ("harbourpost", "Amsel families choose winter festival treats", [
        "Families in Amsel are choosing between cookies and carrots for the winter festival visitor "
        "this week.",
        "Some children in the harbour town write long letters, and others leave out hay for the "
        "reindeer beside the cookies.",
    ]),
    ("quaytimes", "Winter festival treats in Amsel", [
        "The winter festival in Amsel brings a big decision for children: cookies, carrots or hay "
        "for the visitor and the reindeer.",
        "Warm milk and cookies stay the favourite of families in the harbour town, bakers say.",
    ]),
]  # fmt: skip


def test_update_fallback_brief_of_a_story_without_claims_reads_its_old_members(tmp_path: Path) -> None:
    first, second = _feed(tmp_path / "a", _FEATURE[:2]), _feed(tmp_path / "b", _FEATURE[2:])
    grown = _open(tmp_path / "grown.db")
    run(grown, [str(first)], default_pipeline(), SETTINGS)
    firsts = {a.article.id for a in grown.iter_articles()}
    stats = run(grown, [str(second)], default_pipeline(), SETTINGS)
    assert stats.stories["stories"] == 1
    assert stats.claims["scopes_updated"] == 1
    once = _open(tmp_path / "once.db")
    run(once, [str(first), str(second)], default_pipeline(), SETTINGS)
    assert _claims(grown) == {}  # no claim: the brief below is the fallback
    brief = briefs_for_output(grown.db)
    assert brief == briefs_for_output(once.db)
    (sentences,) = brief.values()
    cited = {c["article_id"] for s in sentences for c in s["citations"]}
    assert cited & firsts  # the first run's articles are read again, not only the new one


def test_update_of_a_member_moved_to_another_story_equals_a_comparison_from_scratch(tmp_path: Path) -> None:
    """A story split inside a scope moves members between its stories: the update keeps the candidate
    graph and assembles claims, omissions and briefs on the new map, as a full comparison does."""
    store = _open(tmp_path / "s.db")
    run(store, [str(_feed(tmp_path / "a", RECORDS))], default_pipeline(), SETTINGS)
    ids = [a.article.id for a in store.iter_articles()]
    facts = store.load_facts(ids)
    model = claim_encoder_name(SETTINGS)
    before = dict.fromkeys(ids, "s1")
    after = {**before, ids[3]: "s2", ids[4]: "s2"}  # two tellings split off into a story of their own
    embed = _Vectors(store.sentence_vectors(ids, model), None, model)
    state = compare_scope("scope", facts, embed, story_of=before).state
    assert state is not None
    assert can_update(state, after, {})
    updated = update_scope("scope", state, [], {h.article_id: h for h in store.claim_headers(ids)}, embed,
                           story_of=after)  # fmt: skip
    scratch = compare_scope("scope", facts, embed, story_of=after)

    def view(result: ScopeResult) -> tuple[object, ...]:
        claims = sorted((c.story_id, c.status, c.sources, tuple((e.article_id, e.start) for e in c.evidence))
                        for c in result.claims)  # fmt: skip
        return claims, result.omissions

    assert {c.story_id for c in updated.claims} == {"s1", "s2"}
    assert view(updated) == view(scratch)
    # each new story has its brief, citing only its own articles (an update's briefs read no
    # article text, so their wording may differ from a full comparison's, as after additions)
    assert set(updated.briefs) == {"s1", "s2"}
    for sid, brief in updated.briefs.items():
        assert brief
        assert {c.article_id for b in brief for c in b.citations} <= {a for a, s in after.items() if s == sid}


# A second event in the same scope, in the words of two outlets: nothing in it matches the ferry vote.
_QUAKE = [
    ("northwire", "Quake shakes Caldera Bay", [
        "A magnitude 6.1 earthquake struck the fictional province of Caldera Bay on Monday, cutting "
        "power to 20,000 homes.",
        "Governor Ilse Maren said schools would stay closed until engineers had inspected them.",
    ]),
    ("bayledger", "Caldera Bay earthquake cuts power", [
        "An earthquake of magnitude 6.1 hit Caldera Bay on Monday and left 20,000 homes without power.",
        "Schools will stay closed until engineers inspect them, Governor Ilse Maren said.",
    ]),
]  # fmt: skip


def test_update_keeps_the_brief_of_a_story_whose_inputs_did_not_change(tmp_path: Path) -> None:
    """Choosing brief sentences is most of an update of a big scope: a story the new articles did not
    touch (same candidates, same claims, same conflicts) keeps its stored brief; a touched story's
    brief is chosen again, and so is any story when no stored briefs are given."""
    store = _open(tmp_path / "s.db")
    feed = _feed(tmp_path / "a", [*RECORDS, *_QUAKE])
    run(store, [str(feed)], default_pipeline(), SETTINGS)
    by_outlet = {a.article.outlet: a.article.id for a in store.iter_articles()}
    ferry = [by_outlet[o] for o, _t, _p in RECORDS]
    quake = [by_outlet[o] for o, _t, _p in _QUAKE]
    story_of = {**dict.fromkeys(ferry, "ferry"), **dict.fromkeys(quake, "quake")}
    before = {a: s for a, s in story_of.items() if a != ferry[-1]}
    ids = list(story_of)
    model = claim_encoder_name(SETTINGS)
    embed = _Vectors(store.sentence_vectors(ids, model), None, model)
    facts = {f.article_id: f for f in store.load_facts(ids)}
    first = compare_scope("scope", [facts[a] for a in before], embed, story_of=before)
    assert first.state is not None
    assert first.briefs["quake"]
    assert first.briefs["ferry"]
    marker = [BriefSentence("(stored)", (), ())]
    headers = {h.article_id: h for h in store.claim_headers(ids)}
    updated = update_scope("scope", first.state, [facts[ferry[-1]]], headers, embed, story_of=story_of,
                           kept={"ferry": marker, "quake": marker})  # fmt: skip
    assert updated.kept == {"quake"}
    assert updated.briefs["quake"] == marker  # kept: nothing it is built from changed
    assert updated.briefs["ferry"] != marker  # the new telling joined the ferry story
    fresh = update_scope("scope", first.state, [facts[ferry[-1]]], headers, embed, story_of=story_of)
    assert fresh.kept == frozenset()
    assert fresh.briefs["quake"] == first.briefs["quake"]  # what was kept is what would be chosen


def test_update_reads_the_old_members_text_of_the_stories_it_touched(tmp_path: Path) -> None:
    """A touched story's brief is chosen again from every member's whole text, as a comparison from
    scratch reads it (the brief's centrality counts the words other outlets use anywhere in their
    articles); the stored briefs come along for the stories whose inputs did not change."""
    store = _open(tmp_path / "s.db")
    without_claims = Pipeline.build(tuple(s for s in DEFAULT_STAGES if s.name != "claims"))
    run(store, [str(_feed(tmp_path / "a", [*RECORDS[:4], *_QUAKE]))], default_pipeline(), SETTINGS)
    run(store, [str(_feed(tmp_path / "b", RECORDS[4:]))], without_claims, SETTINGS)
    step = ClaimsStep(SETTINGS)
    (part,) = [p for p in step.partitions(store) if isinstance(p, ScopeUpdate)]
    story_of = part.scope.story_of
    grown = {story_of[a.article_id] for a in part.new}
    read = {a.article_id for a in part.briefless}
    assert read == {a for a in part.state.compared if story_of[a] in grown}
    assert all(a.text for a in part.briefless)
    assert set(part.kept) == set(story_of.values())  # the stored briefs, kept where unchanged
