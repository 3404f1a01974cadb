"""Readable titles and date spans for stories and storylines.

A story is titled by the headline of its most central article (the one nearest
the story's centroid), falling back to that article's first sentence. A
storyline is titled by the entities its stories share, plus the word its
story titles most often share when there is one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date

from counterpoint.stories.embed import lead_sentences

MAX_WORDS = 16
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_STOP_WORDS = """
    a an the and or but of to in on at for from by with as is are was were be been its it this that
    after amid over under into new says said say will would could may might not no than then who what
    why how when where which his her their our your has have had more most about against between"""
_STOP = frozenset(_STOP_WORDS.split())
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _clip(text: str, words: int = MAX_WORDS) -> str:
    parts = text.split()
    return " ".join(parts) if len(parts) <= words else " ".join(parts[:words]) + " …"


def usable_headline(title: str | None) -> bool:
    """A headline worth showing: a few words, not shouting, not a bare site name."""
    if not title:
        return False
    words = title.split()
    return 3 <= len(words) <= 40 and not title.isupper()


def story_title(members: Sequence[tuple[str | None, str, float]]) -> str:
    """Title of a story from its members' (headline, text, centrality), centrality higher = more central.

    The most central usable headline wins; else the first sentence of the most central text.
    """
    ranked = sorted(range(len(members)), key=lambda i: (-members[i][2], i))
    for i in ranked:
        title = members[i][0]
        if usable_headline(title):
            return _clip(" ".join((title or "").split()))
    for i in ranked:
        lead = lead_sentences(members[i][1], 1)
        if lead:
            return _clip(lead[0])
    return "Untitled story"


def storyline_title(entity_names: Sequence[str], story_titles: Sequence[str]) -> str:
    """Title of a storyline from its central entity names (most central first) and its story titles."""
    if len(story_titles) == 1 or not entity_names:
        return story_titles[0] if story_titles else "Untitled storyline"
    names = list(entity_names[:3])
    head = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    taken = {w.casefold() for n in names for w in n.split()}
    counts: Counter[str] = Counter()
    for t in story_titles:
        counts.update({w.casefold() for w in _WORD.findall(t)} - _STOP - taken)
    term = next((w for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2), None)
    return f"{head}: {term}" if term else head


def date_span(first: str | None, last: str | None) -> str | None:
    """Human date span: "17 Jan 2026", "14–17 Jan 2026", "28 Dec 2025 – 3 Jan 2026"; None when undated."""
    if not first or not last:
        return None
    try:
        a, b = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
    except ValueError:
        return None
    a, b = min(a, b), max(a, b)

    def full(d: date) -> str:
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"

    if a == b:
        return full(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {_MONTHS[b.month - 1]} {b.year}"
    if a.year == b.year:
        return f"{a.day} {_MONTHS[a.month - 1]} – {full(b)}"
    return f"{full(a)} – {full(b)}"
