"""How a timeline is shown: readable dates, plans apart, a storyline's events once."""

from __future__ import annotations

from counterpoint.report.story_page import human_date, story_timeline


def test_timeline_view_human_dates() -> None:
    assert human_date("2026-01-14") == "Wed 14 Jan 2026"
    assert human_date("2025-10") == "Oct 2025"
    assert human_date("2018") == "2018"
    assert human_date("199") == "the 1990s"
    assert human_date("2026-W03") == "week of 12 Jan 2026"
    assert human_date("not a date") == "not a date"


def _event(date: str, aid: str, kind: str = "event") -> dict[str, object]:
    return {"date": date, "kind": kind, "text": date, "evidence": [{"article_id": aid}]}


def test_timeline_view_story_of_a_storyline_shows_its_own_events_and_plans_apart() -> None:
    timeline = [_event("2018", "a"), _event("2024", "z"), _event("2035", "a", "plan")]
    events, plans = story_timeline(timeline, {"a"}, True)
    assert [e["date"] for e in events] == ["2018"]  # 2024 belongs to another chapter
    assert [e["when"] for e in plans] == ["2035"]
    events, plans = story_timeline(timeline, {"a"}, False)
    assert [e["date"] for e in events] == ["2018", "2024"]
