"""``counterpoint export`` of events and relations: the same records in every format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from counterpoint.cli import main
from counterpoint.config import Settings
from counterpoint.export import COLUMNS, FORMATS, export
from counterpoint.factories import default_pipeline
from counterpoint.runners.local import run
from counterpoint.store import Store, open_store

TEXT = (
    "France condemned Russia on Monday over the strikes. Canadian Prime Minister Mark Carney met "
    "Chinese President Xi Jinping in Beijing the same day.\n\n"
    "Officials spent the rest of the week discussing the schedule and the cost of the arrangements "
    "with reporters who had travelled for the occasion."
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("events_export")
    (folder / "in").mkdir()
    rec = {"outlet": "rfi", "title": "Europe", "date": "2025-11-03", "text": TEXT}
    (folder / "in" / "feed.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    s = open_store(str(folder / "s.db"))
    run(s, [str(folder / "in")], default_pipeline(), Settings(workers=1, story_embedder="hashing"))
    return s


@pytest.mark.parametrize("what", ["events", "relations"])
def test_events_export_same_records_in_every_format(store: Store, tmp_path: Path, what: str) -> None:
    counts = {fmt: export(store, what=what, fmt=fmt, out=tmp_path / f"{what}.{fmt}") for fmt in FORMATS}
    assert len(set(counts.values())) == 1
    assert counts["json"] == 2
    lines = [json.loads(x) for x in (tmp_path / f"{what}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(list(rec) == list(COLUMNS[what]) for rec in lines)
    with (tmp_path / f"{what}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r[next(iter(COLUMNS[what]))] for r in rows] == [str(x[next(iter(COLUMNS[what]))]) for x in lines]


def test_events_export_flattens_actors_and_cites_evidence(store: Store, tmp_path: Path) -> None:
    export(store, what="events", fmt="jsonl", out=tmp_path / "e.jsonl")
    rows = [json.loads(x) for x in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    by_pair = {(r["source_country"], r["target_country"]): r for r in rows}
    assert by_pair[("FRA", "RUS")]["type"] == "ACCUSE"
    assert by_pair[("FRA", "RUS")]["score"] < 0
    assert by_pair[("CAN", "CHN")]["type"] == "CONSULT"
    texts = {a.article.id: a.article.text for a in store.iter_articles()}
    for r in rows:
        for ev in r["evidence"]:
            assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]


def test_events_export_cli_writes_relations(store: Store, tmp_path: Path) -> None:
    db = store.url.removeprefix("sqlite:///")
    out = tmp_path / "rel.csv"
    result = CliRunner().invoke(
        main, ["export", "--db", db, "--what", "relations", "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["pair"] for r in rows} == {"CAN-CHN", "FRA-RUS"}
