"""Stance of the outlet toward each central actor, from the sentences about it, quotes excluded.

For every sentence that mentions an actor in the outlet's own words, the valence of the words
around the mention (VADER valences, overridden by the phrase lexicon's valence inside flagged
phrases, flipped after a negator) is summed with weights that fall off with distance from the
mention, squashed to -1..1, and averaged over the sentences with one neutral pseudo-sentence,
so an actor named once gets a mild score rather than an extreme one.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from counterpoint.model import Mention
from counterpoint.slant.lexicon import WORD_RE, Lexicon, QuoteMap

#: Places and adjectives that stand for a country's government in news copy.
METONYMS: dict[str, str] = {
    "Beijing": "China", "Chinese": "China", "Communist China": "China",
    "Washington": "United States", "American": "United States", "Americans": "United States",
    "White House": "United States", "Ottawa": "Canada", "Canadian": "Canada", "Canadians": "Canada",
    "Moscow": "Russia", "Kremlin": "Russia", "Russian": "Russia", "Russians": "Russia",
    "Kyiv": "Ukraine", "Kiev": "Ukraine", "Ukrainian": "Ukraine", "Ukrainians": "Ukraine",
    "London": "United Kingdom", "British": "United Kingdom", "Tehran": "Iran", "Iranian": "Iran",
    "Pyongyang": "North Korea", "Taipei": "Taiwan", "Brussels": "European Union",
    "Israeli": "Israel", "Israelis": "Israel", "Palestinian": "Palestine", "Palestinians": "Palestine",
    "Indian": "India", "New Delhi": "India", "Tokyo": "Japan", "Japanese": "Japan",
    "Mexican": "Mexico", "Mexico City": "Mexico", "Berlin": "Germany", "German": "Germany",
    "Paris": "France", "French": "France",
}  # fmt: skip
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
NEGATORS = frozenset({"not", "no", "never", "without", "nor", "neither", "hardly", "n't", "cannot"})
WINDOW = 6.0  # tokens at which a word's weight has halved
MAX_ENTITIES = 6


def actor_names(mentions: Sequence[Mention]) -> dict[int, str]:
    """Mention index -> the actor it refers to (metonyms and "X administration" folded in)."""
    names: dict[int, str] = {}
    persons = {m.canonical.split()[-1]: m.canonical for m in mentions if m.label == "PERSON"}
    for i, m in enumerate(mentions):
        if m.label not in ACTOR_LABELS:
            continue
        name = METONYMS.get(m.canonical, m.canonical)
        for suffix in (" administration", " government", " campaign"):
            if name.lower().endswith(suffix):
                head = name[: -len(suffix)].split()[-1] if name[: -len(suffix)].split() else ""
                name = persons.get(head, METONYMS.get(head, name))
        names[i] = name
    return names


def central_actors(mentions: Sequence[Mention], *, limit: int = MAX_ENTITIES) -> list[str]:
    """The actors mentioned at least twice, most mentioned first (at most ``limit``)."""
    counts = Counter(actor_names(mentions).values())
    return [n for n, c in counts.most_common() if c >= 2][:limit]


def _token_valences(
    text: str, start: int, end: int, lex: Lexicon, phrase_valence: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    toks = []
    negate = 0
    first = {ps: pv for ps, _pe, pv in phrase_valence if start <= ps < end}
    inner = [(ps, pe) for ps, pe, _pv in phrase_valence if ps < end and pe > start]
    for m in WORD_RE.finditer(text, start, end):
        w = m.group().lower().replace("’", "'")
        base = w[:-2] if w.endswith("'s") else w
        if m.start() in first:
            v = first[m.start()]
        elif inner and any(ps <= m.start() < pe for ps, pe in inner):
            v = 0.0
        else:
            v = lex.valence.get(base, 0.0)
        if negate > 0 and v:
            v = -0.74 * v
        negate = 3 if base in NEGATORS or base.endswith("n't") else max(0, negate - 1)
        toks.append((m.start(), m.end(), v))
    return toks


def entity_stance(
    text: str,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    quotes: QuoteMap,
    phrase_valence: Sequence[tuple[int, int, float]],
    lex: Lexicon,
) -> dict[str, float]:
    """Actor -> stance (-1..1) in the outlet's own words, for the article's central actors.

    ``phrase_valence`` gives ``(start, end, valence)`` of flagged phrases: their valence replaces
    the VADER valences of the words inside them.
    """
    names = actor_names(mentions)
    central = set(central_actors(mentions))
    phrase_valence = sorted(phrase_valence)
    by_sentence: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)
    starts = [s for s, _e in sentences]
    for i, m in enumerate(mentions):
        name = names.get(i)
        if name not in central or quotes.inside(m.span.start, m.span.end):
            continue
        k = bisect.bisect_right(starts, m.span.start) - 1
        if k >= 0 and sentences[k][0] <= m.span.start < sentences[k][1]:
            by_sentence[sentences[k]].append((m.span.start, m.span.end, name))
    scores: dict[str, list[float]] = defaultdict(list)
    for (ss, se), ms in by_sentence.items():
        toks = [
            t for ps, pe in quotes.outside(ss, se) for t in _token_valences(text, ps, pe, lex, phrase_valence)
        ]
        index = {t[0]: n for n, t in enumerate(toks)}
        positions: dict[str, list[int]] = defaultdict(list)
        for ms_, _me, name in ms:
            near = min(range(len(toks)), key=lambda n: abs(toks[n][0] - ms_), default=None)
            if near is not None:
                positions[name].append(index.get(ms_, near))
        for name, pos in positions.items():
            total = 0.0
            for n, (ts, te, v) in enumerate(toks):
                if not v or any(ts < b and a < te for a, b, _n in ms):
                    continue
                dist = min(abs(n - p) for p in pos)
                total += v / (1.0 + dist / WINDOW)
            scores[name].append(math.tanh(total / 3.0))
    return {name: sum(v) / (len(v) + 1) for name, v in scores.items()}


def partisan_lean(text: str, parts: Sequence[tuple[int, int]], lex: Lexicon) -> tuple[float, int]:
    """US left (-1) .. right (+1) lean from partisan word choices in ``parts``, and how many were found.

    Smoothed with two neutral pseudo-hits, so one telling phrase gives a lean of +-1/3, not +-1.
    """
    total, hits = 0, 0
    if lex.partisan_matcher is None:
        return 0.0, 0
    for s, e in parts:
        for _a, _b, k in lex.partisan_matcher.finditer(text, s, e):
            total += lex.partisan_sides[k]
            hits += 1
    return total / (hits + 2), hits
