"""Counterpoint: read many news articles and show each story from every side, with evidence."""

from counterpoint.model import SCHEMA_VERSION

__version__ = "0.1.0"
__all__ = ["SCHEMA_VERSION", "__version__"]
