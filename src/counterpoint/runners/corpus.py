"""Running corpus stages in-process: partitions in, results committed one by one.

The same loop serves every corpus stage (entity linking, stories, storylines, claims): the
step lists its partitions through the store, computes each, and commits each result in its
own transaction. A partition that raises is recorded against its stage with a one-line reason
(``stage_failures``) and the run goes on: a stateless stage with its next partition, a
sequential one (whose state the failed partition may have half-changed) with the next stage.
The partition is tried again on the next run, since nothing of it was committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from counterpoint.claims.compare import Judge
from counterpoint.config import Settings
from counterpoint.pipeline import CorpusStage, CorpusStep
from counterpoint.stages.claims import ClaimsStep
from counterpoint.stages.stories import StoriesStep, StorylinesStep, storylines
from counterpoint.stages.stories import stories as stories_stage
from counterpoint.store import Store
from counterpoint.stories.cluster import ClusterConfig
from counterpoint.stories.embed import Embedder
from counterpoint.stories.storylines import StorylineConfig

log = logging.getLogger("counterpoint")

#: progress callback of a corpus stage: (stage name, partitions done)
StageProgress = Callable[[str, int], None]

#: where a stateless stage's partitions are computed: (step, partitions) -> (the partition's key, its
#: result or the exception its compute raised), in partition order (e.g. ``runners.ray`` runs them as
#: Ray tasks). Only the key comes back: a partition that was sent away need not be held until its
#: result is committed (a claim scope of a big storyline is ~250 MB of facts and vectors).
Compute = Callable[[CorpusStep, Iterable[Any]], Iterator[tuple[str, Any]]]


def compute_here(step: CorpusStep, parts: Iterable[Any]) -> Iterator[tuple[str, Any]]:
    """Compute each partition in this process, one after another (what a sequential stage needs)."""
    for part in parts:
        key = step.key(part)
        try:
            result = step.compute(part)
        except Exception as exc:  # noqa: BLE001 - handed to run_step, which records it
            result = exc
        del part  # not held while the result is committed
        yield key, result


def run_step(
    store: Store,
    stage: CorpusStage,
    step: CorpusStep,
    *,
    progress: StageProgress | None = None,
    compute: Compute | None = None,
) -> dict[str, int]:
    """Run one corpus stage's step over all its partitions; return its summary counts.

    ``compute`` computes partitions elsewhere (a cluster); it is used for stateless stages only, a
    sequential stage's partitions are computed here one by one, since each reads what the one before
    committed. Commits always happen here, in partition order. ``failed`` in the counts says how
    many partitions were recorded as failed.
    """
    store.clear_failures(stage.name)
    failed = 0
    where = compute if compute is not None and not stage.sequential else compute_here
    for done, (key, result) in enumerate(where(step, step.partitions(store)), start=1):
        try:
            if isinstance(result, Exception):
                raise result
            step.commit(store, result)
        except Exception as exc:  # noqa: BLE001 - one bad partition is recorded, never a crashed run
            failed += 1
            reason = f"{type(exc).__name__}: {exc}"[:300]
            store.record_failure(stage.name, key, reason)
            log.warning("stage %s failed on %s: %s", stage.name, key, reason)
            if stage.sequential:
                break
        if progress:
            progress(stage.name, done)
    counts = step.summary(store)
    return {**counts, "failed": failed} if failed else counts


def update_stories(
    store: Store,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    cluster: ClusterConfig | None = None,
    storylines_config: StorylineConfig | None = None,
) -> dict[str, int]:
    """Run the ``stories`` and ``storylines`` stages; return the story counts.

    ``embedder`` replaces the stored lead vectors (tests and benchmarks pass a cheap one).
    Counts: ``articles`` assigned by this call, ``new_stories``, ``joined``, ``duplicates``,
    ``not_compared`` (e.g. non-English), ``split`` (stories a re-check split), ``grouped`` (articles
    the opt-in run grouping put in a group of two or more), and the totals ``stories`` and ``storylines``.
    """
    counts = run_step(store, stories_stage, StoriesStep(settings, embedder=embedder, cluster=cluster))
    counts.update(run_step(store, storylines, StorylinesStep(settings, config=storylines_config)))
    return counts


def update_claims(
    store: Store, settings: Settings, *, embedder: Embedder | None = None, judge: Judge | None = None
) -> dict[str, int]:
    """Run the ``claims`` stage; return ``scopes`` recomputed, ``claims``, ``conflicting``, totals."""
    from counterpoint.stages.claims import claims

    return run_step(store, claims, ClaimsStep(settings, embedder=embedder, judge=judge))
