"""Merging reports into one record per real event: actors, type, compatible dates, outlets."""

from __future__ import annotations

from counterpoint.events.merge import interval, merge_scope
from counterpoint.model import Span
from counterpoint.model.event import Actor, EventReport, ReportSource

CARNEY = Actor("Mark Carney", "CAN", "government")
XI = Actor("Xi Jinping", "CHN", "government")
TRUMP = Actor("Donald Trump", "USA", "government")


def report(
    aid: str,
    text: str,
    *,
    source: Actor = CARNEY,
    target: Actor = XI,
    cameo: str = "040",
    type: str = "CONSULT",
    date: str | None = "2026-01-16",
    precision: str = "day",
    start: int = 0,
) -> EventReport:
    span = Span(aid, start, start + len(text), text)
    return EventReport(
        source, target, type, cameo, "reported", False, False, date, precision, 1.0, span,
        Span(aid, start, start + 3, text[:3]), 0.7,
    )  # fmt: skip


def src(
    r: EventReport, outlet: str = "AP", *, story: str | None = "s1", dup: str | None = None
) -> ReportSource:
    return ReportSource(r, outlet, r.date, dup, story)


def test_merge_same_meeting_across_outlets_is_one_event_with_every_report() -> None:
    reports = [
        src(report("a", "Carney met Xi in Beijing."), "AP"),
        src(report("b", "Xi met Carney on Friday.", source=XI, target=CARNEY), "Reuters"),
        src(report("c", "Carney and Xi talked.", date="2026-01", precision="month"), "CBC"),
    ]
    [ev] = merge_scope("scope", reports)
    assert ev.reports == 3
    assert set(ev.outlets) == {"AP", "Reuters", "CBC"}
    assert [s.article_id for s in ev.evidence] == ["a", "b", "c"]
    assert (ev.date, ev.precision) == ("2026-01-16", "day")  # the most precise date wins


def test_merge_meetings_months_apart_stay_two_events() -> None:
    reports = [
        src(report("a", "Carney met Xi at APEC.", date="2025-10-31"), "AP", story="s1"),
        src(report("b", "Carney met Xi in Beijing.", date="2026-01-16"), "AP", story="s2"),
    ]
    assert len(merge_scope("scope", reports)) == 2


def test_merge_different_type_or_direction_of_directed_events_stay_apart() -> None:
    canada = Actor("Canada", "CAN", "government")
    usa = Actor("United States", "USA", "government")
    reports = [
        src(
            report(
                "a",
                "Trump hit Canada with tariffs.",
                source=TRUMP,
                target=canada,
                cameo="163",
                type="SANCTION",
            ),
            "AP",
        ),
        src(
            report(
                "b",
                "Canada put tariffs on US goods.",
                source=canada,
                target=usa,
                cameo="163",
                type="SANCTION",
            ),
            "AP",
        ),
        src(report("c", "Carney met Xi.", target=XI), "AP"),
    ]
    assert len(merge_scope("scope", reports)) == 3


def test_merge_syndicated_copies_count_once() -> None:
    same = "Carney met Xi in Beijing on Friday."
    reports = [
        src(report("a", same), "AP"),
        src(report("b", same), "Yahoo"),  # the wire sentence word for word: syndication
        src(report("c", "Carney and Xi held talks."), "CBC"),
        src(report("d", same), "AP copy", dup="a"),  # an exact copy of article a
    ]
    [ev] = merge_scope("scope", reports)
    assert ev.reports == 3
    assert set(ev.outlets) == {"AP", "CBC"}


def test_merge_undated_report_joins_its_own_storys_event_only() -> None:
    reports = [
        src(report("a", "Carney met Xi.", date="2026-01-16"), "AP", story="visit"),
        src(report("b", "Carney's meeting with Xi.", date=None, precision="unknown"), "CBC", story="visit"),
        src(report("c", "Carney met Xi at APEC.", date=None, precision="unknown"), "CBC", story="apec"),
    ]
    events = merge_scope("scope", reports)
    assert sorted(e.reports for e in events) == [1, 2]


def test_merge_fills_a_country_another_report_states() -> None:
    bare = Actor("Mark Carney", None, None)
    reports = [src(report("a", "Carney met Xi.")), src(report("b", "Carney met Xi again.", source=bare))]
    [ev] = merge_scope("scope", reports)
    assert ev.reports == 2
    assert ev.source.country == "CAN"


def test_merge_ids_are_stable_and_confidence_grows_with_reports() -> None:
    reports = [src(report("a", "Carney met Xi.")), src(report("b", "Carney met Xi too."), "Other")]
    first, again = merge_scope("scope", reports), merge_scope("scope", list(reversed(reports)))
    assert [e.id for e in first] == [e.id for e in again]
    assert first[0].confidence > 0.7


def test_interval_of_each_precision() -> None:
    assert interval("2026-01", "month") is not None
    assert str(interval("2026-W03", "week")) == "(datetime.date(2026, 1, 12), datetime.date(2026, 1, 18))"
    start, end = interval("2026-01-16", "published") or (None, None)
    assert end is not None
    assert start is not None
    assert (end - start).days == 10
    assert interval(None, "unknown") is None
    assert interval("garbage", "day") is None
