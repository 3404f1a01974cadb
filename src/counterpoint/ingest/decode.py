"""Bytes to text: encoding detection and the one-line reasons bad input is skipped.

Order of trust when decoding: a byte-order mark, then strict UTF-8, then UTF-8 with a few
broken bytes, then the charset the container declared (HTTP header or HTML ``<meta charset>``),
then charset-normalizer, whose guess is kept only when it reads as language.
Strict UTF-8 goes before a declared charset because pages that declare ``iso-8859-1``
but are really UTF-8 are common, while legacy text that happens to be valid multi-byte
UTF-8 is vanishingly rare.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# First bytes of formats that are never articles; the name goes into the skip reason.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
)

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

SNIFF_BYTES = 8192
# Share of control characters (other than tab, newline, carriage return, form feed)
# above which a file is binary; real text has essentially none.
MAX_CONTROL_RATIO = 0.05
# Share of U+FFFD replacement characters above which a lossy decode is not worth keeping.
MAX_REPLACEMENT_RATIO = 0.02
# NUL bytes a text may carry as noise (they are removed with a note downstream); more, or
# more than this share of the head, and the file is binary (UTF-16 without a BOM included).
MAX_STRAY_NULS = 8
MAX_NUL_RATIO = 0.05
# Plausibility of a guessed charset's text: characters looked at, the least share of letters
# among visible characters, and the longest mean "word" in scripts that separate words by spaces.
PLAUSIBLE_SAMPLE = 20_000
MIN_LETTER_SHARE = 0.5
MAX_MEAN_TOKEN = 25

_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}
_CONTROL_BYTES = bytes(sorted(_CONTROL))
# Scripts written without spaces between words: Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan.
_UNSPACED_SCRIPT = re.compile(
    "[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# WHATWG: browsers decode these labels as windows-1252, which is a superset.
_LEGACY_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso8859-1": "cp1252",
}


class DecodeError(ValueError):
    """Bytes that cannot be turned into trustworthy text; ``str(err)`` is the skip reason."""


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, or None."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary (magic number, NUL bytes, control characters), or None."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return f"binary content ({name})"
    head = data[:SNIFF_BYTES]
    if bom_encoding(head) in {"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"}:
        return None  # NUL bytes are expected in UTF-16/32 text
    nuls = head.count(b"\x00")
    if nuls > MAX_STRAY_NULS or nuls > MAX_NUL_RATIO * len(head):
        return "binary content (NUL bytes)"
    # bytes.translate deletes at C speed; a Python loop over the head cost ~1 ms per file
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES)) - nuls
    if head and controls / len(head) > MAX_CONTROL_RATIO:
        return "binary content (control characters)"
    return None


def bad_input_reason(data: bytes, *, max_bytes: int) -> str | None:
    """One-line reason to skip ``data`` before decoding it (empty, too large, binary), or None."""
    if not data:
        return "empty file"
    if len(data) > max_bytes:
        return f"larger than max_bytes ({max_bytes} bytes)"
    reason = binary_reason(data)
    if reason:
        return reason
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        return "empty file (only whitespace)"
    return None


def declared_charset(data: bytes) -> str | None:
    """Charset named by an HTML ``<meta charset>`` / ``http-equiv`` in the first bytes, or None."""
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def _codec(name: str | None) -> str | None:
    """Python codec for a charset label, or None when the label is unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _LEGACY_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(data: bytes, *, declared: str | None = None) -> str:
    """Decode ``data`` to text: BOM, strict UTF-8, mostly-UTF-8, declared charset, then a guess.

    UTF-8 with a few broken bytes keeps its text (U+FFFD for the broken bytes) rather than
    being re-read as cp1252 mojibake. A guessed charset is accepted only when its text is
    plausible (:func:`implausible_reason`), so random bytes are not stored as an "article".

    Raises:
        DecodeError: the bytes are broken beyond repair or in no encoding we can find.
    """
    bom = bom_encoding(data)
    if bom:
        try:
            return data[len(codecs.BOM_UTF8) if bom == "utf-8" else 0 :].decode(bom).lstrip("\ufeff")
        except UnicodeDecodeError:
            pass  # a lying BOM: fall through to the other methods
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lossy = data.decode("utf-8", "replace")
    declared_codec = next(filter(None, (_codec(declared), _codec(declared_charset(data)))), None)
    if _few_replacements(lossy) and (declared_codec == "utf-8" or _valid_multibyte(lossy)):
        return lossy
    if declared_codec and declared_codec != "utf-8":
        try:
            return data.decode(declared_codec)
        except UnicodeDecodeError:
            pass
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    # ASCII text with a few stray bytes and no plausible guess is still worth keeping.
    if _few_replacements(lossy) and lossy.strip():
        return lossy
    raise DecodeError("undecodable: broken or unknown text encoding")


def _few_replacements(text: str) -> bool:
    return text.count("\ufffd") <= MAX_REPLACEMENT_RATIO * max(len(text), 1)


def _valid_multibyte(lossy: str) -> bool:
    """True when a lossy UTF-8 decode holds real multi-byte characters besides U+FFFD.

    Legacy 8-bit text almost never forms valid UTF-8 sequences by accident, so one such
    character says the file is UTF-8 with damage, not cp1252 or Latin-1.
    """
    non_ascii = len(lossy) - len(lossy.encode("ascii", "ignore"))
    return non_ascii > lossy.count("\ufffd")


def _guess(data: bytes) -> str | None:
    """Text in the charset charset-normalizer finds, or None when there is none or it reads as noise."""
    best = from_bytes(data).best()
    if best is None or not best.encoding:
        return None
    text = str(best)
    if not _few_replacements(text) or implausible_reason(text):
        return None
    return text


def implausible_reason(text: str) -> str | None:
    """Why a decoded text cannot be language (mostly symbols, no word breaks), or None.

    Used on the output of charset guessing only: random high bytes decode "successfully" in
    most 8-bit charsets (e.g. as a 20,000-letter Cyrillic word), which is not an article.
    """
    sample = text[:PLAUSIBLE_SAMPLE]
    visible = [c for c in sample if not c.isspace()]
    if not visible:
        return "no visible text"
    letters = sum(1 for c in visible if c.isalpha())
    if letters < MIN_LETTER_SHARE * len(visible):
        return "mostly symbols"
    unspaced = sum(1 for c in visible if _UNSPACED_SCRIPT.match(c))
    if unspaced < MIN_LETTER_SHARE * letters:
        tokens = sample.split()
        if len(visible) / len(tokens) > MAX_MEAN_TOKEN:
            return "no word breaks"
    return None
