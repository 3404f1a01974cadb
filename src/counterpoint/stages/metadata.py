"""Title, outlet, author, publication date and dateline read from an article's own text.

Scraped text carries its metadata in the chrome the cleaner removed: a desk line
("Example News Desk | Beijing | Updated: ..."), a sign-off ("Example Team"), a
copyright footer, a contact e-mail. We read those blocks, never the body, so a
date in a sentence about another event is not taken for the publication date.
Link-card headlines of other articles ("... | Other Outlet") are skipped: their
outlet is not this article's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from counterpoint.stages.clean import (
    COPYRIGHT,
    DATE_RE,
    DUPLICATE_TITLE,
    FOOTER,
    LINK_CARD,
    TITLE,
    Cleaned,
    headline_ratio,
)


@dataclass(frozen=True, slots=True)
class Meta:
    """Metadata found in the text; None where the text does not say."""

    title: str | None
    outlet: str | None
    author: str | None
    published: str | None  # ISO YYYY-MM-DD
    dateline: str | None  # city, e.g. "Beijing"


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
_BULLET = re.compile(r"^[-–—•◦▪*·]\s")
_DATE_LABEL = re.compile(
    r"\b(?P<label>first published|last updated|published|posted|created|updated|modified|dated|date)\b"
    r"(?:\s+(?:on|at))?\s*[:\-–]?\s*",
    re.I,
)
_LATER_LABELS = frozenset({"updated", "last updated", "modified"})
_DESK = re.compile(r"^(?P<outlet>.+?)\s+(?:News\s+)?Desk\s*\|\s*(?P<city>[^|]+?)\s*(?:\||$)", re.I)
_SIGN_OFF = re.compile(
    r"^(?P<outlet>(?:[A-Z][\w&.'-]*\s+){0,2}[A-Z][\w&.'-]*?)(?:\s+News)?\s+(?:Team|Desk|Staff|Bureau|Newsroom)\.?$"
)
_COPYRIGHT_NAME = re.compile(
    r"(?:©|\(c\)|copyright)(?:\s*(?:©|\(c\)|copyright))*\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?!copyright\b|all rights\b)(?P<name>[A-Z][\w&.'’ -]{1,50}?)\s*(?:[.,|]|\ball rights reserved\b|$)",
    re.I,
)
_NOT_A_NAME = re.compile(r"^(?:all rights reserved|copyright|\d+)$", re.I)
_BYLINE = re.compile(
    r"^(?i:by|written by|posted by|reported by|author\s*:)\s+"
    r"(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})(?:\s*[,|]\s*(?P<outlet>[A-Z][\w&.' -]{1,40}?))?\s*$"
)
_EMAIL_DOMAIN = re.compile(r"[\w.+-]+@(?P<domain>[\w-]+)\.[\w.]+")
_WEBMAIL = frozenset(
    {"gmail", "yahoo", "outlook", "hotmail", "protonmail", "proton", "icloud", "aol", "mail"}
)
_BRAND = re.compile(r"^[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2}$")
_CITY = r"[A-Z][A-Za-z.'’-]+(?:\s+[A-Z][A-Za-z.'’-]+){0,2}"
_CAPS_CITY = r"[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,2}"
_AGENCY = r"\([A-Z][\w .&-]{0,25}\)"
_DAY = r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?"
_DATELINES = (
    # "BEIJING (Reuters) —", "OTTAWA, Jan 16 (AP) -": an all-capitals city is enough
    re.compile(rf"^(?P<city>{_CAPS_CITY})(?:,\s*{_DAY})?\s*(?:{_AGENCY})?\s*[—–-]{{1,2}}\s"),
    # "Beijing, Jan 16:", "Beijing, Jan 16 (AFP) -": a mixed-case city needs a date or an agency
    re.compile(rf"^(?P<city>{_CITY}),\s*{_DAY}\s*(?:{_AGENCY})?\s*[:—–-]"),
    re.compile(rf"^(?P<city>{_CITY})\s*{_AGENCY}\s*[:—–-]"),
)


def parse_date(s: str) -> str | None:
    """The first explicit calendar day in ``s`` as ISO ``YYYY-MM-DD``, or None.

    Understands ``2026-01-17``, ``2026/01/17``, ``17-01-2026``, ``17.01.2026``,
    ``January 17, 2026``, ``Jan. 17, 2026`` and ``17 January 2026``. A numeric
    date with the day first or the month first is read the only valid way; when
    both are valid (both parts 12 or less) the day comes first, as in most of
    the world's outlets. A month and year without a day, or an impossible day
    (``2026-02-30``), gives None.
    """
    for m in DATE_RE.finditer(s):
        g = m.groupdict()
        if g["iy"]:
            candidates = [(int(g["iy"]), int(g["im"]), int(g["id"]))]
        elif g["ny"]:
            a, b, y = int(g["na"]), int(g["nb"]), int(g["ny"])
            candidates = [(y, b, a), (y, a, b)]
        elif g["my"]:
            candidates = [(int(g["my"]), _MONTHS[g["mm"][:3].lower()], int(g["md"]))]
        else:
            candidates = [(int(g["dy"]), _MONTHS[g["dm"][:3].lower()], int(g["dd"]))]
        for y, mo, d in candidates:
            try:
                return dt.date(y, mo, d).isoformat()
            except ValueError:
                continue
    return None


def _chrome_lines(cleaned: Cleaned) -> list[tuple[str, str]]:
    """Removed lines with their reasons, in order, without other articles' headlines."""
    return [
        (_SPACE.sub(" ", line).strip(), r.reason)
        for r in cleaned.removed
        if r.reason not in (LINK_CARD, TITLE, DUPLICATE_TITLE)
        for line in r.text.split("\n")
        if line.strip()
    ]


def _published(lines: list[str]) -> str | None:
    """A labelled date wins (published over updated); else a date on a short chrome line."""
    best: tuple[int, str] | None = None
    for line in lines:
        for m in _DATE_LABEL.finditer(line):
            found = DATE_RE.match(line, m.end())
            day = parse_date(found.group(0)) if found else None
            if day is None:
                continue
            rank = 1 if m.group("label").lower() in _LATER_LABELS else 0
            if best is None or rank < best[0]:
                best = (rank, day)
            if rank == 0:
                return day
    if best is not None:
        return best[1]
    for line in lines:
        if len(line.split()) <= 12 and not _SENTENCE_END.search(line):
            day = parse_date(line)
            if day is not None:
                return day
    return None


def _outlet(chrome: list[tuple[str, str]]) -> str | None:
    lines = [line for line, _ in chrome]
    for line in lines:
        m = _DESK.match(line)
        if m:
            return m.group("outlet").strip()
    for line in lines:
        m = _SIGN_OFF.match(line)
        if m:
            return m.group("outlet")
    for i, (line, reason) in enumerate(chrome):
        if reason != COPYRIGHT:
            continue
        m = _COPYRIGHT_NAME.search(line)
        if m and not _NOT_A_NAME.match(m.group("name").strip()):
            return m.group("name").strip()
        # a brand line just above the copyright notice, past contact and legal lines
        for above, why in reversed(chrome[max(0, i - 5) : i]):
            if _BRAND.match(above) and len(above) <= 40 and why != FOOTER:
                return above
    for line in lines:
        m = _BYLINE.match(line)
        if m and m.group("outlet"):
            return m.group("outlet").strip()
    for line in lines:
        for m in _EMAIL_DOMAIN.finditer(line):
            domain = m.group("domain")
            if domain.lower() in _WEBMAIL:
                continue
            # spell it as the page does when a brand line matches the domain
            return next((x for x in lines if x.replace(" ", "").casefold() == domain.casefold()), domain)
    return None


def _author(lines: list[str]) -> str | None:
    for line in lines:
        m = _BYLINE.match(line)
        if m:
            return m.group("name")
    return None


def _dateline(chrome: list[str], text: str) -> str | None:
    for line in chrome:
        m = _DESK.match(line)
        if m and not any(c.isdigit() for c in m.group("city")) and len(m.group("city").split()) <= 4:
            return m.group("city").strip()
    first = text.split("\n\n", 1)[0]
    for pat in _DATELINES:
        m = pat.match(first)
        if m:
            city = m.group("city")
            return city.title() if city.isupper() else city
    return None


def _title(cleaned: Cleaned) -> str | None:
    """The cleaner's title, else the first headline-like paragraph before the body proper.

    The window ends at the second paragraph of prose, so a standfirst (and a bullet
    summary under it) may come before the title but the body's subheads cannot.
    """
    if cleaned.title:
        return cleaned.title
    prose = 0
    for para in cleaned.text.split("\n\n"):
        words = len(para.split())
        if _SENTENCE_END.search(para) or words >= 20:
            prose += 0 if _BULLET.match(para) else 1
            if prose >= 2:
                break
        elif 3 <= words <= 20 and headline_ratio(para) >= 0.6:
            return para
    return None


def extract_metadata(raw_text: str, cleaned: Cleaned) -> Meta:
    """Read metadata from the cleaner's output; ``raw_text`` adds its first lines for labelled dates."""
    chrome = _chrome_lines(cleaned)
    lines = [line for line, _ in chrome]
    head = [_SPACE.sub(" ", x).strip() for x in raw_text.splitlines()[:10]]
    # sentences at the top are body text, and their dates are about events, not the article
    cards = {line for r in cleaned.removed if r.reason == LINK_CARD for line in r.text.split("\n")}
    head = [x for x in head if x and len(x.split()) <= 20 and not _SENTENCE_END.search(x) and x not in cards]
    return Meta(
        title=_title(cleaned),
        outlet=_outlet(chrome),
        author=_author(lines + head),
        published=_published(lines + head),
        dateline=_dateline(lines, cleaned.text),
    )


#: how outlets whose domain or short name is not their brand spell themselves (our own list of the
#: most common English-language outlets; anything else keeps its own spelling)
_BRANDS = {
    "cnn": "CNN", "bbc": "BBC", "npr": "NPR", "ap": "AP", "apnews": "AP", "reuters": "Reuters",
    "nytimes": "The New York Times", "new york times": "The New York Times",
    "washingtonpost": "The Washington Post", "washington post": "The Washington Post",
    "wsj": "The Wall Street Journal", "wall street journal": "The Wall Street Journal",
    "foxnews": "Fox News", "nbcnews": "NBC News", "cbsnews": "CBS News", "abcnews": "ABC News",
    "theguardian": "The Guardian", "guardian": "The Guardian", "usatoday": "USA Today",
    "nypost": "New York Post", "thehill": "The Hill", "politico": "Politico", "axios": "Axios",
    "bloomberg": "Bloomberg", "breitbart": "Breitbart", "huffpost": "HuffPost", "msnbc": "MSNBC",
    "cnbc": "CNBC", "aljazeera": "Al Jazeera", "scmp": "South China Morning Post",
    "theglobeandmail": "The Globe and Mail", "cbc": "CBC News", "ctvnews": "CTV News",
    "washingtonexaminer": "Washington Examiner", "dailywire": "The Daily Wire", "vox": "Vox",
    "newsweek": "Newsweek", "time": "Time", "theatlantic": "The Atlantic", "forbes": "Forbes",
}  # fmt: skip
#: "CNN (Online News)", "Fox News - Opinion": a rating site's or feed's qualifier after the brand
_QUALIFIER = re.compile(r"\s*(?:\([^)]*\)|\s[-–—|]\s.*)\s*$")
_DOMAIN = re.compile(
    r"^(?:https?://)?(?:www\.|m\.|edition\.|amp\.)?(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)/?", re.I
)
#: second-level labels that are not the brand ("bbc.co.uk", "abcnews.go.com")
_GENERIC_LABELS = frozenset({"co", "com", "org", "net", "go", "gov", "ac", "news"})


def normalise_outlet(name: str | None) -> str | None:
    """One spelling per outlet across inputs: "CNN (Online News)", "cnn.com", "www.cnn.com" -> "CNN".

    A domain becomes its brand when known, else its main label ("example-news.org" ->
    "Example-news"); a known short name takes the brand's spelling; anything else is kept as
    written, without a trailing qualifier in brackets or after a dash.
    """
    if name is None:
        return None
    text = _SPACE.sub(" ", name).strip()
    m = _DOMAIN.match(text)
    if m and " " not in text:
        labels = m.group("host").lower().split(".")
        main = next((x for x in reversed(labels[:-1]) if x not in _GENERIC_LABELS), labels[0])
        return _BRANDS.get(main, main.upper() if len(main) <= 3 else main.capitalize())
    text = _QUALIFIER.sub("", text).strip() or text
    return _BRANDS.get(text.casefold().removeprefix("the "), text) or None
