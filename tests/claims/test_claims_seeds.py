"""Hand-made expectations on the five seed articles (read by a person, not derived from the output).

- Canada's 2018 arrest of Huawei executive Meng Wanzhou is told by 002, 003 and 004 (004 as "a Chinese
  tech executive"): a corroborated claim.
- China's detention of two Canadians is told by 002, 003 and 004: a corroborated claim.
- 001 says the nations "reached agreements to lower tariffs"; 002 says "a formal agreement remains
  elusive": a conflict, with both sides quoted.
- The background runs from 2018 (the arrest) through October 2025 (Xi and Carney at APEC) to the
  January 2026 visit, in that order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from counterpoint.claims.brief import told_as_view, view_words
from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.runners.local import run
from counterpoint.stages.dates import _interval
from counterpoint.store import open_store
from counterpoint.store.claims import (
    best_evidence,
    briefs_for_output,
    claims_for_output,
    story_sides,
    timeline_for_output,
)
from counterpoint.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"shared seed corpus not found at {SEEDS} (clone with ../shared beside the repo)")
    store = open_store(str(tmp_path_factory.mktemp("seeds") / "c.db"))
    assert isinstance(store, SQLiteStore)
    run(store, [str(SEEDS)], default_pipeline(), Settings(workers=1))  # MiniLM, as a user runs it
    return store


def _articles(claim: dict[str, Any]) -> set[str]:
    return {ev["article_id"] for ev in claim["evidence"]}


def _texts(store: SQLiteStore) -> dict[str, str]:
    return dict(store.db.execute("SELECT id, text FROM articles"))


def test_seed_meng_arrest_is_corroborated(seeded: SQLiteStore) -> None:
    hits = [
        c
        for c in claims_for_output(seeded.db)
        if c["status"] == "corroborated" and any("Meng Wanzhou" in ev["text"] for ev in c["evidence"])
    ]
    assert hits
    assert max(len(_articles(c)) for c in hits) >= 2


def test_seed_detention_of_two_canadians_is_corroborated(seeded: SQLiteStore) -> None:
    hits = [
        c
        for c in claims_for_output(seeded.db)
        if c["status"] == "corroborated" and any("two Canadian" in ev["text"] for ev in c["evidence"])
    ]
    assert hits
    assert max(len(_articles(c)) for c in hits) >= 2


def test_seed_tariff_agreement_conflict_is_found_and_quoted(seeded: SQLiteStore) -> None:
    conflicting = [c for c in claims_for_output(seeded.db) if c["status"] == "conflicting"]
    whys = " ".join(c["why"] or "" for c in conflicting)
    assert "reached agreements to lower tariffs" in whys
    assert "a formal agreement remains elusive" in whys
    assert "Devdiscourse" in whys
    briefs = [b["sentence"] for bs in briefs_for_output(seeded.db).values() for b in bs]
    assert any("remains elusive" in s and "reached agreements" in s for s in briefs)


def test_seed_timeline_runs_from_2018_to_january_2026_in_order(seeded: SQLiteStore) -> None:
    events = timeline_for_output(seeded.db)
    dates = [e["date"] for e in events]
    # chronological within the scope: by the start of each date's interval ("2026-W03" starts on 12 Jan)
    assert dates == sorted(dates, key=lambda d: _interval(d)[0])
    first_2018 = next(i for i, e in enumerate(events) if e["date"].startswith("2018"))
    apec = next(i for i, e in enumerate(events) if e["date"] == "2025-10")
    visit = next(
        i for i, e in enumerate(events) if e["date"].startswith("2026-01") or e["date"] == "2026-W03"
    )
    assert first_2018 < apec < visit
    arrest = events[first_2018]
    assert any("Meng Wanzhou" in ev["text"] for ev in arrest["evidence"])
    assert len({ev["article_id"] for ev in arrest["evidence"]}) >= 2


def test_seed_every_claim_and_event_cites_its_evidence(seeded: SQLiteStore) -> None:
    texts = _texts(seeded)
    items = [*claims_for_output(seeded.db), *timeline_for_output(seeded.db)]
    assert items
    for item in items:
        assert item["evidence"]
        for ev in item["evidence"]:
            assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]
    for brief in briefs_for_output(seeded.db).values():
        for b in brief:
            assert b["citations"]
            for ev in b["citations"]:
                assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]


def test_seed_rerun_adds_no_claims(seeded: SQLiteStore) -> None:
    from conftest import SEEDS

    before = claims_for_output(seeded.db)
    stats = run(seeded, [str(Path(SEEDS))], default_pipeline(), Settings(workers=1))
    assert stats.claims["scopes"] == 0
    assert claims_for_output(seeded.db) == before


# -- issue #15: neutral brief, names, dates from the story, one timeline entry per event ----------------

#: loaded phrases of the partisan seeds 000 and 003, read by a person: never stated as fact in a brief
LOADED_PHRASES = (
    "the absurdity of Trump",
    "the tables have turned",
    "implications for Trump and his administration are dire",
    "the communist regime",
    "appeasement strategy",
    "raises serious questions",
    "yet Carney pursues closer ties anyway",
    # views in hedged or evaluative wording (no loaded word, and so stated "reportedly" before)
    "appears purely economic",
    "Carney appears eager",
    "seems willing to downplay",
    "seem to be forming a strategic alliance",
    "signaling a major shift",
    "potentially sidelining American interests",
    "marking a significant turning point",
    "genuine rapport",
    "thinly veiled reference",
    "could reshape the North American landscape",
    "may further alienate Canada",
    "should be remembered",
    "must be held accountable",
    "The timing suggests",
    "raises serious questions",
    "stunning political shift",
    "groundbreaking meeting",
    "pivotal encounter",
    "dangerous realignment",
)


def test_seed_no_loaded_phrase_is_stated_as_fact_in_a_brief(seeded: SQLiteStore) -> None:
    """A loaded phrase of 000 or 003 is only ever in a sentence told in its source's name ("According
    to …", or a conflict stated both ways): never bare, and never "Reportedly, …" (a plain fact)."""
    sentences = [b["sentence"] for bs in briefs_for_output(seeded.db).values() for b in bs]
    assert sentences
    for s in sentences:
        for phrase in LOADED_PHRASES:
            if phrase.casefold() in s.casefold():
                assert told_as_view(s), s


def test_seed_no_hedged_or_evaluative_sentence_is_stated_as_fact(seeded: SQLiteStore) -> None:
    """Any brief sentence with a hedge, modal, interpretation or evaluative word of its own is told in
    its source's name; the partisan seeds' briefs do contain such views (so the check is not empty)."""
    sentences = [b["sentence"] for bs in briefs_for_output(seeded.db).values() for b in bs]
    views = [s for s in sentences if view_words(s.removeprefix("Reportedly, "))]
    assert views
    for s in views:
        assert told_as_view(s), s


def test_seed_briefs_read_as_sentences_from_their_own_story(seeded: SQLiteStore) -> None:
    story_of = dict(seeded.db.execute("SELECT article_id, story_id FROM story_articles"))
    for story, brief in briefs_for_output(seeded.db).items():
        said = [b["sentence"] for b in brief]
        assert len(said) == len(set(said))
        for b in brief:
            assert not b["sentence"].lstrip().startswith(("-", "•", "*"))
            assert not b["sentence"].rstrip().endswith(("...", "…"))
            assert all(story_of[c["article_id"]] == story for c in b["citations"])


def test_seed_no_headline_names_an_outlet(seeded: SQLiteStore) -> None:
    titles = [t for (t,) in seeded.db.execute("SELECT title FROM articles WHERE title IS NOT NULL")]
    assert titles
    names = {o for c in claims_for_output(seeded.db) for o in c["outlets"]}
    names |= {o for e in timeline_for_output(seeded.db) for o in e["outlets"]}
    assert "unknown outlet (002_f477f016607da686.txt)" in names
    for name in names:
        assert not any(t.startswith(name.rstrip("…")) for t in titles), name
    briefs = " ".join(b["sentence"] for bs in briefs_for_output(seeded.db).values() for b in bs)
    whys = " ".join(c["why"] or "" for c in claims_for_output(seeded.db))
    for t in titles:
        assert f"{t[:30]}" not in briefs.replace("“", "") or f"“{t[:30]}" in briefs
        assert f"{t[:30]} reports" not in whys


def _time_values(store: SQLiteStore, name: str) -> dict[str, str | None]:
    (aid, text) = store.db.execute(
        "SELECT id, text FROM articles WHERE source LIKE ?", (f"%{name}%",)
    ).fetchone()
    rows = store.db.execute(
        "SELECT start, \"end\", key FROM items WHERE article_id = ? AND layer = 'time'", (aid,)
    )
    return {text[s:e]: key for s, e, key in rows}


def test_seed_undated_articles_read_weekdays_against_their_story_day(seeded: SQLiteStore) -> None:
    # 001 (Devdiscourse) is dated 2026-01-17; 002 and 004 are undated members of the same story
    assert _time_values(seeded, "002_")["Friday"] == "2026-01-16"  # talks with Xi Jinping
    assert _time_values(seeded, "004_")["Wednesday"] == "2026-01-14"  # arrived in China
    inferred = dict(seeded.db.execute("SELECT source, published_inferred FROM articles"))
    assert any(k.endswith("002_f477f016607da686.txt") and v == "2026-01-17" for k, v in inferred.items())
    stated = dict(seeded.db.execute("SELECT source, published FROM articles"))
    assert not any(k.endswith("002_f477f016607da686.txt") and v for k, v in stated.items())


def test_seed_timeline_has_one_entry_per_event_and_plans_apart(seeded: SQLiteStore) -> None:
    events = timeline_for_output(seeded.db)
    texts = [e["text"] for e in events]
    assert len(texts) == len(set(texts))
    assert sum("Meng Wanzhou" in t for t in texts) <= 1
    by_date = {e["date"]: e for e in events}
    assert "2026-01-14" in by_date
    assert "arrived" in by_date["2026-01-14"]["text"]
    assert "2026-01-16" in by_date
    assert "Friday" in by_date["2026-01-16"]["text"]
    assert by_date["2035"]["kind"] == "plan"
    assert by_date["2018"]["kind"] == "event"
    # 004's "arrest of a Chinese tech executive in late 2018" is the Meng Wanzhou arrest: one entry
    assert [e["date"] for e in events].count("2018") == 1
    arrest = by_date["2018"]["evidence"]
    assert any("Chinese tech executive" in ev["text"] for ev in arrest)
    assert any("Meng Wanzhou" in ev["text"] for ev in arrest)
    assert all(e["kind"] == "event" for e in events if e["date"] < "2026-01-18")


def test_seed_capped_timeline_evidence_is_the_best_of_all_and_a_page_reads_its_own_events(
    seeded: SQLiteStore,
) -> None:
    """A capped event lists what ``best_evidence`` would pick from every span (slicing only those),
    with the full count; a story page's sides hold just the events its own articles report."""
    full = timeline_for_output(seeded.db)
    capped = timeline_for_output(seeded.db, max_evidence=2)
    assert len(full) == len(capped)
    for f, c in zip(full, capped, strict=True):
        assert c["evidence"] == best_evidence(f["evidence"], f["text"], 2)
        assert c["evidence_count"] == len(f["evidence"])
    fewer = []
    for (sid,) in seeded.db.execute("SELECT id FROM stories WHERE storyline_id IS NOT NULL"):
        rows = seeded.db.execute("SELECT article_id FROM story_articles WHERE story_id = ?", (sid,))
        members = {r[0] for r in rows}
        mine = story_sides(seeded.db, sid, own_timeline=True)["timeline"]
        every = story_sides(seeded.db, sid)["timeline"]
        assert mine == [e for e in every if any(ev["article_id"] in members for ev in e["evidence"])]
        fewer.append(len(mine) < len(every))
    assert any(fewer)  # some story of the storyline does not report every event of it
