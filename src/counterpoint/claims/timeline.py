"""Timeline of a storyline: dated events from all its articles, merged across articles and ordered.

Input is one :class:`DatedSentence` per time expression (the dates stage's ``TimeExpr`` with the
sentence it dates); output is one :class:`TimelineEvent` per distinct event, with every sentence
that reports it as evidence. Background events count as much as the news itself: "the 2018 arrest
of Meng Wanzhou" told in three articles becomes one 2018 event with three evidence spans.

Decisions:

* **What is kept.** Only absolute values: ``relative``/``unknown`` precision or no value are
  dropped (the article had no publication date to read them against). Lines that are merely a
  date (a dateline, "Updated: 17-01-2026 16:15 IST", "© 2026") are dropped: without event words
  they date nothing. Future dates are kept ("double exports by 2035") and sort like the others.
* **Merge rule.** Two dated sentences are one event when their times agree (``same_time``, so
  "January 2026" meets "Jan. 16, 2026", never "October 2025") *and* they tell the same event: the
  same sentence text (syndicated copies, or two expressions of one sentence), or content words
  in common (stopwords out, crude stems) with an IDF-weighted overlap of at least
  ``MERGE_OVERLAP`` and at least ``MIN_SHARED`` words — with one of the event's sentences, or with
  the words its sentences use between them (each telling names part of the event). IDF is taken
  over the storyline, so "Meng Wanzhou" links two sentences far more than "Canada" and "China" do.
* **A cluster keeps the intersection** of its members' intervals and a newcomer must meet that,
  so a week cannot chain "Wednesday" and "Friday" of that week into one event.
* **Several dates in one sentence** ("the arrest ... in late 2018 ... the decision in 2024 to
  impose a 100% tariff") make one event per date. For matching, each date owns only its part of
  the sentence: the text between two dates is cut at the last clause break before the second, so
  the 2018 event is matched on the arrest and the 2024 one on the tariff. Both events show the
  same sentence (it is the evidence of both); two expressions of one sentence that agree are one
  event.
* **Order** is chronological by the start of the date's interval; on a tie the coarser date comes
  first ("2018" before "2018-01-01", "2026-01" before "2026-01-01"), as in an index where a year
  heads its entries. So a year-precision event sorts at the start of its year: its day is unknown,
  and putting it anywhere else would claim more than the text says. Remaining ties go by date,
  text and evidence, so the order never depends on the input order.
* **Shown text** is a member's sentence, never reworded: from the most precise members, the least
  loaded (``DatedSentence.loaded``), then the shortest that is not a fragment; cut to the line
  holding the date when a heading was glued on, and trimmed of a leading bullet or wire dateline.

Cost: dated sentences are bucketed by the years their date covers and compared only with
clusters of the same bucket found through an inverted index of content terms (terms in more
than ``MAX_POSTINGS`` clusters of a bucket score but do not propose candidates), so a storyline
of thousands of sentences is compared near-linearly, never all pairs.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from counterpoint.model import Span, TimeExpr
from counterpoint.model.claim import DatedSentence, TimelineEvent

# The dates stage owns the meaning of its ISO values; reuse its reading instead of a second parser.
from counterpoint.stages.dates import _interval

#: weighted share of the smaller sentence's content that the other must also contain
MERGE_OVERLAP = 0.3
#: content words two sentences must share besides the date (one shared name is a coincidence)
MIN_SHARED = 2
#: sentences without the term assumed besides the storyline's own, so that in a small storyline a
#: word shared by its few sentences still counts as evidence ("Meng" in two of two sentences)
IDF_PRIOR = 10
#: a term in more clusters than this within one year bucket stops proposing candidates
MAX_POSTINGS = 64
#: clusters checked per dated sentence, the most promising first
MAX_CANDIDATES = 20
#: members of a cluster a newcomer is compared with (the first, most precise ones)
MAX_COMPARED = 12
#: fewer content words than this and a sentence is a fragment, not a readable event
MIN_TEXT_WORDS = 6

_DROPPED = frozenset({"relative", "unknown"})

_STOPWORD_LIST = """
    a about above after again against all also am among an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else ever
    few for from further had has have having he her here hers herself him himself his how however i
    if in into is it its itself just least less let like made make many may me might more most much
    must my myself neither no nor not now of off on once one only or other others our ours ourselves
    out over own per same shall she should since so some still such than that the their theirs them
    themselves then there these they this those though through thus to too toward towards under until
    up upon us very via was we were what when where whether which while who whom whose why will with
    within without would yet you your yours yourself yourselves
    said says say saying told tell according reported reportedly added noted stated
    mr mrs ms dr st
"""
_STOPWORDS = frozenset(_STOPWORD_LIST.split())
#: words that name times rather than events; the date itself is already compared
_TIME_WORD_LIST = """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight
    day days week weeks weekend month months year years decade decades ago last next this early
    late mid earlier later recent recently spring summer autumn fall winter
"""
_TIME_WORDS = frozenset(_TIME_WORD_LIST.split())
#: words of publication chrome: a line made of these and a date is a dateline, not an event
_CHROME_WORD_LIST = """
    date dated updated update created published posted modified copyright rights reserved read min
    minutes am pm ist gmt utc est edt pst pdt cet bst et news desk staff team left menu print share
    comments comment email image photo file
"""
_CHROME_WORDS = frozenset(_CHROME_WORD_LIST.split())
_NOT_EVENT_WORDS = _STOPWORDS | _TIME_WORDS | _CHROME_WORDS
_CHROME_MARK = re.compile(
    r"\b(?:updated|published|posted|created|modified|dated?|copyright)\b|©|\|", re.IGNORECASE
)
_TOKEN = re.compile(r"[a-z]+|\d+(?:[.,]\d+)?")
_YEARLIKE = re.compile(r"(?:1[89]|20)\d\d")
#: where one date's part of a sentence ends and the next date's begins
_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2014\u2013]|\s-\s|\b(?:and|but|while|whereas|although|though|when|after|before|then)\b",
    re.IGNORECASE,
)
#: "- ", "• ", "BEIJING (Reuters) — ", "OTTAWA, Ont. – ": chrome in front of the event text
_LEADING_CHROME = re.compile(
    r"^(?:[\s\-–—•*·▪◦>]+|[A-Z]{2}[A-Z.' ]{1,30}(?:,\s*[A-Z][\w.]*)?(?:\s*\([^)]{1,30}\))?\s*[—–-]\s+)+"
)
_SPACE = re.compile(r"\s+")
#: "by 2035", "by the end of 2026", "target for 2030": the date is a goal, not an event
_PLAN_CUE = re.compile(
    r"\b(?:by(?:\s+the\s+(?:end|middle|start)\s+of)?|target(?:ed|s)?\s+(?:for|of)|goal\s+(?:for|of)|plans?\s+for)"
    r"\s+(?:early\s+|late\s+|mid-?)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Item:
    """A dated sentence ready for merging."""

    src: DatedSentence
    start: date
    end: date  # exclusive
    terms: frozenset[str]  # content stems of this date's part of the sentence
    weight: float  # the IDF weight of ``terms``
    text_key: str  # the sentence, case and space folded: equal for syndicated copies
    dates_in_sentence: int  # how many dates its sentence holds (one date: the sentence tells this event)
    focus: str  # the part of the sentence this date owns (the whole sentence when it holds one date)
    plan: bool  # a target or a plan: after its article's publication day, or "by <date>"

    @property
    def width(self) -> int:
        return (self.end - self.start).days


@dataclass(slots=True)
class _Cluster:
    start: date  # the intersection of the members' intervals
    end: date
    members: list[_Item] = field(default_factory=list)


def build_timeline(items: Iterable[DatedSentence], *, max_events: int | None = None) -> list[TimelineEvent]:
    """Dated events of a storyline, merged across articles, in chronological order.

    ``max_events`` keeps the best-supported events (most articles, then most evidence, then the
    most precise date) and returns those in chronological order.
    """
    by_sentence: dict[tuple[str, int, int], list[DatedSentence]] = defaultdict(list)
    for d in items:
        if _absolute(d):
            s = d.time.sentence
            by_sentence[(d.article_id, s.start, s.end)].append(d)
    kept = [ds for ds in by_sentence.values() if not _is_chrome(ds[0].time.sentence.text)]
    idf = _idf(ds[0].time.sentence.text for ds in kept)
    prepared = [_prepare(d, [o.time for o in ds], idf) for ds in kept for d in ds]
    clusters = _cluster(prepared, idf)
    events = [(_event(c), c) for c in clusters]
    if max_events is not None:
        events.sort(key=lambda ec: _support_key(ec[1]))
        events = events[: max(0, max_events)]
    events.sort(key=lambda ec: _order_key(ec[0]))
    return [e for e, _ in events]


def _absolute(d: DatedSentence) -> bool:
    t = d.time
    if t.value is None or t.precision in _DROPPED:
        return False
    try:
        _interval(t.value)
    except ValueError:
        return False  # not one of the dates stage's forms: nothing to order it by
    return True


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def _stem(word: str) -> str:
    # Truncation is the crudest stemmer but a fair one for matching news wording:
    # "arrest/arrested", "tariff/tariffs", "relations/relationship", "Canada/Canadian".
    return word[:5]


def _content_terms(text: str) -> frozenset[str]:
    out = set()
    for w in _words(text):
        if w[0].isdigit():
            if not _YEARLIKE.fullmatch(w):  # a year is the date itself; "100" of "100% tariff" is content
                out.add(w)
        elif len(w) > 1 and w not in _STOPWORDS and w not in _TIME_WORDS:
            out.add(_stem(w))
    return frozenset(out)


def _is_chrome(sentence: str) -> bool:
    """A dateline or publication stamp: a date with (almost) no words of an event around it."""
    words = [w for w in _words(sentence) if w.isalpha() and len(w) > 1 and w not in _NOT_EVENT_WORDS]
    if len(words) < 2:
        return True
    return len(words) < 5 and _CHROME_MARK.search(sentence) is not None


def _focus(time: TimeExpr, siblings: list[TimeExpr]) -> str:
    """The part of the sentence that ``time`` dates, when the sentence holds several dates."""
    sent = time.sentence
    spans = sorted({(t.span.start, t.span.end) for t in siblings})
    if len(spans) < 2:
        return sent.text
    cuts = [sent.start]
    for (_, a_end), (b_start, _) in pairwise(spans):
        gap = sent.text[max(0, a_end - sent.start) : max(0, b_start - sent.start)]
        breaks = [m.start() for m in _CLAUSE_BREAK.finditer(gap)]
        # no clause break: split the words between the two dates in half, at a space
        cut = breaks[-1] if breaks else max(0, gap.rfind(" ", 0, len(gap) // 2 + 1))
        cuts.append(a_end + cut)
    cuts.append(sent.end)
    i = spans.index((time.span.start, time.span.end))
    return sent.text[cuts[i] - sent.start : cuts[i + 1] - sent.start]


def _prepare(d: DatedSentence, siblings: list[TimeExpr], idf: dict[str, float]) -> _Item:
    assert d.time.value is not None  # filtered by _absolute
    start, end = _interval(d.time.value)
    key = _SPACE.sub(" ", d.time.sentence.text.casefold()).strip()
    focus = _focus(d.time, siblings)
    terms = _content_terms(focus)
    n_dates = len({(t.span.start, t.span.end) for t in siblings})
    weight = math.fsum(idf.get(t, 1.0) for t in terms)  # exact in any order of the set
    return _Item(d, start, end, terms, weight, key, n_dates, focus, _is_plan(d, start))


def _is_plan(d: DatedSentence, start: date) -> bool:
    """Whether the sentence states a target or plan for this date rather than something that happened."""
    if d.published:
        try:
            if start > date.fromisoformat(d.published[:10]):
                return True
        except ValueError:
            pass
    s = d.time.sentence
    before = s.text[: max(0, d.time.span.start - s.start)]
    return _PLAN_CUE.search(before) is not None


def _idf(sentences: Iterable[str]) -> dict[str, float]:
    # Document frequency over distinct sentences: a syndicated copy does not make its words common.
    df: Counter[str] = Counter()
    seen: set[str] = set()
    for text in sentences:
        key = _SPACE.sub(" ", text.casefold()).strip()
        if key not in seen:
            seen.add(key)
            df.update(_content_terms(text))
    n = len(seen)
    return {t: math.log((n + IDF_PRIOR) / (c + 0.5)) for t, c in df.items()}


def _overlap(a: _Item, b: _Item, idf: dict[str, float]) -> float:
    shared = a.terms & b.terms
    if len(shared) < MIN_SHARED:
        return 0.0
    return math.fsum(idf.get(t, 1.0) for t in shared) / min(a.weight, b.weight)


def _pooled_overlap(a: _Item, members: list[_Item], idf: dict[str, float]) -> float:
    """``a``'s weighted share of content words that an event's tellings use between them.

    Each telling names part of an event: "Canada's arrest of Huawei executive Meng Wanzhou" and
    "Meng Wanzhou's arrest at the request of US authorities" together cover "the arrest of a
    Chinese tech executive … at America's request", which neither covers alone.
    """
    pooled = frozenset().union(*(m.terms for m in members))
    shared = a.terms & pooled
    if len(shared) < MIN_SHARED or not a.weight:
        return 0.0
    return math.fsum(idf.get(t, 1.0) for t in shared) / a.weight


def _years(start: date, end: date) -> range:
    return range(start.year, date.fromordinal(end.toordinal() - 1).year + 1)


def _cluster(items: list[_Item], idf: dict[str, float]) -> list[_Cluster]:
    """Greedy single pass, most precise dates first, so a coarse mention joins a precise event."""
    items = sorted(
        items,
        key=lambda it: (
            it.width,
            it.start,
            it.src.published or "",
            it.src.article_id,
            it.src.time.span.start,
        ),
    )
    clusters: list[_Cluster] = []
    postings: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_text: dict[tuple[int, str], list[int]] = defaultdict(list)
    for it in items:
        best = _best_cluster(it, clusters, postings, by_text, idf)
        if best is None:
            best = len(clusters)
            clusters.append(_Cluster(it.start, it.end))
        c = clusters[best]
        c.members.append(it)
        c.start, c.end = max(c.start, it.start), min(c.end, it.end)
        for y in _years(it.start, it.end):
            _post(by_text[(y, it.text_key)], best)
            for t in it.terms:
                _post(postings[(y, t)], best)
    return clusters


def _post(posted: list[int], ci: int) -> None:
    # clusters are posted in the order they grow, so a repeat is nearly always the last entry
    if ci not in posted[-4:]:
        posted.append(ci)


def _best_cluster(
    it: _Item,
    clusters: list[_Cluster],
    postings: dict[tuple[int, str], list[int]],
    by_text: dict[tuple[int, str], list[int]],
    idf: dict[str, float],
) -> int | None:
    def agrees(ci: int) -> bool:
        c = clusters[ci]
        return it.start < c.end and c.start < it.end

    years = _years(it.start, it.end)
    for y in years:
        for ci in by_text.get((y, it.text_key), ()):
            if agrees(ci):
                return ci
    shared: Counter[int] = Counter()
    for t in it.terms:
        found: set[int] = set()
        for y in years:
            posted = postings.get((y, t), ())
            if len(posted) <= MAX_POSTINGS:
                found.update(posted)
        shared.update(found)
    best: tuple[float, int] | None = None
    ranked = sorted((ci for ci, n in shared.items() if n >= MIN_SHARED), key=lambda ci: (-shared[ci], ci))
    for ci in ranked[:MAX_CANDIDATES]:
        if not agrees(ci):
            continue
        compared = clusters[ci].members[:MAX_COMPARED]
        score = max(_overlap(it, m, idf) for m in compared)
        if len(compared) > 1:
            score = max(score, _pooled_overlap(it, compared, idf))
        if score >= MERGE_OVERLAP and (best is None or score > best[0]):
            best = (score, ci)
    return None if best is None else best[1]


def _event(c: _Cluster) -> TimelineEvent:
    votes = Counter(m.src.time.value for m in c.members)
    precise = min(c.members, key=lambda m: (m.width, -votes[m.src.time.value], m.src.time.value or ""))
    value = precise.src.time.value
    assert value is not None  # filtered by _absolute
    shown = min((m for m in c.members if m.width == precise.width), key=_text_key)
    spans: dict[tuple[str, int, int], tuple[str, Span]] = {}
    for m in c.members:
        s = m.src.time.sentence
        spans.setdefault((s.article_id, s.start, s.end), (m.src.published or "", s))
    evidence = tuple(
        s for _, s in sorted(spans.values(), key=lambda ps: (ps[0], ps[1].article_id, ps[1].start))
    )
    outlets = tuple(sorted({m.src.outlet for m in c.members if m.src.outlet}))
    # a plan when most of its sentences state it as one: "will double exports by 2035" told twice
    plan = sum(m.plan for m in c.members) * 2 > len(c.members)
    text = _display(shown.src.time)
    if shown.dates_in_sentence > 1:
        # a sentence about 2018 and 2024 is shown, under each, by the clause that date owns
        clause = _clause(shown.focus)
        if len(_words(clause)) >= MIN_TEXT_WORDS and clause in text:
            text = clause
    return TimelineEvent(
        value, precise.src.time.precision, text, evidence, outlets, "plan" if plan else "event"
    )


_CLAUSE_LEAD = re.compile(
    r"^(?:[\s,;:()\u2014\u2013-]|and\b|but\b|while\b|whereas\b|then\b|was\b|were\b)+", re.I
)


def _clause(focus: str) -> str:
    """A date's part of a sentence as shown: without the joining words and punctuation around it."""
    return _CLAUSE_LEAD.sub("", focus).strip().rstrip(",;:").strip()


def _text_key(m: _Item) -> tuple[int, float, int, int, str, str, int]:
    n = len(_words(_display(m.src.time)))
    return (
        m.dates_in_sentence > 1,  # a sentence about this date alone, so two events do not show one sentence
        round(m.src.loaded, 1),  # a tenth apart is noise in a density score; wording differences are not
        0 if n >= MIN_TEXT_WORDS else 1,
        n,
        m.src.published or "",
        m.src.article_id,
        m.src.time.sentence.start,
    )


def _display(time: TimeExpr) -> str:
    """The sentence as shown: the line that holds the date, without a leading bullet or dateline."""
    sent = time.sentence
    at = max(0, time.span.start - sent.start)
    line_start = sent.text.rfind("\n", 0, at) + 1
    line_end = sent.text.find("\n", at)
    line = sent.text[line_start : len(sent.text) if line_end < 0 else line_end]
    trimmed = _LEADING_CHROME.sub("", line, count=1).strip()
    return trimmed or line.strip()


def _support_key(c: _Cluster) -> tuple[int, int, int, date]:
    articles = len({m.src.article_id for m in c.members})
    sentences = len({(m.src.article_id, m.src.time.sentence.start) for m in c.members})
    return (-articles, -sentences, min(m.width for m in c.members), c.start)


def _order_key(e: TimelineEvent) -> tuple[date, int, str, str, str, int]:
    start, end = _interval(e.date)
    first = e.evidence[0]
    return (start, -(end - start).days, e.date, e.text, first.article_id, first.start)
