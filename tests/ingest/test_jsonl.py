"""JSON and JSON Lines records."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from counterpoint.ingest.jsonl import iso_day, iter_json, iter_jsonl, record_to_raw
from counterpoint.model import RawDocument, Skipped, content_id

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad"


def _raw(item: RawDocument | Skipped) -> RawDocument:
    assert isinstance(item, RawDocument), item
    return item


def test_jsonl_news_please_record() -> None:
    rec = {
        "title": "Accord signed",
        "maintext": "The accord was signed.",
        "description": "Teaser",
        "url": "https://x.example/a",
        "date_publish": "2026-01-17 16:15:00",
        "authors": ["A. One", "B. Two"],
        "source_domain": "x.example",
        "language": "en",
    }
    doc = _raw(record_to_raw(rec, "f.jsonl#1"))
    assert doc.body == "The accord was signed."
    assert doc.format == "text"
    assert doc.source == "f.jsonl#1"
    h = doc.hints
    assert (h.title, h.url, h.outlet, h.author, h.published, h.language) == (
        "Accord signed",
        "https://x.example/a",
        "x.example",
        "A. One, B. Two",
        "2026-01-17",
        "en",
    )


def test_jsonl_newspaper4k_record() -> None:
    rec = {
        "title": "T",
        "text": "Body text.",
        "authors": ["C. Three"],
        "publish_date": "2026-03-02T17:20:00+01:00",
        "url": "https://y.example/b",
        "source_url": "https://www.y.example",
        "meta_site_name": "Y Daily",
    }
    h = _raw(record_to_raw(rec, "s")).hints
    assert (h.outlet, h.author, h.published) == ("Y Daily", "C. Three", "2026-03-02")


def test_jsonl_media_cloud_record_and_outlet_from_media_url() -> None:
    rec = {
        "title": "T",
        "story_text": "Story.",
        "url": "https://z.example/c",
        "publish_date": "2026-02-01 00:00:00",
        "media_url": "https://www.z.example/",
        "language": "fr",
    }
    doc = _raw(record_to_raw(rec, "s"))
    assert doc.body == "Story."
    assert doc.hints.outlet == "z.example"
    assert doc.hints.language == "fr"


def test_jsonl_generic_record_with_source_object_and_byline() -> None:
    rec = {
        "headline": "H",
        "body": "Words.",
        "source": {"id": "x", "name": "The Outlet"},
        "byline": "By D. Four",
        "published": "Mon, 02 Mar 2026 10:00:00 GMT",
    }
    h = _raw(record_to_raw(rec, "s")).hints
    assert (h.title, h.outlet, h.author, h.published) == ("H", "The Outlet", "By D. Four", "2026-03-02")


def test_jsonl_html_only_record_is_html() -> None:
    doc = _raw(record_to_raw({"title": "T", "raw_html": "<html><body><p>Hi</p></body></html>"}, "s"))
    assert doc.format == "html"
    doc = _raw(record_to_raw({"content": "<p>Rendered</p><p>markup</p>"}, "s"))
    assert doc.format == "html"


def test_jsonl_record_without_text_is_skipped() -> None:
    item = record_to_raw({"title": "Only a title", "maintext": None, "description": "teaser"}, "f#3")
    assert isinstance(item, Skipped)
    assert item.source == "f#3"
    assert item.reason.startswith("no article text")


def test_jsonl_id_is_canonical_json() -> None:
    a = _raw(record_to_raw({"title": "T", "text": "X"}, "s"))
    b = _raw(record_to_raw({"text": "X", "title": "T"}, "s"))
    assert a.id == b.id == content_id(json.dumps({"text": "X", "title": "T"}, sort_keys=True))


def test_jsonl_malformed_line_is_skipped_and_reading_goes_on() -> None:
    with (BAD / "malformed.jsonl").open("rb") as fh:
        items = list(iter_jsonl(fh, "bad.jsonl", max_bytes=10_000))
    assert [type(i).__name__ for i in items] == ["RawDocument", "Skipped", "RawDocument"]
    assert [i.source for i in items] == ["bad.jsonl#1", "bad.jsonl#2", "bad.jsonl#3"]
    skipped = items[1]
    assert isinstance(skipped, Skipped)
    assert skipped.reason.startswith("invalid JSON:")


def test_jsonl_blank_lines_ignored_and_non_objects_skipped() -> None:
    data = b'{"text": "a"}\n\n[1, 2]\n{"text": "b"}\n'
    items = list(iter_jsonl(io.BytesIO(data), "f", max_bytes=1000))
    assert [i.source for i in items] == ["f#1", "f#3", "f#4"]
    assert isinstance(items[1], Skipped)
    assert "not an object" in items[1].reason


def test_jsonl_overlong_line_skipped_without_losing_the_next() -> None:
    long_line = json.dumps({"text": "x" * 5000}).encode()
    data = long_line + b"\n" + b'{"text": "short"}\n'
    items = list(iter_jsonl(io.BytesIO(data), "f", max_bytes=100))
    assert isinstance(items[0], Skipped)
    assert "larger than max_bytes" in items[0].reason
    assert _raw(items[1]).body == "short"
    assert items[1].source == "f#2"


def test_jsonl_json_shapes_list_wrapper_and_single_object() -> None:
    wrapped = list(
        iter_json(json.dumps({"status": "ok", "articles": [{"text": "a"}, {"text": "b"}]}), "f.json")
    )
    assert [i.source for i in wrapped] == ["f.json#1", "f.json#2"]
    listed = list(iter_json(b'[{"text": "a"}, "oops"]', "f.json"))
    assert isinstance(listed[1], Skipped)
    single = list(iter_json(b'{"text": "alone"}', "f.json"))
    assert _raw(single[0]).source == "f.json"
    broken = list(iter_json(b'{"text": ', "f.json"))
    assert isinstance(broken[0], Skipped)
    assert broken[0].reason.startswith("invalid JSON")


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-01-17 16:15:00", "2026-01-17"),
        ("2026-01-17T16:15:00Z", "2026-01-17"),
        ("2026-01-17", "2026-01-17"),
        ("Sat, 17 Jan 2026 16:15:00 GMT", "2026-01-17"),
        ("17 January 2026", "2026-01-17"),
        ("January 17, 2026", "2026-01-17"),
        (1768666500, "2026-01-17"),
        (1768666500000, "2026-01-17"),
        ({"$date": "2026-01-17T00:00:00Z"}, "2026-01-17"),
        ("2026-02-30", None),
        ("03-03-2026", None),
        ("soon", None),
        (None, None),
        (True, None),
    ],
)
def test_jsonl_iso_day_normalises(value: object, day: str | None) -> None:
    assert iso_day(value) == day
