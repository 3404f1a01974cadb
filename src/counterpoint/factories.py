"""The one place where stages are registered, in pipeline order.

Kept apart from the stage modules so importing a stage never registers
anything as a side effect (spaCy moved to the same pattern for the same reason).
"""

from __future__ import annotations

from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.pipeline import INITIAL_LAYERS, AnyStage, Pipeline
from counterpoint.slant.stage import slant
from counterpoint.stages.claims import claims
from counterpoint.stages.dates import dates
from counterpoint.stages.entities import entities
from counterpoint.stages.events import event_merge, events
from counterpoint.stages.extract import extract, metadata
from counterpoint.stages.infer_dates import infer_dates
from counterpoint.stages.language import language
from counterpoint.stages.nlp import nlp
from counterpoint.stages.numbers import numbers
from counterpoint.stages.quotes import quotes
from counterpoint.stages.stories import stories, storylines
from counterpoint.stages.vectors import vectors

#: per-article stages (run in the worker processes), then corpus stages (over partitions of the store);
#: ``vectors`` before ``slant``: a trained ``bias/3`` head reuses its MiniLM sentence vectors
DEFAULT_STAGES: tuple[AnyStage, ...] = (
    extract, metadata, language, nlp, quotes, numbers, dates, events, vectors, slant,
    entities, stories, infer_dates, storylines, claims, event_merge,
)  # fmt: skip


def stages_by_name() -> dict[str, AnyStage]:
    """Every registered stage by name (worker processes rebuild pipelines from names)."""
    return {s.name: s for s in DEFAULT_STAGES}


def default_pipeline() -> Pipeline:
    """The pipeline ``counterpoint analyze`` runs."""
    return Pipeline.build(DEFAULT_STAGES)


def pipeline_for(settings: Settings) -> Pipeline:
    """The default pipeline, or the subset named in ``settings.stages``.

    E.g. "extract,metadata,language" to ingest fast and analyse later, or "stories,storylines,claims"
    to run corpus stages alone over the articles already stored.
    """
    if not settings.stages.strip():
        return default_pipeline()
    registry = stages_by_name()
    names = [n.strip() for n in settings.stages.split(",") if n.strip()]
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise ConfigError(f"unknown stage(s) {', '.join(unknown)}; known: {', '.join(registry)}")
    chosen = [registry[n] for n in names]
    given = set(INITIAL_LAYERS)
    if all(s.scope == "corpus" for s in chosen):
        # only corpus stages named: they work on what earlier runs stored
        given.update(layer for s in DEFAULT_STAGES for layer in s.provides)
    return Pipeline.build(chosen, given=given)
