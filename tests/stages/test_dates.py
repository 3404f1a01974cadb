from __future__ import annotations

import re
from pathlib import Path

import pytest

from counterpoint.config import Settings
from counterpoint.model import Article, Doc, RawDocument, TimeExpr
from counterpoint.stages.clean import clean_text
from counterpoint.stages.dates import calendar_spans, dates, find_times, same_time

# The seeds belong to their publishers: they are read from beside the checkout, never copied here.
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "seeds"
SATURDAY = "2026-01-17"
#: the pipeline gets sentences from spaCy; tests use this simple split
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def _times(
    text: str, published: str | None = SATURDAY, sentences: list[tuple[int, int]] | None = None
) -> list[TimeExpr]:
    art = Article(id="a1", source="test", text=text, published=published)
    return find_times(art, [] if sentences is None else sentences)


def _one(text: str, published: str | None = SATURDAY) -> TimeExpr:
    found = _times(text, published)
    assert len(found) == 1, [t.span.text for t in found]
    return found[0]


def _row(t: TimeExpr) -> tuple[str, str | None, str]:
    return t.span.text, t.value, t.precision


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The deal was signed on January 16, 2026 in Beijing.", ("January 16, 2026", "2026-01-16", "day")),
        ("The deal was signed on Friday, 16 January 2026.", ("Friday, 16 January 2026", "2026-01-16", "day")),
        ("The call took place on Jan. 16 at noon.", ("Jan. 16", "2026-01-16", "day")),
        ("The call took place on 16 January.", ("16 January", "2026-01-16", "day")),
        ("They met at the summit in October 2025.", ("October 2025", "2025-10", "month")),
        ("Tensions rose in late October 2025.", ("late October 2025", "2025-10", "month")),
        ("Relations soured in 2018.", ("2018", "2018", "year")),
        ("Relations soured since 2018.", ("2018", "2018", "year")),
        ("The arrest came in late 2018.", ("late 2018", "2018", "year")),
        ("Growth stalled in mid-2019.", ("mid-2019", "2019", "year")),
        ("The 2018 arrest of an executive hurt ties.", ("2018", "2018", "year")),
        ("It was 2024's biggest story.", ("2024", "2024", "year")),
        ("Trade boomed in the 1990s.", ("1990s", "199", "decade")),
        ("Updated 2026-01-17 by the desk.", ("2026-01-17", "2026-01-17", "day")),
        ("Updated: 17-01-2026 by the desk.", ("17-01-2026", "2026-01-17", "day")),
        ("Filed 1/17/2026 by the desk.", ("1/17/2026", "2026-01-17", "day")),
    ],
)
def test_dates_absolute_expressions(text: str, expected: tuple[str, str, str]) -> None:
    assert _row(_one(text)) == expected


def test_dates_year_ranges() -> None:
    assert [_row(t) for t in _times("Output fell from 2010 to 2012.")] == [
        ("2010", "2010", "year"),
        ("2012", "2012", "year"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xi met Carney on Friday in Beijing.", ("Friday", "2026-01-16")),
        ("Carney arrived in China on Wednesday.", ("Wednesday", "2026-01-14")),
        ("The paper appeared on Saturday.", ("Saturday", "2026-01-17")),
        ("He said last Friday that talks failed.", ("last Friday", "2026-01-16")),
        ("Ministers will meet on Monday.", ("Monday", "2026-01-19")),
        ("The vote is set for next Friday.", ("next Friday", "2026-01-23")),
    ],
)
def test_dates_weekdays_from_publication(text: str, expected: tuple[str, str]) -> None:
    t = _one(text)
    assert (t.span.text, t.value, t.precision) == (*expected, "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials spoke yesterday.", ("yesterday", "2026-01-16", "day")),
        ("Officials speak today.", ("today", "2026-01-17", "day")),
        ("Protests broke out last night.", ("last night", "2026-01-16", "day")),
        ("Carney met Xi this week.", ("this week", "2026-W03", "week")),
        ("Carney met Xi last week.", ("last week", "2026-W02", "week")),
        ("Prices rose last month.", ("last month", "2025-12", "month")),
        ("Prices rose earlier this month.", ("earlier this month", "2026-01", "month")),
        ("He took office last year.", ("last year", "2025", "year")),
        ("Elections follow next year.", ("next year", "2027", "year")),
        ("The plant closed two years ago.", ("two years ago", "2024", "year")),
        ("The plant closed 3 days ago.", ("3 days ago", "2026-01-14", "day")),
    ],
)
def test_dates_relative_expressions(text: str, expected: tuple[str, str, str]) -> None:
    assert _row(_one(text)) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The party won an election in April.", "2025-04"),
        ("The party will hold an election in April.", "2026-04"),
        ("Talks began in January.", "2026-01"),
        ("They met last April.", "2025-04"),
        ("The Jan. 20 meeting will decide.", "2026-01-20"),
        ("The Jan. 20 meeting decided it.", "2025-01-20"),
    ],
)
def test_dates_month_without_year_follows_tense(text: str, value: str) -> None:
    assert _one(text).value == value


def test_dates_without_publication_date_relative_values_are_none() -> None:
    found = _times("On Friday, yesterday and in April, as in 2018 and on January 16, 2026.", published=None)
    assert [_row(t) for t in found] == [
        ("Friday", None, "relative"),
        ("yesterday", None, "relative"),
        ("April", None, "relative"),
        ("2018", "2018", "year"),
        ("January 16, 2026", "2026-01-16", "day"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The deficit widened to $25.04 billion after a 100% tariff.",
        "It cost $2018 million and rose 2019% in all.",
        "He won by 2000 votes.",
        "Theresa May said the plan may work.",
        "Today's volatile climate worries investors.",
        "Over the last year things changed.",
        "Black Friday sales were strong.",
        "There were 1,950 cases and 2,024 tests.",
        "",
    ],
)
def test_dates_ignores_numbers_and_words_that_are_not_dates(text: str) -> None:
    assert _times(text) == [], [t.span.text for t in _times(text)]


def test_dates_sentence_is_the_given_sentence() -> None:
    text = "Talks failed in 2018. Xi met Carney on Friday. Both spoke."
    sents = [m.span() for m in _SENTENCE.finditer(text)]
    found = _times(text, sentences=list(reversed(sents)))  # any order
    assert [t.sentence.text for t in found] == ["Talks failed in 2018.", " Xi met Carney on Friday."]


def test_dates_sentence_falls_back_to_the_paragraph() -> None:
    text = "Talks failed in 2018. They resumed.\n\nXi met Carney on Friday."
    found = _times(text)
    assert [t.sentence.text for t in found] == [
        "Talks failed in 2018. They resumed.",
        "Xi met Carney on Friday.",
    ]
    # a sentence list that misses an expression also falls back, for that expression only
    found = _times(text, sentences=[(0, 21)])
    assert [t.sentence.text for t in found] == ["Talks failed in 2018.", "Xi met Carney on Friday."]


def test_dates_spans_are_evidence() -> None:
    text = "Relations soured in late 2018.\n\nOn Friday, 16 January 2026, they met."
    for t in _times(text):
        assert text[t.span.start : t.span.end] == t.span.text
        assert text[t.sentence.start : t.sentence.end] == t.sentence.text
        assert t.sentence.start <= t.span.start < t.span.end <= t.sentence.end


def test_dates_very_long_text() -> None:
    para = "Relations soured in 2018, and Xi met Carney on Friday, January 16, 2026 after talks last week."
    text = "\n\n".join([para] * 3000)
    found = _times(text)
    assert len(found) == 9000
    assert [_row(t) for t in found[-3:]] == [
        ("2018", "2018", "year"),
        ("Friday, January 16, 2026", "2026-01-16", "day"),
        ("last week", "2026-W02", "week"),
    ]


def test_dates_calendar_spans_for_the_numbers_stage() -> None:
    text = "On Jan. 16, 2026, in October 2025 and in 2018 (updated 17-01-2026)."
    assert [text[s:e] for s, e in calendar_spans(text)] == ["Jan. 16, 2026", "October 2025", "17-01-2026"]


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("2026-01", "2026-01-16", True),
        ("2026-01-16", "2026-01-16", True),
        ("2026-01-15", "2026-01-16", False),
        ("2025-10", "2026-01", False),
        ("2018", "2018-11-30", True),
        ("2018", "2019", False),
        ("199", "1995", True),
        ("199", "2001", False),
        ("2026-W03", "2026-01-16", True),
        ("2026-W03", "2026-01-19", False),
        ("2026-W01", "2025-12", True),  # ISO week 1 of 2026 starts on 29 December 2025
    ],
)
def test_dates_same_time(a: str, b: str, agree: bool) -> None:
    assert same_time(a, b) is agree
    assert same_time(b, a) is agree


def test_dates_same_time_rejects_unknown_values() -> None:
    with pytest.raises(ValueError, match="not a time value"):
        same_time("last year", "2025")


def test_dates_stage_fills_the_layer() -> None:
    text = "Xi met Carney on Friday."
    raw = RawDocument(id="a1", source="test", body=text, format="text")
    art = Article(id="a1", source="test", text=text, published=SATURDAY, language="en")
    doc = Doc(raw=raw, article=art, sentences=((0, len(text)),))
    out = dates(doc, Settings())
    assert [(_row(t), t.sentence.text) for t in out.times] == [(("Friday", "2026-01-16", "day"), text)]


def _seed_times(prefix: str, published: str | None) -> set[tuple[str, str | None, str]]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (it sits beside the checkout, in ../shared)")
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    text = clean_text(path.read_text(encoding="utf-8")).text
    art = Article(id=prefix, source=str(path), text=text, published=published)
    return {_row(t) for t in find_times(art, [m.span() for m in _SENTENCE.finditer(text)])}


def test_dates_seed_002() -> None:
    # 002 states no date of its own; its Friday is read against the date the other seeds carry.
    rows = _seed_times("002", SATURDAY)
    assert ("2018", "2018", "year") in rows
    assert ("October 2025", "2025-10", "month") in rows
    assert ("Friday", "2026-01-16", "day") in rows
    assert ("2035", "2035", "year") in rows
    assert ("2024", "2024", "year") in rows


def test_dates_seed_002_without_publication_date() -> None:
    rows = _seed_times("002", None)
    assert ("Friday", None, "relative") in rows
    assert ("October 2025", "2025-10", "month") in rows


def test_dates_seed_004() -> None:
    rows = _seed_times("004", SATURDAY)
    assert ("late 2018", "2018", "year") in rows
    assert ("2024", "2024", "year") in rows
    assert ("Wednesday", "2026-01-14", "day") in rows
    assert ("last year", "2025", "year") in rows


def test_dates_seed_003() -> None:
    rows = _seed_times("003", SATURDAY)
    assert ("April", "2025-04", "month") in rows
    assert ("2018", "2018", "year") in rows
    assert all(value is not None for _, value, _ in rows)
