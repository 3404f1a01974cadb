"""WARC / ARC archives (plain or gzipped) -> one RawDocument per HTML or text response."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any, cast

# warcio ships no type information (mypy override in pyproject): its records are Any here.
from warcio.archiveiterator import ArchiveIterator

from counterpoint.ingest.decode import DecodeError, binary_reason, decode
from counterpoint.ingest.guard import GZIP_MAGIC, BoundedGzip, CompressionBomb
from counterpoint.model import Hints, RawDocument, RawFormat, Skipped, content_id

ACCEPTED_TYPES: dict[str, RawFormat] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}
# Record types that carry a page; request, warcinfo, metadata and revisit records hold none.
PAGE_RECORDS = ("response", "resource")
# Bytes allowed after the last record: the blank lines that end a WARC record.
TRAILING_SLACK = 8
# How an archive starts once decompressed: a WARC record or an ARC file header.
ARCHIVE_MAGIC = (b"WARC/", b"filedesc://")


def _content_type(value: str | None) -> tuple[str, str | None]:
    """(mime type, charset) from a Content-Type header value."""
    if not value:
        return "", None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return mime.strip().lower(), charset


def _record_to_raw(record: Any, source: str, max_bytes: int) -> RawDocument | Skipped | None:
    """One warcio record as a RawDocument, a Skipped, or None for records that hold no page."""
    rec_type = record.rec_type
    if rec_type not in PAGE_RECORDS:
        return None
    headers = record.rec_headers
    uri: str = headers.get_header("WARC-Target-URI") or source
    http = record.http_headers
    if http is not None and rec_type == "response":
        status = http.get_statuscode()
        if status != "200":
            return Skipped(uri, f"HTTP status {status}")
        content_type = http.get_header("Content-Type")
    else:
        content_type = headers.get_header("Content-Type")
    mime, charset = _content_type(content_type)
    fmt = ACCEPTED_TYPES.get(mime)
    if fmt is None:
        return Skipped(uri, f"not HTML or text ({mime or 'no content type'})")
    # content_stream() undoes chunked and gzip transfer encodings.
    payload: bytes = record.content_stream().read(max_bytes + 1)
    rid = content_id(payload)
    if len(payload) > max_bytes:
        return Skipped(uri, f"larger than max_bytes ({max_bytes} bytes)", rid)
    if not payload.strip():
        return Skipped(uri, "empty response", rid)
    reason = binary_reason(payload)
    if reason:
        return Skipped(uri, reason, rid)
    try:
        body = decode(payload, declared=charset)
    except DecodeError as err:
        return Skipped(uri, str(err), rid)
    return RawDocument(
        id=rid, source=uri, body=body, format=fmt, hints=Hints(url=uri if "://" in uri else None)
    )


def _position(stream: IO[bytes]) -> int:
    """How far into ``stream`` reading got; 0 when the stream cannot tell (then nothing is flagged)."""
    try:
        return stream.tell()
    except (OSError, ValueError):
        return 0


def _cut_short(record: Any) -> bool:
    """Read what is left of the record; True when the archive ends before its declared length."""
    raw = record.raw_stream  # a warcio LimitReader over the record block
    while raw.read(1 << 16):
        pass
    return bool(getattr(raw, "limit", 0) > 0)


def _plain(stream: IO[bytes]) -> IO[bytes]:
    """The archive's bytes uncompressed: gzip is inflated here, within a budget, not by warcio.

    warcio inflates without limit, and its header ``readline`` spins on a gzip bomb of zeros.
    """
    if _peek(stream, 2) == GZIP_MAGIC:
        # unbuffered: a read-ahead buffer would lose the records before a truncated end
        return cast(IO[bytes], BoundedGzip(stream))
    return stream


def _peek(stream: IO[bytes], n: int) -> bytes:
    """The first ``n`` bytes of ``stream`` without consuming them (it must buffer or seek)."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return bytes(peek(n)[:n])
    start = stream.tell()
    head = stream.read(n)
    stream.seek(start)
    return head


def iter_warc(stream: IO[bytes], source: str, *, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    """Pages of a WARC/ARC stream (gzip detected automatically), streamed record by record.

    A truncated or corrupt archive ends with one Skipped naming the archive instead of an error,
    so the records read before the damage are kept; a record cut short is not yielded.
    """
    count = 0
    pages = 0
    end = 0
    try:
        stream = _plain(stream)
        head = _peek(stream, 16).lstrip(b"\r\n")
        if not head.startswith(ARCHIVE_MAGIC):
            yield Skipped(source, "not a WARC or ARC archive (it does not start with a WARC record)")
            return
        archive = ArchiveIterator(stream, arc2warc=True)
        for record in archive:
            count += 1
            doc = _record_to_raw(record, source, max_bytes)
            if _cut_short(record):
                yield Skipped(source, f"truncated archive: record {count} is cut short")
                return
            if doc is not None:
                pages += 1
                yield doc
            archive.read_to_end(record)
            end = archive.get_record_offset() + archive.get_record_length()
        # warcio ends quietly when the archive stops inside a record's headers; what was read
        # past the last whole record (beyond the blank lines that close it) tells us.
        if count and _position(stream) - end > TRAILING_SLACK:
            yield Skipped(source, f"truncated archive: it ends inside the record after record {count}")
        elif not pages:  # only request/metadata records, or none: say so rather than nothing
            yield Skipped(source, f"no page in the archive ({count} records, none a response or resource)")
    # warcio raises many kinds of error on damaged input (EOFError, zlib.error, ArchiveLoadFailed,
    # even AttributeError on half-read headers); all of them mean the same to the user.
    except CompressionBomb as err:
        yield Skipped(source, f"{err} (after {count} records)")
    except Exception as err:  # noqa: BLE001 - see above: any failure is a damaged archive
        plain = isinstance(err, OSError | EOFError | ValueError) or type(err).__name__ == "ArchiveLoadFailed"
        detail = (
            str(err).strip().splitlines()[0] if plain and str(err).strip() else "unreadable record headers"
        )
        yield Skipped(source, f"truncated or corrupt archive after {count} records: {detail[:200]}")
