"""The static, self-contained ``report.html``: one file, inline CSS, no script, works from disk.

Article text is hostile input: the template environment autoescapes
everything, and a Content-Security-Policy forbids scripts and remote loads
outright, so even a missed escape could not run or fetch anything.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from counterpoint import __version__
from counterpoint.model import StoredArticle
from counterpoint.store import Store

_WORD = re.compile(r"\w+")
#: Beyond this many articles the report lists them all but shows full text for the first ones only;
#: analysis.json always has everything.
DEFAULT_MAX_FULL_TEXT = 500

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def template_env() -> Environment:
    """The Jinja2 environment shared by the report (and later the web app): autoescape always on."""
    env = Environment(
        loader=PackageLoader("counterpoint", "report/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["paragraphs"] = lambda text: [p for p in str(text).split("\n\n") if p.strip()]
    return env


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """What the report shows of one article."""

    stored: StoredArticle
    words: int
    full_text: bool


def build_context(store: Store, *, max_full_text: int = DEFAULT_MAX_FULL_TEXT) -> dict[str, Any]:
    """Everything the report template needs, read from the store."""
    rows: list[ArticleRow] = []
    outlets: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    dates: list[str] = []
    removed_reasons: Counter[str] = Counter()
    for i, sa in enumerate(store.iter_articles()):
        art = sa.article
        rows.append(ArticleRow(sa, len(_WORD.findall(art.text)), i < max_full_text))
        outlets[art.outlet or "(unknown outlet)"] += 1
        languages[art.language or "?"] += 1
        if art.published:
            dates.append(art.published)
        for r in art.removed:
            removed_reasons[r.reason] += 1
    skipped = list(store.iter_skipped())
    counts = store.counts()
    return {
        "version": __version__,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "csp": CSP,
        "articles": rows,
        "skipped": skipped,
        "counts": counts,
        "outlets": outlets.most_common(),
        "languages": languages.most_common(),
        "removed_reasons": removed_reasons.most_common(),
        "date_range": (min(dates), max(dates)) if dates else None,
        "max_full_text": max_full_text,
    }


def render_report(context: dict[str, Any]) -> str:
    """Render the report page from a context built by ``build_context``."""
    return template_env().get_template("report.html.j2").render(**context)


def write_report(
    store: Store, path: str | os.PathLike[str], *, max_full_text: int = DEFAULT_MAX_FULL_TEXT
) -> Path:
    """Write report.html for everything in ``store``; return its path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(render_report(build_context(store, max_full_text=max_full_text)), encoding="utf-8")
    os.replace(tmp, out)
    return out
