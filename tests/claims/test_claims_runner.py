"""Claims end to end: the real pipeline, stories and the claims runner on a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.runners.corpus import update_claims
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.claims import (
    briefs_for_output,
    claims_for_output,
    omissions_for_output,
    timeline_for_output,
)
from counterpoint.store.sqlite import SQLiteStore

SETTINGS = Settings(workers=1, story_embedder="hashing")

VOTE = (
    "The harbour council of the fictional town of Amsel voted on Tuesday to extend the ferry contract with "
    "Tidewell Lines for five more years, ending a dispute between fishermen and shopkeepers."
)
FARES = "Mayor Lena Castell said fares would stay frozen at 12 crowns until the timetable is agreed."
REVIEW = "The regional authority in Northmark said it would review the decision within thirty days."
NO_CLAIMS = (
    "What a week it has been! We think you will love these pictures. "
    "Thank you for reading, and see you soon. "
    "Do you have a favourite spot by the water? Tell us below, and enjoy the sunshine while it lasts."
)


def _feed(folder: Path, records: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _rec(outlet: str, title: str, *paras: str) -> dict[str, str]:
    return {"outlet": outlet, "title": title, "date": "2025-05-06", "url": f"https://{outlet}.example/a",
            "text": "\n\n".join(paras)}  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = open_store(str(tmp_path / "c.db"))
    assert isinstance(s, SQLiteStore)
    return s


def test_single_article_story_is_all_single_source_and_omits_nothing(
    store: SQLiteStore, tmp_path: Path
) -> None:
    run(store, [str(_feed(tmp_path / "in", [_rec("tide", "Ferry deal extended", VOTE, FARES, REVIEW)]))],
        default_pipeline(), SETTINGS)  # fmt: skip
    claims = claims_for_output(store.db)
    assert claims, "a vote with a date, a figure and a named council is check-worthy"
    assert {c["status"] for c in claims} == {"single_source"}
    assert omissions_for_output(store.db) == {}
    text = store.db.execute("SELECT text FROM articles").fetchone()[0]
    for c in claims:
        assert c["sources"] == 1
        assert c["conflicts_with"] == []
        for ev in c["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]
    brief = next(iter(briefs_for_output(store.db).values()))
    assert brief
    assert all(b["citations"] for b in brief)


def test_claims_corroborate_across_outlets_and_record_omissions(store: SQLiteStore, tmp_path: Path) -> None:
    recs = [
        _rec("tide", "Amsel extends ferry deal", VOTE, FARES, REVIEW),
        _rec(
            "harbourpost",
            "Ferry contract extended in Amsel",
            VOTE.replace("ending", "closing"),
            "Fares will stay frozen at 12 crowns until the autumn timetable is agreed, "
            "Mayor Lena Castell said.",
            "A spokesperson for Northmark's regional authority said the decision would be reviewed within "
            "thirty days and that its findings would be published online.",
        ),
        _rec(
            "quaytimes",
            "Amsel council backs ferry deal",
            VOTE.replace("voted on Tuesday", "voted Tuesday"),
            REVIEW,
        ),
    ]
    stats = run(store, [str(_feed(tmp_path / "in", recs))], default_pipeline(), SETTINGS)
    assert stats.stories["stories"] == 1
    claims = claims_for_output(store.db)
    vote = next(c for c in claims if "ferry contract" in c["text"])
    assert vote["status"] == "corroborated"
    assert vote["sources"] == 3
    assert sorted(vote["outlets"]) == ["harbourpost", "quaytimes", "tide"]
    fares = next(c for c in claims if "stay frozen at 12 crowns" in c["text"])
    assert fares["sources"] == 2
    quay = store.db.execute("SELECT id FROM articles WHERE outlet = 'quaytimes'").fetchone()[0]
    story_omissions = next(iter(omissions_for_output(store.db).values()))
    assert fares["id"] in story_omissions[quay]
    # re-running adds nothing and recomputes nothing
    before = claims_for_output(store.db)
    again = update_claims(store, SETTINGS)
    assert again["scopes"] == 0
    assert claims_for_output(store.db) == before


def test_conflicting_figures_are_flagged_with_both_sides(store: SQLiteStore, tmp_path: Path) -> None:
    recs = [
        _rec("tide", "Amsel extends ferry deal", VOTE, FARES, REVIEW),
        # worded apart enough not to be a near-duplicate (copies are left out of the comparison)
        _rec(
            "harbourpost",
            "Ferry contract extended",
            "Amsel's harbour council on Tuesday extended the Tidewell Lines ferry contract by five years.",
            "Mayor Lena Castell said fares would stay frozen at 30 crowns until the new timetable is agreed.",
            "Northmark's regional authority plans to look at the decision again within a month.",
        ),
    ]
    run(store, [str(_feed(tmp_path / "in", recs))], default_pipeline(), SETTINGS)
    conflicting = [c for c in claims_for_output(store.db) if c["status"] == "conflicting"]
    assert conflicting
    why = conflicting[0]["why"]
    assert "12 crowns" in why
    assert "30 crowns" in why
    assert "tide" in why
    assert "harbourpost" in why
    # both versions are quoted as evidence: in one claim when the two sentences matched as the same
    # claim, else in two claims that list each other
    cited = {ev["text"] for c in conflicting for ev in c["evidence"]}
    assert any("12 crowns" in t for t in cited)
    assert any("30 crowns" in t for t in cited)
    ids = {c["id"] for c in conflicting}
    assert all(set(c["conflicts_with"]) <= ids for c in conflicting)


def test_article_without_checkworthy_sentences_gives_no_claims(store: SQLiteStore, tmp_path: Path) -> None:
    folder = _feed(tmp_path / "in", [_rec("chat", "Sunny days", NO_CLAIMS)])
    stats = run(store, [str(folder)], default_pipeline(), SETTINGS)
    assert stats.articles == 1
    assert claims_for_output(store.db) == []
    assert timeline_for_output(store.db) == []


def test_reprocess_recomputes_claims(store: SQLiteStore, tmp_path: Path) -> None:
    folder = _feed(tmp_path / "in", [_rec("tide", "Ferry deal extended", VOTE, FARES, REVIEW)])
    run(store, [str(folder)], default_pipeline(), SETTINGS)
    before = claims_for_output(store.db)
    from counterpoint.store.claims import reset_claims

    reset_claims(store.db)
    assert claims_for_output(store.db) == []
    assert update_claims(store, SETTINGS)["scopes"] == 1
    assert claims_for_output(store.db) == before
