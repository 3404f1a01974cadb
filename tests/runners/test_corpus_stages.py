"""Corpus stages through the generic runner: registry, stored vectors, failures per partition, kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import ROOT, article_text
from counterpoint.config import Settings
from counterpoint.errors import PipelineError
from counterpoint.factories import default_pipeline, pipeline_for
from counterpoint.pipeline import Pipeline, corpus_stage
from counterpoint.runners.corpus import run_step, update_claims
from counterpoint.runners.local import run
from counterpoint.store import Store, open_store
from counterpoint.store.sqlite import SQLiteStore
from counterpoint.stories.embed import HashingEmbedder

SETTINGS = Settings(workers=1, story_embedder="hashing")


TOWNS = (("Amsel", "Lena Castell", "Tidewell Lines"), ("Borrowdale", "Piet Aronsen", "Greyfin Ferries"),
         ("Corvinne", "Mira Dovik", "Saltmarsh Shipping"))  # fmt: skip


def _feed(folder: Path) -> Path:
    """Three fictional stories with no names in common, each told by three outlets in their own words."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for story, (town, mayor, firm) in enumerate(TOWNS):
        for k in range(3):
            text = (
                f"The harbour council of {town} voted on Tuesday to extend the ferry contract with {firm} "
                f"for {5 + story} more years, outlet {k} reported.\n\n"
                f"Mayor {mayor} said fares would stay frozen at {12 + story} crowns until a new timetable "
                f"is agreed.\n\n{'Fishermen' if k else 'Shopkeepers'} in {town} said the decision came "
                f"after {3 + k} months of talks, and {20 + k} boats were affected by the ruling."
            )
            lines.append(json.dumps({
                "outlet": f"outlet{k}", "title": f"{town} extends ferry deal with {firm}",
                "date": f"2025-0{3 + 3 * story}-06", "url": f"https://outlet{k}.example/{town}", "text": text,
            }))  # fmt: skip
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _count(store: Store, sql: str) -> int:
    assert isinstance(store, SQLiteStore)
    return int(store.db.execute(sql).fetchone()[0])


def test_corpus_stages_are_registered_in_pipeline_order() -> None:
    names = [s.name for s in default_pipeline().corpus_stages]
    assert names == ["entities", "stories", "infer_dates", "storylines", "claims", "event_merge"]
    assert "vectors" in [s.name for s in default_pipeline().article_stages]


def test_corpus_stages_can_be_named_alone_and_their_needs_are_checked() -> None:
    alone = pipeline_for(Settings(stages="stories,storylines,claims"))
    assert [s.name for s in alone.corpus_stages] == ["stories", "storylines", "claims"]
    assert not alone.article_stages
    with pytest.raises(PipelineError, match="needs"):
        pipeline_for(Settings(stages="extract,claims"))


def test_vectors_are_computed_per_article_and_read_by_the_corpus_stages(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "v.db"))
    run(store, [str(_feed(tmp_path / "in"))], default_pipeline(), SETTINGS)
    assert _count(store, "SELECT COUNT(*) FROM lead_vectors WHERE model = 'hashing'") == 9
    stored = _count(store, "SELECT COUNT(*) FROM claim_vectors")
    assert stored > 0, "claim-candidate sentences are embedded in the per-article stage"
    assert store.claim_totals()["claims_total"] > 0
    # comparing again from scratch embeds nothing new: every candidate's vector was stored
    store.reset_claims()
    update_claims(store, SETTINGS)
    assert _count(store, "SELECT COUNT(*) FROM claim_vectors") == stored


def test_claim_sentences_use_their_own_encoder_when_one_is_set(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "v.db"))
    settings = Settings(workers=1, story_embedder="hashing", claim_embedder="static")
    run(store, [str(_feed(tmp_path / "in"))], default_pipeline(), settings)
    assert _count(store, "SELECT COUNT(*) FROM lead_vectors WHERE model = 'hashing'") == 9
    stored = _count(store, "SELECT COUNT(*) FROM claim_vectors WHERE model = 'static'")
    assert stored > 0
    assert _count(store, "SELECT COUNT(*) FROM claim_vectors") == stored
    assert store.claim_totals()["claims_total"] > 0
    store.reset_claims()
    update_claims(store, settings)  # reads the static vectors back: nothing embedded again
    assert _count(store, "SELECT COUNT(*) FROM claim_vectors") == stored


class _Exploding(HashingEmbedder):
    """An encoder that fails on the sentences of one story, as a bug or a bad input might."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if any("Borrowdale" in t for t in texts):
            raise ValueError("cannot embed Borrowdale")
        return super().__call__(texts)


def test_a_failing_scope_is_recorded_and_the_run_goes_on_then_finishes_later(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "f.db"))
    run(store, [str(_feed(tmp_path / "in"))], pipeline_for(Settings(stages="extract,metadata,language,"
        "nlp,quotes,numbers,dates,slant,vectors,entities,stories,storylines")), SETTINGS)  # fmt: skip
    scopes = len(store.claim_scopes())
    assert scopes >= 2
    counts = update_claims(store, SETTINGS, embedder=_Exploding())
    assert counts["failed"] == 1
    assert counts["scopes"] == scopes - 1, "the other scopes are still compared and stored"
    [(stage, partition, reason)] = store.stage_failures()
    assert (stage, partition.split()[0]) == ("claims", "scope")
    assert "cannot embed Borrowdale" in reason
    # the next run compares only the scope that failed, and clears the failure
    again = update_claims(store, SETTINGS)
    assert again["scopes"] == 1
    assert "failed" not in again
    assert store.stage_failures() == []


def test_a_sequential_stage_stops_at_its_failing_partition(tmp_path: Path) -> None:
    seen: list[int] = []

    class Step:
        def __init__(self, settings: Settings) -> None:
            pass

        def partitions(self, store: Store) -> Iterator[int]:
            yield from (1, 2, 3)

        def key(self, part: int) -> str:
            return f"part {part}"

        def compute(self, part: int) -> int:
            if part == 2:
                raise RuntimeError("state is half-changed")
            return part

        def commit(self, store: Store, result: int) -> None:
            seen.append(result)

        def summary(self, store: Store) -> dict[str, int]:
            return {"done": len(seen)}

    store = open_store(str(tmp_path / "q.db"))
    ordered = corpus_stage("ordered", needs=(), provides=("x",), sequential=True)(Step)
    assert run_step(store, ordered, Step(SETTINGS)) == {"done": 1, "failed": 1}
    assert seen == [1]
    seen.clear()
    free = corpus_stage("free", needs=(), provides=("y",))(Step)
    assert run_step(store, free, Step(SETTINGS)) == {"done": 2, "failed": 1}
    assert seen == [1, 3]
    assert {s for s, _p, _r in store.stage_failures()} == {"ordered", "free"}
    Pipeline.build([ordered, free])  # corpus stages take part in the needs check like any other


def test_kill_9_in_the_corpus_stages_loses_nothing_and_the_next_run_finishes(tmp_path: Path) -> None:
    n = 1500
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(n):
        topic = f"the ferry contract of harbour {i % 400}"
        body = f"Harbour {i % 400} ferry, report {i}\n\n" + article_text(topic)
        (corpus / f"{i:04d}.txt").write_text(body, encoding="utf-8")
    db = tmp_path / "k.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COUNTERPOINT_STORY_EMBEDDER": "hashing"}
    ingest = [sys.executable, "-m", "counterpoint", "ingest", str(corpus), "--db", str(db), "--workers", "1"]
    fast = {**env, "COUNTERPOINT_STAGES": "extract,metadata,language"}
    subprocess.run(ingest, env=fast, capture_output=True, check=True)
    # corpus stages alone, in small batches: hundreds of story transactions make a run worth killing
    corpus_env = {**env, "COUNTERPOINT_STAGES": "entities,stories,storylines,claims"}
    cmd = [*ingest[:-2], "--workers", "1", "--batch-size", "1"]
    proc = subprocess.Popen(cmd, env=corpus_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    assigned = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(db, timeout=1) as con:
                assigned = con.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0]
        except sqlite3.Error:
            pass
        if assigned >= 40:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as con:
        partial = con.execute("SELECT COUNT(*) FROM story_articles").fetchone()[0]
    assert 40 <= partial < n, "the run should have been killed inside the stories stage"
    done = subprocess.run(cmd, env=corpus_env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    store = open_store(str(db))
    assert _count(store, "SELECT COUNT(*) FROM story_articles") == n
    assert _count(store, "SELECT COUNT(DISTINCT article_id) FROM story_articles") == n
    members = _count(store, "SELECT COALESCE(SUM(articles), 0) FROM stories")
    assert members == n, "every story's member count agrees with its committed assignments"
    assert store.stage_failures() == []
    assert not store.storylines_stale()
    assert {s.id for s in store.claim_scopes()} == set(store.claim_signatures())


class _PooledStep:
    """A stateless step whose partitions say which process computed them (picklable: module level)."""

    def __init__(self, settings: Settings) -> None:
        self.seen: list[tuple[int, int]] = []

    def partitions(self, store: Store) -> Iterator[int]:
        yield from range(40)

    def key(self, part: int) -> str:
        return f"part {part}"

    def compute(self, part: int) -> tuple[int, int]:
        if part == 7:
            raise ValueError("bad partition 7")
        return part, os.getpid()

    def commit(self, store: Store, result: tuple[int, int]) -> None:
        self.seen.append(result)

    def summary(self, store: Store) -> dict[str, int]:
        return {"done": len(self.seen)}


def test_the_local_engine_moves_a_long_stage_to_its_pool_and_commits_in_partition_order(
    tmp_path: Path,
) -> None:
    from counterpoint.runners.local import LocalEngine

    store = open_store(str(tmp_path / "p.db"))
    free = corpus_stage("pooled", needs=(), provides=("z",))(_PooledStep)
    step = _PooledStep(SETTINGS)
    # pool_after=0: the first partition is computed here, then the stage counts as long
    assert LocalEngine(workers=2, pool_after=0.0).run_step(store, free, step) == {"done": 39, "failed": 1}
    assert [p for p, _pid in step.seen] == [p for p in range(40) if p != 7]  # partition order
    pids = [pid for _p, pid in step.seen]
    assert pids[0] == os.getpid()
    assert os.getpid() not in set(pids[1:])  # the rest by the pool's workers
    [(stage, partition, reason)] = store.stage_failures()
    assert (stage, partition) == ("pooled", "part 7")
    assert "bad partition 7" in reason
    # one worker (the default engine), or a stage done before pool_after: all computed here
    for engine in (LocalEngine(), LocalEngine(workers=2)):
        here = _PooledStep(SETTINGS)
        engine.run_step(store, free, here)
        assert {pid for _p, pid in here.seen} == {os.getpid()}


class _HeavyStep(_PooledStep):
    """Partitions of ~1 MB each; one (``odd``) holds a lock, which cannot be pickled."""

    def __init__(self, settings: Settings, odd: int = -1) -> None:
        super().__init__(settings)
        self.odd = odd
        self.committed_when_made: list[int] = []  # results committed when each partition was made

    def partitions(self, store: Store) -> Iterator[Any]:
        import threading

        for k in range(12):
            self.committed_when_made.append(len(self.seen))
            yield (k, threading.Lock() if k == self.odd else b"x" * 1_000_000)

    def key(self, part: Any) -> str:
        return f"part {part[0]}"

    def compute(self, part: Any) -> tuple[int, int]:
        return part[0], os.getpid()


def test_the_local_pool_holds_at_most_its_byte_budget_of_partitions_in_flight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from counterpoint.runners import local

    store = open_store(str(tmp_path / "p.db"))
    heavy = corpus_stage("heavy", needs=(), provides=("h",))(_HeavyStep)
    # room for one ~1 MB pickle: each partition waits for the one before it to be committed
    monkeypatch.setattr(local, "IN_FLIGHT_BYTES", 1_500_000)
    step = _HeavyStep(SETTINGS)
    assert local.LocalEngine(workers=2, pool_after=0.0).run_step(store, heavy, step) == {"done": 12}
    assert [p for p, _pid in step.seen] == list(range(12))
    assert {pid for _p, pid in step.seen[1:]} - {os.getpid()}, "computed by the pool"
    # partition k (k >= 2) is made only once k - 1 results are committed; 2 x workers in flight
    # without the budget would let it be made with k - 3 committed
    assert all(n >= k - 1 for k, n in enumerate(step.committed_when_made))


def test_a_partition_that_cannot_be_pickled_is_computed_in_the_driver_in_order(tmp_path: Path) -> None:
    from counterpoint.runners.local import LocalEngine

    store = open_store(str(tmp_path / "p.db"))
    heavy = corpus_stage("heavy", needs=(), provides=("h",))(_HeavyStep)
    step = _HeavyStep(SETTINGS, odd=5)
    assert LocalEngine(workers=2, pool_after=0.0).run_step(store, heavy, step) == {"done": 12}
    assert [p for p, _pid in step.seen] == list(range(12))
    pid_of = dict(step.seen)
    assert pid_of[5] == os.getpid()
    assert pid_of[6] != os.getpid(), "the pool goes on after it"
