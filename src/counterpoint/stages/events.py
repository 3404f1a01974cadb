"""The ``events`` stages: reports coded per sentence (per article), merged per real event (corpus).

The dependency parser runs here, in the worker processes, and only on candidate sentences (two
actors and an event word); ``load_parser`` is a parser-only view of the process's one spaCy model
(``nlp.load_model``), so the ``nlp`` stage keeps its fast senter + ner view of the same components.
``event_merge`` runs over story scopes after the story stages (see ``EventMergeStep``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from counterpoint.config import Settings
from counterpoint.events.article import code_article
from counterpoint.events.merge import merge_scope
from counterpoint.model import Doc
from counterpoint.model.event import Event, ReportSource
from counterpoint.pipeline import corpus_stage, stage
from counterpoint.stages.nlp import load_model, pipes

if TYPE_CHECKING:
    from spacy.language import Language

    from counterpoint.store import Store

#: bump when merging changes, so every scope is merged again
MERGE_VERSION = 1


@cache
def load_parser(model: str) -> Language:
    """The tagger, parser and lemmatizer of the process's one spaCy model (no NER, no senter)."""
    return pipes(load_model(model), ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])


@stage(needs=("sentences", "mentions", "times"), provides=("events",), english_only=True)
def events(doc: Doc, settings: Settings) -> Doc:
    """Who did what to whom in this article, one report per event per sentence."""
    reports = code_article(
        doc.article, doc.sentences, doc.mentions, doc.times, load_parser(settings.spacy_model)
    )
    return doc.with_layers(events=reports)


@dataclass(frozen=True, slots=True)
class EventWork:
    """One changed scope: its id, the signature it will be stored under and its members' reports."""

    scope_id: str
    signature: str
    sources: list[ReportSource]


@dataclass(frozen=True, slots=True)
class EventOutcome:
    scope_id: str
    signature: str
    events: list[Event]


@dataclass(frozen=True, slots=True)
class StaleEventScopes:
    """Scopes stored earlier that no longer exist (their stories were regrouped)."""

    ids: list[str]


def signature(scope_signature: str, sources: list[ReportSource]) -> str:
    """What a scope's merged events depend on: its members and every report of theirs."""
    h = hashlib.sha256(f"{MERGE_VERSION}\n{scope_signature}".encode())
    for src in sources:
        r = src.report
        h.update(
            f"\n{r.evidence.article_id}:{r.evidence.start}:{r.cameo}:{r.source.key}:{r.target.key}".encode()
        )
        h.update(f":{r.mode}:{r.date}:{src.outlet}:{src.duplicate_of}:{src.story}".encode())
    return h.hexdigest()[:32]


class EventMergeStep:
    """One run of ``event_merge``: per story scope (a storyline, or a story in none), one record per event.

    A scope is merged again only when its members or their reports changed (its signature);
    scopes are independent, so a distributed runner may compute them in any order.
    """

    def __init__(self, settings: Settings) -> None:
        self.counts = {"event_scopes": 0, "events": 0, "event_reports": 0}

    def partitions(self, store: Store) -> Iterator[StaleEventScopes | EventWork]:
        current = store.claim_scopes()
        stored = store.event_scope_signatures()
        wanted = {s.id for s in current}
        stale = [sid for sid in stored if sid not in wanted]
        if stale:
            yield StaleEventScopes(stale)
        for scope in current:
            sources = [
                replace(src, story=scope.story_of.get(src.report.evidence.article_id))
                for src in store.event_reports(list(scope.story_of))
            ]
            sig = signature(scope.signature, sources)
            if stored.get(scope.id) != sig:
                yield EventWork(scope.id, sig, sources)

    def key(self, part: StaleEventScopes | EventWork) -> str:
        return (
            f"{len(part.ids)} stale scopes"
            if isinstance(part, StaleEventScopes)
            else f"scope {part.scope_id}"
        )

    def compute(self, part: StaleEventScopes | EventWork) -> StaleEventScopes | EventOutcome:
        if isinstance(part, StaleEventScopes):
            return part
        return EventOutcome(part.scope_id, part.signature, merge_scope(part.scope_id, part.sources))

    def commit(self, store: Store, result: StaleEventScopes | EventOutcome) -> None:
        if isinstance(result, StaleEventScopes):
            store.drop_event_scopes(result.ids)
            return
        store.save_event_scope(result.scope_id, result.signature, result.events)
        self.counts["event_scopes"] += 1
        self.counts["events"] += len(result.events)
        self.counts["event_reports"] += sum(e.reports for e in result.events)

    def summary(self, store: Store) -> dict[str, int]:
        return {**self.counts, **store.event_totals()}


event_merge = corpus_stage(
    "event_merge", needs=("events", "stories", "storylines"), provides=("merged_events",)
)(EventMergeStep)
