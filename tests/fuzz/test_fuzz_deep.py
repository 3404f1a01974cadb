"""The same properties with many thousands of new examples each: ``make fuzz`` (marked slow)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
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

pytestmark = pytest.mark.slow
# not load_profile: collecting this module (``make test`` does) must not change the quick tests
_FUZZ = settings.get_profile("fuzz")
# FUZZ_EXAMPLES=50000 make fuzz: a longer run on a quiet machine
DEEP = settings(_FUZZ, max_examples=int(os.environ.get("FUZZ_EXAMPLES", _FUZZ.max_examples)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-deep")


@DEEP
@given(data=hostile_bytes, ext=st.sampled_from(EXTENSIONS))
def test_fuzz_deep_files(folder: Path, data: bytes, ext: str) -> None:
    check_file(folder, data, ext)


@DEEP
@given(data=hostile_bytes)
def test_fuzz_deep_stdin_decode_warc_jsonl(data: bytes) -> None:
    check_stdin(data)
    check_decode(data)
    check_warc(data)
    check_jsonl(data)


@DEEP
@given(record=json_records)
def test_fuzz_deep_json_records(record: dict[str, Any]) -> None:
    check_record(record)


@DEEP
@given(text=st.text(max_size=20_000))
def test_fuzz_deep_clean_text(text: str) -> None:
    check_clean(text)


@DEEP
@given(text=st.text(max_size=20_000), fmt=st.sampled_from(["text", "html"]))
def test_fuzz_deep_extract(text: str, fmt: str) -> None:
    check_extract(text, fmt)
