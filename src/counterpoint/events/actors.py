"""Actors of one article: each named-entity mention resolved to a country and sector.

Countries, capitals and international bodies resolve through the gazetteer; demonyms ("Canadian")
name their country; state media ("China Daily") are their state's media. A person takes the
country the article gives them by nationality and title ("Canadian Prime Minister Mark Carney",
"China's Xi Jinping", "US President Donald Trump"): anywhere in the article, since news names
nationality once and then writes the surname alone. Cities that are not capitals, unknown
organisations and people without a stated nationality keep ``country=None``: never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from counterpoint.events.gazetteer import country_code, demonym_code, is_capital, sector_of, state_media
from counterpoint.model import Mention
from counterpoint.model.event import Actor

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC"})
#: words of a title of office ("Prime Minister", "Foreign Minister", "leader"), lower-cased
_TITLE_WORDS = frozenset(
    {"prime", "minister", "president", "premier", "leader", "deputy", "foreign", "finance", "trade",
     "vice", "secretary", "of", "state", "ambassador", "king", "queen", "chancellor", "pm", "envoy",
     "defence", "defense", "crown", "prince", "emir", "sultan", "spokesperson", "spokesman",
     "spokeswoman", "counterpart", "head", "chief", "top", "diplomat", "governor", "senator"}
)  # fmt: skip
#: words that may stand between a nationality and the title ("Canada's former Prime Minister")
_FILLERS = frozenset({"former", "acting", "then", "new", "the", "incumbent", "outgoing"})
_WORD = re.compile(r"[A-Za-z][\w.]*(?:['’]s)?")


def _context_country(text: str, start: int) -> tuple[str | None, bool]:
    """(country, has a title of office) stated just before a person's name.

    Walks back over title words ("Prime Minister") to the word before them, which must be a
    nationality ("Canadian", "China's", "US") for the person to get a country.
    """
    window = text[max(0, start - 60) : start].split("\n")[-1]
    words = _WORD.findall(window)
    titled = False
    i = len(words) - 1
    while i >= 0 and (words[i].lower() in _TITLE_WORDS or words[i].lower() in _FILLERS):
        titled = titled or words[i].lower() in _TITLE_WORDS
        i -= 1
    if i < 0:
        return None, titled
    word = re.sub(r"['’]s$", "", words[i])
    pair = f"{words[i - 1]} {word}" if i > 0 else word
    code = demonym_code(pair) or country_code(pair) or demonym_code(word) or country_code(word)
    return code, titled


def resolve(text: str, mentions: Sequence[Mention]) -> dict[str, Actor]:
    """Actors of one article by mention canonical name."""
    people: dict[str, tuple[str | None, bool]] = {}
    out: dict[str, Actor] = {}
    for m in mentions:
        if m.label not in ACTOR_LABELS:
            continue
        name = m.canonical
        if m.label == "PERSON":
            country, titled = _context_country(text, m.span.start)
            seen = people.get(name, (None, False))
            people[name] = (seen[0] or country, seen[1] or titled)
            continue
        actor = actor_for_name(name, m.label)
        if actor is not None:
            out.setdefault(name, actor)
    for name, (country, titled) in people.items():
        out[name] = Actor(name, country, "government" if titled and country else None)
    return out


def actor_for_name(name: str, label: str) -> Actor | None:
    """The actor a non-person name stands for, or None when it is no actor (a city, a region)."""
    media = state_media(name)
    if media:
        return Actor(name, media, "media")
    if label == "NORP":
        code = demonym_code(name)
        return Actor(name, code, None) if code else None
    code = country_code(name)
    if code:
        sector = "government" if label == "GPE" or is_capital(name) or code.startswith("IGO") else None
        return Actor(name, code, sector)
    if label == "ORG":
        # an organisation of unknown country is an actor only when its name says what it is
        sector = sector_of(name.split()[-1]) if name.split() else None
        return Actor(name, None, sector) if sector else None
    return None
