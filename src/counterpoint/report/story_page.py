"""The report page of one story: every side of it, with bounded lists.

A conflict is shown once, with the best evidence of each side and the count of the rest in words;
claims, timeline events, omissions and articles are capped at ``MAX_ITEMS`` and evidence lists at
``MAX_EVIDENCE``, each with a count of what was left out (the web app shows everything). The full
text of the first ``max_full_text`` articles is on the page, so citations link within it; a
citation of an article of another story of the storyline links to that story's page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from jinja2 import Environment

from counterpoint import __version__
from counterpoint.claims.sides import story_sides as outlet_sides
from counterpoint.model.claim import ArticleFacts
from counterpoint.report.html import CSP, ArticleRow, article_layers, article_row, page_name, template_env
from counterpoint.slant.lean import Leans, story_lean
from counterpoint.store import Store
from counterpoint.store.claims import source_label

#: Rows of each list on a story page (claims, conflicts, timeline, omissions, articles).
MAX_ITEMS = 100
#: Citations listed per claim, brief sentence or timeline event (the count says how many more).
MAX_EVIDENCE = 3
#: Articles of a story shown in full on its page.
DEFAULT_MAX_FULL_TEXT = 20


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_date(value: str) -> str:
    """An ISO value of the dates stage as a reader says it: "Wed 14 Jan 2026", "Jan 2026", "the 1990s"."""
    try:
        if len(value) == 3 and value.isdigit():
            return f"the {value}0s"
        if len(value) == 4:
            return value
        if "-W" in value:
            y, w = value.split("-W")
            monday = date.fromisocalendar(int(y), int(w), 1)
            return f"week of {monday.day} {_MONTH_NAMES[monday.month - 1]} {monday.year}"
        if len(value) == 7:
            return f"{_MONTH_NAMES[int(value[5:]) - 1]} {value[:4]}"
        d = date.fromisoformat(value[:10])
    except (ValueError, IndexError):
        return value
    return f"{d.strftime('%a')} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def story_timeline(
    timeline: list[dict[str, Any]], members: set[str], in_storyline: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(events, plans) shown on a story page, each with a readable ``when``.

    In a storyline, the page shows only the events its own articles report, so the storyline's
    timeline is not repeated under each of its stories.
    """
    events: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    for e in timeline:
        if in_storyline and not any(ev["article_id"] in members for ev in e["evidence"]):
            continue
        e = {**e, "when": human_date(e["date"])}
        (plans if e.get("kind") == "plan" else events).append(e)
    return events, plans


def _each_side(store: Store, claims: list[dict[str, Any]], rows: list[ArticleRow]) -> list[dict[str, Any]]:
    """The story's outlets side by side (``claims.sides``), from its original reports."""
    outlet_of: dict[str, str] = {}
    speakers: dict[str, list[str]] = {}
    loaded: dict[str, list[str]] = {}
    for r in rows:
        art = r.stored.article
        outlet_of[art.id] = ArticleFacts(art.id, "", art.outlet, source_label(art.source)).name
        layers = store.article_items(art.id, art.text)
        speakers[art.id] = [q.speaker for q in layers.get("quote", ()) if q.speaker]
        loaded[art.id] = [sp.span.text for sp in layers.get("loaded", ()) if sp.speaker is None]
    if len(set(outlet_of.values())) < 2:
        return []  # one side only: nothing to compare
    return [s.to_dict() for s in outlet_sides(claims, outlet_of, speakers, loaded)]


def _links(store: Store, story_id: str, cited: set[str], on_page: set[str]) -> dict[str, str]:
    """Article id -> href: an anchor on this page, or the article on its own story's page."""
    links = {aid: f"#a-{aid}" for aid in on_page}
    for aid, sid in store.story_of(sorted(cited - on_page)).items():
        links[aid] = f"{page_name(sid)}#a-{aid}" if sid != story_id else f"#a-{aid}"
    return links


def story_context(
    store: Store,
    story: dict[str, Any],
    storyline: dict[str, Any] | None,
    *,
    max_full_text: int,
    leans: Leans | None = None,
) -> dict[str, Any]:
    """Everything the page of ``story`` (a record of ``stories_for_output``) shows.

    ``leans``: the user's outlet lean ratings; with them the page shows the story's coverage by lean.
    """
    sid = story["id"]
    # only the events its own articles report: the page shows no others (story_timeline)
    sides = store.story_sides(sid, max_evidence=MAX_EVIDENCE, own_timeline=True)
    originals = set(story["article_ids"])
    members = [*story["article_ids"], *story["duplicate_ids"]]
    rows: list[ArticleRow] = []
    for i, sa in enumerate(store.articles_for_output(members[:MAX_ITEMS])):
        row = article_row(sa)
        if i < max_full_text:
            quotes, dates, body = article_layers(store, sa.article)
            row = ArticleRow(
                sa, row.words, True, row.title, row.title_is_fallback, quotes, dates, body,
                copy=sa.article.id not in originals,
            )  # fmt: skip
        elif sa.article.id not in originals:
            row = ArticleRow(sa, row.words, False, row.title, row.title_is_fallback, copy=True)
        rows.append(row)
    claims = sides["claims"]
    each_side = _each_side(store, claims, [r for r in rows if not r.copy and not r.stored.duplicate_of])
    timeline, plans = story_timeline(sides["timeline"], set(members), storyline is not None)
    inferred = store.inferred_dates(members[:MAX_ITEMS])
    cited = {ev["article_id"] for c in claims[:MAX_ITEMS] for ev in c["evidence"]}
    cited |= {ev["article_id"] for e in [*timeline[:MAX_ITEMS], *plans[:MAX_ITEMS]] for ev in e["evidence"]}
    cited |= {ev["article_id"] for b in sides["brief"] for ev in b["citations"]}
    cited |= {ev["article_id"] for c in sides["conflicts"] for s in c["sides"] for ev in s["evidence"]}
    cited |= {o["article_id"] for o in sides["omissions"]}
    cited |= {c["evidence"][0]["article_id"] for s in each_side for c in s["only_it"] if c["evidence"]}
    on_page = {r.stored.article.id for r in rows if r.full_text}
    status = {
        k: sum(1 for c in claims if c["status"] == k)
        for k in ("corroborated", "conflicting", "single_source")
    }
    return {
        "story": story,
        "storyline": storyline,
        "lean": story_lean(story["outlets"], leans),
        "sides": sides,
        "names": sides["names"],
        "links": _links(store, sid, cited, on_page),
        "claims": claims[:MAX_ITEMS],
        "claim_total": len(claims),
        "claim_text": {c["id"]: c["text"] for c in claims[:MAX_ITEMS]},
        "status": status,
        "conflicts": sides["conflicts"][:MAX_ITEMS],
        "conflict_total": len(sides["conflicts"]),
        "omissions": sides["omissions"][:MAX_ITEMS],
        "omission_total": len(sides["omissions"]),
        "timeline": timeline[:MAX_ITEMS],
        "timeline_total": len(timeline),
        "plans": plans[:MAX_ITEMS],
        "each_side": each_side,
        "inferred": {aid: {"day": human_date(d), "window": w} for aid, (d, w) in inferred.items()},
        "articles": rows,
        "article_total": len(members),
        "max_items": MAX_ITEMS,
        "version": __version__,
        "csp": CSP,
    }


def render_story(context: dict[str, Any], env: Environment | None = None) -> str:
    """The HTML of one story page, from ``story_context``; the same data gives the same bytes.

    Pass one ``env`` (``template_env()``) when rendering many pages, so templates compile once.
    """
    return (env or template_env()).get_template("story.html.j2").render(**context)
