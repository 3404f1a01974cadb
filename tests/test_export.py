from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import article_text
from counterpoint.cli import main
from counterpoint.config import Settings
from counterpoint.export import COLUMNS, EVENT_KINDS, FORMATS, ExportError, export
from counterpoint.factories import default_pipeline
from counterpoint.runners.local import run
from counterpoint.store import Store, open_store

QUOTED = (
    "Harbour pier approved\n\n"
    + article_text("harbour pier")
    + "\n\n“We waited eight years for this pier, and 40 million crowns is a fair price,” Tomas Ekker said "
    "on Monday, standing on the quay with other members of the cooperative."
)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    (folder / "in").mkdir()
    (folder / "in" / "a.txt").write_text(QUOTED, encoding="utf-8")
    (folder / "in" / "b.txt").write_text(
        "Ferry contract signed\n\n" + article_text("ferry contract"), encoding="utf-8"
    )
    store = open_store(str(folder / "s.db"))
    run(store, [str(folder / "in")], default_pipeline(), Settings(workers=1))
    store.close()
    return folder / "s.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    s = open_store(str(store_path))
    yield s
    s.close()


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("what", [w for w in COLUMNS if w not in EVENT_KINDS])  # events: tests/events
def test_export_every_kind_has_the_same_records_in_every_format(
    store: Store, tmp_path: Path, what: str
) -> None:
    counts = {fmt: export(store, what=what, fmt=fmt, out=tmp_path / f"{what}.{fmt}") for fmt in FORMATS}
    assert len(set(counts.values())) == 1
    assert counts["json"] > 0
    lines = _jsonl(tmp_path / f"{what}.jsonl")
    assert json.loads((tmp_path / f"{what}.json").read_text(encoding="utf-8")) == lines
    assert all(list(rec) == list(COLUMNS[what]) for rec in lines)
    with (tmp_path / f"{what}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(COLUMNS[what])
    assert [r["text" if "text" in r else "name"] for r in rows] == [
        str(x.get("text", x.get("name"))) for x in lines
    ]
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / f"{what}.parquet")
    assert table.column_names == list(COLUMNS[what])
    assert table.num_rows == counts["json"]


def test_export_spans_are_evidence_into_the_article_text(store: Store, tmp_path: Path) -> None:
    export(store, what="articles", fmt="jsonl", out=tmp_path / "a.jsonl")
    texts = {a["id"]: a["text"] for a in _jsonl(tmp_path / "a.jsonl")}
    for what in ("quotes", "numbers", "dates"):
        export(store, what=what, fmt="jsonl", out=tmp_path / f"{what}.jsonl")
        for rec in _jsonl(tmp_path / f"{what}.jsonl"):
            assert texts[rec["article_id"]][rec["start"] : rec["end"]] == rec["text"]  # type: ignore[index, misc]
    quotes = _jsonl(tmp_path / "quotes.jsonl")
    ekker = next(q for q in quotes if q["speaker"] == "Tomas Ekker")
    assert ekker["cue"] == "said"
    assert ekker["speaker_entity_id"]


def test_export_lists_are_json_text_in_csv_and_parquet(store: Store, tmp_path: Path) -> None:
    export(store, what="articles", fmt="csv", out=tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert isinstance(json.loads(rows[0]["removed"]), list)
    export(store, what="entities", fmt="parquet", out=tmp_path / "e.parquet")
    import pyarrow.parquet as pq

    rec = pq.read_table(tmp_path / "e.parquet").to_pylist()[0]
    assert isinstance(json.loads(rec["aliases"]), list)
    assert isinstance(rec["mentions"], int)


def test_export_parquet_without_pyarrow_says_how_to_install(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if the extra were not installed
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ExportError, match=r"pip install 'counterpoint\[parquet\]'"):
        export(store, what="articles", fmt="parquet", out=tmp_path / "a.parquet")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_export_rejects_unknown_kinds_and_folders(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="choose one of"):
        export(store, what="claims", fmt="json", out=tmp_path / "x.json")
    with pytest.raises(ExportError, match="is a folder"):
        export(store, what="articles", fmt="json", out=tmp_path)


def test_export_cli_writes_a_file_and_to_stdout(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    res = CliRunner().invoke(main, ["export", "--db", str(store_path), "--format", "csv", "--what", "quotes",
                                    "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("article_id,start,end,text,speaker")
    res = CliRunner().invoke(main, ["export", "--db", str(store_path), "--format", "jsonl", "--out", "-"])
    assert res.exit_code == 0, res.output
    titles = {json.loads(line)["title"] for line in res.stdout.splitlines()}
    assert titles == {"Harbour pier approved", "Ferry contract signed"}


def test_export_cli_needs_an_existing_store(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.db"), "--format", "json",
                                    "--out", str(tmp_path / "o.json")])  # fmt: skip
    assert res.exit_code == 2
    assert "no store at" in res.output
    assert not (tmp_path / "none.db").exists()
