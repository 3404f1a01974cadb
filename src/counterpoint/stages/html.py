"""Article body and metadata from an HTML page, with trafilatura.

The page is parsed once; trafilatura extracts the body from a copy of the tree and our
slimmed metadata pass reads the same tree. Nothing is fetched or executed: trafilatura
and htmldate only get a parsed tree, never a URL to download, and ``<script>`` content
never reaches the text.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

from htmldate import find_date

# trafilatura's metadata helpers are imported one by one instead of calling
# extract_metadata(): that also computes categories, tags and licence, which we do not
# use and which cost about a third of its time (measured on the trafilatura eval set).
from trafilatura import bare_extraction
from trafilatura.baseline import baseline
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import load_html

from counterpoint.stages.metadata import parse_date

# Below this many characters a baseline (all paragraphs) result is more likely a cookie
# banner or a navigation menu than an article.
MIN_BASELINE_CHARS = 200

# An lxml.html.HtmlElement; lxml ships no type information.
HtmlElement = Any

_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class HtmlExtract:
    """What one HTML page yields: plain body text and the metadata the page states."""

    text: str  # body paragraphs joined by "\n\n"
    title: str | None = None
    author: str | None = None
    outlet: str | None = None  # the site name
    published: str | None = None  # ISO day of first publication, not of the last update
    url: str | None = None
    language: str | None = None


def extract_html(
    html: str, *, url: str | None = None, precision: bool = False, tables: bool = False
) -> HtmlExtract | None:
    """Extract the article body and metadata from ``html``; None when no body text is found.

    Args:
        html: the page's markup (already decoded).
        url: where the page came from, if known; used for metadata only, never fetched.
        precision: trafilatura's ``favor_precision`` (less boilerplate, a little less text).
        tables: keep text inside ``<table>`` elements.
    """
    tree = _parse(html)
    if tree is None:
        return None
    meta = _metadata(tree, url)
    text = _body(tree, url=meta.url or url, precision=precision, tables=tables)
    if not text:
        return None
    return HtmlExtract(
        text=text,
        title=meta.title or None,
        author=meta.author or None,
        outlet=meta.sitename or None,
        published=meta.date or None,
        url=meta.url or url,
        language=page_language(tree),
    )


def _parse(html: str) -> HtmlElement | None:
    """Parse a page; bare fragments (``<p>..</p>`` from a JSON export) are wrapped first."""
    if not html.strip():
        return None
    if "<html" not in html[:2048].lower():
        html = f"<html><body><div>{html}</div></body></html>"
    tree = load_html(html)
    return tree if tree is not None and len(tree) else None


def _body(tree: HtmlElement, *, url: str | None, precision: bool, tables: bool) -> str:
    """Body paragraphs joined by blank lines: trafilatura, its recall mode, then its baseline."""
    for recall in (False, True):
        doc = bare_extraction(
            tree,
            url=url,
            with_metadata=False,
            include_comments=False,
            include_tables=tables,
            include_links=False,
            include_images=False,
            favor_precision=precision and not recall,
            favor_recall=recall,
        )
        text = _paragraphs(doc.text) if isinstance(doc, Document) and doc.text else ""
        if text:
            return text
    _, raw, _ = baseline(tree)
    text = _paragraphs(raw)
    return text if len(text) >= MIN_BASELINE_CHARS else ""


def _paragraphs(text: str) -> str:
    """trafilatura puts one block per line; we want blank-line separated paragraphs."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _metadata(tree: HtmlElement, url: str | None) -> Document:
    """trafilatura's metadata pass minus categories, tags and licence (see the import note)."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # trafilatura's own rule: a one-word "author" is usually a handle or site
    # trafilatura's JSON-LD reader can fail on odd markup; the meta tags read so far remain.
    with contextlib.suppress(Exception):
        meta = extract_meta_json(tree, meta)
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or extract_author(tree)
    meta.url = meta.url or extract_url(tree, url)
    # original_date: the first publication, not "updated"; htmldate gets the tree, so it never fetches.
    # The fast pass reads structured metadata and the URL. Only when that finds nothing do we pay
    # for extensive_search, which hands free text to dateparser (~200 locales, ~0.5 s a page): on
    # every page it made extraction 6x slower than trafilatura alone.
    meta.date = (
        find_date(tree, extensive_search=False, original_date=True, url=meta.url)
        or find_date(tree, extensive_search=True, original_date=True, url=meta.url)
        or _byline_date(tree)
    )
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
    meta.clean_and_trim()
    return meta


#: elements whose text states when a page was published, in the order they are trusted
_DATE_XPATHS = (
    "//time[@datetime]/@datetime",
    "//time",
    '//*[contains(@class, "date") or contains(@class, "published") or contains(@class, "posted")]',
    '//*[contains(@class, "byline") or contains(@class, "meta")]',
)


def _byline_date(tree: HtmlElement) -> str | None:
    """A calendar day written in a <time> element, a date/byline element, or near the top of the page."""
    for xpath in _DATE_XPATHS:
        for node in tree.xpath(xpath)[:5]:
            text = node if isinstance(node, str) else " ".join(node.itertext())
            found = parse_date(str(text)[:200])
            if found:
                return found
    return None


def page_language(tree: HtmlElement) -> str | None:
    """Primary language subtag the page declares (``<html lang>``, og:locale, content-language)."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for xpath in (
        '//meta[@property="og:locale"]/@content',
        '//meta[translate(@http-equiv,"CONTENT-LANGUAGE","content-language")="content-language"]/@content',
    ):
        candidates.extend(str(v) for v in tree.xpath(xpath)[:1])
    for value in candidates:
        if value and _LANG.match(value.strip()):
            return str(value).strip().replace("_", "-").split("-")[0].lower()
    return None
