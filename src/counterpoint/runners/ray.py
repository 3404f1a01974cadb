"""The Ray engine (``--engine ray``, extra ``[ray]``): the same stages, run on a Ray cluster.

* per-article stages: the pending documents, a window at a time, go through Ray Data
  ``map_batches`` with a pool of :class:`ArticleWorker` actors; each actor rebuilds the pipeline
  from the stage names once, so the models load once per actor, not per batch. A killed actor is
  restarted by Ray and its batches retried.
* stateless corpus stages (entities, claims, events, ...): each partition is a Ray task; the
  driver commits the results in partition order (``runners.corpus.run_step(compute=...)``).
* ``stories`` stays in the driver: its sequential merge must see the articles in ingest order.

The driver alone reads and writes the store, and saves processed batches in pending order, so a
run on Ray leaves the same store as a local run, a re-run adds nothing, and a killed driver loses
only what it had not committed (the next run takes the rest: it is still pending).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import ray
import ray.data
from ray.data import ActorPoolStrategy

from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.model import Doc
from counterpoint.pipeline import CorpusStage, CorpusStep, Pipeline
from counterpoint.runners.corpus import StageProgress, compute_here, run_step
from counterpoint.runners.local import Pending, _pipeline_for
from counterpoint.store import Store

#: documents per Ray Data dataset: the pending documents stream through windows of this size, so the
#: driver's memory stays flat; each window starts its actor pool (models load once per actor)
WINDOW = 2048


class ArticleWorker:
    """A Ray Data actor: the per-article stages, built once from their names."""

    def __init__(self, names: tuple[str, ...], settings: Settings) -> None:
        self.pipeline = _pipeline_for(names)
        self.settings = settings

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        docs = [pickle.loads(b) for b in batch["doc"]]
        out = self.pipeline.run_batch(docs, self.settings)
        done = np.empty(len(out), dtype=object)
        done[:] = [pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL) for d in out]
        return {"i": batch["i"], "doc": done}


def _compute_partition(step: CorpusStep, part: Any) -> Any:
    return step.compute(part)


def _quiet() -> None:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    # the core worker (C++) warns on every actor pool that Ray Data itself creates with object-store
    # constructor arguments; only fatal messages are for the user
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    for name in ("ray", "ray.data", "ray.data._internal", "ray.serve"):
        logging.getLogger(name).setLevel(logging.ERROR)


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null: the C++ core prints a log-level notice while it starts."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class RayEngine:
    """Runs the stages on a Ray cluster: ``settings.ray_address``, or a private one on this machine."""

    name = "ray"

    def __init__(self, settings: Settings) -> None:
        _quiet()
        self.owned = not ray.is_initialized()
        if self.owned:
            # "local" starts a private cluster even when another one runs on this machine (a bare
            # ray.init() would join that one, or whatever RAY_ADDRESS names)
            address = settings.ray_address or "local"
            try:
                with _stderr_silenced():
                    ray.init(
                        address=address,
                        num_cpus=settings.workers if address == "local" else None,
                        include_dashboard=False,
                        logging_level=logging.ERROR,
                        log_to_driver=False,
                        configure_logging=True,
                    )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(
                    f"cannot start or join the Ray cluster {address}: {exc}; "
                    "check --ray-address (HOST:PORT of a running 'ray start --head')"
                ) from exc
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        ctx.execution_options.preserve_order = True
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        self.cpus = max(1, int(resources.get("CPU", 1)))
        self._remote = ray.remote(num_cpus=1, max_retries=3, retry_exceptions=False)(_compute_partition)

    # per-article stages -------------------------------------------------------------------------

    def process(self, pending: Pending, pipeline: Pipeline, settings: Settings) -> Iterator[list[Doc]]:
        names = tuple(s.name for s in pipeline.article_stages)
        size = pending.batch_size(self.cpus)
        window: list[Doc] = []
        for docs in pending.batches(size):
            window.extend(docs)
            if len(window) >= WINDOW:
                yield from self._window(window, names, settings, size)
                window = []
        if window:
            yield from self._window(window, names, settings, size)

    def _window(
        self, docs: list[Doc], names: tuple[str, ...], settings: Settings, size: int
    ) -> Iterator[list[Doc]]:
        items = [
            {"i": i, "doc": pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL)} for i, d in enumerate(docs)
        ]
        blocks = max(1, min(len(items), -(-len(items) // size)))
        ds = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
            ArticleWorker,
            fn_constructor_args=(names, settings),
            batch_size=size,
            batch_format="numpy",
            compute=ActorPoolStrategy(min_size=1, max_size=min(self.cpus, blocks)),
            num_cpus=1,
        )
        # Results come back in input order (preserve_order); buffer any that run ahead anyway, and
        # hand the driver contiguous batches so it saves in pending order.
        ready: dict[int, Doc] = {}
        nxt = 0
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for i, blob in zip(batch["i"], batch["doc"], strict=True):
                ready[int(i)] = pickle.loads(blob)
            while nxt in ready:
                out: list[Doc] = []
                while nxt in ready and len(out) < size:
                    out.append(ready.pop(nxt))
                    nxt += 1
                yield out
        if nxt != len(docs):  # pragma: no cover - Ray Data lost rows: never silently
            raise RuntimeError(f"Ray returned {nxt} of {len(docs)} documents of a window")

    # corpus stages ----------------------------------------------------------------------------

    def _compute(self, step: CorpusStep, parts: Iterable[Any]) -> Iterator[tuple[str, Any]]:
        """Each partition as a Ray task, at most two per CPU in flight, results in partition order."""
        try:
            step_ref = ray.put(step)
        except (TypeError, pickle.PicklingError, AttributeError):
            yield from compute_here(step, parts)  # a step holding something unpicklable stays here
            return
        # the driver keeps a sent partition's key only: its arguments live in Ray's object store
        in_flight: deque[tuple[str, Any]] = deque()

        def done() -> tuple[str, Any]:
            key, ref = in_flight.popleft()
            try:
                return key, ray.get(ref)
            except ray.exceptions.RayTaskError as exc:
                cause = exc.cause if isinstance(exc.cause, Exception) else exc
                return key, cause
            except ray.exceptions.RayError as exc:
                return key, exc

        for part in parts:
            in_flight.append((step.key(part), self._remote.remote(step_ref, part)))
            del part
            if len(in_flight) >= 2 * self.cpus:
                yield done()
        while in_flight:
            yield done()

    def run_step(
        self, store: Store, stage: CorpusStage, step: CorpusStep, *, progress: StageProgress | None = None
    ) -> dict[str, int]:
        return run_step(store, stage, step, progress=progress, compute=self._compute)

    def close(self) -> None:
        if self.owned and ray.is_initialized():
            ray.shutdown()
