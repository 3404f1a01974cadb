"""The local runner: owns all I/O, streams inputs in batches, runs stages in a process pool.

Two phases, each committed batch by batch so a killed run loses only the
batch in flight:

1. *stage inputs*: read every input, store new raw documents (``pending``) and
   count their short lines per outlet group, record unreadable inputs as skipped;
2. *process*: take pending documents in batches, run the per-article stages in
   worker processes, store articles or skip reasons.

Memory stays flat: at most ``2 * workers`` batches are in flight at once.

Where the stages' work runs is an :class:`Engine`: :class:`LocalEngine` (a process pool on this
machine, the default) or ``runners.ray.RayEngine``. Either way this driver alone reads and writes
the store, in pending order, so every engine leaves the same store behind. The local engine also
computes a stateless corpus stage's partitions (claim scopes, event scopes) in a pool when there
are many of them: one process would leave the other cores idle after the per-article phase.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import chain, islice
from multiprocessing import get_context
from pathlib import PurePath
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlsplit

from counterpoint.config import Settings
from counterpoint.factories import stages_by_name
from counterpoint.ingest import iter_inputs
from counterpoint.model import Doc, RawDocument, Skipped
from counterpoint.pipeline import CorpusStage, CorpusStep, Pipeline
from counterpoint.runners.corpus import StageProgress, compute_here, run_step
from counterpoint.stages.clean import line_key
from counterpoint.store import Store

# a parenthesised detail with a number in it: "(3 words; at least 20 needed)"
_NUMBERED_DETAIL = re.compile(r"\s*\([^()]*\d[^()]*\)")

#: progress callback: (phase, done, total or None)
Progress = Callable[[str, int, int | None], None]


@dataclass(slots=True)
class RunStats:
    """What a run did, for the end-of-run summary and the ``runs`` table."""

    inputs_read: int = 0
    new: int = 0
    already_stored: int = 0
    articles: int = 0
    skipped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    #: summary counts of each corpus stage that ran, by stage name
    corpus: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    #: wall seconds of each phase: "articles" (the per-article stages), each corpus stage by name,
    #: and the outputs the caller writes ("analysis.json", "report"): where a slow run spends its time
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def entities(self) -> int:
        return self.corpus.get("entities", {}).get("entities", 0)

    @property
    def stories(self) -> dict[str, int]:
        return {**self.corpus.get("stories", {}), **self.corpus.get("storylines", {})}

    @property
    def claims(self) -> dict[str, int]:
        return self.corpus.get("claims", {})

    def to_dict(self) -> dict[str, object]:
        return {
            "inputs_read": self.inputs_read,
            "new": self.new,
            "already_stored": self.already_stored,
            "articles": self.articles,
            "skipped": self.skipped,
            "skip_reasons": dict(self.reasons.most_common()),
            "entities": self.entities,
            "stories": self.stories,
            "claims": self.claims,
            "corpus_stages": self.corpus,
            "seconds": round(self.seconds, 3),
            "phase_seconds": {k: round(v, 2) for k, v in self.phases.items()},
        }


def group_key(raw: RawDocument) -> str:
    """The outlet group whose documents share chrome: the site, else the folder the file came from."""
    if raw.hints.url:
        host = urlsplit(raw.hints.url).hostname
        if host:
            return "host:" + host.removeprefix("www.")
    if raw.hints.outlet:
        return "outlet:" + raw.hints.outlet.strip().lower()
    src = raw.source.split("#", 1)[0]
    if src in {"", "-"}:
        return "stdin"
    return "dir:" + str(PurePath(src).parent)


def line_keys(raw: RawDocument) -> list[int]:
    """Keys of the short lines of a text document (HTML chrome is trafilatura's job)."""
    if raw.format != "text":
        return []
    return [k for line in raw.body.splitlines() if (k := line_key(line)) is not None]


def _reason_class(reason: str) -> str:
    """Fold reasons that differ only in their details, so the summary groups them.

    Details that hold numbers (a parenthesis, or what follows a colon) are dropped rather
    than rewritten: "no article text after cleaning (3 words; at least 20 needed)" groups as
    "no article text after cleaning", never as "(N words; at least NN needed)".
    """
    head = _NUMBERED_DETAIL.sub("", reason)
    before, colon, after = head.partition(":")
    if colon and any(c.isdigit() for c in after):
        head = before
    return head.strip()[:120]


def stage_inputs(
    store: Store,
    paths: Sequence[str],
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    stats: RunStats | None = None,
) -> RunStats:
    """Phase 1: read inputs, stage new raw documents, record unreadable inputs."""
    stats = stats or RunStats()
    batch: list[RawDocument] = []
    skipped: list[Skipped] = []

    def flush() -> None:
        if batch:
            known = store.known_raw_ids(r.id for r in batch)
            fresh: dict[str, RawDocument] = {}
            for r in batch:
                if r.id in known or r.id in fresh:
                    stats.already_stored += 1
                else:
                    fresh[r.id] = r
            stats.new += store.add_raw([(r, group_key(r), line_keys(r)) for r in fresh.values()])
            batch.clear()
        if skipped:
            store.add_skipped(skipped)
            skipped.clear()

    for item in iter_inputs(paths, max_bytes=settings.max_bytes, stdin=stdin):
        stats.inputs_read += 1
        if isinstance(item, Skipped):
            stats.skipped += 1
            stats.reasons[_reason_class(item.reason)] += 1
            skipped.append(item)
        else:
            batch.append(item)
        if len(batch) >= settings.batch_size or len(skipped) >= settings.batch_size:
            flush()
        if progress:
            progress("reading", stats.inputs_read, None)
    flush()
    return stats


#: a run with at most this many pending documents stays in this process: starting a worker costs
#: ~3 CPU-seconds (imports, spaCy, the encoders), about what ten articles cost to analyse
IN_PROCESS_MAX = 10
#: a stateless corpus stage is computed in this process until it has taken this many seconds, then
#: the rest of its partitions go to a pool: starting one costs each worker ~1 CPU-second of imports,
#: more than a small store's scopes are worth (all 368 claim scopes of 921 short articles: 2.6 s)
POOL_AFTER_SECONDS = 3.0
#: pickled partitions a corpus-stage pool may hold in flight, in bytes (at least one is always sent).
#: The driver keeps each sent partition only as its pickle, for a worker that dies; at 10k articles
#: the biggest claim scope pickles to ~130 MB, and four held as objects took the driver past 1 GiB.
IN_FLIGHT_BYTES = 256 * 2**20


@cache
def _pipeline_for(names: tuple[str, ...]) -> Pipeline:
    # Built once per worker process: stage functions are looked up by name, not pickled.
    registry = stages_by_name()
    return Pipeline.build(registry[n] for n in names)


def _work(names: tuple[str, ...], docs: list[Doc], settings: Settings) -> list[Doc]:
    return _pipeline_for(names).run_batch(docs, settings)


def _ignore_sigint() -> None:
    # watch mode: Ctrl-C is the parent's to handle (it finishes the batch), not the workers'
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass(slots=True)
class Pending:
    """The raw documents waiting for the per-article stages, read from the store in ingest order.

    ``batches`` yields them as Docs (with the repeated lines of their outlet group marked), in
    batches of ``size``; an engine returns each processed batch in the same order, so the driver
    saves articles in ingest order whichever engine ran them (story clustering depends on it).
    """

    store: Store
    settings: Settings
    #: how many documents are pending (None: not counted)
    total: int | None = None
    _has_repeats: dict[str, bool] = field(default_factory=dict)

    def _repeated(self, raw: RawDocument, grp: str) -> frozenset[int]:
        # Hashing every line again is only worth it in groups where some line is repeated at all.
        min_docs = self.settings.repeat_min_docs
        if grp not in self._has_repeats:
            self._has_repeats[grp] = self.store.group_has_repeats(grp, min_docs)
        if not self._has_repeats[grp]:
            return frozenset()
        return self.store.repeated_lines(grp, line_keys(raw), min_docs)

    def batch_size(self, workers: int) -> int:
        """The batch size: a run with fewer documents than workers x batch size is split evenly."""
        size = self.settings.batch_size
        if self.total is not None and workers > 1:
            size = max(1, min(size, -(-self.total // workers)))
        return size

    def batches(self, size: int) -> Iterator[list[Doc]]:
        after = 0
        while True:
            rows = self.store.pending_raw(size, after_seq=after)
            if not rows:
                return
            after = rows[-1][2]
            yield [Doc.from_raw(raw, self._repeated(raw, grp)) for raw, grp, _seq in rows]


class Engine(Protocol):
    """Where the stages' work runs; the driver (``run``) keeps all reads and writes of the store.

    ``process`` runs the per-article stages over the pending documents and yields the processed
    batches in pending order; ``run_step`` runs one corpus stage over its partitions (commits stay
    in the driver, through ``runners.corpus.run_step``); ``close`` releases what the engine holds.
    """

    name: str

    def process(self, pending: Pending, pipeline: Pipeline, settings: Settings) -> Iterator[list[Doc]]: ...

    def run_step(
        self, store: Store, stage: CorpusStage, step: CorpusStep, *, progress: StageProgress | None = None
    ) -> dict[str, int]: ...

    def close(self) -> None: ...


def _compute_partition(step: CorpusStep, box: list[bytes]) -> Any:
    """A pool worker's job: one pickled partition of a stateless corpus stage (the driver commits it).

    The pickle comes in a list that is emptied here, so its bytes are freed once unpickled rather
    than held beside the partition for the whole computation.
    """
    return step.compute(pickle.loads(box.pop()))


@dataclass(slots=True)
class _Sent:
    """A partition in a pool: its key, its pickle (to compute it here if its worker dies), its future."""

    key: str
    blob: bytes
    fut: Future[Any] | None

    def result(self, step: CorpusStep) -> tuple[str, Any]:
        """The partition's result or the exception it raised; computed here if its worker died."""
        if self.fut is not None:
            try:
                return self.key, self.fut.result()
            except BrokenProcessPool:
                pass
            except Exception as exc:  # noqa: BLE001 - handed to run_step, which records it
                return self.key, exc
        return next(compute_here(step, [pickle.loads(self.blob)]))


@dataclass(slots=True)
class LocalEngine:
    """Per-article stages in a pool of worker processes on this machine; corpus stages in-process,
    except a stateless stage with many partitions, whose partitions go to a pool of ``workers``."""

    #: worker processes ignore Ctrl-C, which the parent handles (watch mode finishes its batch)
    ignore_sigint: bool = False
    name: str = "local"
    #: processes for corpus-stage partitions (``engine_for`` passes ``settings.workers``; 1: none)
    workers: int = 1
    #: seconds of in-process corpus work after which a stage's remaining partitions go to the pool
    pool_after: float = POOL_AFTER_SECONDS

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        ctx = get_context("forkserver" if os.name == "posix" else "spawn")
        init = _ignore_sigint if self.ignore_sigint else None
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init)

    def process(self, pending: Pending, pipeline: Pipeline, settings: Settings) -> Iterator[list[Doc]]:
        total = pending.total
        if settings.workers <= 1 or (total is not None and total <= IN_PROCESS_MAX):
            # alone in this process: the encoder may use every core the workers would have had
            here = replace(settings, encoder_threads=settings.encoder_threads or settings.workers)
            for docs in pending.batches(pending.batch_size(1)):
                yield pipeline.run_batch(docs, here)
            return
        names = tuple(s.name for s in pipeline.article_stages)
        with self._pool(settings.workers) as pool:
            in_flight: deque[tuple[list[Doc], Future[list[Doc]]]] = deque()
            source = pending.batches(pending.batch_size(settings.workers))
            exhausted = False
            while True:
                while not exhausted and len(in_flight) < 2 * settings.workers:
                    nxt = next(source, None)
                    if nxt is None:
                        exhausted = True
                        break
                    in_flight.append((nxt, pool.submit(_work, names, nxt, settings)))
                if not in_flight:
                    break
                docs, fut = in_flight.popleft()
                try:
                    out = fut.result()
                except BrokenProcessPool:
                    # A worker died (e.g. out of memory on one pathological input): finish this batch
                    # in-process, one article at a time, so the batch still lands with reasons.
                    yield pipeline.run_batch(docs, settings)
                    for rest, _f in in_flight:
                        yield pipeline.run_batch(rest, settings)
                    in_flight.clear()
                    for more in source:
                        yield pipeline.run_batch(more, settings)
                    break
                yield out

    def _compute(self, step: CorpusStep, parts: Iterable[Any]) -> Iterator[tuple[str, Any]]:
        """The first partitions here; after ``pool_after`` seconds the rest in a pool, results in order.

        A stage that is done within ``pool_after`` never pays for a pool; nor does a step that cannot
        be pickled. In flight: at most two partitions per worker and ``IN_FLIGHT_BYTES`` of pickles.
        Partitions a dead worker leaves behind are computed here, in order.
        """
        parts = iter(parts)
        started = time.perf_counter()
        for part in parts:
            yield next(compute_here(step, [part]))
            if time.perf_counter() - started >= self.pool_after:
                break
        head = list(islice(parts, 1))
        if not head:
            return
        try:
            pickle.dumps(step, protocol=pickle.HIGHEST_PROTOCOL)
        except (TypeError, pickle.PicklingError, AttributeError):
            yield from compute_here(step, chain(head, parts))
            return
        rest = chain(head, parts)
        with self._pool(self.workers) as pool:
            in_flight: deque[_Sent] = deque()
            held = 0
            for part in rest:
                try:
                    blob = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
                except (TypeError, pickle.PicklingError, AttributeError):
                    while in_flight:  # results stay in partition order
                        yield in_flight.popleft().result(step)
                    held = 0
                    yield next(compute_here(step, [part]))
                    continue
                key = step.key(part)
                del part  # from here on the driver holds the pickle only
                while in_flight and (
                    len(in_flight) >= 2 * self.workers or held + len(blob) > IN_FLIGHT_BYTES
                ):
                    done = in_flight.popleft()
                    held -= len(done.blob)
                    yield done.result(step)
                try:
                    fut: Future[Any] | None = pool.submit(_compute_partition, step, [blob])
                except BrokenProcessPool:
                    fut = None
                in_flight.append(_Sent(key, blob, fut))
                held += len(blob)
                if fut is None:
                    break
            while in_flight:
                yield in_flight.popleft().result(step)
        yield from compute_here(step, rest)

    def run_step(
        self, store: Store, stage: CorpusStage, step: CorpusStep, *, progress: StageProgress | None = None
    ) -> dict[str, int]:
        compute = self._compute if self.workers > 1 else None
        return run_step(store, stage, step, progress=progress, compute=compute)

    def close(self) -> None:
        pass


def process_pending(
    store: Store,
    pipeline: Pipeline,
    settings: Settings,
    *,
    progress: Progress | None = None,
    stats: RunStats | None = None,
    total: int | None = None,
    engine: Engine | None = None,
) -> RunStats:
    """Phase 2: run the per-article stages over every pending raw document and store the outcome.

    Batches are saved in pending order as the engine hands them back, one transaction each.
    """
    stats = stats or RunStats()
    engine = engine or LocalEngine()
    done = 0
    for docs in engine.process(Pending(store, settings, total), pipeline, settings):
        n_art, n_skip = store.save_docs(docs)
        stats.articles += n_art
        stats.skipped += n_skip
        for d in docs:
            if d.skipped is not None:
                stats.reasons[_reason_class(d.skipped)] += 1
        done += len(docs)
        if progress:
            progress("analysing", done, total)
    return stats


def run_corpus(
    store: Store,
    pipeline: Pipeline,
    settings: Settings,
    *,
    progress: Progress | None = None,
    engine: Engine | None = None,
    seconds: dict[str, float] | None = None,
) -> dict[str, dict[str, int]]:
    """Run the pipeline's corpus stages in order over the whole store; return each one's counts
    (and put each one's wall seconds in ``seconds``)."""
    engine = engine or LocalEngine()
    out: dict[str, dict[str, int]] = {}
    for st in pipeline.corpus_stages:
        if progress:
            progress(st.name, 0, None)
        started = time.perf_counter()
        step = st.factory(settings)
        out[st.name] = engine.run_step(
            store, st, step, progress=(lambda name, n: progress(name, n, None)) if progress else None
        )
        if seconds is not None:
            seconds[st.name] = time.perf_counter() - started
    return out


def run(
    store: Store,
    paths: Sequence[str],
    pipeline: Pipeline,
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    command: str = "ingest",
    engine: Engine | None = None,
) -> RunStats:
    """Read ``paths`` into ``store`` and run ``pipeline`` over everything pending.

    ``engine`` says where the stages run (default: this machine's process pool); the caller that
    passes one closes it.
    """
    engine = engine or LocalEngine()
    started = time.perf_counter()
    run_id = store.start_run(command, settings.to_dict())
    stats = stage_inputs(store, paths, settings, stdin=stdin, progress=progress)
    pending = store.counts()["pending"]
    process_pending(store, pipeline, settings, progress=progress, stats=stats, total=pending, engine=engine)
    stats.phases["articles"] = time.perf_counter() - started
    stats.corpus = run_corpus(
        store, pipeline, settings, progress=progress, engine=engine, seconds=stats.phases
    )
    stats.seconds = time.perf_counter() - started
    store.finish_run(run_id, stats.to_dict())
    return stats
