"""The Ray engine against a real cluster (a head and a separate worker process; see raycluster.py).

Same analysis.json as the local engine; a killed Ray actor and a killed driver lose and duplicate
nothing. Skips with a reason when Ray is not installed or no cluster can be started.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from raycluster import RayCluster, ray_cluster

from conftest import ROOT, article_text
from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.report import write_analysis
from counterpoint.runners.local import LocalEngine, run
from counterpoint.store import open_store

__all__ = ["ray_cluster"]  # the fixture, imported for this module
# Ray Data's own context touches its deprecated options when it copies itself
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")

#: model-free embeddings keep the fault tests about faults, not about loading MiniLM
CHEAP = {"story_embedder": "hashing"}


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        topic = f"{['bridge', 'harbour', 'school', 'rail'][i % 4]} plan number {i // 4}"
        body = f"Council debates the {topic}\n\n" + article_text(topic)
        (folder / f"{i:03d}.txt").write_text(body, encoding="utf-8")
    return folder


def _normalised(path: Path) -> dict[str, Any]:
    """analysis.json without run metadata, each list as a sorted list of its items."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("generated_at", "store", "generator"):
        data.pop(key, None)
    return {
        k: sorted(json.dumps(v, sort_keys=True) for v in val) if isinstance(val, list) else val
        for k, val in data.items()
    }


def _ray_engine(cluster: RayCluster, **kw: Any) -> Any:
    from counterpoint.runners.ray import RayEngine

    return RayEngine(Settings(engine="ray", ray_address=cluster.address, **kw))


def _check_complete(out: Path, n: int) -> None:
    """Every input is an article exactly once, and in exactly one story."""
    data = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    ids = [a["id"] for a in data["articles"]]
    assert len(ids) == n
    assert len(set(ids)) == n
    members = [a for s in data["stories"] for a in [*s["article_ids"], *s["duplicate_ids"]]]
    assert sorted(members) == sorted(ids)


def test_local_and_ray_engines_write_the_same_analysis(
    ray_cluster: RayCluster, seeds_dir: Path, tmp_path: Path
) -> None:
    inputs = [str(ROOT / "samples"), str(seeds_dir)]
    outputs = []
    for name in ("local", "ray"):
        store = open_store(str(tmp_path / f"{name}.db"))
        engine = LocalEngine() if name == "local" else _ray_engine(ray_cluster, batch_size=2)
        try:
            stats = run(store, inputs, default_pipeline(), Settings(workers=1, batch_size=2), engine=engine)
        finally:
            engine.close()
        assert stats.articles > 10
        write_analysis(store, tmp_path / name / "analysis.json")
        outputs.append(_normalised(tmp_path / name / "analysis.json"))
        store.close()
    local, on_ray = outputs
    assert [k for k in local if local[k] != on_ray[k]] == []
    assert len(local["stories"]) > 1


def _kill_first_actor(stop: threading.Event, killed: list[int]) -> None:
    """SIGKILL the first Ray Data actor running the article stages, once it has lived a second."""
    import psutil

    seen: dict[int, float] = {}
    while not stop.is_set():
        for proc in psutil.process_iter(["pid", "cmdline"]):
            if "ArticleWorker" not in " ".join(proc.info["cmdline"] or []):
                continue
            first = seen.setdefault(proc.info["pid"], time.monotonic())
            if time.monotonic() - first > 1.0:
                os.kill(proc.info["pid"], signal.SIGKILL)
                killed.append(proc.info["pid"])
                return
        time.sleep(0.1)


def test_a_killed_ray_actor_costs_a_retry_not_an_article(ray_cluster: RayCluster, tmp_path: Path) -> None:
    n = 24
    corpus = _corpus(tmp_path / "in", n)
    store = open_store(str(tmp_path / "s.db"))
    settings = Settings(workers=2, batch_size=1, **CHEAP)
    engine = _ray_engine(ray_cluster, batch_size=1, **CHEAP)
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_first_actor, args=(stop, killed), daemon=True)
    killer.start()
    try:
        stats = run(store, [str(corpus)], default_pipeline(), settings, engine=engine)
    finally:
        stop.set()
        killer.join(5)
        engine.close()
    assert killed, "no Ray actor was seen running the article stages"
    assert (stats.articles, stats.skipped) == (n, 0)
    assert store.counts()["pending"] == 0
    write_analysis(store, tmp_path / "out" / "analysis.json")
    _check_complete(tmp_path / "out", n)


def _articles_in(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("engine", ["local", "ray"])
def test_a_killed_driver_resumes_on_the_next_run(
    request: pytest.FixtureRequest, tmp_path: Path, engine: str
) -> None:
    n = 16
    corpus = _corpus(tmp_path / "in", n)
    db, out = tmp_path / "s.db", tmp_path / "out"
    cmd = [sys.executable, "-m", "counterpoint", "analyze", str(corpus), "--db", str(db), "--out", str(out),
           "--engine", engine, "--workers", "2", "--batch-size", "1"]  # fmt: skip
    if engine == "ray":  # the local engine needs no cluster
        cluster: RayCluster = request.getfixturevalue("ray_cluster")
        cmd += ["--ray-address", cluster.address]
    env = {**os.environ, "COUNTERPOINT_STORY_EMBEDDER": "hashing"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    proc = subprocess.Popen(
        cmd, env=env, cwd=tmp_path, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 240
        while (saved := _articles_in(db)) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its own worker processes
    finally:
        proc.wait(30)
        assert proc.stderr is not None
        proc.stderr.close()
    assert 0 < saved < n, f"the driver was not killed mid-run ({saved} of {n} articles saved)"
    again = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, timeout=400)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    _check_complete(out, n)
