"""The per-article ``slant`` stage: how the article tells its story, in the outlet's own voice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from counterpoint.config import Settings
from counterpoint.model import Article, Doc, Mention, Quote
from counterpoint.pipeline import stage
from counterpoint.slant.frames import frame_scores
from counterpoint.slant.lexicon import Lexicon, QuoteMap, load_lexicon
from counterpoint.slant.model import ArticleSlant, Confidence, Genre
from counterpoint.slant.stance import entity_stance, partisan_lean
from counterpoint.slant.techniques import (
    count_words,
    density_score,
    find_spans,
    opinion_markers,
    subjective_mass,
)

LOW_CONFIDENCE_WORDS = 120  # fewer words of the outlet's own: scores are shrunk and flagged
HIGH_CONFIDENCE_WORDS = 350
MOSTLY_QUOTES = 0.6  # share of words in direct quotes above which the article is labelled "quotes"
OPINION_SCORE = (
    0.3  # opinion markers + loaded language, squashed (density_score, scale 8), at or above: opinion
)


def _confidence(words: int, quote_share: float) -> Confidence:
    if words < LOW_CONFIDENCE_WORDS or quote_share > 0.75:
        return "low"
    return "high" if words >= HIGH_CONFIDENCE_WORDS else "medium"


def _genre(words: int, quote_share: float, opinion: float) -> Genre:
    if quote_share >= MOSTLY_QUOTES:
        return "quotes"
    if words < 60:
        return "unknown"
    return "opinion" if opinion >= OPINION_SCORE else "report"


def analyse_slant(
    article: Article,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    quotes: Sequence[Quote],
    *,
    lexicon: Lexicon | None = None,
) -> ArticleSlant:
    """Score one article: loaded language, subjectivity, stance per central actor, frames, spans.

    Words inside direct quotes are attributed to their speaker: they appear in ``spans`` with
    ``speaker`` set and in ``quoted_slant``, but do not move the outlet's own scores.
    """
    lex = lexicon or load_lexicon()
    text = article.text
    qmap = QuoteMap.build(quotes)
    own = qmap.outside(0, len(text))
    words_all = count_words(text, [(0, len(text))])
    words_own = count_words(text, own)
    quote_share = 1.0 - words_own / words_all if words_all else 0.0
    found = find_spans(text, article.id, qmap, lex)
    own_found = [f for f in found if f.slant.speaker is None]
    mass = sum(f.weight for f in own_found)
    quoted: dict[str, float] = defaultdict(float)
    for f in found:
        if f.slant.speaker is not None:
            quoted[f.slant.speaker] += f.weight
    markers = opinion_markers(text, own)
    subj = subjective_mass(text, own, lex)
    opinion = density_score(markers + mass, words_own, scale=8.0)
    phrase_valence = [(f.slant.span.start, f.slant.span.end, f.valence) for f in own_found if f.valence]
    return ArticleSlant(
        article_id=article.id,
        loaded_language=density_score(mass, words_own),
        subjectivity=density_score(0.5 * subj + 0.5 * markers + 0.5 * mass, words_own, prior_rate=1.5),
        stance=entity_stance(text, sentences, mentions, qmap, phrase_valence, lex),
        frames=frame_scores(text, words_all, lex),
        spans=tuple(f.slant for f in found),
        confidence=_confidence(words_own, quote_share),
        genre=_genre(words_own, quote_share, opinion),
        words=words_own,
        quote_share=quote_share,
        quoted_slant={k: round(v, 4) for k, v in sorted(quoted.items(), key=lambda kv: -kv[1])},
        lean=partisan_lean(text, own, lex)[0],
    )


@stage(needs=("text", "sentences", "mentions", "quotes"), provides=("slant",), english_only=True)
def slant(doc: Doc, settings: Settings) -> Doc:
    """Attach the article's ``ArticleSlant`` (needs the ``slant`` field on ``Doc``)."""
    result = analyse_slant(doc.article, doc.sentences, doc.mentions, doc.quotes)
    return doc.with_layers(slant=result)
