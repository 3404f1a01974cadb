"""Dates from the story: an undated article takes the day its story's dated members were published.

Three of five scraped articles may carry no date while the story they belong to does; their
"on Friday" and "Wednesday" then stay unresolved. After the stories stage, this corpus stage
gives each undated member of a story with dated members an *inferred* day and reads the
article's time expressions again against it (the dates stage's own ``find_times``):

* the inferred day is the latest day among the story's dated members — news about one event is
  published over a few days, and a weekday is resolved to the most recent such day on or before
  publication, so the latest day keeps "Friday" from skipping back a week; the members' range
  ("first/last") is recorded with it, so a reader sees how firm the guess is;
* it is stored apart from ``published`` (``published_inferred``, ``published_window``): a stated
  date is never overwritten, and every time expression whose value came from the inferred day
  records it (``inferred_from``);
* a story whose members are all undated, or all dated, has nothing to infer.

Partitions are stories (only those holding both kinds of member, read in one query), so the cost
grows with the undated articles, and a re-run skips articles whose inferred day is unchanged and
whose dates are all read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from counterpoint.config import Settings
from counterpoint.model import Article
from counterpoint.model.dates import DatedMember, InferredDate
from counterpoint.pipeline import corpus_stage
from counterpoint.stages.dates import find_times

if TYPE_CHECKING:  # the protocol only: stages reach the store through its methods
    from counterpoint.store import Store


@dataclass(frozen=True, slots=True)
class StoryDates:
    """One story's undated members to (re)date, with their text and sentences."""

    story_id: str
    day: str
    first: str
    last: str
    articles: dict[str, tuple[str, list[tuple[int, int]]]]


def story_window(members: Sequence[DatedMember]) -> tuple[str, str, str] | None:
    """(inferred day, first, last) from the stated days of a story's members; None if none is dated."""
    days = sorted(m.published[:10] for m in members if m.published)
    if not days:
        return None
    return days[-1], days[0], days[-1]


def infer_article(
    article_id: str, text: str, sentences: Sequence[tuple[int, int]], day: str, first: str, last: str
) -> InferredDate:
    """An undated article's time expressions read against ``day``, marking those that needed it."""
    undated = {
        (t.span.start, t.span.end): t.value for t in find_times(Article(article_id, "", text), sentences)
    }
    times = tuple(find_times(Article(article_id, "", text, published=day), sentences))
    inferred = tuple(
        t.value is not None and undated.get((t.span.start, t.span.end)) != t.value for t in times
    )
    return InferredDate(article_id, day, first, last, times, inferred)


class InferDatesStep:
    """One run of the ``infer_dates`` stage (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.counts = {"articles_dated": 0, "dates_inferred": 0}

    def partitions(self, store: Store) -> Iterator[StoryDates]:
        for members in store.stories_to_date():
            window = story_window(members)
            if window is None:
                continue
            day, first, last = window
            todo = [
                m.article_id
                for m in members
                if not m.published and (m.inferred != day or m.window != f"{first}/{last}" or m.unread)
            ]
            if todo:
                yield StoryDates(members[0].story_id, day, first, last, store.articles_for_dates(todo))

    def key(self, part: StoryDates) -> str:
        return f"story {part.story_id}"

    def compute(self, part: StoryDates) -> list[InferredDate]:
        return [
            infer_article(aid, text, sents, part.day, part.first, part.last)
            for aid, (text, sents) in sorted(part.articles.items())
        ]

    def commit(self, store: Store, result: list[InferredDate]) -> None:
        store.save_inferred_dates(result)
        self.counts["articles_dated"] += len(result)
        self.counts["dates_inferred"] += sum(sum(r.inferred) for r in result)

    def summary(self, store: Store) -> dict[str, int]:
        return dict(self.counts)


infer_dates = corpus_stage("infer_dates", needs=("stories", "times"), provides=("published_inferred",))(
    InferDatesStep
)
