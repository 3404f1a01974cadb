"""Property-based fuzzing of every reader and of the cleaner: a few hundred examples each (make test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from properties import (
    EXTENSIONS,
    check_clean,
    check_decode,
    check_extract,
    check_file,
    check_jsonl,
    check_record,
    check_stdin,
    check_warc,
    hostile_bytes,
    json_records,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@given(data=hostile_bytes, ext=st.sampled_from(EXTENSIONS))
def test_fuzz_any_file_is_an_article_or_a_skip(folder: Path, data: bytes, ext: str) -> None:
    check_file(folder, data, ext)


@given(data=hostile_bytes)
def test_fuzz_any_stdin_is_an_article_or_a_skip(data: bytes) -> None:
    check_stdin(data)


@given(data=hostile_bytes)
def test_fuzz_decode_gives_text_or_a_reason(data: bytes) -> None:
    check_decode(data)


@given(data=hostile_bytes)
def test_fuzz_warc_stream_never_raises(data: bytes) -> None:
    check_warc(data)


@given(data=hostile_bytes)
def test_fuzz_jsonl_stream_never_raises(data: bytes) -> None:
    check_jsonl(data)


@given(record=json_records)
def test_fuzz_any_json_record_is_an_article_or_a_skip(record: dict[str, Any]) -> None:
    check_record(record)


@given(text=st.text(max_size=3000))
def test_fuzz_clean_text_only_removes(text: str) -> None:
    check_clean(text)


@given(text=st.text(max_size=3000), fmt=st.sampled_from(["text", "html"]))
def test_fuzz_extract_never_fails_internally(text: str, fmt: str) -> None:
    check_extract(text, fmt)
