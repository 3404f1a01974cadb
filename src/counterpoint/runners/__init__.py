"""Runners execute the same stages over partitions of the corpus: locally, or on a Ray cluster."""

from __future__ import annotations

from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.runners.local import Engine, LocalEngine


def engine_for(settings: Settings, *, ignore_sigint: bool = False) -> Engine:
    """The engine ``settings.engine`` names; close it when the run is over.

    ``ignore_sigint`` keeps Ctrl-C away from the local engine's workers (watch mode handles it).
    """
    if settings.engine == "ray":
        try:
            from counterpoint.runners.ray import RayEngine
        except ImportError as exc:
            raise ConfigError(
                f"engine 'ray' needs the [ray] extra: pip install 'counterpoint[ray]' ({exc})"
            ) from exc
        return RayEngine(settings)
    if settings.engine != "local":
        raise ConfigError(f"engine {settings.engine!r} is not known; use local or ray")
    return LocalEngine(ignore_sigint=ignore_sigint, workers=settings.workers)
