from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, article_text
from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.model import Hints, RawDocument
from counterpoint.runners import local
from counterpoint.runners.local import _reason_class, group_key, run
from counterpoint.store import open_store


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = f"Story number {i}: the bridge\n\n" + article_text(f"bridge repair number {i}")
        (folder / f"{i:03d}.txt").write_text(body, encoding="utf-8")
    return folder


def test_local_runner_ingests_and_rerun_adds_nothing(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in", 5)
    (corpus / "empty.txt").write_bytes(b"")
    store = open_store(str(tmp_path / "s.db"))
    settings = Settings(workers=1, batch_size=2)
    first = run(store, [str(corpus)], default_pipeline(), settings)
    assert (first.inputs_read, first.articles, first.skipped) == (6, 5, 1)
    again = run(store, [str(corpus)], default_pipeline(), settings)
    assert (again.new, again.already_stored, again.articles) == (0, 5, 0)
    assert store.counts() == {"articles": 5, "duplicates": 0, "skipped": 1, "pending": 0}


def test_local_runner_process_pool_gives_same_result_as_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "IN_PROCESS_MAX", 0)  # a pool even for these few documents
    corpus = _corpus(tmp_path / "in", 7)
    results = []
    for workers in (1, 2):
        store = open_store(str(tmp_path / f"s{workers}.db"))
        run(store, [str(corpus)], default_pipeline(), Settings(workers=workers, batch_size=2))
        results.append(sorted((s.article.id, s.article.text) for s in store.iter_articles()))
    assert results[0] == results[1]
    assert len(results[0]) == 7


def test_local_runner_keeps_a_small_run_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_a: object, **_k: object) -> None:
        raise AssertionError("a worker pool was started for a handful of documents")

    monkeypatch.setattr(local, "ProcessPoolExecutor", no_pool)
    corpus = _corpus(tmp_path / "in", local.IN_PROCESS_MAX)
    store = open_store(str(tmp_path / "s.db"))
    stats = run(store, [str(corpus)], default_pipeline(), Settings(workers=2, batch_size=2))
    assert stats.articles == local.IN_PROCESS_MAX
    _corpus(tmp_path / "more", local.IN_PROCESS_MAX + 1)
    with pytest.raises(AssertionError, match="worker pool"):
        run(open_store(":memory:"), [str(tmp_path / "more")], default_pipeline(), Settings(workers=2))


def test_local_runner_reads_stdin(tmp_path: Path) -> None:
    store = open_store(":memory:")
    data = ("A headline about the harbour\n\n" + article_text("harbour")).encode()
    stats = run(store, ["-"], default_pipeline(), Settings(workers=1), stdin=io.BytesIO(data))
    assert stats.articles == 1
    [sa] = store.iter_articles()
    assert sa.article.source == "-"


def test_local_runner_repeated_lines_of_one_outlet_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    for i in range(4):
        body = (
            f"Harbour news item {i}\n\n"
            + article_text(f"quay number {i}")
            + "\n\nCall the newsroom on Sundays\n"
        )
        (folder / f"{i}.txt").write_text(body, encoding="utf-8")
    store = open_store(":memory:")
    run(store, [str(folder)], default_pipeline(), Settings(workers=1, repeat_min_docs=3))
    for sa in store.iter_articles():
        assert "Call the newsroom on Sundays" not in sa.article.text
        assert any("repeated" in r.reason for r in sa.article.removed)


def test_local_runner_group_key_prefers_site_then_folder() -> None:
    def raw(source: str, **hints: str) -> RawDocument:
        return RawDocument("0" * 16, source, "x", "text", Hints(**hints))

    assert group_key(raw("a/b.txt", url="https://www.example.org/x")) == "host:example.org"
    assert group_key(raw("a/b.jsonl#3", outlet="Coastline Herald")) == "outlet:coastline herald"
    assert group_key(raw("a/b.txt")) == "dir:a"
    assert group_key(raw("-")) == "stdin"


def test_local_runner_survives_kill_9_and_next_run_finishes(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in", 1500)
    db = tmp_path / "k.db"
    # the ingest stages only: fast enough that 1,500 articles make a run worth killing in seconds
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COUNTERPOINT_STAGES": "extract,metadata,language"}
    cmd = [sys.executable, "-m", "counterpoint", "ingest", str(corpus), "--db", str(db),
           "--workers", "1", "--batch-size", "2"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill as soon as some batches have been committed, mid-run.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                if open_store(str(db)).counts()["articles"] >= 10:
                    break
            except Exception:  # noqa: BLE001 - the db may be mid-creation
                pass
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = open_store(str(db)).counts()["articles"]
    assert 10 <= partial < 1500, "the run should have been killed mid-way"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    final = open_store(str(db))
    assert final.counts() == {"articles": 1500, "duplicates": 0, "skipped": 0, "pending": 0}
    ids = [s.article.id for s in final.iter_articles()]
    assert len(ids) == len(set(ids))


def test_local_runner_reason_class_groups_without_mangling_numbers() -> None:
    assert _reason_class("no article text after cleaning (3 words; at least 20 needed)") == (
        "no article text after cleaning"
    )
    assert _reason_class("invalid JSON: Expecting value: line 1 column 1 (char 0)") == "invalid JSON"
    assert _reason_class("larger than max_bytes (20971520 bytes)") == "larger than max_bytes"
    assert _reason_class("cannot read: Permission denied") == "cannot read: Permission denied"
    assert _reason_class("HTTP status 404") == "HTTP status 404"


def test_local_runner_small_run_gives_the_encoder_every_core(tmp_path: Path) -> None:
    # A run that stays in one process leaves the workers' cores idle unless the encoder threads use them.
    from counterpoint.model import Doc, content_id
    from counterpoint.pipeline import Pipeline, stage

    seen: list[int] = []

    @stage(needs=("raw",), provides=("probe",))
    def probe(doc: Doc, settings: Settings) -> Doc:
        seen.append(settings.encoder_threads)
        return doc

    store = open_store(":memory:")
    store.add_raw([(RawDocument(content_id(b), "mem", b, "text"), "g", ()) for b in ("one", "two")])
    pending = local.Pending(store, Settings(workers=2), total=2)
    list(local.LocalEngine().process(pending, Pipeline.build([probe]), Settings(workers=2)))
    assert seen == [2, 2]
    seen.clear()
    fixed = Settings(workers=2, encoder_threads=1)  # an explicit setting wins
    list(local.LocalEngine().process(local.Pending(store, fixed, total=2), Pipeline.build([probe]), fixed))
    assert seen == [1, 1]
