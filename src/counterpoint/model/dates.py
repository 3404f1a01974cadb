"""Records of the ``infer_dates`` stage: a story member's dates, and an undated article's inferred day."""

from __future__ import annotations

from dataclasses import dataclass

from counterpoint.model.article import TimeExpr


@dataclass(frozen=True, slots=True)
class DatedMember:
    """One article of a story with its stated and inferred publication days."""

    article_id: str
    story_id: str
    published: str | None
    inferred: str | None = None
    window: str | None = None  # "first/last" ISO days of the dated members it was inferred from
    unread: bool = False  # it still has a time expression without a value


@dataclass(frozen=True, slots=True)
class InferredDate:
    """An undated article's inferred day and its time expressions read against it.

    ``inferred[i]`` says whether ``times[i]`` took its value from the inferred day (it had none
    against the article's own, missing, date).
    """

    article_id: str
    day: str
    first: str
    last: str
    times: tuple[TimeExpr, ...]
    inferred: tuple[bool, ...]
