"""Claims in the app: the story page's "every side" section and the claims API, on a real store."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
import webstore
from starlette.testclient import TestClient

from counterpoint.config import Settings
from counterpoint.runners.corpus import update_claims
from counterpoint.store import open_store
from counterpoint.store.sqlite import SQLiteStore
from counterpoint.web import create_app

# fixtures shared through webstore.py (a second conftest.py would shadow tests/conftest.py)
web_db, client, story_db = webstore.web_db, webstore.client, webstore.story_db


@pytest.fixture
def claims_db(story_db: Path) -> Path:
    """The one-story store with claims computed by the real claims runner."""
    store = open_store(str(story_db))
    assert isinstance(store, SQLiteStore)
    counts = update_claims(store, Settings(story_embedder="hashing"))
    store.close()
    assert counts["claims_total"] > 0
    return story_db


def test_web_story_page_shows_claims_with_status_and_citations(claims_db: Path) -> None:
    with TestClient(create_app(str(claims_db))) as c:
        api = c.get("/api/v1/stories/s1/sides").json()
        page = c.get("/stories/s1")
    assert page.status_code == 200
    body = page.text
    assert "Every side of this story" in body
    assert "status-" in body
    for claim in api["claims"]:
        assert html.escape(claim["text"], quote=False)[:40] in body
        for ev in claim["evidence"]:
            assert f'href="/articles/{ev["article_id"]}"' in body
    assert "<script>alert" not in body


def test_web_claims_api_filters_by_story_and_pages(claims_db: Path) -> None:
    with TestClient(create_app(str(claims_db))) as c:
        everything = c.get("/api/v1/claims").json()["items"]
        mine = c.get("/api/v1/claims", params={"story_id": "s1"}).json()["items"]
        first = c.get("/api/v1/claims", params={"limit": 1}).json()
        assert c.get("/api/v1/claims", params={"story_id": "nope"}).json()["items"] == []
        assert c.get("/api/v1/stories/nope/sides").status_code == 404
        doc = c.get("/openapi.json").json()
    assert mine
    assert {c["story_id"] for c in mine} == {"s1"}
    assert len(everything) >= len(mine)
    assert len(first["items"]) == 1
    assert first["next"]
    for claim in mine:
        assert claim["status"] in {"corroborated", "single_source", "conflicting"}
        assert claim["evidence"]
    assert "/api/v1/stories/{story_id}/sides" in doc["paths"]


def test_web_claims_api_answers_on_a_pipeline_built_store(client: TestClient) -> None:
    # the session store was built by the full pipeline, so the claims tables exist
    assert client.get("/api/v1/claims").status_code == 200


def test_web_story_shows_coverage_by_lean_from_the_users_ratings(story_db: Path, tmp_path: Path) -> None:
    from counterpoint.slant.lean import load_leans

    csv = tmp_path / "leans.csv"
    csv.write_text("outlet,lean\nCoastline Herald,right\nnorthmark.example,right\n", encoding="utf-8")
    # the outlet "Northmark Daily" is not rated by name: its domain rating does not reach a name
    with TestClient(create_app(str(story_db), leans=load_leans(csv))) as c:
        listing = c.get("/api/v1/stories").json()["items"]
        one = c.get("/api/v1/stories/s1").json()
        page = c.get("/stories/s1")
    (row,) = [r for r in listing if r["id"] == "s1"]
    assert row["lean_coverage"] == {"left": 0, "center": 0, "right": 1, "unknown": 1}
    assert row["blindspot"] is None  # one rated outlet is not a side
    assert one["lean_coverage"] == row["lean_coverage"]
    assert page.status_code == 200
    assert "Coverage by lean" in page.text
    assert "<svg" in page.text.split("Coverage by lean", 1)[1]
    assert " style=" not in page.text.split("Coverage by lean", 1)[1].split("</p>", 1)[0]
    with TestClient(create_app(str(story_db))) as c:
        plain = c.get("/api/v1/stories/s1").json()
        assert "Coverage by lean" not in c.get("/stories/s1").text
    assert plain["lean_coverage"] is None
    assert plain["blindspot"] is None
