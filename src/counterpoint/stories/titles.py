"""Readable titles and date spans for stories and storylines.

A story is titled by the most central, least loaded headline of its members
(centrality to the story's centroid minus how emotive the headline's words are),
shown whole; a story without a usable headline falls back to the first sentence
of its most central text, shortened at a clause boundary, never cut mid-phrase
with an ellipsis. A storyline is titled by the entities its stories share, plus
the phrase its story titles most often share (a word pair, else a word that is
not an adjective) when there is one.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date

from counterpoint.stories.embed import lead_sentences

#: a first sentence used as a title is shortened at a clause boundary past this many words
MAX_WORDS = 20
#: weight of a headline's loadedness (0..1 per word) against its centrality (cosine 0..1)
LOADED_WEIGHT = 1.0
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_STOP_WORDS = """
    a an the and or but of to in on at for from by with as is are was were be been its it this that
    after amid over under into new says said say will would could may might not no than then who what
    why how when where which his her their our your has have had more most about against between"""
_STOP = frozenset(_STOP_WORDS.split())
# suffixes of adjectives ("strategic", "diplomatic", "historic", "economic"): a word that dangles as a title
_ADJ_SUFFIX = ("ic", "al", "ous", "ive", "ful", "less", "able", "ible", "ary", "ish")
_CLAUSE = re.compile(r"[,;:]\s|\s[—–-]\s")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _shorten(sentence: str, words: int = MAX_WORDS) -> str:
    """A sentence as a title: whole when short, else up to its last clause boundary within ``words``.

    Never cut mid-phrase with an ellipsis: a sentence with no boundary early enough stays whole.
    """
    text = " ".join(sentence.split())
    if len(text.split()) <= words:
        return text
    cut = [m.start() for m in _CLAUSE.finditer(text) if len(text[: m.start()].split()) <= words]
    return text[: cut[-1]].rstrip(" ,;:") if cut and len(text[: cut[-1]].split()) >= 4 else text


def loadedness(headline: str) -> float:
    """How emotive a headline's words are, 0 (plain) up: mean per word of VADER valence (scaled to 0..1)
    or adjective subjectivity, whichever is larger, plus 0.2 for an exclamation or a question."""
    from counterpoint.slant.lexicon import load_lexicon

    lex = load_lexicon()
    words = [w.lower() for w in _WORD.findall(headline)]
    if not words:
        return 0.0
    total = 0.0
    for w in words:
        adj = lex.adjectives.get(w)
        total += max(abs(lex.valence.get(w, 0.0)) / 4, adj[1] if adj else 0.0)
    return total / len(words) + (0.2 if "!" in headline or "?" in headline else 0.0)


def usable_headline(title: str | None) -> bool:
    """A headline worth showing: a few words, not shouting, not a bare site name."""
    if not title:
        return False
    words = title.split()
    return 3 <= len(words) <= 40 and not title.isupper()


def story_title(members: Sequence[tuple[str | None, str, float]]) -> str:
    """Title of a story from its members' (headline, text, centrality), centrality higher = more central.

    The usable headline with the highest centrality minus ``LOADED_WEIGHT`` x loadedness wins,
    shown whole; else the first sentence of the most central text (``_shorten``).
    """
    heads = [
        (members[i][2] - LOADED_WEIGHT * loadedness(title), i, " ".join(title.split()))
        for i, (title, _text, _c) in enumerate(members)
        if title is not None and usable_headline(title)
    ]
    if heads:
        return max(heads, key=lambda h: (h[0], -h[1]))[2]
    for i in sorted(range(len(members)), key=lambda i: (-members[i][2], i)):
        lead = lead_sentences(members[i][1], 1)
        if lead:
            return _shorten(lead[0])
    return "Untitled story"


def storyline_title(entity_names: Sequence[str], story_titles: Sequence[str]) -> str:
    """Title of a storyline from its central entity names (most central first) and its story titles."""
    if len(story_titles) == 1 or not entity_names:
        return story_titles[0] if story_titles else "Untitled storyline"
    names = list(entity_names[:3])
    head = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    term = _shared_phrase(story_titles, {w.casefold() for n in names for w in n.split()})
    return f"{head}: {term}" if term else head


def _shared_phrase(story_titles: Sequence[str], taken: set[str]) -> str | None:
    """The word pair, else the word, most story titles share (in two or more); None when none is shared.

    A lone adjective ("strategic") dangles as a title, so single words with an adjective's
    suffix are not used; names already in the title are not repeated.
    """
    pairs: Counter[str] = Counter()
    singles: Counter[str] = Counter()
    shown: dict[str, str] = {}  # the word as a title first wrote it (a name keeps its capital)
    for t in story_titles:
        for w in _WORD.findall(t):
            shown.setdefault(w.casefold(), w if w[1:].islower() and not t.startswith(w) else w.lower())
        words = [w.casefold() for w in _WORD.findall(t)]
        keep = [w for w in words if w not in _STOP and w not in taken]
        singles.update(set(keep))
        pairs.update({f"{a} {b}" for a, b in itertools.pairwise(words) if a in keep and b in keep})
    for counts, single in ((pairs, False), (singles, True)):
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        term = next((w for w, n in ranked if n >= 2 and not (single and w.endswith(_ADJ_SUFFIX))), None)
        if term:
            return " ".join(shown.get(w, w) for w in term.split())
    return None


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
