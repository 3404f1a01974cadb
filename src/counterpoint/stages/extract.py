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
from counterpoint.stages.clean import Cleaned, clean_text, word_count
from counterpoint.stages.metadata import extract_metadata, normalise_outlet

#: the longest line and the longest space-free token a text input may hold before any regex
#: sees it: no article has a 100,000-character paragraph or a 2,000-character word, and every
#: pattern of the text path stays linear below these (docs/hostile-input.md)
MAX_LINE_CHARS = 100_000
MAX_TOKEN_CHARS = 2_000
# a token character: not a space, and not of a script written without spaces (a Chinese
# paragraph is one long "token"); the look-behind starts a match only where a token starts,
# so the search stays linear however long the tokens are
_TOKEN_CHAR = "[^\\s\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]"
_LONG_TOKEN = re.compile(f"(?<!{_TOKEN_CHAR}){_TOKEN_CHAR}{{{MAX_TOKEN_CHARS + 1}}}")
# C0 controls other than tab, newline, carriage return and form feed: never text, and lxml
# refuses a string that holds NUL
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def oversize_reason(text: str) -> str | None:
    """Why a text is not article text by its shape (a giant line or token), or None."""
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        return f"not article text: a line of {longest} characters (at most {MAX_LINE_CHARS})"
    if _LONG_TOKEN.search(text):
        return f"not article text: a word of more than {MAX_TOKEN_CHARS} characters without a space"
    return None


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
    body = raw.body
    controls = len(_CONTROLS.findall(body))
    if controls:
        body = _CONTROLS.sub("", body)
        plural = "s" if controls != 1 else ""
        doc = doc.note("extract", f"removed {controls} control character{plural} (NUL and the like)")
    if raw.format != "html":
        reason = oversize_reason(body)
        if reason:
            return doc.skip(reason)
    if raw.format == "html":
        # imported on first HTML input: trafilatura and htmldate cost ~0.2 s to import, which a
        # run over text or JSON files never needs
        from counterpoint.stages.html import extract_html

        res = extract_html(body, url=raw.hints.url)
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
        cleaned = clean_text(body, repeated=doc.repeated_lines, cfg=settings.clean)
        if art.title and cleaned.title and not cleaned.text and cleaned.title != art.title:
            # the input stated its headline, so the one line the cleaner took for a headline is the
            # lead (a dek without a full stop): keep it as the text
            removed = tuple(r for r in cleaned.removed if r.reason != "title")
            cleaned = Cleaned(cleaned.title, removed, art.title)
        doc = doc.with_article(
            text=cleaned.text, removed=cleaned.removed, title=_first(art.title, cleaned.title)
        )
    if raw.format == "html":
        reason = oversize_reason(doc.article.text)
        if reason:
            return doc.skip(reason)
    words = word_count(doc.article.text)
    if words < settings.min_words and not _headline_and_lead(doc.article.title, words, settings):
        return doc.skip(
            f"no article text after cleaning ({words} words; at least {settings.min_words} needed)"
        )
    return doc


def _headline_and_lead(title: str | None, words: int, settings: Settings) -> bool:
    """A short item that is still news: a headline of a few words over a lead of a sentence or two."""
    return words >= settings.min_lead_words and title is not None and word_count(title) >= 3


@stage(needs=("text", "removed"), provides=("title", "outlet", "author", "published", "dateline"))
def metadata(doc: Doc, settings: Settings) -> Doc:
    """Fill title, outlet, author, date and dateline from the text where the input did not state them."""
    art = doc.article
    meta = extract_metadata(doc.raw.body, Cleaned(art.text, art.removed, art.title))
    return doc.with_article(
        title=_first(art.title, meta.title),
        outlet=normalise_outlet(_first(art.outlet, meta.outlet)),
        author=_first(art.author, meta.author),
        published=_first(art.published, meta.published),
        dateline=_first(art.dateline, meta.dateline),
    )
