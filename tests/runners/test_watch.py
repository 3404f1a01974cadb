"""Continuous mode: files dropped into a watched folder are analysed and join stored stories; Ctrl-C
(SIGINT) finishes the batch in progress, commits it and exits 130."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest
from raycluster import RayCluster, ray_cluster

from conftest import ROOT, article_text
from counterpoint.runners.watch import scan

__all__ = ["ray_cluster"]  # the fixture, imported for this module

#: invented events, each with its own people, places and words (written for this test)
EVENTS = {
    "harbour": (
        "Harbour bridge in Port Vell to close for repairs",
        "The Port Vell harbour bridge will close for eight weeks from Monday while engineers replace "
        "corroded steel cables, the harbour board said. Ferry captain Marta Quist warned that "
        "fishermen would lose a month of catches. Board chair Odile Brann said the cables had rusted "
        "faster than expected in the salt air and that the ferries would run every half hour.",
    ),
    "school": (
        "Lindqvist primary school roof collapses after storm",
        "Part of the roof of Lindqvist primary school in Ostara caved in after Thursday's snowstorm, "
        "and headteacher Piet Varga sent four hundred pupils home. No child was hurt. Parents asked "
        "why inspectors had passed the timber beams last autumn; the education office promised an "
        "inquiry and classes in the sports hall until the carpenters finish.",
    ),
    "rail": (
        "Kestrel Rail shuts its Dunmore depot, cutting 200 jobs",
        "Kestrel Rail will shut its locomotive depot at Dunmore by December, cutting two hundred jobs, "
        "the operator announced. Union organiser Yusuf Adeyemi called the decision a betrayal of "
        "mechanics who kept diesel engines running for decades. The company blamed falling freight "
        "volumes and said maintenance would move to its electric workshop in Carran.",
    ),
}


def _article(folder: Path, name: str, event: str, variant: int) -> None:
    title, body = EVENTS.get(event, (f"Museum wing number {variant} opens", ""))
    if not body:  # filler for the interrupted batch: distinct, ordinary articles
        body = article_text(f"museum wing number {variant}")
    lead = ["", "Update: ", "Report: ", "Latest: "][variant % 4]
    tmp = folder / f".{name}.part"  # written under a hidden name, then renamed, as a downloader would
    tmp.write_text(f"{lead}{title}\n\n{body}\n", encoding="utf-8")
    tmp.rename(folder / name)


def _articles_in(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def _next_batch(stdout: IO[str], proc: subprocess.Popen[str], errors: Path) -> dict[str, object]:
    line = stdout.readline()
    assert line, f"watch ended early with {proc.wait(5)}: {errors.read_text(encoding='utf-8')[-2000:]}"
    return dict(json.loads(line))


def _story_of(out: Path) -> dict[str, str]:
    data = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    return {a: s["id"] for s in data["stories"] for a in [*s["article_ids"], *s["duplicate_ids"]]}


def test_scan_skips_hidden_files_and_sees_changes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / ".partial").write_text("half", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("no", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("two", encoding="utf-8")
    first = scan(tmp_path)
    assert sorted(Path(p).name for p in first) == ["a.txt", "b.txt"]
    (tmp_path / "a.txt").write_text("one more", encoding="utf-8")
    assert scan(tmp_path)[str(tmp_path / "a.txt")] != first[str(tmp_path / "a.txt")]


@pytest.mark.parametrize("engine", ["local", "ray"])
def test_watch_analyses_new_files_into_existing_stories_and_stops_on_sigint(
    request: pytest.FixtureRequest, tmp_path: Path, engine: str
) -> None:
    inbox, out, db = tmp_path / "in", tmp_path / "out", tmp_path / "s.db"
    inbox.mkdir()
    _article(inbox, "a1.txt", "harbour", 0)
    _article(inbox, "b1.txt", "school", 0)
    if engine == "ray":  # started before the environment is copied: it holds the cluster's token
        cluster: RayCluster = request.getfixturevalue("ray_cluster")
    env = {**os.environ, "COUNTERPOINT_STORY_EMBEDDER": "hashing"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    cmd = [sys.executable, "-m", "counterpoint", "--json", "watch", str(inbox), "--out", str(out),
           "--db", str(db), "--workers", "1", "--batch-size", "1", "--interval", "0.2",
           "--engine", engine]  # fmt: skip
    if engine == "ray":  # the same watch loop feeding a real cluster's actors
        cmd += ["--ray-address", cluster.address]
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as err_file:
        proc = subprocess.Popen(
            cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=err_file, text=True
        )
    assert proc.stdout is not None
    try:
        first = _next_batch(proc.stdout, proc, errors)
        assert (first["files"], first["articles"]) == (2, 2)
        stories = _story_of(out)
        assert len(set(stories.values())) == 2

        # a later report of the same event joins its story; a new topic starts one
        _article(inbox, "a2.txt", "harbour", 1)
        _article(inbox, "c1.txt", "rail", 0)
        second = _next_batch(proc.stdout, proc, errors)
        assert (second["files"], second["articles"]) == (2, 2)
        after = _story_of(out)
        assert len(after) == 4
        new = [a for a in after if a not in stories]
        joined = [a for a in new if after[a] in set(stories.values())]
        assert len(joined) == 1, "the second harbour report should join the harbour story"
        assert len(set(after.values())) == 3

        # Ctrl-C while a batch runs: the batch is finished and committed, then exit 130
        for i in range(6):
            _article(inbox, f"d{i}.txt", "museum", i)
        deadline = time.monotonic() + 120
        while _articles_in(db) <= 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = errors.read_text(encoding="utf-8")
    assert rc == 130, err[-2000:]
    assert "stopped; everything committed so far is kept" in err
    assert _articles_in(db) == 10
    assert len(_story_of(out)) == 10  # the outputs were rewritten after the interrupted batch
