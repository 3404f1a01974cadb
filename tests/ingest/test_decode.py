"""Encoding detection and bad-input reasons."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from counterpoint.ingest.decode import (
    DecodeError,
    bad_input_reason,
    binary_reason,
    declared_charset,
    decode,
    implausible_reason,
)

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\nrest", "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    ],
)
def test_decode_magic_numbers_are_binary(data: bytes, name: str) -> None:
    reason = binary_reason(data)
    assert reason is not None
    assert name in reason


def test_decode_nul_bytes_and_control_chars_are_binary() -> None:
    assert binary_reason(b"some text\x00more") == "binary content (NUL bytes)"
    assert binary_reason(b"\x01\x02\x03\x04\x05abc" * 10) == "binary content (control characters)"
    assert binary_reason(b"A plain sentence.\n") is None


def test_decode_utf16_with_bom_is_not_binary() -> None:
    data = "Héllo wörld".encode("utf-16")
    assert binary_reason(data) is None
    assert decode(data) == "Héllo wörld"


def test_decode_bad_input_reasons_for_empty_whitespace_and_size() -> None:
    assert bad_input_reason(b"", max_bytes=100) == "empty file"
    assert bad_input_reason(b" \n\t\r\n ", max_bytes=100) == "empty file (only whitespace)"
    assert bad_input_reason(b"x" * 101, max_bytes=100) == "larger than max_bytes (100 bytes)"
    assert bad_input_reason(b"A short article.", max_bytes=100) is None


def test_decode_fixture_files_classified() -> None:
    assert bad_input_reason((BAD / "tiny.png").read_bytes(), max_bytes=1000) == "binary content (PNG image)"
    assert bad_input_reason((BAD / "empty.txt").read_bytes(), max_bytes=1000) == "empty file"
    assert (
        bad_input_reason((BAD / "whitespace.txt").read_bytes(), max_bytes=1000)
        == "empty file (only whitespace)"
    )


def test_decode_latin1_fixture_keeps_accents() -> None:
    text = decode((BAD / "latin1.txt").read_bytes())
    assert "café on Müllerstraße" in text
    assert "Renée Dübner" in text


def test_decode_cp1252_fixture_keeps_curly_quotes() -> None:
    text = decode((BAD / "cp1252.txt").read_bytes())
    assert "\u201cWe have heard promises before,\u201d" in text
    assert "cooperative\u2019s board" in text
    assert "12 March \u2014 two days" in text


def test_decode_broken_encoding_raises_with_reason() -> None:
    with pytest.raises(DecodeError, match="undecodable"):
        decode((BAD / "broken_encoding.txt").read_bytes())


def test_decode_prefers_valid_utf8_over_wrong_declaration() -> None:
    data = '<meta charset="iso-8859-1"><p>Café</p>'.encode()
    assert declared_charset(data) == "iso-8859-1"
    assert "Café" in decode(data)


def test_decode_uses_meta_charset_for_legacy_bytes() -> None:
    data = '<html><head><meta charset="windows-1251"></head><body><p>Рыбаки и договор</p></body></html>'
    assert "Рыбаки и договор" in decode(data.encode("cp1251"))


def test_decode_uses_declared_http_charset() -> None:
    data = "Ærøskøbing havn".encode("latin-1")
    assert decode(data, declared="ISO-8859-1") == "Ærøskøbing havn"


def test_decode_strips_utf8_bom() -> None:
    assert decode(b"\xef\xbb\xbfHello") == "Hello"


def test_decode_utf8_with_a_few_stray_bytes_keeps_its_text() -> None:
    text = "The mayor — who spoke on Monday — said the plan was ready. " * 5
    data = text.encode() + b"\xff\xfe\x81 more" + text.encode() + b"\xc3\x28\xa0"
    out = decode(data)
    assert "—" in out
    assert "â€" not in out
    assert out.count("\ufffd") == 5  # \xc3\x28 is one bad sequence and a "("


def test_decode_random_high_bytes_are_undecodable() -> None:
    data = bytes(random.Random(3).randint(0x80, 0xFF) for _ in range(20_000))
    with pytest.raises(DecodeError, match="undecodable"):
        decode(data)


def test_decode_implausible_text_reasons() -> None:
    assert implausible_reason("Ж" * 5000) == "no word breaks"
    assert implausible_reason("§±¶ ¤¦ ©® " * 50) == "mostly symbols"
    assert implausible_reason("Мэр города заявил в понедельник, что план готов.") is None
    assert implausible_reason("市议会周四批准了新的预算。" * 40) is None


def test_decode_a_few_nul_bytes_are_not_binary_but_many_are() -> None:
    text = b"The\x00 council\x00\x00 approved" + b" the new budget on Thursday after a long debate." * 3
    assert binary_reason(text) is None
    assert binary_reason(b"abc\x00\x00\x00") == "binary content (NUL bytes)"
    assert (
        binary_reason("The council approved the budget.".encode("utf-16-le")) == "binary content (NUL bytes)"
    )
