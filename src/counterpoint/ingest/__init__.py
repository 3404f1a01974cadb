"""Readers that turn what a user points at (files, folders, globs, stdin) into RawDocuments.

Everything streams: folders are walked lazily, JSON Lines and WARC files are read record
by record, and no single read is larger than ``max_bytes + 1``. Inputs that cannot become
an article come out as ``Skipped`` with a one-line reason, never as an exception.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from counterpoint.ingest.decode import SNIFF_BYTES, DecodeError, bad_input_reason, binary_reason, decode
from counterpoint.ingest.guard import GZIP_MAGIC, CompressionBomb, NotRegularFile, open_gzip, open_regular
from counterpoint.ingest.jsonl import TOO_DEEP, iter_json, iter_jsonl
from counterpoint.ingest.warc import iter_warc
from counterpoint.model import RawDocument, RawFormat, Skipped, content_id

__all__ = ["DEFAULT_MAX_BYTES", "iter_inputs", "read_path"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

TEXT_EXTS = frozenset({"", ".txt", ".md", ".text", ".markdown"})
HTML_EXTS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
JSON_EXTS = frozenset({".json"})
JSONL_EXTS = frozenset({".jsonl", ".ndjson"})
WARC_EXTS = frozenset({".warc", ".arc"})
# Text formats that are never articles; anything else unknown is sniffed.
NOT_ARTICLE_EXTS = frozenset(
    {
        ".csv",
        ".tsv",
        ".css",
        ".js",
        ".mjs",
        ".py",
        ".xml",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".cfg",
        ".log",
        ".sql",
        ".svg",
        ".rss",
        ".atom",
    }
)
# Folder walks skip a project's own paperwork (samples/README.md is not an article);
# naming such a file explicitly still reads it.
NOT_ARTICLE_NAMES = frozenset(
    {"readme", "license", "licence", "changelog", "provenance", "notice", "copying"}
)
_GLOB_MAGIC = frozenset("*?[")
_HTML_SNIFF = (b"<!doctype html", b"<html")

Item = RawDocument | Skipped


def iter_inputs(
    paths: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None
) -> Iterator[Item]:
    """Yield every article (or skip) found under ``paths``, in a stable order.

    A path may be a file, a folder (walked recursively and sorted, hidden entries skipped),
    a glob (``data/*.html``, ``data/**``) or ``-`` for stdin (read once, format sniffed).
    """
    for arg in paths:
        if arg == "-":
            yield from _guarded("-", _read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_bytes))
            continue
        found = False
        for path in expand_path(arg):
            found = True
            yield from read_path(path, max_bytes=max_bytes)
        if not found:
            yield Skipped(arg, "no such file or directory")


def expand_path(arg: str) -> Iterator[str]:
    """Files named by one user argument: itself, a folder's files, or a glob's matches, sorted."""
    if os.path.isdir(arg):
        yield from _walk(arg)
    elif os.path.lexists(arg):  # a dangling link or a link loop: read_path names it
        yield arg
    elif _GLOB_MAGIC & set(arg):
        import glob  # only globs need it

        recursive = "**" in arg
        for match in sorted(glob.iglob(arg, recursive=recursive)):
            if os.path.isdir(match):
                if not recursive:  # with ** the folder's files are matched on their own
                    yield from _walk(match)
            else:
                yield match


def _walk(root: str) -> Iterator[str]:
    """Files under ``root`` in path order (a folder's entries sorted by name, folders entered
    where they sort), skipping hidden entries and README/LICENSE files."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            linked_dir = not is_dir and entry.is_symlink() and entry.is_dir()
        except OSError:  # a symlink loop: read_path names it as the reason
            is_dir = linked_dir = False
        if is_dir:
            yield from _walk(entry.path)
        elif linked_dir:
            continue  # a symlinked folder is not followed (as os.walk): links can loop
        elif entry.name.split(".")[0].lower() not in NOT_ARTICLE_NAMES:
            yield entry.path


def _split_ext(path: str) -> tuple[str, bool]:
    """(lower-case extension without .gz, whether the file is gzipped)."""
    name = os.path.basename(path).lower()
    gzipped = name.endswith(".gz")
    if gzipped:
        name = name[:-3]
    return os.path.splitext(name)[1], gzipped


def read_path(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Articles in one file, dispatched by extension and, for unknown ones, by content.

    The one guarded reader every file goes through: only regular files are opened, and any
    error inside this one input ends as a Skipped with a one-line reason, never as an exception.
    """
    yield from _guarded(path, _read_file(path, max_bytes))


def _guarded(source: str, items: Iterator[Item]) -> Iterator[Item]:
    """``items`` of one input, with whatever goes wrong inside it turned into a final Skipped."""
    try:
        yield from items
    except (NotRegularFile, CompressionBomb) as err:
        yield Skipped(source, str(err))
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        yield Skipped(source, f"corrupt or truncated gzip: {err or type(err).__name__}")
    except RecursionError:
        yield Skipped(source, TOO_DEEP)
    except OSError as err:
        yield Skipped(source, f"cannot read: {err.strerror or err}")
    except Exception as err:  # noqa: BLE001 - one bad input is a skip, never the end of the batch
        yield Skipped(source, f"unreadable: {type(err).__name__}: {err}"[:200])


def _read_file(path: str, max_bytes: int) -> Iterator[Item]:
    ext, gzipped = _split_ext(path)
    with open_regular(path) as raw:
        if ext in WARC_EXTS:
            yield from iter_warc(raw, path, max_bytes=max_bytes)
            return
        if not gzipped and os.fstat(raw.fileno()).st_size > max_bytes:
            yield Skipped(path, f"larger than max_bytes ({max_bytes} bytes)")
            return
        stream = open_gzip(raw) if gzipped else raw
        if ext in JSONL_EXTS:
            yield from iter_jsonl(stream, path, max_bytes=max_bytes)
            return
        if ext not in TEXT_EXTS | HTML_EXTS | JSON_EXTS:
            head = stream.read(SNIFF_BYTES)
            if ext in NOT_ARTICLE_EXTS or binary_reason(head):
                yield Skipped(path, binary_reason(head) or f"unsupported file type {ext}")
                return
            data = head + stream.read(max_bytes + 1 - len(head))
        else:
            data = stream.read(max_bytes + 1)
    if ext in JSON_EXTS:
        yield from _json_or_jsonl(data, path, max_bytes)
    else:
        yield bytes_to_raw(data, path, max_bytes=max_bytes, html=ext in HTML_EXTS)


def looks_like_html(data: bytes) -> bool:
    """True when the first bytes open an HTML document."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(marker in head for marker in _HTML_SNIFF)


def bytes_to_raw(data: bytes, source: str, *, max_bytes: int, html: bool = False) -> Item:
    """A text or HTML file's bytes as a RawDocument (id = content_id of the bytes), or Skipped."""
    rid = content_id(data)
    reason = bad_input_reason(data, max_bytes=max_bytes)
    if reason:
        return Skipped(source, reason, rid if data else None)
    try:
        body = decode(data)
    except DecodeError as err:
        return Skipped(source, str(err), rid)
    fmt: RawFormat = "html" if html or looks_like_html(data) else "text"
    return RawDocument(id=rid, source=source, body=body, format=fmt)


def _json_or_jsonl(data: bytes, source: str, max_bytes: int) -> Iterator[Item]:
    """A .json file; one object per line ("Extra data") is read as JSON Lines instead."""
    reason = bad_input_reason(data, max_bytes=max_bytes)
    if reason:
        hint = "; use JSON Lines for large collections" if reason.startswith("larger") else ""
        yield Skipped(source, reason + hint)
        return
    try:
        json.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":
            yield from iter_jsonl(io.BytesIO(data), source, max_bytes=max_bytes)
            return
    except (ValueError, UnicodeDecodeError, RecursionError):
        pass  # iter_json reports it
    yield from iter_json(data, source)


def _read_stdin(stdin: BinaryIO, max_bytes: int) -> Iterator[Item]:
    """Stdin, read once (at most ``max_bytes + 1``), its format sniffed from the content."""
    data = stdin.read(max_bytes + 1)
    content = data
    if data.startswith(GZIP_MAGIC):
        content = open_gzip(io.BytesIO(data)).read(max_bytes + 1)  # errors: see _guarded
    if content.startswith((b"WARC/", b"filedesc://")):
        yield from iter_warc(io.BytesIO(data), "-", max_bytes=max_bytes)
    elif content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        yield from _json_or_jsonl(content, "-", max_bytes)
    else:
        yield bytes_to_raw(content, "-", max_bytes=max_bytes)
