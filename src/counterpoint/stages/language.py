"""Language identification with py3langid, whose model ships inside its wheel (no download)."""

from __future__ import annotations

import py3langid

from counterpoint.config import Settings
from counterpoint.model import Doc
from counterpoint.pipeline import stage

#: language identification is reliable well before this many characters, and cost grows with length
#: (py3langid's feature counting was the costliest step of ingest at 3,000)
_SAMPLE_CHARS = 1000
#: below this many characters a statement in the input (e.g. a JSON ``language`` field) is trusted instead
_MIN_CHARS = 40


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell."""
    sample = text[:_SAMPLE_CHARS].strip()
    if len(sample) < _MIN_CHARS:
        return None
    code, _score = py3langid.classify(sample)
    return str(code)


@stage(needs=("text",), provides=("language",))
def language(doc: Doc, settings: Settings) -> Doc:
    """Detect the article's language; the text decides, a stated language only breaks ties on short text."""
    found = detect_language(doc.article.text)
    return doc.with_article(language=found or doc.article.language)
