"""Continuous mode: poll a folder and run the files that appear through the runner, batch by batch.

A file is taken once its size and modification time are the same on two polls in a row (a
file still being written or copied waits), and again if it changes later. Each batch goes
through the same ``run`` as ``counterpoint analyze``, so the new articles join the stories the
store already holds (story clustering is online) and re-reading a file adds nothing. The caller
says when to stop (``stop``, e.g. set by Ctrl-C); a batch that has started is always finished
and committed first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from counterpoint.config import Settings
from counterpoint.pipeline import Pipeline
from counterpoint.runners.local import Engine, RunStats, run
from counterpoint.store import Store

#: (size, modification time in ns) of a file on one poll
Signature = tuple[int, int]


def scan(folder: Path) -> dict[str, Signature]:
    """Every visible file under ``folder`` with its signature (hidden files and folders are skipped)."""
    found: dict[str, Signature] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except OSError:  # removed between the listing and the stat
                continue
            found[path] = (st.st_size, st.st_mtime_ns)
    return found


def watch(
    store: Store,
    folder: Path,
    pipeline: Pipeline,
    settings: Settings,
    *,
    engine: Engine,
    stop: Callable[[], bool],
    on_batch: Callable[[list[str], RunStats], None] | None = None,
    interval: float = 2.0,
) -> int:
    """Poll ``folder`` every ``interval`` seconds until ``stop()``; return how many batches ran.

    ``on_batch`` gets each batch's files and run statistics after it is committed (the CLI
    rewrites the outputs there).
    """
    previous: dict[str, Signature] = {}
    taken: dict[str, Signature] = {}
    batches = 0
    while not stop():
        now = scan(folder)
        ready = sorted(p for p, sig in now.items() if previous.get(p) == sig and taken.get(p) != sig)
        if ready:
            stats = run(store, ready, pipeline, settings, engine=engine, command="watch")
            taken.update((p, now[p]) for p in ready)
            batches += 1
            if on_batch:
                on_batch(ready, stats)
        previous = now
        deadline = time.monotonic() + interval
        while not stop() and time.monotonic() < deadline:
            time.sleep(min(0.1, interval))
    return batches
