from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, article_text
from counterpoint.cli import main

COMMANDS = ["analyze", "ingest", "report", "config", "serve", "export", "train"]


def _cli(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "counterpoint", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        check=False,
    )


@pytest.mark.parametrize("cmd", COMMANDS)
def test_cli_every_command_has_help(cmd: str) -> None:
    res = CliRunner().invoke(main, [cmd, "--help"])
    assert res.exit_code == 0
    assert "Usage:" in res.output
    if cmd in {"analyze", "ingest", "report"}:
        assert "Exit codes" in res.output


def test_cli_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for cmd in COMMANDS:
        assert f"counterpoint {cmd}" in readme


def test_cli_analyze_writes_outputs_and_json_summary(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("A title\n\n" + article_text("bridge"), encoding="utf-8")
    (tmp_path / "in" / "b.bin").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    res = _cli("--json", "analyze", "in", "--out", "out", "--db", "s.db", "--workers", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout.decode().strip().splitlines()[-1])
    assert summary["articles"] == 1
    assert summary["skipped"] == 1
    # where the time went, phase by phase: the per-article stages, each corpus stage, the outputs
    phases = summary["phase_seconds"]
    assert {"articles", "entities", "stories", "claims", "analysis.json", "report"} <= set(phases)
    assert all(0 <= v <= 600 for v in phases.values())
    assert (tmp_path / "out" / "report.html").exists()
    for line in res.stderr.decode().splitlines():
        json.loads(line)  # --json: every log line is JSON
    again = _cli("--json", "analyze", "in", "--out", "out", "--db", "s.db", "--workers", "1", cwd=tmp_path)
    assert json.loads(again.stdout.decode().strip().splitlines()[-1])["already_stored"] == 1


def test_cli_stdin_and_report_roundtrip(tmp_path: Path) -> None:
    body = ("Quay plan\n\n" + article_text("quay")).encode()
    res = _cli("ingest", "-", "--db", "s.db", cwd=tmp_path, stdin=body)
    assert res.returncode == 0, res.stderr
    rep = _cli("report", "--db", "s.db", "--out", "o", cwd=tmp_path)
    assert rep.returncode == 0, rep.stderr
    data = json.loads((tmp_path / "o" / "analysis.json").read_text(encoding="utf-8"))
    assert [a["source"] for a in data["articles"]] == ["-"]


def test_cli_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert _cli("analyze", "empty.txt", "--out", "o", "--db", "s.db", cwd=tmp_path).returncode == 5
    assert _cli("analyze", "--out", "o", cwd=tmp_path).returncode == 2
    assert _cli("report", "--db", "missing.db", "--out", "o", cwd=tmp_path).returncode == 2
    assert _cli("ingest", "x", "--db", "postgresql://h/db", cwd=tmp_path).returncode == 3
    bad = _cli("--config", "nope.toml", "config", cwd=tmp_path)
    assert bad.returncode == 2
    assert b"Traceback" not in bad.stderr


def test_cli_config_shows_merged_settings(tmp_path: Path) -> None:
    (tmp_path / "counterpoint.toml").write_text("[counterpoint]\nbatch_size = 9\n", encoding="utf-8")
    env_res = subprocess.run(
        [sys.executable, "-m", "counterpoint", "config"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "COUNTERPOINT_WORKERS": "1"},
        capture_output=True,
        check=True,
    )
    cfg = json.loads(env_res.stdout)
    assert (cfg["batch_size"], cfg["workers"]) == (9, 1)


def test_cli_recluster_forgets_stories_and_clusters_every_article_again(tmp_path: Path) -> None:
    import sqlite3

    (tmp_path / "in").mkdir()
    for name in ("bridge", "quay"):
        text = f"{name} plan\n\n" + article_text(name)
        (tmp_path / "in" / f"{name}.txt").write_text(text, encoding="utf-8")
    common = ("--out", "out", "--db", "s.db", "--workers", "1")
    query = "SELECT article_id, story_id FROM story_articles ORDER BY article_id"

    def assigned(*args: str) -> int:
        res = _cli("--json", "analyze", *args, *common, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        return int(json.loads(res.stdout.decode().strip().splitlines()[-1])["stories"]["articles"])

    os.environ["COUNTERPOINT_STORY_EMBEDDER"] = "hashing"  # model-free: this is about the bookkeeping
    try:
        assert assigned("in") == 2
        before = sqlite3.connect(tmp_path / "s.db").execute(query).fetchall()
        assert assigned("in") == 0  # a plain re-run assigns nothing again
        assert assigned("--recluster") == 2  # every stored article clustered afresh
    finally:
        del os.environ["COUNTERPOINT_STORY_EMBEDDER"]
    assert sqlite3.connect(tmp_path / "s.db").execute(query).fetchall() == before  # deterministic
    data = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert sum(len(s["article_ids"]) for s in data["stories"]) == 2


def test_cli_rerun_reports_store_totals_of_conflicting_claims(tmp_path: Path) -> None:
    """A re-run that recomputes nothing still reports how many conflicting claims the store holds."""
    from counterpoint.store import open_store

    src = tmp_path / "in"
    src.mkdir()
    a = "Officials said the two countries reached agreements to lower tariffs on cars and farm goods."
    b = "Officials said that while the two countries are in talks, a formal agreement remains elusive."
    filler = "Reporters travelled from several cities to cover the talks, which ran for three days."
    for i, t in enumerate((a, b)):
        (src / f"{i}.json").write_text(json.dumps({"title": f"Trade talks {i}", "text": f"{t}\n\n{filler}"}))
    db = tmp_path / "c.db"
    args = ["--json", "analyze", str(src), "--out", str(tmp_path / "out"), "--db", str(db)]
    first = json.loads(CliRunner().invoke(main, args).stdout)
    second = json.loads(CliRunner().invoke(main, args).stdout)
    store = open_store(str(db))
    totals = store.claim_totals()
    store.close()
    assert first["claims"]["conflicting_total"] == totals["conflicting_total"]
    assert second["claims"]["conflicting_total"] == totals["conflicting_total"]
    assert second["claims"]["claims_total"] == first["claims"]["claims_total"]
