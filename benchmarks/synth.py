"""Deterministic generator of fictional, messy news articles for benchmarks.

Every name, outlet and event is invented. Articles come as scraped text
(with page chrome: navigation, desk lines, pasted link-card headlines of other
articles, trending lists, newsletter blocks, footers) or as full HTML pages,
so the benchmarks exercise the same code paths real inputs do. Stories share
people and places, so later stages see realistic entity overlap.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

FIRST = [
    "Amara",
    "Tomas",
    "Ines",
    "Kofi",
    "Lena",
    "Ravi",
    "Sofia",
    "Mateo",
    "Yuki",
    "Nadia",
    "Oskar",
    "Priya",
    "Elias",
    "Mira",
    "Jonah",
    "Talia",
    "Arun",
    "Greta",
    "Idris",
    "Selma",
]
LAST = [
    "Varga",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castell",
    "Haddad",
    "Novak",
    "Brandt",
    "Ferrand",
    "Okoye",
    "Rahimi",
    "Duarte",
    "Kessler",
    "Ivers",
    "Santoro",
    "Halvorsen",
    "Mbeki",
    "Arden",
    "Quiroga",
    "Tanaka",
]
PLACES = [
    "Veloria",
    "Port Amsel",
    "Caldera Bay",
    "Northmark",
    "Esterholm",
    "Lunsford",
    "Marisol",
    "Kestrel Isles",
    "Ardent Valley",
    "Solvena",
    "Brightwater",
    "Ostrava Reach",
]
ORGS = [
    "the Harbour Authority",
    "the Ministry of Fisheries",
    "the Coastal Union",
    "Tidewell Energy",
    "the National Assembly",
    "the Grain Council",
    "Meridian Rail",
    "the Central Bank",
]
TOPICS = [
    "fishing treaty",
    "rail link",
    "grain tariff",
    "energy deal",
    "port expansion",
    "border agreement",
    "water-sharing pact",
    "customs union",
    "mining licence",
    "ferry contract",
]
OUTLETS = [
    "Coastline Herald",
    "Northmark Daily",
    "The Veloria Wire",
    "Amsel Today",
    "Harbour Ledger",
    "Solvena Observer",
    "Brightwater Post",
    "Kestrel News Network",
    "Esterholm Gazette",
    "Marisol Times",
]
VERBS = ["announced", "signed", "rejected", "welcomed", "criticised", "delayed", "approved", "questioned"]
ADJ = ["landmark", "controversial", "long-awaited", "modest", "sweeping", "fragile", "historic", "cautious"]

SENTENCES = [
    "{p1} {verb} the {adj} {topic} with {place2} on {weekday}, officials said.",
    "The agreement covers {n} per cent of trade between {place1} and {place2}, according to {org}.",
    "{org} said the {topic} would cost about {money} million over {years} years.",
    "Critics in {place1} argued that the {topic} gives too much away to {place2}.",
    "\u201cThis is a {adj} moment for our two countries,\u201d {p1} told reporters in {place1}.",
    "{p2}, who leads the opposition, said the deal was rushed and called for a vote in {org_short}.",
    "Talks between the two sides had stalled for nearly {years} years before resuming in {month}.",
    "Analysts expect exports from {place1} to rise by more than {n} per cent by {year}.",
    "The {topic} follows a dispute over tariffs that began in {past_year}, when {place2} imposed duties.",
    "\u201cWe will not accept terms that hurt our workers,\u201d said {p2}, speaking outside {org}.",
    "Officials from {place2} said further meetings were planned for {month}, without giving a date.",
    "More than {n} thousand people work in the sectors affected by the {topic}, figures from {org} show.",
    "{p1} described the talks as frank and constructive, adding that differences remained.",
    "The deal still needs approval from {org}, which is expected to vote within {n} days.",
]
LINK_CARD = ["{h} | {o}", "{h} - {o}", "{h} -  {o}"]
HEADLINES = [
    "{place} braces for storms as {org} issues warning",
    "{p} wins {place} mayoral race",
    "Markets slip as {place} reports weaker exports",
    "{org} unveils new budget plan",
    "Floods close roads across {place}",
    "{p} named head of {org}",
]


@dataclass(frozen=True, slots=True)
class SynthArticle:
    """One generated article: its body and how it would appear on a page."""

    outlet: str
    title: str
    published: date
    paragraphs: tuple[str, ...]
    story: int
    #: people, places and organisation the story is about (the names a NER would find)
    names: tuple[str, ...] = ()
    #: the storyline (arc of related stories) when ``articles(storylines=...)`` is used
    storyline: int | None = None
    #: index (in generation order) of the article this one is a syndicated copy of
    copy_of: int | None = None

    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


SYLLABLES = ["ka", "lo", "mi", "ren", "vos", "dri", "an", "bel", "cor", "dun", "ev", "fal", "gri", "hol"]
PLACE_ENDS = ["", " Bay", " Reach", "holm", " Valley", "mark", " Isles", "ford"]


def _coined(i: int) -> str:
    """The ``i``-th invented word of three syllables (2,744 of them), e.g. "Kalomi"."""
    n = len(SYLLABLES)
    return (SYLLABLES[i % n] + SYLLABLES[i // n % n] + SYLLABLES[i // n // n % n]).capitalize()


def name_pools(people: int, places: int) -> tuple[list[str], list[str]]:
    """``people`` person names and ``places`` place names: the fixed lists first, then invented ones.

    A larger corpus names more people and places (vocabulary grows with the corpus, as in Heaps'
    law), so a benchmark can grow the pools with its size instead of packing ever more stories
    onto the same 400 people and 12 places.
    """
    fixed_people = [f"{f} {last}" for last in LAST for f in FIRST]
    extra_people = [
        f"{FIRST[i % len(FIRST)]} {_coined(i * 37 + 101)}" for i in range(max(0, people - len(fixed_people)))
    ]
    extra_places = [
        _coined(i * 45 + 17) + PLACE_ENDS[i % len(PLACE_ENDS)] for i in range(max(0, places - len(PLACES)))
    ]
    return (fixed_people + extra_people)[:people], (PLACES + extra_places)[:places]


def _fill(rng: random.Random, tpl: str, story: dict[str, str]) -> str:
    return tpl.format(
        p1=story["p1"],
        p2=story["p2"],
        place1=story["place1"],
        place2=story["place2"],
        topic=story["topic"],
        org=story["org"],
        org_short=story["org"].removeprefix("the "),
        verb=rng.choice(VERBS),
        adj=rng.choice(ADJ),
        n=rng.randint(2, 95),
        money=rng.randint(10, 900),
        years=rng.randint(2, 12),
        weekday=rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        month=rng.choice(["January", "March", "May", "July", "September", "November"]),
        year=rng.randint(2027, 2040),
        past_year=rng.randint(2015, 2025),
    )


def articles(
    n: int,
    *,
    words: int = 800,
    stories: int | None = None,
    seed: int = 7,
    storylines: int | None = None,
    syndication: float = 0.0,
    pools: tuple[list[str], list[str]] | None = None,
) -> Iterator[SynthArticle]:
    """Yield ``n`` fictional articles of about ``words`` words, spread over ``stories`` stories.

    ``storylines``: group stories into that many arcs; stories of one arc share their lead
    person, places and topic and follow each other about 45 days apart (one storyline, many
    events). ``syndication``: the share of articles that are copies of an earlier article
    run by another outlet. ``pools``: the (people, places) stories draw their names from (see
    ``name_pools``); by default the fixed 400 people and 12 places. With the defaults the output
    is the same as before these options.
    """
    rng = random.Random(seed)
    n_stories = stories or max(1, n // 8)
    # in the past: pages dated after today fail date checks (htmldate rejects future dates)
    base = date(2023, 6, 1)
    people, places = pools or (None, PLACES)

    def person(r: random.Random) -> str:
        return r.choice(people) if people else _person(r)

    story_defs = []
    for i in range(n_stories):
        srng = random.Random(seed * 1_000_003 + i)
        place1, place2 = srng.sample(places, 2)
        story_defs.append(
            {
                "p1": person(srng),
                "p2": person(srng),
                "place1": place1,
                "place2": place2,
                "topic": srng.choice(TOPICS),
                "org": srng.choice(ORGS),
                "day": str(srng.randint(0, 600)),
            }
        )
    arc_of: dict[int, int] = {}
    if storylines:
        for i, story in enumerate(story_defs):
            arc = i % storylines
            arng = random.Random(seed * 7_919 + arc)
            place1, place2 = arng.sample(places, 2)
            story.update(p1=person(arng), place1=place1, place2=place2, topic=arng.choice(TOPICS))
            story["day"] = str(arng.randint(0, 300) + 45 * (i // storylines))
            arc_of[i] = arc
    copy_rng = random.Random(seed * 31 + 1)
    recent: deque[tuple[int, SynthArticle]] = deque(maxlen=200)  # copies are of recent articles
    for i_art in range(n):
        if syndication and recent and copy_rng.random() < syndication:
            k, orig = recent[copy_rng.randrange(len(recent))]
            copy = SynthArticle(
                outlet=copy_rng.choice([o for o in OUTLETS if o != orig.outlet]),
                title=orig.title,
                published=orig.published + timedelta(days=copy_rng.randint(0, 1)),
                paragraphs=orig.paragraphs,
                story=orig.story,
                names=orig.names,
                storyline=orig.storyline,
                copy_of=orig.copy_of if orig.copy_of is not None else k,
            )
            recent.append((i_art, copy))
            yield copy
            continue
        s = rng.randrange(n_stories)
        story = story_defs[s]
        paras: list[str] = []
        total = 0
        while total < words:
            para = " ".join(_fill(rng, rng.choice(SENTENCES), story) for _ in range(rng.randint(2, 4)))
            paras.append(para)
            total += len(para.split())
        title = (
            f"{story['place1']} and {story['place2']} {rng.choice(VERBS)} {rng.choice(ADJ)} {story['topic']}"
        )
        art = SynthArticle(
            outlet=rng.choice(OUTLETS),
            title=title[0].upper() + title[1:],
            published=base + timedelta(days=int(story["day"]) + rng.randint(0, 3)),
            paragraphs=tuple(paras),
            story=s,
            names=(story["p1"], story["p2"], story["place1"], story["place2"], story["org"]),
            storyline=arc_of.get(s),
        )
        if syndication:
            recent.append((i_art, art))
        yield art


def _headline(rng: random.Random) -> str:
    return rng.choice(HEADLINES).format(place=rng.choice(PLACES), org=rng.choice(ORGS), p=_person(rng))


def as_scraped_text(art: SynthArticle, *, seed: int = 0) -> str:
    """The article as text scraped from its page: body plus realistic chrome."""
    rng = random.Random(seed)
    lines = ["Menu", "Home  News  World  Business  Opinion", "", art.title, ""]
    day = art.published.strftime("%d-%m-%Y")
    lines += [f"{art.outlet} Desk | {rng.choice(PLACES)} | Updated: {day} 09:{rng.randint(10, 59)} GMT", ""]
    for i, para in enumerate(art.paragraphs):
        lines += [para, ""]
        if i % 4 == 2:
            card = rng.choice(LINK_CARD).format(h=_headline(rng), o=rng.choice(OUTLETS))
            lines += [" ", card, " ", ""]
    lines += ["TRENDING", ""]
    for k in range(1, 5):
        h = _headline(rng)
        lines += [str(k), h, "", h[:40] + "...", ""]
    lines += ["Subscribe to our Newsletter", "Follow us on Facebook Twitter Youtube RSS", ""]
    lines += [f"Email: desk@{art.outlet.lower().replace(' ', '')}.example", "Privacy Policy | Terms of use"]
    lines += [f"\u00a9 Copyright {art.published.year} {art.outlet}"]
    return "\n".join(lines)


def as_html(art: SynthArticle, *, seed: int = 0) -> str:
    """The article as a full HTML page with navigation, related links, scripts and a footer."""
    rng = random.Random(seed)
    body = "\n".join(f"<p>{escape(p)}</p>" for p in art.paragraphs)
    related = "\n".join(f'<li><a href="/n/{k}">{escape(_headline(rng))}</a></li>' for k in range(6))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(art.title)} | {escape(art.outlet)}</title>
<meta property="og:site_name" content="{escape(art.outlet)}">
<meta property="og:title" content="{escape(art.title)}">
<meta property="article:published_time" content="{art.published.isoformat()}T09:00:00Z">
<meta name="author" content="{escape(_person(rng))}">
<script>window.dataLayer = window.dataLayer || []; function track(){{}}</script>
<style>body{{font-family:serif}}</style>
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a>
<a href="/opinion">Opinion</a></nav></header>
<main><article>
<h1>{escape(art.title)}</h1>
<p class="byline">By {escape(_person(rng))} &middot; {art.published.strftime("%B %d, %Y")}</p>
{body}
</article>
<aside><h2>Related stories</h2><ul>{related}</ul></aside></main>
<footer><p>Subscribe to our newsletter for the latest updates.</p>
<p>&copy; {art.published.year} {escape(art.outlet)}. All rights reserved.
<a href="/privacy">Privacy</a></p></footer>
</body></html>"""
