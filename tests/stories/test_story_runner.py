from __future__ import annotations

import json
from pathlib import Path

import pytest

from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.runners.corpus import update_stories
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.sqlite import SQLiteStore
from counterpoint.store.stories import stories_for_output
from counterpoint.stories.embed import Embedder, HashingEmbedder

SETTINGS = Settings(workers=1, story_embedder="hashing")

FERRY = (
    "The harbour council of the fictional town of Amsel voted on Tuesday to extend the ferry contract with "
    "Tidewell Lines for five more years, ending a dispute that had divided fishermen and shopkeepers.\n\n"
    "Mayor Lena Castell said the vote was close but fair, and that fares would stay frozen until the new "
    "timetable is agreed with Tidewell Lines in the autumn. Opponents promised to raise it again.\n\n"
    "A spokesperson for the regional authority in Northmark said it would review the decision within "
    "thirty days and publish its findings online."
)
QUAKE = (
    "A magnitude 6.1 earthquake struck the fictional province of Caldera Bay early on Sunday, damaging "
    "roads and cutting power to thousands of homes, the Caldera Bay emergency office said.\n\n"
    "Rescue teams led by Kofi Okafor searched collapsed buildings in the port of Marisol through the day, "
    "and the national weather service warned of aftershocks for the rest of the week.\n\n"
    "Schools across Caldera Bay will stay closed on Monday while engineers inspect them."
)
FRENCH = (
    "Le conseil portuaire de la ville fictive d'Amsel a voté mardi la prolongation du contrat de ferry "
    "pour cinq ans, mettant fin à un différend qui divisait pêcheurs et commerçants depuis le printemps.\n\n"
    "La maire a déclaré que le vote avait été serré mais juste, et que les tarifs resteraient gelés."
)


def record(title: str, text: str, outlet: str, day: str | None, url: str, language: str | None = None) -> str:
    rec = {"title": title, "text": text, "outlet": outlet, "url": url}
    if day:
        rec["date"] = day
    if language:
        rec["language"] = language
    return json.dumps(rec, ensure_ascii=False)


def corpus(folder: Path, lines: list[str], name: str = "feed.jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def ingest(store: SQLiteStore, folder: Path, settings: Settings = SETTINGS) -> dict[str, int]:
    """Run the real pipeline (which ends with update_stories) and return the story counts."""
    return run(store, [str(folder)], default_pipeline(), settings).stories


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = open_store(str(tmp_path / "s.db"))
    assert isinstance(s, SQLiteStore)
    return s


@pytest.fixture
def hashing() -> Embedder:
    return HashingEmbedder()


def test_story_runner_groups_copies_and_keeps_languages_apart(
    store: SQLiteStore, tmp_path: Path, hashing: Embedder
) -> None:
    lines = [
        record(
            "Amsel extends ferry contract", FERRY, "Coastline Herald", "2026-03-03", "https://a.example/1"
        ),
        record("Earthquake hits Caldera Bay", QUAKE, "Northmark Daily", "2026-03-01", "https://b.example/2"),
        record(
            "Ferry contract extended in Amsel",
            FERRY + "\n\nReporting by wire staff.",
            "Harbour Ledger",
            "2026-03-03",
            "https://c.example/3",
        ),
        record(
            "Amsel prolonge le contrat",
            FRENCH,
            "Courrier des Iles",
            "2026-03-03",
            "https://d.example/4",
            "fr",
        ),
        record("Undated ferry item", FERRY, "Amsel Today", None, "https://e.example/5"),
    ]
    counts = ingest(store, corpus(tmp_path / "in", lines))
    assert counts["articles"] == 5
    assert counts["duplicates"] == 2  # the reposted copy and the exact (undated) copy
    stories, storylines, dups = stories_for_output(store.db)
    by_title = {s["title"]: s for s in stories}
    ferry = next(s for s in stories if s["duplicates"] == 2)
    assert ferry["articles"] == 1
    assert ferry["outlets"] == ["Amsel Today", "Coastline Herald", "Harbour Ledger"]
    assert ferry["first_seen"] == "2026-03-03"
    assert ferry["span"] == "3 Mar 2026"
    assert "Earthquake hits Caldera Bay" in by_title
    french = next(s for s in stories if s["note"])
    assert "'fr'" in french["note"]
    assert french["id"] != ferry["id"]
    assert {d["duplicate_of"] for d in dups} == set(ferry["article_ids"])
    assert set(stories[0]) >= {
        "id",
        "title",
        "article_ids",
        "storyline_id",
        "first_seen",
        "last_seen",
        "outlets",
    }
    assert storylines == []


def test_story_runner_is_incremental(store: SQLiteStore, tmp_path: Path, hashing: Embedder) -> None:
    first = [
        record("Amsel extends ferry contract", FERRY, "Coastline Herald", "2026-03-03", "https://a.example/1")
    ]
    assert ingest(store, corpus(tmp_path / "one", first))["new_stories"] == 1
    before = stories_for_output(store.db)
    again = update_stories(store, SETTINGS, embedder=hashing)
    assert again["articles"] == 0
    assert stories_for_output(store.db) == before

    follow = FERRY.replace("on Tuesday", "on Wednesday").replace("five more years", "five years")
    later = [
        record(
            "Amsel ferry deal: what changes",
            follow + "\n\nFares stay frozen.",
            "Amsel Today",
            "2026-03-04",
            "https://e.example/9",
        ),
        record("Earthquake hits Caldera Bay", QUAKE, "Northmark Daily", "2026-03-05", "https://b.example/2"),
    ]
    counts = ingest(store, corpus(tmp_path / "two", later))
    assert counts["articles"] == 2
    stories, _, _ = stories_for_output(store.db)
    assert len(stories) == 2
    assert stories[0]["id"] == before[0][0]["id"]
    assert len(stories[0]["article_ids"]) + len(stories[0]["duplicate_ids"]) == 2
    assert stories[0]["last_seen"] == "2026-03-04"


def test_story_runner_one_article_corpus(store: SQLiteStore, tmp_path: Path, hashing: Embedder) -> None:
    counts = ingest(
        store,
        corpus(tmp_path / "in", [record("Quake", QUAKE, "Northmark Daily", None, "https://b.example/2")]),
    )
    assert (counts["stories"], counts["storylines"]) == (1, 0)
    stories, _, _ = stories_for_output(store.db)
    assert stories[0]["first_seen"] is None
    assert stories[0]["span"] is None


def test_story_runner_empty_store_changes_nothing(store: SQLiteStore) -> None:
    assert update_stories(store, SETTINGS, embedder=HashingEmbedder())["stories"] == 0
    assert stories_for_output(store.db) == ([], [], [])


def test_story_runner_hundreds_of_identical_copies(
    store: SQLiteStore, tmp_path: Path, hashing: Embedder
) -> None:
    lines = [
        record("Amsel extends ferry contract", FERRY, f"Outlet {i}", "2026-03-03", f"https://o{i}.example/x")
        for i in range(200)
    ]
    counts = ingest(store, corpus(tmp_path / "in", lines))
    assert (counts["stories"], counts["duplicates"]) == (1, 199)
    stories, _, dups = stories_for_output(store.db)
    assert (stories[0]["articles"], stories[0]["duplicates"], len(dups)) == (1, 199, 199)
    assert all(d["exact"] for d in dups)
    assert len(stories[0]["outlets"]) == 200


def test_story_runner_seeds_beijing_visit_in_one_story(store: SQLiteStore, seeds_dir: Path) -> None:
    ingest(store, seeds_dir, Settings(workers=1))  # the real MiniLM path, as a user runs it
    stories, _, _ = stories_for_output(store.db)
    story_of = {a: s["id"] for s in stories for a in s["article_ids"] + s["duplicate_ids"]}
    ids = _seed_ids(store)
    assert story_of[ids["001"]] == story_of[ids["002"]] == story_of[ids["004"]]


def test_story_runner_seeds_earlier_chapters_are_separate_stories_of_one_storyline(
    store: SQLiteStore, seeds_dir: Path
) -> None:
    ingest(store, seeds_dir, Settings(workers=1))  # the real MiniLM path, as a user runs it
    stories, storylines, _ = stories_for_output(store.db)
    story_of = {a: s["id"] for s in stories for a in s["article_ids"] + s["duplicate_ids"]}
    ids = _seed_ids(store)
    # 000: the meeting with Xi at APEC in South Korea; 003: the call with Li Qiang; 001/002/004: Beijing
    assert len({story_of[ids["000"]], story_of[ids["001"]], story_of[ids["003"]]}) == 3
    assert story_of[ids["001"]] == story_of[ids["002"]] == story_of[ids["004"]]
    assert len(storylines) == 1
    assert sorted(storylines[0]["story_ids"]) == sorted({story_of[ids[k]] for k in ("000", "001", "003")})


def _seed_ids(store: SQLiteStore) -> dict[str, str]:
    return {Path(src).name[:3]: aid for aid, src in store.db.execute("SELECT id, source FROM articles")}
