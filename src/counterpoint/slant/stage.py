"""The per-article ``slant`` stage: how the article tells its story, in the outlet's own voice."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from counterpoint.config import Settings
from counterpoint.model import Article, Doc, Mention, Quote, Vector
from counterpoint.pipeline import stage
from counterpoint.slant.features import (
    BIAS_CONTEXT_FEATURES,
    BIAS_DENSE,
    CONTEXT_MODEL,
    EMBED_DIM,
    Tokens,
    bias_columns,
    bias_row,
    context_vectors,
    view_vectors,
)
from counterpoint.slant.frames import frame_scores
from counterpoint.slant.head import Batch
from counterpoint.slant.lexicon import Lexicon, QuoteMap, load_lexicon
from counterpoint.slant.model import ArticleSlant, Confidence, Genre
from counterpoint.slant.phrases import SPAN_MIN, phrase_spans
from counterpoint.slant.stance import partisan_lean
from counterpoint.slant.targeted import Heads, load_heads, target_stance, token_range
from counterpoint.slant.techniques import (
    Found,
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


def sentence_bias(
    text: str,
    toks: Tokens,
    sentences: Sequence[tuple[int, int]],
    qmap: QuoteMap,
    own_found: Sequence[Found],
    heads: Heads,
    stored: Mapping[tuple[int, int], np.ndarray] | None = None,
) -> tuple[float, int]:
    """Mean p(biased) over the outlet's own sentences (quoted words left out), and how many there were.

    A ``bias/3`` head also reads each sentence's MiniLM vector, of the whole sentence as it was
    trained: taken from ``stored`` (sentence offsets -> the vectors stage's MiniLM vector of that
    sentence) where it is there, embedded here otherwise.
    """
    pieces = []
    spans: list[tuple[int, int]] = []
    context = heads.bias.features == BIAS_CONTEXT_FEATURES  # a trained head that reads MiniLM vectors
    starts = [f.slant.span.start for f in own_found]
    for ss, se in sentences:
        view = [t for ps, pe in qmap.outside(ss, se) for t in range(*token_range(toks, ps, pe))]
        if len(view) < 4:
            continue  # a sentence that is all quotation (or a dateline) says nothing in the outlet's voice
        lo, hi = bisect.bisect_left(starts, ss), bisect.bisect_left(starts, se)
        inside = own_found[lo:hi]
        mass = sum(f.weight for f in inside)
        phrases = sum(f.slant.technique != "Loaded_Language" for f in inside)
        pieces.append((view, text[ss:se], mass, phrases))
        spans.append((ss, se))
    if not pieces:
        return 0.0, 0
    columns = bias_columns(heads.bias.features)
    rows = [
        bias_row(toks, view, sent, loaded=mass, phrases=phrases, dims=heads.bias.dims, columns=columns)
        for view, sent, mass, phrases in pieces
    ]
    # the hand-set shipped head has no weights for the vector columns: embed only for a trained one
    vectors = (
        view_vectors(toks, [view for view, _t, _m, _p in pieces])
        if heads.bias.weights.shape[0] > len(BIAS_DENSE)
        else None
    )
    if vectors is not None and context:
        vectors = np.hstack([vectors, _sentence_vectors(text, spans, stored or {})])
    p = heads.bias.proba(Batch(rows, vectors, len(BIAS_DENSE)))[:, heads.bias.labels.index("biased")]
    return float(p.mean()), len(rows)


def _sentence_vectors(
    text: str, spans: Sequence[tuple[int, int]], stored: Mapping[tuple[int, int], np.ndarray]
) -> np.ndarray:
    """MiniLM vectors of ``text[s:e]`` per span: the stored ones; the missing ones embedded in one call."""
    out = np.zeros((len(spans), EMBED_DIM), dtype=np.float32)
    todo = [k for k, sp in enumerate(spans) if sp not in stored]
    for k, sp in enumerate(spans):
        if sp in stored:
            out[k] = stored[sp]
    if todo:
        out[todo] = context_vectors([text[spans[k][0] : spans[k][1]] for k in todo])
    return out


def stored_sentence_vectors(vectors: Sequence[Vector]) -> dict[tuple[int, int], np.ndarray]:
    """The MiniLM sentence vectors the ``vectors`` stage computed (claim candidates), by offsets."""
    return {(v.start, v.end): v.array() for v in vectors if v.kind == "sentence" and v.model == CONTEXT_MODEL}


def analyse_slant(
    article: Article,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    quotes: Sequence[Quote],
    *,
    lexicon: Lexicon | None = None,
    heads: Heads | None = None,
    vectors: Sequence[Vector] = (),
) -> ArticleSlant:
    """Score one article: loaded language, subjectivity, stance per central actor, frames, spans.

    Words inside direct quotes are attributed to their speaker: they appear in ``spans`` with
    ``speaker`` set and in ``quoted_slant``, and their stance toward actors in ``quoted_stance``,
    but they do not move the outlet's own scores. ``heads`` defaults to the shipped heads.
    ``vectors`` are the article's stored sentence vectors (``Doc.vectors``): a ``bias/3`` head reuses
    the MiniLM ones instead of embedding those sentences again.
    """
    lex = lexicon or load_lexicon()
    heads = heads or load_heads()
    text = article.text
    qmap = QuoteMap.build(quotes)
    own = qmap.outside(0, len(text))
    words_all = count_words(text, [(0, len(text))])
    words_own = count_words(text, own)
    quote_share = 1.0 - words_own / words_all if words_all else 0.0
    found = find_spans(text, article.id, qmap, lex, span_min=SPAN_MIN)
    own_found = [f for f in found if f.slant.speaker is None]
    mass = sum(f.weight for f in own_found)
    quoted: dict[str, float] = defaultdict(float)
    for f in found:
        if f.slant.speaker is not None:
            quoted[f.slant.speaker] += f.weight
    markers = opinion_markers(text, own)
    subj = subjective_mass(text, own, lex)
    opinion = density_score(markers + mass, words_own, scale=8.0)
    phrase_valence = [(f.slant.span.start, f.slant.span.end, f.valence) for f in found if f.valence]
    toks = Tokens.of(text, lex)
    stance, quoted_stance = target_stance(text, toks, sentences, mentions, qmap, phrase_valence, heads.stance)
    stored = stored_sentence_vectors(vectors) if heads.bias.features == BIAS_CONTEXT_FEATURES else None
    bias, n_sent = sentence_bias(text, toks, sentences, qmap, own_found, heads, stored)
    return ArticleSlant(
        article_id=article.id,
        loaded_language=density_score(mass, words_own),
        subjectivity=density_score(0.5 * subj + 0.5 * markers + 0.5 * mass, words_own, prior_rate=1.5),
        stance={name: round(st.score, 4) for name, st in stance.items()},
        frames=frame_scores(text, words_all, lex),
        spans=phrase_spans(text, article.id, found, qmap, sentences),
        confidence=_confidence(words_own, quote_share),
        genre=_genre(words_own, quote_share, opinion),
        words=words_own,
        quote_share=quote_share,
        quoted_slant={k: round(v, 4) for k, v in sorted(quoted.items(), key=lambda kv: -kv[1])},
        lean=partisan_lean(text, own, lex)[0],
        stance_detail=stance,
        quoted_stance=quoted_stance,
        sentence_bias=bias,
        sentences=n_sent,
        model=heads.source,
    )


@stage(needs=("text", "sentences", "mentions", "quotes"), provides=("slant",), english_only=True)
def slant(doc: Doc, settings: Settings) -> Doc:
    """Attach the article's ``ArticleSlant`` (needs the ``slant`` field on ``Doc``)."""
    heads = load_heads(settings.slant_model)
    result = analyse_slant(
        doc.article, doc.sentences, doc.mentions, doc.quotes, heads=heads, vectors=doc.vectors
    )
    return doc.with_layers(slant=result)
