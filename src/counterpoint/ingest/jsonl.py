"""JSON and JSON Lines records -> RawDocument, for the shapes news tools export.

Known shapes: news-please (``maintext``, ``date_publish``, ``source_domain``),
newspaper/newspaper4k (``text``, ``publish_date``, ``meta_site_name``), Media Cloud
(``story_text``, ``media_name``), NewsAPI (``source: {"name": ...}``), and generic
``title/text/body/content/html/url/date/source/author`` records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import IO, Any
from urllib.parse import urlsplit

from counterpoint.model import Hints, RawDocument, RawFormat, Skipped, content_id

TEXT_FIELDS = ("maintext", "text", "story_text", "body", "content", "article", "full_text", "fulltext")
HTML_FIELDS = ("html", "raw_html", "content_html", "body_html")
TITLE_FIELDS = ("title", "headline")
URL_FIELDS = ("url", "link", "canonical_url", "story_url")
OUTLET_FIELDS = (
    "media_name",
    "meta_site_name",
    "outlet",
    "source",
    "publisher",
    "site_name",
    "sitename",
    "source_name",
    "source_domain",
)
OUTLET_URL_FIELDS = ("source_url", "media_url")
AUTHOR_FIELDS = ("authors", "author", "byline", "creator")
DATE_FIELDS = (
    "date_publish",
    "publish_date",
    "published",
    "published_at",
    "publishedAt",
    "date_published",
    "datePublished",
    "pubdate",
    "publication_date",
    "date",
)
LANGUAGE_FIELDS = ("language", "lang", "language_code")
# Wrappers an export puts around its list of records.
LIST_KEYS = ("articles", "data", "results", "stories", "items", "documents")

#: the skip reason for JSON nested beyond what the parser's recursion limit (about 1,000 levels)
#: allows; no news export nests more than a handful of levels
TOO_DEEP = "invalid JSON: nested too deeply (over about 1000 levels)"

_HTML_MARKUP = re.compile(r"<(?:p|div|br|article|html|body|span|h[1-6])[\s>/]", re.IGNORECASE)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])")
_DAY_FORMATS = ("%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%Y%m%d")


def iso_day(value: object) -> str | None:
    """Normalise a date-ish value to YYYY-MM-DD, or None.

    Accepts ISO strings, RFC 2822, epoch seconds or milliseconds and "17 January 2026";
    ambiguous day-month orders such as "03-03-2026" are not guessed.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds are common in JS exports
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, Mapping):  # e.g. {"$date": "..."} from MongoDB exports
        return iso_day(value.get("$date"))
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _ISO_DAY.match(text)
    if match:
        try:
            return datetime(int(match[1]), int(match[2]), int(match[3])).date().isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _first_str(record: Mapping[str, Any], fields: Sequence[str]) -> str | None:
    """The first field holding a non-blank string (or a ``{"name": ...}`` object)."""
    for name in fields:
        value = record.get(name)
        if isinstance(value, Mapping):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _author(record: Mapping[str, Any]) -> str | None:
    for name in AUTHOR_FIELDS:
        value = record.get(name)
        if isinstance(value, Mapping):
            value = value.get("name")
        if isinstance(value, list):
            names = [v.get("name") if isinstance(v, Mapping) else v for v in value]
            value = ", ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _outlet(record: Mapping[str, Any]) -> str | None:
    outlet = _first_str(record, OUTLET_FIELDS)
    if outlet:
        return outlet
    site = _first_str(record, OUTLET_URL_FIELDS)
    host = urlsplit(site if "//" in site else f"//{site}").hostname if site else None
    return host.removeprefix("www.") if host else None


def _date(record: Mapping[str, Any]) -> str | None:
    for name in DATE_FIELDS:
        day = iso_day(record.get(name))
        if day:
            return day
    return None


def record_to_raw(record: Mapping[str, Any], source: str) -> RawDocument | Skipped:
    """Turn one JSON object into a RawDocument, or Skipped when it holds no article text."""
    try:
        rid = content_id(json.dumps(record, sort_keys=True, default=str))
    except RecursionError:  # parsed just under the limit, but serialising adds stack frames
        return Skipped(source, TOO_DEEP)
    body = _first_str(record, TEXT_FIELDS)
    fmt: RawFormat = "text"
    if body is None:
        body = _first_str(record, HTML_FIELDS)
        fmt = "html"
    elif _HTML_MARKUP.search(body[:4000]):
        fmt = "html"  # CMS exports often put rendered HTML into "content" or "body"
    if body is None:
        return Skipped(source, f"no article text (none of {', '.join(TEXT_FIELDS + HTML_FIELDS)})", rid)
    hints = Hints(
        title=_first_str(record, TITLE_FIELDS),
        url=_first_str(record, URL_FIELDS),
        outlet=_outlet(record),
        author=_author(record),
        published=_date(record),
        language=_first_str(record, LANGUAGE_FIELDS),
    )
    return RawDocument(id=rid, source=source, body=body, format=fmt, hints=hints)


def _value_to_docs(value: Any, source: str) -> Iterator[RawDocument | Skipped]:
    """Records from a parsed JSON document: one object, a list, or a wrapped list."""
    if isinstance(value, Mapping):
        for key in LIST_KEYS:
            if isinstance(value.get(key), list):
                value = value[key]
                break
        else:
            yield record_to_raw(value, source)
            return
    if not isinstance(value, list):
        yield Skipped(source, f"JSON {type(value).__name__} is not an object or a list of objects")
        return
    for n, item in enumerate(value, start=1):
        if isinstance(item, Mapping):
            yield record_to_raw(item, f"{source}#{n}")
        else:
            yield Skipped(f"{source}#{n}", f"JSON {type(item).__name__} is not an object")


def iter_json(data: bytes | str, source: str) -> Iterator[RawDocument | Skipped]:
    """Records of a whole JSON document (one object, a list, or {"articles": [...]})."""
    try:
        value = json.loads(data.removeprefix(b"\xef\xbb\xbf") if isinstance(data, bytes) else data)
    except (ValueError, UnicodeDecodeError) as err:
        yield Skipped(source, f"invalid JSON: {err}")
        return
    except RecursionError:
        yield Skipped(source, TOO_DEEP)
        return
    yield from _value_to_docs(value, source)


def _long_line(stream: IO[bytes], head: bytes, chunk: int) -> bytes:
    """Consume the rest of an over-long line without holding it in memory; returns its end."""
    line = head
    while line and not line.endswith(b"\n"):
        line = stream.readline(chunk)
    return line


def iter_jsonl(stream: IO[bytes], source: str, *, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    """Records of a JSON Lines stream, one line at a time; bad lines become Skipped and reading goes on.

    ``source#N`` counts physical lines (1-based) so a user can find the line; blank lines are ignored.
    """
    n = 0
    found = False
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            if not found:  # an empty or all-blank file must still leave a reason behind
                yield Skipped(source, "empty file (no JSON Lines records)")
            return
        n += 1
        src = f"{source}#{n}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            found = True
            _long_line(stream, line, 1 << 20)
            yield Skipped(src, f"record larger than max_bytes ({max_bytes} bytes)")
            continue
        if n == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        found = True
        try:
            value = json.loads(line)
        except (ValueError, UnicodeDecodeError) as err:
            yield Skipped(src, f"invalid JSON: {err}")
            continue
        except RecursionError:
            yield Skipped(src, TOO_DEEP)
            continue
        if isinstance(value, Mapping):
            yield record_to_raw(value, src)
        else:
            yield Skipped(src, f"JSON {type(value).__name__} is not an object")
