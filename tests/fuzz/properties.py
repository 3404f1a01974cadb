"""Properties every reader and the cleaner must hold for any input, for the quick and the slow fuzz runs.

Each ``check_*`` function takes one generated input and asserts what must hold however
hostile it is: no exception escapes, every skip has a one-line reason, the cleaner only
removes text and never invents it.
"""

from __future__ import annotations

import gzip
import io
import re
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from counterpoint.config import Settings
from counterpoint.ingest import iter_inputs
from counterpoint.ingest.decode import DecodeError, decode
from counterpoint.ingest.jsonl import iter_jsonl, record_to_raw
from counterpoint.ingest.warc import iter_warc
from counterpoint.model import Doc, RawDocument, Skipped, content_id
from counterpoint.pipeline import Pipeline
from counterpoint.stages.clean import clean_text
from counterpoint.stages.extract import extract, metadata

#: ``make test``: a few hundred examples per property, the same ones every run (no flaky suite)
QUICK_EXAMPLES = 200
#: ``make fuzz``: many thousands, new ones every run (override with FUZZ_EXAMPLES)
DEEP_EXAMPLES = 5000
_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("suite", max_examples=QUICK_EXAMPLES, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=DEEP_EXAMPLES, **_COMMON)
settings.load_profile("suite")

EXTENSIONS = (".txt", ".html", ".json", ".jsonl", ".warc", ".txt.gz", ".jsonl.gz", ".warc.gz", ".bin", "")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WARC = (
    b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/a\r\n"
    b"Content-Type: application/http; msgtype=response\r\nContent-Length: 120\r\n\r\n"
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Harbour Hall hosted the signing"
    b" on Monday.</p></body></html>\r\n\r\n"
)
PIPELINE = Pipeline.build([extract, metadata], budget=10)
SETTINGS = Settings(workers=1)

#: arbitrary bytes, biased towards the shapes readers branch on
hostile_bytes = st.one_of(
    st.binary(max_size=4096),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.builds(
        lambda a, b: a + b,
        st.sampled_from([b"WARC/1.0\r\n", b"\x1f\x8b", b"{", b"[", b"<html>", b"\xef\xbb\xbf"]),
        st.binary(max_size=2048),
    ),
    st.builds(
        lambda data, cut: gzip.compress(data)[: cut or None], st.binary(max_size=2048), st.integers(-40, 0)
    ),
    st.builds(
        lambda cut, flip: _mutate(_WARC, cut, flip),
        st.integers(0, len(_WARC)),
        st.integers(0, len(_WARC) - 1),
    ),
)

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=200),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)
json_records = st.dictionaries(
    st.sampled_from(
        ["title", "text", "maintext", "html", "url", "date", "source", "author", "language", "x"]
    ),
    json_values,
    max_size=8,
)


def _mutate(data: bytes, cut: int, flip: int) -> bytes:
    """``data`` cut short at ``cut`` with the byte at ``flip`` inverted (when it survives the cut)."""
    out = bytearray(data[:cut])
    if flip < len(out):
        out[flip] ^= 0xFF
    return bytes(out)


def _one_line(item: Skipped) -> None:
    assert item.reason, item
    assert "\n" not in item.reason, item.reason
    assert len(item.reason) <= 300, item.reason


def check_items(items: list[RawDocument | Skipped], source: str) -> None:
    """Readers yield only articles and one-line skips, named after the input they came from."""
    for item in items:
        assert isinstance(item, RawDocument | Skipped), item
        if isinstance(item, Skipped):
            _one_line(item)
        else:
            assert isinstance(item.body, str)


def check_file(folder: Path, data: bytes, ext: str) -> None:
    """Any bytes, under any extension, read from a file: articles or skips, never an exception."""
    path = folder / f"input{ext}"
    path.write_bytes(data)
    started = time.perf_counter()
    items = list(iter_inputs([str(path)], max_bytes=1 << 20))
    assert time.perf_counter() - started < 10
    check_items(items, str(path))
    assert items, "every input ends as at least one article or skip"


def check_stdin(data: bytes) -> None:
    """Any bytes on standard input: articles or skips, never an exception."""
    check_items(list(iter_inputs(["-"], stdin=io.BytesIO(data), max_bytes=1 << 20)), "-")


def check_decode(data: bytes) -> None:
    """decode gives text or a DecodeError with a reason, nothing else."""
    try:
        text: str | DecodeError = decode(data)
    except DecodeError as err:
        text = err
    assert isinstance(text, str) or str(text).startswith("undecodable"), text


def check_warc(data: bytes) -> None:
    """Any bytes as a WARC stream: pages or skips, never an exception."""
    check_items(list(iter_warc(io.BytesIO(data), "t.warc", max_bytes=1 << 20)), "t.warc")


def check_jsonl(data: bytes) -> None:
    """Any bytes as JSON Lines: one item per non-blank line at most, never an exception."""
    check_items(list(iter_jsonl(io.BytesIO(data), "t.jsonl", max_bytes=1 << 20)), "t.jsonl")


def check_record(record: dict[str, Any]) -> None:
    """Any JSON object becomes an article or a skip with a reason."""
    item = record_to_raw(record, "t.json")
    check_items([item], "t.json")


def check_clean(text: str) -> None:
    """clean_text only removes: every word it keeps was in the input, and it returns quickly."""
    started = time.perf_counter()
    cleaned = clean_text(text)
    assert time.perf_counter() - started < 5
    words = set(" ".join(_ZERO_WIDTH.sub(" ", text).split()).split())
    kept = set(cleaned.text.split())
    assert kept <= words, kept - words
    if cleaned.title is not None:
        assert set(cleaned.title.split()) <= words


def check_extract(text: str, fmt: str) -> None:
    """The extract and metadata stages on any text end as an article or a one-line skip."""
    raw = RawDocument(content_id(text), "mem", text, "html" if fmt == "html" else "text")
    doc = PIPELINE.run_article(Doc.from_raw(raw), SETTINGS)
    if doc.skipped is not None:
        assert doc.skipped, doc
        assert "\n" not in doc.skipped, doc.skipped
        assert not doc.skipped.startswith("internal error"), doc.skipped
    else:
        assert "\x00" not in doc.article.text
