"""A static sentence encoder distilled from the pinned MiniLM: one vector per WordPiece token.

Claim candidates are ~50 sentences per article; running each through the transformer cost ~4x
spaCy's whole per-article time. Here the transformer runs once per *vocabulary token* instead
(``[CLS] token [SEP]``, three positions, mean-pooled as the sentence encoder pools), and a
sentence is the weighted mean of its tokens' rows: a tokenizer call and a few numpy operations,
about a hundred times cheaper than the transformer (the model2vec idea, written here from scratch).

How the table is made (``build_table``), all deterministic:

1. every vocabulary token except padding, the ``[unusedN]`` slots and the special tokens gets the
   pinned int8 ONNX model's mean-pooled output of ``[CLS] token [SEP]``;
2. the rows are centred and rotated onto their principal axes (PCA, no dimensions dropped): the
   common direction every row shares would otherwise dominate every cosine;
3. each row is weighted by a Zipf estimate of its token's frequency, ``log(1 + rank)``, the
   vocabulary being in frequency order after its character block: frequent, uninformative
   tokens ("the", "of", "##s") count less, as in smooth inverse frequency weighting.

The table (30k x 384 float32, ~45 MB) is derived from the hash-pinned model files, never
downloaded and never committed: ``make install`` builds it (``python -m
counterpoint.stories.static_encoder``), and the first use builds it if it is missing, under a
lock so that parallel workers build it once. It lives in the user cache directory under the
sha256 of the model and tokenizer files, so another model can never be read with a stale table.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from counterpoint.cache import cache_dir, cached_file
from counterpoint.stories.onnx_encoder import DIM, OnnxEncoder, load_onnx_encoder, model_file, tokenizer_file

#: bump when the table's recipe changes: part of the cache key
RECIPE = "v1"
#: tokens are distilled in batches of this many three-position sequences
BUILD_BATCH = 1024
#: sentences longer than this many tokens are cut (as the transformer cuts at 256)
MAX_TOKENS = 256


def model_key() -> str:
    """A hash of the recipe and of the exact model and tokenizer files the table is derived from."""
    h = hashlib.sha256(RECIPE.encode())
    for path in (model_file(), tokenizer_file()):
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def table_path() -> Path:
    return cache_dir() / f"static-minilm-{model_key()}.npz"


def _skipped(token: str) -> bool:
    """Tokens that never occur in tokenised text: padding, unused slots, the special tokens."""
    return token.startswith("[") and token.endswith("]")


def zipf_weights(vocab: dict[str, int]) -> np.ndarray:
    """``log(1 + rank)`` per token id: WordPiece vocabularies list words by frequency.

    The rank counts from the first whole word after the single-character block, so "the" is
    rank 1; characters and skipped tokens get rank 1 too (characters are rare as whole tokens
    but carry little meaning alone, so they are not up-weighted).
    """
    size = max(vocab.values()) + 1
    ranks = np.ones(size, dtype=np.float64)
    by_id = sorted(vocab.items(), key=lambda kv: kv[1])
    first_word = next(
        (i for t, i in by_id if len(t) > 1 and not _skipped(t) and not t.startswith("##") and t.isalpha()), 0
    )
    for token, idx in by_id:
        if idx >= first_word and not _skipped(token):
            ranks[idx] = idx - first_word + 1
    return np.log1p(ranks).astype(np.float32)


def build_table(encoder: OnnxEncoder | None = None) -> np.ndarray:
    """The (vocabulary, DIM) float32 table of token vectors, PCA-rotated and Zipf-weighted."""
    enc = encoder or load_onnx_encoder(threads=max(1, os.cpu_count() or 1), batch_size=BUILD_BATCH)
    vocab: dict[str, int] = enc.tokenizer.get_vocab()
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    size = max(vocab.values()) + 1
    ids = np.array(sorted(i for t, i in vocab.items() if not _skipped(t)), dtype=np.int64)
    raw = np.zeros((size, DIM), dtype=np.float64)
    for start in range(0, len(ids), BUILD_BATCH):
        chunk = ids[start : start + BUILD_BATCH]
        seqs = [np.array([cls, int(i), sep], dtype=np.int64) for i in chunk]
        raw[chunk] = enc._encode_padded(seqs)  # all three long: no padding
    used = raw[ids]
    mean = used.mean(axis=0)
    # principal axes of the centred rows; sign fixed so the table is the same on every machine
    _, _, vt = np.linalg.svd(used - mean, full_matrices=False)
    vt *= np.where(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)] < 0, -1.0, 1.0)[:, None]
    table = np.zeros((size, DIM), dtype=np.float32)
    table[ids] = ((used - mean) @ vt.T).astype(np.float32)
    table *= zipf_weights(vocab)[:, None]
    return table


def ensure_table(path: Path | None = None) -> Path:
    """The table's file, built first if it is missing (once, even with several processes asking)."""
    path = path or table_path()
    return cached_file(path.name, lambda fh: np.savez(fh, table=build_table()), folder=path.parent)


@dataclass(frozen=True, kw_only=True)
class StaticEncoder:
    """Encodes texts to unit rows: the weighted mean of their WordPiece tokens' table rows."""

    table: np.ndarray  # (vocabulary, DIM) float32, weights folded in
    tokenizer: Any  # tokenizers.Tokenizer without special tokens, truncation or padding

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows for ``texts`` (a text with no known token gets a zero row)."""
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        lengths = np.array([min(len(e.ids), MAX_TOKENS) for e in encodings], dtype=np.int64)
        if not lengths.any():
            return out
        flat = np.fromiter(
            (i for e in encodings for i in e.ids[:MAX_TOKENS]), dtype=np.int64, count=int(lengths.sum())
        )
        nonempty = lengths > 0
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[nonempty]
        sums = np.add.reduceat(self.table[flat], starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out[nonempty] = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
        return out


@cache
def load_static_encoder() -> StaticEncoder:
    """The static encoder, once per process; builds its table first if it is not cached yet."""
    from tokenizers import Tokenizer

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with np.load(ensure_table()) as data:
        table = np.ascontiguousarray(data["table"], dtype=np.float32)
    tokenizer = Tokenizer.from_file(str(tokenizer_file()))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return StaticEncoder(table=table, tokenizer=tokenizer)


def main() -> int:
    """``python -m counterpoint.stories.static_encoder``: build the table now (``make install``)."""
    path = ensure_table()
    print(f"static encoder table: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
