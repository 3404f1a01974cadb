"""Events end to end: the real pipeline and runner on a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from counterpoint.config import Settings
from counterpoint.factories import default_pipeline, pipeline_for
from counterpoint.report import write_analysis
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.sqlite import SQLiteStore

SETTINGS = Settings(workers=1, story_embedder="hashing")

MEET = (
    "Canadian Prime Minister Mark Carney met Chinese President Xi Jinping in Beijing on Friday, "
    "the first visit by a Canadian leader in eight years."
)
TARIFFS = "Meanwhile US President Donald Trump hit Canada with new tariffs on steel."
DENY = "Officials said Japan did not attack China."


def _feed(folder: Path, records: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _rec(outlet: str, title: str, *paras: str, date: str = "2026-01-16") -> dict[str, str]:
    return {"outlet": outlet, "title": title, "date": date, "url": f"https://{outlet}.example/a",
            "text": "\n\n".join(paras)}  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = open_store(str(tmp_path / "c.db"))
    assert isinstance(s, SQLiteStore)
    return s


def test_events_run_stores_one_event_per_meeting_with_its_reports(store: SQLiteStore, tmp_path: Path) -> None:
    feed = _feed(
        tmp_path / "in",
        [
            _rec("ap", "Carney in Beijing", MEET, TARIFFS),
            _rec("cbc", "Carney meets Xi", "In Beijing, " + MEET[0].lower() + MEET[1:], DENY),
        ],
    )
    run(store, [str(feed)], default_pipeline(), SETTINGS)
    events = store.events_for_output()
    meetings = [
        e
        for e in events
        if e["type"] == "CONSULT" and {e["source"]["country"], e["target"]["country"]} == {"CAN", "CHN"}
    ]
    assert len(meetings) == 1, events
    assert meetings[0]["reports"] == 2
    # outlet names as the metadata stage normalises them ("ap" -> AP, "cbc" -> CBC News)
    assert set(meetings[0]["outlets"]) == {"AP", "CBC News"}
    texts = dict(store.db.execute("SELECT id, text FROM articles"))
    for ev in meetings[0]["evidence"]:
        assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]
    sanction = [e for e in events if e["type"] == "SANCTION"]
    assert sanction
    assert sanction[0]["source"]["country"] == "USA"
    assert sanction[0]["score"] < 0
    denied = [e for e in events if e["source"]["country"] == "JPN"]
    assert denied
    assert not denied[0]["act"]
    relations = {r["pair"]: r["series"] for r in store.relations_for_output()}
    assert relations["CAN-CHN"][0]["period"] == "2026-01"
    assert meetings[0]["id"] in relations["CAN-CHN"][0]["event_ids"]
    assert "CHN-JPN" not in relations  # a denied attack is no act

    # re-running adds nothing; the corpus stage alone finds nothing to merge again
    before = store.events_for_output()
    run(store, [str(feed)], default_pipeline(), SETTINGS)
    assert store.events_for_output() == before
    again = run(
        store, [], pipeline_for(Settings(workers=1, story_embedder="hashing", stages="event_merge")), SETTINGS
    )
    assert store.events_for_output() == before
    assert again is not None


def test_event_reports_roundtrip_through_the_store(store: SQLiteStore, tmp_path: Path) -> None:
    run(
        store,
        [str(_feed(tmp_path / "in", [_rec("ap", "Carney in Beijing", MEET, TARIFFS)]))],
        default_pipeline(),
        SETTINGS,
    )
    [aid] = [r[0] for r in store.db.execute("SELECT id FROM articles")]
    reports = store.event_reports([aid])
    assert {s.report.type for s in reports} >= {"CONSULT", "SANCTION"}
    text = store.db.execute("SELECT text FROM articles").fetchone()[0]
    for s in reports:
        assert text[s.report.trigger.start : s.report.trigger.end] == s.report.trigger.text
        assert s.outlet == "AP"


def test_events_and_relations_in_analysis_json_match_the_schema(store: SQLiteStore, tmp_path: Path) -> None:
    run(
        store,
        [str(_feed(tmp_path / "in", [_rec("ap", "Carney in Beijing", MEET, TARIFFS)]))],
        default_pipeline(),
        SETTINGS,
    )
    write_analysis(store, tmp_path / "analysis.json")
    doc = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "src/counterpoint/schema/analysis.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert {e["type"] for e in doc["events"]} >= {"CONSULT", "SANCTION"}
    assert {r["pair"] for r in doc["relations"]} == {"CAN-CHN", "CAN-USA"}
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    for e in doc["events"]:
        for ev in e["evidence"]:
            assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]
