"""Linear heads over cheap features: stance toward a target, and sentence bias.

A head is a softmax-linear model, ``p = softmax(x @ W + b)``, over a sparse feature row: a few
dense lexicon features (VADER valences around the target, phrase-lexicon hits, the target's
position and whether it speaks) followed by hashed n-grams and target-relative word windows.
Inference is plain numpy; weights are stored as ``.npz`` arrays plus a JSON metadata string and
loaded with ``allow_pickle=False``, so a model file can never run code.

Feature hashing uses CRC32 (stable across processes and machines, unlike ``hash()``).
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from counterpoint.errors import CounterpointError

#: A sparse feature row: column indexes and their values.
Row = tuple[list[int], list[float]]
Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Batch:
    """Feature rows plus an optional dense block of vectors at columns ``at:at + width``.

    Sentence vectors are hundreds of numbers per row: kept as one array they cost a matrix
    product, where spread into the sparse rows they cost a Python float each (5x the stage).
    """

    rows: Sequence[Row]
    vectors: npt.NDArray[Any] | None = None
    at: int = 0

    def __len__(self) -> int:
        return len(self.rows)


FORMAT = "counterpoint-slant-head/1"
STANCE_LABELS = ("negative", "neutral", "positive")
BIAS_LABELS = ("non-biased", "biased")


class ModelFileError(CounterpointError):
    """A slant model file that cannot be read or was written for other features."""


def hashed(key: str, dense: int, dims: int) -> int:
    """Column of a hashed feature: after the ``dense`` columns, CRC32 of the key modulo ``dims``."""
    return dense + zlib.crc32(key.encode("utf-8")) % dims


@dataclass(frozen=True, slots=True)
class LinearHead:
    """A trained (or hand-set) softmax-linear head and what it was trained on.

    ``features`` names the feature function (``stance/1``, ``bias/1``); ``dims`` is the number of
    hashed columns (0 for a lexicon-only head); ``meta`` records the training data, sizes and the
    held-out evaluation, so a run can report which model it used.
    """

    name: str
    labels: tuple[str, ...]
    features: str
    dims: int
    weights: Array  # (columns, labels)
    bias: Array  # (labels,)
    temperature: float = 1.0
    meta: Mapping[str, Any] = field(default_factory=dict)

    def proba(self, batch: Sequence[Row] | Batch) -> Array:
        """Class probabilities, one row per feature row (an empty input gives a (0, labels) array)."""
        k = len(self.labels)
        rows = batch.rows if isinstance(batch, Batch) else batch
        if not rows:
            return np.zeros((0, k))
        lengths = np.fromiter((len(r[0]) for r in rows), dtype=np.int64, count=len(rows))
        idx = np.fromiter((i for r in rows for i in r[0]), dtype=np.int64, count=int(lengths.sum()))
        val = np.fromiter((v for r in rows for v in r[1]), dtype=np.float64, count=int(lengths.sum()))
        ncol = self.weights.shape[0]
        keep = idx < ncol  # a lexicon-only head ignores hashed columns it has no weights for
        contrib = np.where(keep[:, None], self.weights[np.minimum(idx, ncol - 1)] * val[:, None], 0.0)
        owner = np.repeat(np.arange(len(rows)), lengths)
        logits = np.zeros((len(rows), k))
        np.add.at(logits, owner, contrib)
        if isinstance(batch, Batch) and batch.vectors is not None and batch.at < ncol:
            # a head without weights for the vector columns (the hand-set bias head) ignores them
            width = min(batch.vectors.shape[1], ncol - batch.at)
            logits += batch.vectors[:, :width] @ self.weights[batch.at : batch.at + width]
        logits = (logits + self.bias) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        out: Array = e / e.sum(axis=1, keepdims=True)
        return out

    def describe(self) -> str:
        """One line for run reports: name, features, where it came from."""
        src = self.meta.get("source", "unknown")
        return f"{self.name} head ({self.features}, {src})"


def _meta(head: LinearHead) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "name": head.name,
        "labels": list(head.labels),
        "features": head.features,
        "dims": head.dims,
        "temperature": head.temperature,
        "meta": dict(head.meta),
    }


def save_head(head: LinearHead, path: str | Path) -> Path:
    """Write ``head`` and return the path: ``.json`` (small heads, reviewable) or ``.npz`` (no pickle)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    meta = _meta(head)
    if p.suffix == ".json":
        doc = {**meta, "bias": [round(float(v), 6) for v in head.bias]}
        doc["weights"] = [[round(float(v), 6) for v in row] for row in head.weights]
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return p
    with p.open("wb") as fh:
        np.savez_compressed(
            fh,
            weights=head.weights.astype(np.float32),
            bias=head.bias.astype(np.float64),
            meta=np.array(json.dumps(meta, ensure_ascii=False)),
        )
    return p


def load_head(path: str | Path) -> LinearHead:
    """Read a head written by ``save_head``; refuses pickled objects and unknown formats."""
    p = Path(path)
    try:
        if p.suffix == ".json":
            meta = json.loads(p.read_text(encoding="utf-8"))
            weights = np.asarray(meta.pop("weights"), dtype=np.float64)
            bias = np.asarray(meta.pop("bias"), dtype=np.float64)
        else:
            with np.load(p, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                weights = np.asarray(z["weights"], dtype=np.float64)
                bias = np.asarray(z["bias"], dtype=np.float64)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(
            f"cannot read slant model {p}: {exc}; retrain it with `counterpoint train`"
        ) from exc
    if meta.get("format") != FORMAT:
        raise ModelFileError(f"{p}: not a Counterpoint slant head (format {meta.get('format')!r})")
    labels = tuple(meta["labels"])
    if weights.ndim != 2 or weights.shape[1] != len(labels) or bias.shape != (len(labels),):
        raise ModelFileError(f"{p}: weight shapes {weights.shape}/{bias.shape} do not match labels {labels}")
    return LinearHead(
        name=meta["name"],
        labels=labels,
        features=meta["features"],
        dims=int(meta["dims"]),
        weights=weights,
        bias=bias,
        temperature=float(meta.get("temperature", 1.0)),
        meta=meta.get("meta", {}),
    )


def squash(x: float, scale: float = 1.0) -> float:
    """``tanh(x / scale)``: bounded dense features, so one long sentence cannot dominate."""
    return math.tanh(x / scale)
