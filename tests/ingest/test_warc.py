"""WARC archives built in the test with warcio's writer."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from counterpoint.ingest import iter_inputs
from counterpoint.ingest.warc import iter_warc
from counterpoint.model import RawDocument, Skipped, content_id

PAGE = b"<html><body><article><p>Harbour Hall hosted the signing on Monday.</p></article></body></html>"


def _response(writer: WARCWriter, uri: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http)
    )


def _archive(gz: bool) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "test"}))
    req = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://news.example/a", "request", http_headers=req))
    _response(writer, "https://news.example/a", PAGE, "text/html; charset=utf-8")
    _response(writer, "https://news.example/missing", b"not found", "text/html", status="404 Not Found")
    _response(writer, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n....", "image/png")
    _response(
        writer,
        "https://news.example/b",
        "Ærø havn åbner igen".encode("latin-1"),
        "text/plain; charset=ISO-8859-1",
    )
    return buf.getvalue()


def _check(items: list[RawDocument | Skipped]) -> None:
    docs = [i for i in items if isinstance(i, RawDocument)]
    skips = [i for i in items if isinstance(i, Skipped)]
    assert [d.source for d in docs] == ["https://news.example/a", "https://news.example/b"]
    assert docs[0].format == "html"
    assert docs[0].body == PAGE.decode()
    assert docs[0].id == content_id(PAGE)
    assert docs[0].hints.url == "https://news.example/a"
    assert docs[1].format == "text"
    assert docs[1].body == "Ærø havn åbner igen"
    assert [(s.source, s.reason) for s in skips] == [
        ("https://news.example/missing", "HTTP status 404"),
        ("https://news.example/logo.png", "not HTML or text (image/png)"),
    ]


def test_warc_plain_archive_yields_html_and_text_responses() -> None:
    _check(list(iter_warc(io.BytesIO(_archive(gz=False)), "t.warc", max_bytes=10_000)))


def test_warc_gzipped_archive_from_file(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(_archive(gz=True))
    _check(list(iter_inputs([str(path)])))


def test_warc_record_larger_than_max_bytes_is_skipped() -> None:
    items = list(iter_warc(io.BytesIO(_archive(gz=False)), "t.warc", max_bytes=10))
    big = [i for i in items if isinstance(i, Skipped) and "max_bytes" in i.reason]
    assert [i.source for i in big] == ["https://news.example/a", "https://news.example/b"]


def test_warc_truncated_archive_keeps_earlier_records(tmp_path: Path) -> None:
    for gz, cut in ((False, 60), (False, 200), (False, 400), (True, 60), (True, 400)):
        data = _archive(gz=gz)
        path = tmp_path / f"cut{cut}.warc{'.gz' if gz else ''}"
        path.write_bytes(data[: len(data) - cut])
        items = list(iter_inputs([str(path)]))
        docs = [i for i in items if isinstance(i, RawDocument)]
        assert docs
        assert docs[0].source == "https://news.example/a"
        assert isinstance(items[-1], Skipped)
        assert items[-1].source == str(path)
        assert "truncated" in items[-1].reason, (gz, cut, items[-1])


def test_warc_whole_archive_has_no_truncation_skip() -> None:
    items = list(iter_warc(io.BytesIO(_archive(gz=False)), "t.warc", max_bytes=10_000))
    assert not any(isinstance(i, Skipped) and "truncated" in i.reason for i in items)
