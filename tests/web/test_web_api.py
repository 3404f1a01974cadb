from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import webstore
from starlette.testclient import TestClient

from counterpoint.store.web import fts_query
from counterpoint.web import create_app

PIER = "https://coastline.example/amsel-pier"
# fixtures shared through webstore.py (a second conftest.py would shadow tests/conftest.py)
web_db, client, story_db = webstore.web_db, webstore.client, webstore.story_db
article_ids, entity_id = webstore.article_ids, webstore.entity_id


def test_web_api_articles_are_paginated_newest_first(client: TestClient) -> None:
    first = client.get("/api/v1/articles", params={"limit": 2}).json()
    assert first["total"] == 4
    assert [a["published"] for a in first["items"]] == ["2026-03-03", "2026-03-03"]
    assert first["next"] is not None
    second = client.get(first["next"]).json()
    assert [a["published"] for a in second["items"]] == ["2026-03-02", "2026-03-01"]
    assert second["next"] is None
    ids = {a["id"] for a in first["items"]} | {a["id"] for a in second["items"]}
    assert len(ids) == 4


def test_web_api_articles_filter_by_outlet_and_dates(client: TestClient) -> None:
    got = client.get("/api/v1/articles", params={"outlet": "Northmark Daily"}).json()
    assert got["total"] == 2
    assert {a["outlet"] for a in got["items"]} == {"Northmark Daily"}
    got = client.get("/api/v1/articles", params={"from": "2026-03-02", "to": "2026-03-02"}).json()
    assert [a["title"] for a in got["items"]] == ["Amsel council approves harbour pier"]


def test_web_api_article_has_text_and_layers_as_evidence(client: TestClient, web_db: Path) -> None:
    aid = article_ids(web_db)[PIER]
    art = client.get(f"/api/v1/articles/{aid}").json()
    assert art["outlet"] == "Coastline Herald"
    text = art["text"]
    for layer in ("mentions", "quotes", "numbers", "dates"):
        assert art[layer], layer
        for item in art[layer]:
            assert text[item["start"] : item["end"]] == item["text"]
    quote = next(q for q in art["quotes"] if q["speaker"] == "Lena Castell")
    assert quote["speaker_entity_id"] == entity_id(web_db, "Lena Castell")
    assert quote["cue"] == "said"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles/0000000000000000",
        "/api/v1/articles/not-an-id",
        "/api/v1/entities/ffffffffffffffff",
        "/api/v1/entities/ffffffffffffffff/mentions",
        "/api/v1/stories/ffffffffffffffff",
        "/api/v1/no-such-endpoint",
    ],
)
def test_web_api_unknown_ids_are_404_json(client: TestClient, url: str) -> None:
    res = client.get(url)
    assert res.status_code == 404
    assert res.headers["content-type"].startswith("application/json")
    assert res.json()["error"]["status"] == 404
    assert res.json()["error"]["message"]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"limit": "0"}, "limit must be between 1 and 200"),
        ({"limit": "201"}, "limit must be between 1 and 200"),
        ({"limit": "ten"}, "limit must be a whole number"),
        ({"offset": "-1"}, "offset must be between 0"),
        ({"from": "2026-13-01"}, "from must be a date"),
        ({"to": "yesterday"}, "to must be a date"),
        ({"from": "2026-03-03", "to": "2026-03-01"}, "from must not be after to"),
        ({"entity": "Lena"}, "entity must be an entity id"),
        ({"outlet": "x" * 300}, "outlet is too long"),
    ],
)
def test_web_api_malformed_params_are_400_with_a_message(
    client: TestClient, params: dict[str, str], words: str
) -> None:
    res = client.get("/api/v1/articles", params=params)
    assert res.status_code == 400
    assert words in res.json()["error"]["message"]


def test_web_api_search_ranks_matches_and_marks_hits(client: TestClient, web_db: Path) -> None:
    got = client.get("/api/v1/search", params={"q": "fishing fleet"}).json()
    assert got["total"] == 1
    hit = got["items"][0]
    assert hit["id"] == article_ids(web_db)[PIER]
    assert {h.lower() for h in hit["hits"]} >= {"fishing", "fleet"}
    assert "fishing" in hit["snippet"]


def test_web_api_search_filters_by_entity_outlet_and_date(client: TestClient, web_db: Path) -> None:
    ekker = entity_id(web_db, "Tomas Ekker")
    got = client.get("/api/v1/search", params={"q": "pier", "entity": ekker}).json()
    assert {a["title"] for a in got["items"]} == {
        "Amsel council approves harbour pier",
        "Pier vote splits Amsel",
    }
    got = client.get(
        "/api/v1/search", params={"q": "pier", "entity": ekker, "outlet": "Northmark Daily"}
    ).json()
    assert [a["title"] for a in got["items"]] == ["Pier vote splits Amsel"]
    got = client.get("/api/v1/search", params={"q": "pier", "to": "2026-03-01"}).json()
    assert got["total"] == 1  # only the hostile one, published on the 1st
    assert client.get("/api/v1/search").status_code == 400


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"unclosed phrase',
        "AND OR NOT",
        "NEAR(pier council, 2)",
        "title:pier",
        "pier*",
        "*",
        "^pier",
        "pier -council",
        "(pier",
        "a) OR (b",
        "{pier council}",
        "'; DROP TABLE articles; --",
        "\x00\x01",
        "ñandú 日本 ☃",
        "x" * 500,
    ],
)
def test_web_api_search_never_raises_on_fts_syntax(client: TestClient, q: str) -> None:
    res = client.get("/api/v1/search", params={"q": q})
    assert res.status_code == 200, res.text
    assert isinstance(res.json()["items"], list)


def test_web_api_fts_query_quotes_every_term() -> None:
    assert (
        fts_query('pier "harbour master" fish* NEAR(') == '"pier" AND "harbour master" AND "fish"* AND "NEAR"'
    )
    assert fts_query('" * ( ) :') is None


def test_web_api_search_prefix_and_phrase_work(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"q": "fisherm*"}).json()["total"] == 1
    assert client.get("/api/v1/search", params={"q": '"harbour master"'}).json()["total"] == 1
    assert client.get("/api/v1/search", params={"q": '"master harbour"'}).json()["total"] == 0


def test_web_api_entities_and_quotes_by_speaker(client: TestClient, web_db: Path) -> None:
    people = client.get("/api/v1/entities", params={"type": "PERSON"}).json()
    names = [e["name"] for e in people["items"]]
    assert "Tomas Ekker" in names
    assert all(e["type"] == "PERSON" for e in people["items"])
    ekker = client.get(f"/api/v1/entities/{entity_id(web_db, 'Tomas Ekker')}").json()
    assert ekker["aliases"] == ["Ekker"]
    assert {q["quote"] for q in ekker["quotes"]} == {
        "We waited eight years for this",
        "The numbers do not add up",
    }
    mentions = client.get(f"/api/v1/entities/{ekker['id']}/mentions", params={"limit": 1}).json()
    assert mentions["total"] == 3
    assert len(mentions["items"]) == 1
    ev = mentions["items"][0]["evidence"]
    assert ev["hit"] in {"Tomas Ekker", "Ekker"}


def test_web_api_quotes_filter_by_article(client: TestClient, web_db: Path) -> None:
    aid = article_ids(web_db)[PIER]
    got = client.get("/api/v1/quotes", params={"article": aid}).json()
    assert {q["speaker"] for q in got["items"]} == {"Lena Castell", "Tomas Ekker"}
    assert client.get("/api/v1/quotes", params={"article": "nope"}).status_code == 400


def test_web_api_stories_appear_when_their_tables_exist(story_db: Path) -> None:
    with TestClient(create_app(str(story_db))) as c:
        got = c.get("/api/v1/stories").json()
        assert got["items"][0]["title"] == "Amsel harbour pier"
        assert got["items"][0]["articles"] == 2
        assert got["items"][0]["outlets"] == ["Coastline Herald", "Northmark Daily"]
        story = c.get("/api/v1/stories/s1").json()
        assert len(story["articles"]) == 2
        assert c.get("/api/v1/stories/nope").status_code == 404


def test_web_api_openapi_documents_every_endpoint(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/search", "/api/v1/entities",
                 "/api/v1/quotes", "/api/v1/stories"):  # fmt: skip
        assert path in doc["paths"]
        assert "get" in doc["paths"][path]
    limit = next(p for p in doc["paths"]["/api/v1/articles"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200


def test_web_api_is_read_only(client: TestClient, web_db: Path) -> None:
    before = web_db.read_bytes()
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/api/v1/articles").status_code == 405
    with pytest.raises(sqlite3.OperationalError, match="readonly"), client.app.state.db.read() as db:  # type: ignore[attr-defined]
        db.execute("DELETE FROM articles")
    assert web_db.read_bytes() == before
