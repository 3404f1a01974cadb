"""The report page of one story: every side of it, with bounded lists.

A conflict is shown once, with the best evidence of each side and the count of the rest in words;
claims, timeline events, omissions and articles are capped at ``MAX_ITEMS`` and evidence lists at
``MAX_EVIDENCE``, each with a count of what was left out (the web app shows everything). The full
text of the first ``max_full_text`` articles is on the page, so citations link within it; a
citation of an article of another story of the storyline links to that story's page.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from counterpoint import __version__
from counterpoint.report.html import CSP, ArticleRow, article_layers, article_row, page_name, template_env
from counterpoint.store import Store

#: Rows of each list on a story page (claims, conflicts, timeline, omissions, articles).
MAX_ITEMS = 100
#: Citations listed per claim, brief sentence or timeline event (the count says how many more).
MAX_EVIDENCE = 3
#: Articles of a story shown in full on its page.
DEFAULT_MAX_FULL_TEXT = 20


def _links(store: Store, story_id: str, cited: set[str], on_page: set[str]) -> dict[str, str]:
    """Article id -> href: an anchor on this page, or the article on its own story's page."""
    links = {aid: f"#a-{aid}" for aid in on_page}
    for aid, sid in store.story_of(sorted(cited - on_page)).items():
        links[aid] = f"{page_name(sid)}#a-{aid}" if sid != story_id else f"#a-{aid}"
    return links


def story_context(
    store: Store, story: dict[str, Any], storyline: dict[str, Any] | None, *, max_full_text: int
) -> dict[str, Any]:
    """Everything the page of ``story`` (a record of ``stories_for_output``) shows."""
    sid = story["id"]
    sides = store.story_sides(sid, max_evidence=MAX_EVIDENCE)
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
    claims, timeline = sides["claims"], sides["timeline"]
    cited = {ev["article_id"] for c in claims[:MAX_ITEMS] for ev in c["evidence"]}
    cited |= {ev["article_id"] for e in timeline[:MAX_ITEMS] for ev in e["evidence"]}
    cited |= {ev["article_id"] for b in sides["brief"] for ev in b["citations"]}
    cited |= {ev["article_id"] for c in sides["conflicts"] for s in c["sides"] for ev in s["evidence"]}
    cited |= {o["article_id"] for o in sides["omissions"]}
    on_page = {r.stored.article.id for r in rows if r.full_text}
    status = {
        k: sum(1 for c in claims if c["status"] == k)
        for k in ("corroborated", "conflicting", "single_source")
    }
    return {
        "story": story,
        "storyline": storyline,
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
