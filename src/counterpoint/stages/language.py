"""Language identification with py3langid, whose model ships inside its wheel (no download).

The wheel's model is LZMA-compressed: unpacking it took ~0.5 s in every process that starts
(a fifth of the fixed cost of a small run). It is unpacked once per machine into the user cache
(``counterpoint.cache``, keyed by the compressed file's hash) and read from there uncompressed.
"""

from __future__ import annotations

import lzma
import shutil
from functools import cache
from typing import Any

import numpy as np

from counterpoint.cache import cached_file, digest
from counterpoint.config import Settings
from counterpoint.model import Doc
from counterpoint.pipeline import stage

#: language identification is reliable well before this many characters, and cost grows with length
#: (py3langid's feature counting was the costliest step of ingest at 3,000)
_SAMPLE_CHARS = 1000
#: below this many characters a statement in the input (e.g. a JSON ``language`` field) is trusted instead
_MIN_CHARS = 40


def _unpacked_model(source: Any) -> Any:
    """The uncompressed copy of py3langid's model file in the cache (``OSError`` if it cannot be)."""

    def write(fh: Any) -> None:
        with lzma.open(source) as src:
            shutil.copyfileobj(src, fh, length=1 << 20)

    return cached_file(f"langid-{digest(source.read_bytes())}.npz", write)


@cache
def identifier() -> Any:
    """py3langid's ``LanguageIdentifier``, once per process, read from the unpacked cache copy.

    Built the way py3langid builds it from its own file (``modelio.load_model``, including its array
    conversion: py3langid is pinned), so the answers are the same; if the cache cannot be written,
    py3langid's own loader runs instead.
    """
    from py3langid import langid, modelio

    source = langid.MODEL_DIR / langid.MODEL_FILE
    try:
        path = _unpacked_model(source)
    except OSError:
        return langid.LanguageIdentifier.from_model_file(source)
    with np.load(path, allow_pickle=False) as data:
        return langid.LanguageIdentifier(
            np.asarray(data["ptc"]),
            np.asarray(data["pc"]),
            data["classes"].tolist(),
            modelio._to_array(data["nextmove"]),
            data["out_feat"].tolist(),
            tk_row=modelio._to_array(data["nextmove_row"]),
        )


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell."""
    sample = text[:_SAMPLE_CHARS].strip()
    if len(sample) < _MIN_CHARS:
        return None
    code, _score = identifier().classify(sample)
    return str(code)


@stage(needs=("text",), provides=("language",))
def language(doc: Doc, settings: Settings) -> Doc:
    """Detect the article's language; the text decides, a stated language only breaks ties on short text."""
    found = detect_language(doc.article.text)
    return doc.with_article(language=found or doc.article.language)
