"""Stage metadata, the pipeline that checks it, and the per-article driver.

A stage is a plain function plus what it reads (``needs``) and writes
(``provides``), declared the way a spaCy component declares ``requires``.
Stages never touch files, sockets or the database: the runner does all I/O,
which is what lets the same stage run in a local process pool or on a
distributed engine.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal, Protocol

from counterpoint.config import Settings
from counterpoint.errors import PipelineError
from counterpoint.model import Doc

if TYPE_CHECKING:  # the store protocol imports record types; stages only need its name
    from counterpoint.store import Store

Scope = Literal["article", "corpus"]
ArticleFn = Callable[[Doc, Settings], Doc]

#: What every Doc has before the first stage runs.
INITIAL_LAYERS: tuple[str, ...] = ("raw",)
#: Wall-clock seconds one article may spend in the per-article stages. A real article takes
#: well under a second (spaCy on a 10,000-word feature about 5 s on a slow core); an input
#: that takes minutes is pathological, and skipping it lets the batch go on.
ARTICLE_SECONDS = 120.0


class InputTimeout(BaseException):
    """Raised by the alarm inside a stage whose article ran over its time budget.

    A BaseException, like KeyboardInterrupt, so a stage's own ``except Exception`` cannot
    swallow it and carry on past the budget.
    """


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise InputTimeout


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`InputTimeout` in this thread once ``seconds`` of wall-clock time have passed.

    A POSIX interval timer (SIGALRM): it interrupts pure-Python loops and regex matching alike.
    Signals reach only the main thread, so elsewhere (and on Windows) there is no budget.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True, slots=True)
class Stage:
    """A pipeline step: a pure function over a Doc and the settings."""

    name: str
    func: ArticleFn
    needs: tuple[str, ...]
    provides: tuple[str, ...]
    scope: Scope = "article"
    english_only: bool = False

    def __call__(self, doc: Doc, settings: Settings) -> Doc:
        return self.func(doc, settings)


def stage(
    *,
    needs: Sequence[str],
    provides: Sequence[str],
    scope: Scope = "article",
    english_only: bool = False,
) -> Callable[[ArticleFn], Stage]:
    """Declare a function as a stage. Registration happens in ``factories.py``, not here."""

    def wrap(func: ArticleFn) -> Stage:
        return Stage(func.__name__, func, tuple(needs), tuple(provides), scope, english_only)

    return wrap


class CorpusStep(Protocol):
    """One run of a corpus stage: what a runner maps over, split the way Beam splits a ``DoFn``.

    ``partitions`` reads, through the store's methods only, the units of work that need doing
    now (a batch of new articles, a changed story scope, the whole name list), as plain records;
    ``compute`` is the pure work on one partition (no I/O: this is what a distributed runner ships
    to its workers); ``commit`` writes one result through the store in one transaction, so a
    killed run keeps every partition it committed. ``key`` names a partition in failure reasons,
    and ``summary`` gives the counts shown at the end of the run. A stateful step (online
    clustering) restores its state from the store in ``partitions`` and must see its partitions
    in order; a stateless one (claims per scope) may have them computed in any order, in parallel.
    """

    def partitions(self, store: Store) -> Iterable[Any]: ...

    def key(self, part: Any) -> str: ...

    def compute(self, part: Any) -> Any: ...

    def commit(self, store: Store, result: Any) -> None: ...

    def summary(self, store: Store) -> dict[str, int]: ...


#: builds a corpus stage's step for one run from the settings
StepFactory = Callable[[Settings], CorpusStep]


@dataclass(frozen=True, slots=True)
class CorpusStage:
    """A corpus-wide step (entity linking, stories, claims, ...): a step factory plus metadata."""

    name: str
    factory: StepFactory
    needs: tuple[str, ...]
    provides: tuple[str, ...]
    #: True when partitions must be computed one after another (their results feed the state)
    sequential: bool = False
    scope: Scope = "corpus"
    english_only: bool = False


def corpus_stage(
    name: str, *, needs: Sequence[str], provides: Sequence[str], sequential: bool = False
) -> Callable[[StepFactory], CorpusStage]:
    """Declare a step class (or factory) as a corpus stage; registered in ``factories.py``."""

    def wrap(factory: StepFactory) -> CorpusStage:
        return CorpusStage(name, factory, tuple(needs), tuple(provides), sequential)

    return wrap


AnyStage = Stage | CorpusStage


@dataclass(frozen=True, slots=True)
class Pipeline:
    """An ordered list of stages whose needs are checked when it is built."""

    stages: tuple[AnyStage, ...]
    #: wall-clock seconds per article (0 = no budget); see ARTICLE_SECONDS
    budget: float = ARTICLE_SECONDS

    @classmethod
    def build(
        cls,
        stages: Iterable[AnyStage],
        *,
        given: Iterable[str] = INITIAL_LAYERS,
        budget: float = ARTICLE_SECONDS,
    ) -> Pipeline:
        """Check that every stage's needs are provided by an earlier stage (or are ``given``)."""
        ordered = tuple(stages)
        available = set(given)
        seen: set[str] = set()
        for st in ordered:
            if st.name in seen:
                raise PipelineError(f"stage {st.name!r} appears twice in the pipeline")
            seen.add(st.name)
            missing = [n for n in st.needs if n not in available]
            if missing:
                raise PipelineError(
                    f"stage {st.name!r} needs {', '.join(missing)}, which no earlier stage provides; "
                    "reorder the stages or add the stage that provides it"
                )
            available.update(st.provides)
        return cls(ordered, budget)

    @property
    def article_stages(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if isinstance(s, Stage) and s.scope == "article")

    @property
    def corpus_stages(self) -> tuple[CorpusStage, ...]:
        return tuple(s for s in self.stages if isinstance(s, CorpusStage))

    def provides(self) -> set[str]:
        out = set(INITIAL_LAYERS)
        for st in self.stages:
            out.update(st.provides)
        return out

    def run_article(self, doc: Doc, settings: Settings) -> Doc:
        """Run the per-article stages on one Doc. Never raises for a bad article.

        A stage that fails marks the Doc skipped with a one-line reason, and an article that
        runs over the time budget is skipped with one, so one hostile input cannot take the
        batch down with it or hold it up.
        """
        try:
            with time_budget(self.budget):
                return self._run_stages(doc, settings)
        except InputTimeout:
            return doc.skip(f"took longer than the time budget per article ({self.budget:g} s)")

    def _run_stages(self, doc: Doc, settings: Settings) -> Doc:
        for st in self.article_stages:
            if doc.skipped is not None:
                break
            lang = doc.article.language
            if st.english_only and lang is not None and lang != "en":
                doc = doc.note(st.name, f"skipped: English-only stage, article language is {lang!r}")
                continue
            try:
                doc = st(doc, settings)
            except Exception as exc:  # noqa: BLE001 - any failure becomes a recorded reason, never a crash
                doc = doc.skip(f"internal error in stage {st.name}: {type(exc).__name__}: {exc}"[:300])
        return doc

    def run_batch(self, docs: Sequence[Doc], settings: Settings) -> list[Doc]:
        """Run the per-article stages over a batch (the unit a worker process receives)."""
        return [self.run_article(d, settings) for d in docs]
