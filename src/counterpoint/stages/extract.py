"""Per-article stages that turn a raw input into a clean body with metadata.

HTML goes through trafilatura (``stages.html``); text that was already scraped
from a page goes through our line/block boilerplate remover (``stages.clean``).
Metadata the input container stated (JSON fields, HTML meta) wins over what we
read from the text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from counterpoint.config import Settings
from counterpoint.model import Doc
from counterpoint.pipeline import stage
from counterpoint.stages.clean import Cleaned, clean_text
from counterpoint.stages.html import extract_html
from counterpoint.stages.metadata import extract_metadata

_WORD = re.compile(r"\w+")


def _host(url: str | None) -> str | None:
    """The site a URL is on ("apnews.com"), the last resort for an outlet name."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _first(*values: str | None) -> str | None:
    for v in values:
        if v:
            return v
    return None


@stage(needs=("raw",), provides=("text", "removed"))
def extract(doc: Doc, settings: Settings) -> Doc:
    """Clean body text from HTML or from scraped text; skip inputs left with no article text."""
    raw, art = doc.raw, doc.article
    if raw.format == "html":
        res = extract_html(raw.body, url=raw.hints.url)
        if res is None:
            return doc.skip("no article text found in the HTML (empty, truncated or all boilerplate)")
        doc = doc.with_article(
            text=res.text,
            title=_first(art.title, res.title),
            author=_first(art.author, res.author),
            outlet=_first(art.outlet, res.outlet, _host(res.url or art.url)),
            published=_first(art.published, res.published),
            url=_first(art.url, res.url),
            language=_first(art.language, res.language),
        )
    else:
        cleaned = clean_text(raw.body, repeated=doc.repeated_lines, cfg=settings.clean)
        doc = doc.with_article(
            text=cleaned.text, removed=cleaned.removed, title=_first(art.title, cleaned.title)
        )
    words = len(_WORD.findall(doc.article.text))
    if words < settings.min_words:
        return doc.skip(
            f"no article text after cleaning ({words} words; at least {settings.min_words} needed)"
        )
    return doc


@stage(needs=("text", "removed"), provides=("title", "outlet", "author", "published", "dateline"))
def metadata(doc: Doc, settings: Settings) -> Doc:
    """Fill title, outlet, author, date and dateline from the text where the input did not state them."""
    art = doc.article
    meta = extract_metadata(doc.raw.body, Cleaned(art.text, art.removed, art.title))
    return doc.with_article(
        title=_first(art.title, meta.title),
        outlet=_first(art.outlet, meta.outlet),
        author=_first(art.author, meta.author),
        published=_first(art.published, meta.published),
        dateline=_first(art.dateline, meta.dateline),
    )
