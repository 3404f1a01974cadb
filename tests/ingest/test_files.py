"""iter_inputs: paths, folders, globs, stdin, dispatch, bad inputs and the sample corpus."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from counterpoint.ingest import iter_inputs
from counterpoint.model import RawDocument, Skipped, content_id
from counterpoint.stages.html import extract_html

TESTS = Path(__file__).resolve().parent.parent
BAD = TESTS / "fixtures" / "bad"
SAMPLES = TESTS.parent / "samples"

ARTICLE = b"Harbour Hall hosted the signing on Monday.\n\nBoth ministers spoke.\n"
PAGE = b"<!DOCTYPE html><html><body><p>Harbour Hall hosted the signing on Monday.</p></body></html>"


def _sources(items: list[RawDocument | Skipped]) -> list[str]:
    return [i.source for i in items]


def test_files_single_text_file_id_and_source(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE)
    [doc] = list(iter_inputs([str(path)]))
    assert isinstance(doc, RawDocument)
    assert (doc.source, doc.id, doc.format) == (str(path), content_id(ARTICLE), "text")
    assert doc.body == ARTICLE.decode()


def test_files_folder_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.txt").write_bytes(ARTICLE + b"z")
    (tmp_path / "b" / "a.md").write_bytes(ARTICLE + b"a")
    (tmp_path / "c.html").write_bytes(PAGE)
    (tmp_path / ".hidden.txt").write_bytes(ARTICLE)
    (tmp_path / ".git" / "x.txt").write_bytes(ARTICLE)
    (tmp_path / "README.md").write_bytes(b"About this folder")
    items = list(iter_inputs([str(tmp_path)]))
    assert _sources(items) == [
        str(tmp_path / "b" / "a.md"),
        str(tmp_path / "b" / "z.txt"),
        str(tmp_path / "c.html"),
    ]
    assert [i.format for i in items if isinstance(i, RawDocument)] == ["text", "text", "html"]


def test_files_missing_path_and_empty_glob_are_skipped(tmp_path: Path) -> None:
    items = list(iter_inputs([str(tmp_path / "nope.txt"), str(tmp_path / "*.html")]))
    assert [(i.source, i.reason) for i in items if isinstance(i, Skipped)] == [
        (str(tmp_path / "nope.txt"), "no such file or directory"),
        (str(tmp_path / "*.html"), "no such file or directory"),
    ]


def test_files_glob_and_recursive_glob(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_bytes(PAGE)
    (tmp_path / "b.txt").write_bytes(ARTICLE)
    (tmp_path / "sub" / "c.html").write_bytes(PAGE + b" ")
    assert _sources(list(iter_inputs([str(tmp_path / "*.html")]))) == [str(tmp_path / "a.html")]
    assert _sources(list(iter_inputs([str(tmp_path / "**" / "*.html")]))) == [
        str(tmp_path / "a.html"),
        str(tmp_path / "sub" / "c.html"),
    ]
    assert len(list(iter_inputs([str(tmp_path / "**")]))) == 3


def test_files_html_sniffed_in_txt_and_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_bytes(PAGE)
    (tmp_path / "page.php").write_bytes(PAGE)
    (tmp_path / "note.rst").write_bytes(ARTICLE)
    formats = {
        Path(i.source).name: i.format for i in iter_inputs([str(tmp_path)]) if isinstance(i, RawDocument)
    }
    assert formats == {"page.txt": "html", "page.php": "html", "note.rst": "text"}


def test_files_binary_and_non_article_extensions_skipped(tmp_path: Path) -> None:
    (tmp_path / "img.png").write_bytes((BAD / "tiny.png").read_bytes())
    (tmp_path / "data.csv").write_bytes(b"a,b\n1,2\n")
    reasons = {Path(i.source).name: i.reason for i in iter_inputs([str(tmp_path)]) if isinstance(i, Skipped)}
    assert reasons == {"img.png": "binary content (PNG image)", "data.csv": "unsupported file type .csv"}


def test_files_gz_is_decompressed_with_the_same_id(tmp_path: Path) -> None:
    (tmp_path / "a.html.gz").write_bytes(gzip.compress(PAGE))
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(b'{"text": "one"}\n{"text": "two"}\n'))
    (tmp_path / "c.txt.gz").write_bytes(b"\x1f\x8b not really gzip")
    items = list(iter_inputs([str(tmp_path)]))
    assert isinstance(items[0], RawDocument)
    assert items[0].format == "html"
    assert items[0].id == content_id(PAGE)
    assert [i.source for i in items[1:3]] == [f"{tmp_path / 'b.jsonl.gz'}#1", f"{tmp_path / 'b.jsonl.gz'}#2"]
    assert isinstance(items[3], Skipped)
    assert "gzip" in items[3].reason


def test_files_larger_than_max_bytes_skipped_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 20 MB + 1 without writing 20 MB
        fh.truncate(20 * 1024 * 1024 + 1)
    [item] = list(iter_inputs([str(big)]))
    assert isinstance(item, Skipped)
    assert item.reason.startswith("larger than max_bytes")
    small = tmp_path / "small.txt"
    small.write_bytes(ARTICLE)
    [item] = list(iter_inputs([str(small)], max_bytes=10))
    assert isinstance(item, Skipped)
    assert item.reason == "larger than max_bytes (10 bytes)"


def test_files_gzip_bomb_is_bounded_by_max_bytes(tmp_path: Path) -> None:
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 5000))
    [item] = list(iter_inputs([str(tmp_path / "bomb.txt.gz")], max_bytes=1000))
    assert isinstance(item, Skipped)
    assert "max_bytes" in item.reason


def test_files_stdin_text_html_json_and_jsonl() -> None:
    [doc] = list(iter_inputs(["-"], stdin=io.BytesIO(ARTICLE)))
    assert isinstance(doc, RawDocument)
    assert (doc.source, doc.format) == ("-", "text")
    [doc] = list(iter_inputs(["-"], stdin=io.BytesIO(PAGE)))
    assert isinstance(doc, RawDocument)
    assert doc.format == "html"
    docs = list(iter_inputs(["-"], stdin=io.BytesIO(json.dumps([{"text": "a"}, {"text": "b"}]).encode())))
    assert _sources(docs) == ["-#1", "-#2"]
    docs = list(iter_inputs(["-"], stdin=io.BytesIO(b'{"text": "a"}\n{"text": "b"}\n')))
    assert _sources(docs) == ["-#1", "-#2"]
    docs = list(iter_inputs(["-"], stdin=io.BytesIO(gzip.compress(ARTICLE))))
    assert isinstance(docs[0], RawDocument)
    assert docs[0].body == ARTICLE.decode()


def test_files_stdin_reads_at_most_max_bytes_plus_one() -> None:
    stream = io.BytesIO(b"x" * 1000)
    [item] = list(iter_inputs(["-"], stdin=stream, max_bytes=100))
    assert isinstance(item, Skipped)
    assert item.reason == "larger than max_bytes (100 bytes)"
    assert stream.tell() == 101


def test_files_json_file_with_one_object_per_line_read_as_jsonl(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b'{"text": "a"}\n{"text": "b"}\n')
    assert _sources(list(iter_inputs([str(tmp_path / "a.json")]))) == [
        f"{tmp_path / 'a.json'}#1",
        f"{tmp_path / 'a.json'}#2",
    ]


def test_files_bad_fixtures_outcomes() -> None:
    items = list(iter_inputs([str(BAD)]))
    got = {
        i.source.removeprefix(str(BAD) + "/"): (i.reason if isinstance(i, Skipped) else i.format)
        for i in items
    }
    assert got == {
        "broken_encoding.txt": "undecodable: broken or unknown text encoding",
        "cp1252.txt": "text",
        "empty.txt": "empty file",
        "latin1.txt": "text",
        "malformed.jsonl#1": "text",
        "malformed.jsonl#2": got["malformed.jsonl#2"],
        "malformed.jsonl#3": "text",
        "tiny.png": "binary content (PNG image)",
        "truncated.html": "html",
        "truncated_notext.html": "html",
        "whitespace.txt": "empty file (only whitespace)",
    }
    assert str(got["malformed.jsonl#2"]).startswith("invalid JSON")


def test_files_every_sample_ingests() -> None:
    items = list(iter_inputs([str(SAMPLES)]))
    assert all(isinstance(i, RawDocument) for i in items), [i for i in items if isinstance(i, Skipped)]
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert len(docs) == 8
    assert len({d.id for d in docs}) == 8
    assert not any(d.source.endswith("README.md") for d in docs)
    for doc in docs:
        assert len(doc.body.split()) >= 100
        assert "Port Amsel" in doc.body
        if doc.format == "html":
            extract = extract_html(doc.body)
            assert extract is not None
            assert "brass band" in extract.text
            assert "SECRET_TRACKER_TOKEN" not in extract.text
    french = [d for d in docs if "courrier" in d.source]
    assert french
    assert "Veloria et Port Amsel signent" in french[0].body
