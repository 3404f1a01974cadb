"""The one data model every stage, store and view shares, one module per family.

* ``article`` - raw inputs, articles, their language layers (spans, mentions, quotes, numbers,
  times, vectors) and the ``Doc`` that flows through the per-article stages;
* ``story``   - what the story stages read and keep between runs (story state, duplicates, storylines);
* ``claim``   - what the claims stage reads of each article and returns (claims, briefs, timeline).

Everything here is frozen: a stage returns a new record (``dataclasses.replace``) instead of
mutating the one it was given, so the same stage code can run in a worker process or on a
distributed engine without shared state. The slant records live in ``counterpoint.slant.model``.
"""

from counterpoint.model.article import (
    SCHEMA_VERSION,
    Article,
    ArticleOutput,
    Doc,
    Entity,
    EntityType,
    Hints,
    Mention,
    NumberFact,
    Quote,
    RawDocument,
    RawFormat,
    Removed,
    Skipped,
    Span,
    StoredArticle,
    TimeExpr,
    Vector,
    content_id,
)

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "ArticleOutput",
    "Doc",
    "Entity",
    "EntityType",
    "Hints",
    "Mention",
    "NumberFact",
    "Quote",
    "RawDocument",
    "RawFormat",
    "Removed",
    "Skipped",
    "Span",
    "StoredArticle",
    "TimeExpr",
    "Vector",
    "content_id",
]  # fmt: skip
