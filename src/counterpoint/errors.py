"""One base error so callers can catch everything Counterpoint raises on purpose."""

from __future__ import annotations


class CounterpointError(Exception):
    """Base class. Messages say what was wrong and what to do about it."""

    exit_code = 1


class ConfigError(CounterpointError):
    """A setting in counterpoint.toml or the environment is invalid."""

    exit_code = 2


class StoreError(CounterpointError):
    """The store could not be opened or is not a Counterpoint store."""

    exit_code = 3


class PipelineError(CounterpointError):
    """Stages were put together in an order that cannot work."""

    exit_code = 4
