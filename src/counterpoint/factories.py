"""The one place where stages are registered, in pipeline order.

Kept apart from the stage modules so importing a stage never registers
anything as a side effect (spaCy moved to the same pattern for the same reason).
"""

from __future__ import annotations

from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.pipeline import Pipeline, Stage
from counterpoint.slant.stage import slant
from counterpoint.stages.dates import dates
from counterpoint.stages.extract import extract, metadata
from counterpoint.stages.language import language
from counterpoint.stages.nlp import nlp
from counterpoint.stages.numbers import numbers
from counterpoint.stages.quotes import quotes

DEFAULT_STAGES: tuple[Stage, ...] = (extract, metadata, language, nlp, quotes, numbers, dates, slant)


def stages_by_name() -> dict[str, Stage]:
    """Every registered stage by name (worker processes rebuild pipelines from names)."""
    return {s.name: s for s in DEFAULT_STAGES}


def default_pipeline() -> Pipeline:
    """The pipeline ``counterpoint analyze`` runs."""
    return Pipeline.build(DEFAULT_STAGES)


def pipeline_for(settings: Settings) -> Pipeline:
    """The default pipeline, or the subset named in ``settings.stages`` (e.g. "extract,metadata,language")."""
    if not settings.stages.strip():
        return default_pipeline()
    registry = stages_by_name()
    names = [n.strip() for n in settings.stages.split(",") if n.strip()]
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise ConfigError(f"unknown stage(s) {', '.join(unknown)}; known: {', '.join(registry)}")
    return Pipeline.build(registry[n] for n in names)
