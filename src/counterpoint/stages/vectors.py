"""Sentence vectors, computed once per article where the worker cores are.

The story stage compares articles by the embedding of their headline and lead,
and the claims stage aligns claim-candidate sentences by theirs. Encoding is the
costliest step of the corpus half, so it runs here, in the per-article worker
processes, and the vectors are stored with the article: the corpus stages only
read them (and fill in the few that are missing, e.g. for a store written by an
older version or after the encoder setting changed).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from counterpoint.claims.checkworthy import CHECKWORTHY_THRESHOLD
from counterpoint.claims.story import WEAK_MARGIN, article_claims
from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.model import Doc, Span, Vector
from counterpoint.model.claim import ArticleFacts
from counterpoint.pipeline import stage
from counterpoint.stories import StoryDoc
from counterpoint.stories.embed import Embedder, embed, embed_text, load_embedder

#: the encoder names ``story_embedder`` accepts
ENCODERS = ("minilm", "minilm-q8", "minilm-torch", "static", "hashing")


def encoder(name: str, threads: int = 1) -> Embedder:
    """The encoder called ``name``, loaded lazily and once per process (one thread: one per worker)."""
    if name not in ENCODERS:
        raise ConfigError(f"story_embedder and claim_embedder must be one of {', '.join(ENCODERS)}: {name!r}")
    return load_embedder(name, threads=max(1, threads))


def claim_encoder_name(settings: Settings) -> str:
    """The encoder of claim-candidate sentences: ``claim_embedder``, else the story encoder."""
    return settings.claim_embedder or settings.story_embedder


def recall_encoder_name(settings: Settings) -> str:
    """The encoder the ``vectors`` stage embeds claim candidates with, and the claims stage proposes
    pairs by: ``static`` under ``claim_recall = "static"``, else the claim encoder."""
    return "static" if settings.claim_recall == "static" else claim_encoder_name(settings)


def claim_candidates(doc: Doc) -> list[Span]:
    """The sentences of ``doc`` that the claims stage may compare (check-worthy, weak ones included)."""
    art = doc.article
    facts = ArticleFacts(
        art.id, art.text, art.outlet, None, art.published, None,
        doc.sentences, doc.mentions, doc.quotes, doc.numbers, doc.times,
    )  # fmt: skip
    return [c.span for c in article_claims(facts, threshold=CHECKWORTHY_THRESHOLD - WEAK_MARGIN)]


def lead_text(doc: Doc) -> str:
    """What the story stage embeds for an article: its headline and lead."""
    art = doc.article
    return embed_text(StoryDoc(art.id, art.outlet, art.published, art.title, art.text, art.language))


def encode(texts: Sequence[str], name: str, threads: int = 1) -> np.ndarray:
    """Unit-length float32 rows for ``texts`` with the encoder called ``name``."""
    return embed(texts, encoder(name, threads))


@stage(
    needs=("text", "title", "sentences", "mentions", "quotes", "numbers", "times"),
    provides=("vectors",),
    english_only=True,
)
def vectors(doc: Doc, settings: Settings) -> Doc:
    """Embed the article's lead (``story_embedder``) and its claim candidates.

    Candidates are embedded with ``claim_embedder``, or with the cheap ``static`` encoder under
    ``claim_recall = "static"`` (the claims stage then embeds with ``claim_embedder`` only the few it
    needs, see ``stages/claims.py``).
    """
    lead, claim = settings.story_embedder, recall_encoder_name(settings)
    threads = settings.encoder_threads or 1  # 0 is "automatic": the runner sets it, else 1 per worker
    spans = claim_candidates(doc)
    texts = [lead_text(doc), *(s.text for s in spans)]
    if lead == claim:  # one encoder call for all
        rows = encode(texts, lead, threads)
    else:
        rows = np.concatenate([encode(texts[:1], lead, threads), encode(texts[1:], claim, threads)])
    out = [Vector("lead", 0, 0, lead, rows[0].tobytes())]
    out += [
        Vector("sentence", s.start, s.end, claim, r.tobytes()) for s, r in zip(spans, rows[1:], strict=True)
    ]
    return doc.with_layers(vectors=tuple(out))
