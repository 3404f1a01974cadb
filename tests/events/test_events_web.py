"""Events and relations in the app and the API, and the report's relations section, on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.report import write_report
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.web import create_app

MEET = "Canadian Prime Minister Mark Carney met Chinese President Xi Jinping in Beijing on Friday."
HOSTILE = 'France condemned Russia on Monday over the "<script>alert(1)</script>" strikes.'
#: articles need some length to pass the cleaner; this paragraph names no second actor
FILLER = (
    "Officials spent the rest of the week discussing the schedule, the weather and the cost of the "
    "arrangements with reporters who had travelled for the occasion from several cities."
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events_web")
    records = [
        {"outlet": "ap", "title": "Carney in Beijing", "date": "2026-01-16", "text": MEET + "\n\n" + FILLER},
        {
            "outlet": "rfi",
            "title": "Paris condemns Moscow",
            "date": "2025-11-03",
            "text": HOSTILE + "\n\n" + FILLER,
        },
    ]
    (folder / "in").mkdir()
    (folder / "in" / "feed.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8"
    )
    path = folder / "c.db"
    store = open_store(str(path))
    run(store, [str(folder / "in")], default_pipeline(), Settings(workers=1, story_embedder="hashing"))
    write_report(store, folder / "out" / "report.html")
    store.close()
    return path


def test_events_api_lists_pages_and_filters_by_pair(db: Path) -> None:
    with TestClient(create_app(str(db))) as c:
        everything = c.get("/api/v1/events").json()
        one = c.get("/api/v1/events?pair=chn-can").json()
        first = c.get("/api/v1/events?limit=1").json()
        bad = c.get("/api/v1/events?pair=';drop")
    assert {e["type"] for e in everything["items"]} >= {"CONSULT", "ACCUSE"}
    assert [e["type"] for e in one["items"]] == ["CONSULT"]
    assert len(first["items"]) == 1
    assert first["next"]
    assert bad.status_code == 400


def test_relations_api_gives_monthly_series_with_event_ids(db: Path) -> None:
    with TestClient(create_app(str(db))) as c:
        rel = {r["pair"]: r["series"] for r in c.get("/api/v1/relations").json()["items"]}
        ids = {e["id"] for e in c.get("/api/v1/events").json()["items"]}
    assert rel["CAN-CHN"][0]["period"] == "2026-01"
    assert rel["CAN-CHN"][0]["score"] > 0
    assert rel["FRA-RUS"][0]["period"] == "2025-11"
    assert rel["FRA-RUS"][0]["score"] < 0
    assert all(i in ids for series in rel.values() for p in series for i in p["event_ids"])


def test_relations_page_charts_pairs_and_escapes_evidence(db: Path) -> None:
    with TestClient(create_app(str(db))) as c:
        page = c.get("/relations")
    assert page.status_code == 200
    assert "CAN-CHN" in page.text
    assert "FRA-RUS" in page.text
    assert "<svg" in page.text
    assert "<script>alert" not in page.text


def test_report_front_page_has_the_relations_section(db: Path) -> None:
    html = (db.parent / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="relations"' in html
    assert "CAN-CHN" in html
    assert "<script>alert" not in html
