"""Who the actors of an article are (mentions folded into actors), and its US partisan word choice.

The stance toward each actor is scored sentence by sentence in ``targeted``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from counterpoint.model import Mention
from counterpoint.slant.lexicon import Lexicon

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
