"""Temporal expressions, normalised against the publication date with plain rules (no model).

Each expression becomes a :class:`TimeExpr` whose ``value`` is ISO at its precision:

* ``day`` "2026-01-16", ``month`` "2025-10", ``year`` "2018";
* ``week`` "2026-W03" (ISO week: "this week", "last week", "two weeks ago");
* ``decade`` "199" for "the 1990s": the ISO prefix every date of the decade shares, so a decade
  compares with a year or a day the same way a year compares with a month;
* ``relative`` with value None when the expression needs a publication date the article lacks.

Decisions:

* The span is the expression without its preposition: "in 2018" -> "2018", "on Friday" ->
  "Friday"; modifiers stay in the span but not in the value: "late 2018" -> "2018" (year).
* A weekday, a month without a year ("in April") and a day without a year ("Jan. 16") take the
  most recent such date on or before publication, the news convention, unless the sentence is
  in the future tense ("will", "next", "expected to"...), then the next one on or after it.
  "last"/"next" force before/after.
* A year alone is a date only in a date-like context: after "in", "since", "by", "until"...,
  before "'s", in "the 2018 arrest", or closing a range ("2018 to 2020"); never next to a
  currency, a percent or a scale word.
* Numeric dates: ISO "2026-01-17"; "17-01-2026" and "17.01.2026" read day first, "1/17/2026"
  month first (the US habit), unless a field over 12 settles it.
* "today's" is left out: in news copy it is mostly "nowadays" ("today's volatile climate");
  "over the last year" is the past twelve months, not the previous calendar year, so it is left out.

Speed: each family is found by a fast literal pattern (month names, weekday names, four-digit
numbers, "ago") and only then examined with short look-arounds on lower-cased text, because one
IGNORECASE scan of a whole article costs more than all of those together.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from counterpoint.config import Settings
from counterpoint.model import Article, Doc, TimeExpr
from counterpoint.pipeline import stage

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d\d"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"

#: capitalised only ("may" and "march" are verbs); one flat list of words, which the engine scans fast
_MONTH_RX = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b"
)
_DAY_AFTER = re.compile(rf"\s+(?P<day>{_DAY})\b(?:,?\s+(?P<year>{_YEAR})\b)?(?![,.]?\d)")
_YEAR_AFTER = re.compile(rf",?\s+(?:of\s+)?(?P<year>{_YEAR})\b")
_DAY_BEFORE = re.compile(rf"\b(?P<day>{_DAY})\s+(?:of\s+)?$")
_WEEKDAY_BEFORE = re.compile(rf"{_WEEKDAY},?\s+$")
_MOD_BEFORE = re.compile(
    r"\b(?:early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of)(?:\s+|-)$"
)
#: a month on its own needs a context word; "May" fewer of them, it is also a name
_MONTH_CTX_BEFORE = re.compile(
    r"\b(?P<ctx>in|since|until|till|by|from|during|through|before|after|of|early|late|mid|last|next|this)"
    r"(?:\s+|-)$"
)
_NOT_MAY_CTX = {"by", "from", "of", "before", "after", "through"}
#: "2026-01-17", "17-01-2026", "1/17/2026", "17.01.2026"; which is which is decided in ``_numeric``
_NUMERIC = re.compile(r"\d{1,4}([/.-])\d{1,2}\1\d{2,4}\b")

_YEAR_RX = re.compile(rf"\b{_YEAR}\b")
_YEAR_CTX_BEFORE = re.compile(
    r"\b(?P<ctx>in|since|by|from|until|till|through|during|before|after|of|around|circa|throughout|between"
    r"|spring|summer|autumn|fall|winter|early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of)"
    r"(?:\s+|-)(?:(?P<mod>early|late|mid)(?:\s+|-))?$"
)
#: context words that are part of the expression ("late 2018"), not a preposition before it ("in 2018")
_SPAN_CTX = {"early", "late", "mid", "spring", "summer", "autumn", "fall", "winter"}
_YEAR_ADJ_BEFORE = re.compile(r"\b(?:the|their|its|this)\s+$")
_LOWER_WORD_AFTER = re.compile(r"\s+[a-z]")
_POSSESSIVE_AFTER = re.compile(r"['’]s\b")
_RANGE_BEFORE = re.compile(rf"(?P<year>{_YEAR})\s*(?:-|–|to|and)\s*$")
_NOT_A_YEAR_AFTER = re.compile(
    r"\s?(?:%|per\s?cent|percent|thousand|million|billion|trillion|dollars|euros|miles|km)"
)
_PLURAL_NOUN_AFTER = re.compile(r"\s+[a-z]{3,}(?<![su]s)s\b")
_CURRENCY_BEFORE = re.compile(r"[$€£¥₹]\s?$")
_DECADE = re.compile(r"\b(?P<full>(?:19|20)\d0)['’]?s\b|(?<!\w)['’](?P<short>\d0)s\b")

_WEEKDAY_RX = re.compile(rf"{_WEEKDAY}\b")
_WEEKDAY_REL_BEFORE = re.compile(r"\b(?P<rel>last|this|next|on|since|by|until|from|early|late)\s+$")
_HOLIDAY_BEFORE = re.compile(r"(?:Good|Black|Cyber|Ash|Palm|Holy|Super|Easter|Maundy)\s+$")
_DAY_WORD = re.compile(
    r"\b(?:today|tonight|yesterday|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b"
)
_REL_UNIT = re.compile(r"\b(?:(?:earlier|later)\s+)?(?P<rel>this|last|next)\s+(?P<unit>week|month|year)\b")
_AGO = re.compile(r"\bago\b")
_AGO_BEFORE = re.compile(
    r"\b(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty)\s+(?P<unit>days?|weeks?|months?|years?|decades?)\s+$"
)
_AGO_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|going\s+to|next|upcoming|scheduled|expected\s+to|plans?\s+to|planning\s+to"
    r"|set\s+to|due\s+to|intends?\s+to)\b"
)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    value: str | None
    precision: str


@dataclass(frozen=True, slots=True)
class _MonthHit:
    start: int
    end: int
    month: int
    day: int | None
    year: int | None
    ctx: str | None  # the context word a month needs when it has neither day nor year ("in", "last")


def fold_case(text: str) -> str:
    """Lower-cased text with the same offsets (the rare characters whose lower case is longer stay)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _day(text: str) -> int:
    return int(text.rstrip("stndrh"))


def _iso_day(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _future(sentence: str) -> bool:
    return _FUTURE.search(sentence.lower()) is not None


def _month_day_no_year(pub: date, m: int, d: int, future: bool) -> str | None:
    """The nearest (month, day) on or before publication, or on or after it in a future sentence."""
    for y in (pub.year - 1, pub.year, pub.year + 1) if future else (pub.year + 1, pub.year, pub.year - 1):
        try:
            cand = date(y, m, d)
        except ValueError:
            continue
        if (future and cand >= pub) or (not future and cand <= pub):
            return cand.isoformat()
    return None


def _weekday(pub: date, wd: int, rel: str, future: bool) -> str:
    back = (pub.weekday() - wd) % 7  # days since the most recent such weekday, 0 = publication day
    ahead = (wd - pub.weekday()) % 7
    if rel == "last":
        return (pub - timedelta(days=back or 7)).isoformat()
    if rel == "next":
        return (pub + timedelta(days=ahead or 7)).isoformat()
    return (pub + timedelta(days=ahead)).isoformat() if future else (pub - timedelta(days=back)).isoformat()


def _bare_month(pub: date, m: int, ctx: str, future: bool) -> str:
    y = pub.year
    if ctx == "last":
        y = y if m < pub.month else y - 1
    elif ctx == "next":
        y = y if m > pub.month else y + 1
    elif ctx != "this" and future:
        y = y if m >= pub.month else y + 1
    elif ctx != "this":
        y = y if m <= pub.month else y - 1
    return f"{y}-{m:02d}"


def _relative_found(start: int, end: int, pub: date | None, unit: str, k: int) -> _Found:
    """``k`` days, weeks, months or years from publication, at that precision."""
    if pub is None:
        return _Found(start, end, None, "relative")
    if unit == "day":
        return _Found(start, end, (pub + timedelta(days=k)).isoformat(), "day")
    if unit == "week":
        return _Found(start, end, _week(pub + timedelta(weeks=k)), "week")
    if unit == "month":
        n = pub.year * 12 + pub.month - 1 + k
        return _Found(start, end, f"{n // 12}-{n % 12 + 1:02d}", "month")
    return _Found(start, end, str(pub.year + k), "year")


def _month_hits(text: str, low: str) -> list[_MonthHit]:
    """Expressions built on a month name: "Friday, January 16, 2026", "16 January", "late October
    2025", "in April"."""
    out: list[_MonthHit] = []
    for m in _MONTH_RX.finditer(text):
        mon, start, end = _month(m[0]), m.start(), m.end()
        if len(m[0]) <= 4 and m[0] not in {"June", "July"} and text.startswith(".", end):
            end += 1  # "Jan."
        day: int | None = None
        year: int | None = None
        if a := _DAY_AFTER.match(text, end):
            day, year, end = _day(a["day"]), int(a["year"]) if a["year"] else None, a.end()
        elif b := _DAY_BEFORE.search(text, max(0, start - 12), start):
            day, start = _day(b["day"]), b.start()
            if y := _YEAR_AFTER.match(text, end):
                year, end = int(y["year"]), y.end()
        elif y := _YEAR_AFTER.match(text, end):
            year, end = int(y["year"]), y.end()
            if mod := _MOD_BEFORE.search(low, max(0, start - 20), start):
                start = mod.start()
        if day is not None:
            if wd := _WEEKDAY_BEFORE.search(text, max(0, start - 12), start):
                start = wd.start()
            out.append(_MonthHit(start, end, mon, day, year, None))
        elif year is not None:
            out.append(_MonthHit(start, end, mon, None, year, None))
        elif c := _MONTH_CTX_BEFORE.search(low, max(0, start - 8), start):
            ctx = c["ctx"]
            if m[0] == "May" and ctx in _NOT_MAY_CTX:
                continue
            start = c.start() if ctx in {"last", "next", "this", "early", "late", "mid"} else start
            out.append(_MonthHit(start, end, mon, None, None, ctx))
    return out


def calendar_spans(text: str) -> list[tuple[int, int]]:
    """Spans of calendar dates with a day or a year ("Jan. 16", "October 2025", "17-01-2026").

    The numbers stage leaves the digits inside these alone; years on their own are not included.
    """
    spans = [(h.start, h.end) for h in _month_hits(text, fold_case(text)) if h.ctx is None]
    spans += [(f.start, f.end) for f in _numeric(text)]
    return sorted(spans)


def _numeric(text: str) -> list[_Found]:
    out: list[_Found] = []
    for m in _NUMERIC.finditer(text):
        if m.start() and text[m.start() - 1] in "0123456789/.-":
            continue
        a, b, c = (int(x) for x in m[0].split(m[1]))
        if len(m[0].split(m[1])[0]) == 4 and m[1] == "-":
            value = _iso_day(a, b, c)
        elif 1900 <= c <= 2099 and len(str(c)) == 4:
            month_first = (m[1] == "/" and a <= 12) or b > 12
            value = _iso_day(c, a, b) if month_first else _iso_day(c, b, a)
        else:
            continue
        if value is not None:
            out.append(_Found(m.start(), m.end(), value, "day"))
    return out


def _absolute(text: str, low: str, pub: date | None, sentence_of: _SentenceFinder) -> list[_Found]:
    out: list[_Found] = []
    for h in _month_hits(text, low):
        if h.day is not None and h.year is not None:
            out.append(_Found(h.start, h.end, _iso_day(h.year, h.month, h.day), "day"))
        elif h.year is not None:
            out.append(_Found(h.start, h.end, f"{h.year}-{h.month:02d}", "month"))
        elif pub is None:
            out.append(_Found(h.start, h.end, None, "relative"))
        elif h.day is not None:
            future = _future(sentence_of.text(h.start))
            out.append(_Found(h.start, h.end, _month_day_no_year(pub, h.month, h.day, future), "day"))
        else:
            future = _future(sentence_of.text(h.start))
            out.append(_Found(h.start, h.end, _bare_month(pub, h.month, h.ctx or "", future), "month"))
    out += _numeric(text)
    return [f for f in out if f.value is not None or f.precision == "relative"]


def _years(text: str, low: str) -> list[_Found]:
    out: list[_Found] = []
    year_ends: set[int] = set()
    for m in _YEAR_RX.finditer(text):
        start, end = m.span()
        if _CURRENCY_BEFORE.search(text, max(0, start - 3), start) or _NOT_A_YEAR_AFTER.match(low, end):
            continue
        window = max(0, start - 30)
        if c := _YEAR_CTX_BEFORE.search(low, window, start):
            if c["ctx"] in {"of", "by", "around", "between"} and _PLURAL_NOUN_AFTER.match(text, end):
                continue  # "by 2000 votes", "of 1950 people": a count, not a year
            start = c.start("mod") if c["mod"] else (c.start() if c["ctx"] in _SPAN_CTX else start)
        elif r := _RANGE_BEFORE.search(text, window, start):
            if r.end("year") not in year_ends:
                continue  # "2018 to 2020" is a range only when 2018 was a year
        elif not (
            (_YEAR_ADJ_BEFORE.search(low, window, start) and _LOWER_WORD_AFTER.match(text, end))
            or _POSSESSIVE_AFTER.match(text, end)
        ):
            continue
        year_ends.add(end)
        out.append(_Found(start, end, m[0], "year"))
    for m in _DECADE.finditer(text):
        if m["full"]:
            out.append(_Found(m.start(), m.end(), m["full"][:3], "decade"))
        else:  # "the '90s": the 1900s for 30 and over, else the 2000s
            century = "19" if int(m["short"]) >= 30 else "20"
            out.append(_Found(m.start(), m.end(), century + m["short"][0], "decade"))
    return out


def _weekdays(text: str, low: str, pub: date | None, sentence_of: _SentenceFinder) -> list[_Found]:
    out: list[_Found] = []
    for m in _WEEKDAY_RX.finditer(text):
        start = m.start()
        if _HOLIDAY_BEFORE.search(text, max(0, start - 8), start):
            continue
        r = _WEEKDAY_REL_BEFORE.search(low, max(0, start - 8), start)
        rel = r["rel"] if r else ""
        if r and rel in {"last", "this", "next"}:
            start = r.start()
        if pub is None:
            out.append(_Found(start, m.end(), None, "relative"))
            continue
        future = rel not in {"last", "next"} and _future(sentence_of.text(m.start()))
        out.append(_Found(start, m.end(), _weekday(pub, _WEEKDAYS.index(m[0]), rel, future), "day"))
    return out


def _relative(low: str, pub: date | None) -> list[_Found]:
    out: list[_Found] = []
    for m in _DAY_WORD.finditer(low):
        word = m[0]
        if word == "today" and _POSSESSIVE_AFTER.match(low, m.end()):
            continue  # "today's volatile climate": nowadays, not a date
        shift = -1 if word.startswith(("yesterday", "last")) else 1 if word == "tomorrow" else 0
        value = (pub + timedelta(days=shift)).isoformat() if pub else None
        out.append(_Found(m.start(), m.end(), value, "day" if pub else "relative"))
    for m in _REL_UNIT.finditer(low):
        if low[max(0, m.start() - 4) : m.start()] == "the ":
            continue  # "over the last year": the past twelve months
        k = {"this": 0, "last": -1, "next": 1}[m["rel"]]
        out.append(_relative_found(m.start(), m.end(), pub, m["unit"], k))
    for m in _AGO.finditer(low):
        b = _AGO_BEFORE.search(low, max(0, m.start() - 24), m.start())
        if b is None:
            continue
        n = int(b["n"]) if b["n"].isdigit() else _AGO_WORDS[b["n"]]
        unit = b["unit"].rstrip("s")
        if unit == "decade":
            unit, n = "year", n * 10
        out.append(_relative_found(b.start(), m.end(), pub, unit, -n))
    return out


class _SentenceFinder:
    """The sentence around an offset; the paragraph (line) when no given sentence covers it."""

    def __init__(self, text: str, sentences: Sequence[tuple[int, int]]) -> None:
        self._text = text
        self._sents = sorted(sentences)
        self._starts = [s for s, _ in self._sents]

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and self._sents[i][0] <= pos < self._sents[i][1]:
            return self._sents[i]
        start = self._text.rfind("\n", 0, pos) + 1
        end = self._text.find("\n", pos)
        return start, len(self._text) if end < 0 else end

    def text(self, pos: int) -> str:
        s, e = self.bounds(pos)
        return self._text[s:e]


def _published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def find_times(article: Article, sentences: Sequence[tuple[int, int]]) -> list[TimeExpr]:
    """Temporal expressions of the article, in text order, normalised against ``article.published``.

    ``sentences`` are (start, end) offsets into ``article.text`` in any order, possibly empty;
    an expression outside every sentence gets its paragraph (line) as its sentence.
    """
    text, pub = article.text, _published(article.published)
    low = fold_case(text)
    finder = _SentenceFinder(text, sentences)
    found = _absolute(text, low, pub, finder) + _years(text, low)
    found += _weekdays(text, low, pub, finder) + _relative(low, pub)
    found.sort(key=lambda f: (f.start, f.start - f.end))
    out: list[TimeExpr] = []
    last_end = -1
    for f in found:
        if f.start < last_end:
            continue  # the longer, earlier expression already covers it
        last_end = f.end
        s, e = finder.bounds(f.start)
        out.append(TimeExpr(article.span(f.start, f.end), f.value, f.precision, article.span(s, e)))
    return out


@stage(needs=("text", "sentences", "published"), provides=("times",), english_only=True)
def dates(doc: Doc, settings: Settings) -> Doc:
    """Find and normalise the article's temporal expressions."""
    return doc.with_layers(times=tuple(find_times(doc.article, doc.sentences)))


def _interval(value: str) -> tuple[date, date]:
    """The half-open day interval an ISO value at any of this module's precisions covers."""
    if re.fullmatch(r"\d{3}", value):
        return date(int(value) * 10, 1, 1), date(int(value) * 10 + 10, 1, 1)
    if re.fullmatch(r"\d{4}", value):
        return date(int(value), 1, 1), date(int(value) + 1, 1, 1)
    if m := re.fullmatch(r"(\d{4})-W(\d\d)", value):
        start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return start, start + timedelta(days=7)
    if m := re.fullmatch(r"(\d{4})-(\d\d)", value):
        y, mo = int(m[1]), int(m[2])
        return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]) + timedelta(days=1)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        d = date.fromisoformat(value)
        return d, d + timedelta(days=1)
    raise ValueError(
        f"not a time value of the dates stage: {value!r} (expected e.g. 199, 2026, 2026-01, 2026-W03)"
    )


def same_time(a: str, b: str) -> bool:
    """Whether two normalised times can refer to the same moment.

    Values of different precision agree when they overlap ("2026-01" and "2026-01-16",
    "199" and "1995", "2026-W03" and "2026-01-16"); "2025-10" and "2026-01" do not.
    Raises ValueError for a string that is not one of this module's ISO forms.
    """
    a0, a1 = _interval(a)
    b0, b1 = _interval(b)
    return a0 < b1 and b0 < a1
