"""Dates from the story: an undated article's relative dates read against its story's dated members."""

from __future__ import annotations

from counterpoint.model.dates import DatedMember
from counterpoint.stages.infer_dates import infer_article, story_window

TEXT = (
    "Carney arrived in China on Wednesday. The visit included talks with President Xi Jinping on Friday. "
    "Relations had withered since 2018."
)


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for part in text.split(". "):
        end = start + len(part) + 1
        out.append((start, min(end, len(text))))
        start = end + 1
    return out


def test_dates_story_window_takes_the_latest_stated_day() -> None:
    members = [
        DatedMember("a", "s", "2026-01-15"),
        DatedMember("b", "s", None),
        DatedMember("c", "s", "2026-01-17"),
    ]
    assert story_window(members) == ("2026-01-17", "2026-01-15", "2026-01-17")
    assert story_window([DatedMember("b", "s", None)]) is None


def test_dates_inferred_day_resolves_weekdays_and_marks_them() -> None:
    r = infer_article("b", TEXT, _sentences(TEXT), "2026-01-17", "2026-01-17", "2026-01-17")
    by_text = {t.span.text: (t.value, inf) for t, inf in zip(r.times, r.inferred, strict=True)}
    assert by_text["Wednesday"] == ("2026-01-14", True)
    assert by_text["Friday"] == ("2026-01-16", True)
    assert by_text["2018"] == ("2018", False)  # read without the inferred day too
