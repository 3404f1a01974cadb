"""Near-duplicate detection: syndicated copies and reposts with new chrome.

Each article is reduced to a MinHash signature of its word 5-shingles; a
banded LSH index finds the earlier articles whose estimated Jaccard
similarity reaches ``threshold``, without comparing all pairs. Only
originals go into the index, so a copy of a copy links to the first article,
and hundreds of copies of one article cost one index entry.

The index state is the signatures of its originals as plain ``(article_id,
bytes)`` rows: a runner stores them and calls ``load`` on the next run, so
detection is incremental across runs.

The MinHash arithmetic is datasketch 2.0's "affine32" scheme, value for value (stores written
while Counterpoint used datasketch load unchanged; a test checks both against it), and the band
count is its rule too (the split that minimises the mean of the false-positive and
false-negative areas). It is written out here in a few lines of numpy because importing
datasketch cost ~0.5 s in every process (it imports scipy.integrate for that one rule), a tenth
of the whole run over five articles.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from functools import cache

import numpy as np

from counterpoint.model.story import Duplicate

_WORD = re.compile(r"\w+", re.UNICODE)
#: shingles are taken from at most this many words: enough to tell a copy, bounded cost per article
MAX_WORDS = 1500


def shingles(text: str, k: int = 5) -> list[bytes]:
    """Word ``k``-shingles of ``text`` (case folded); a text shorter than ``k`` words is one shingle."""
    words = [w.casefold() for w in _WORD.findall(text)][:MAX_WORDS]
    if not words:
        return []
    if len(words) < k:
        return [" ".join(words).encode("utf-8", "surrogatepass")]
    return [" ".join(words[i : i + k]).encode("utf-8", "surrogatepass") for i in range(len(words) - k + 1)]


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (a bijection) over uint32 values; multiplication wraps."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    out: np.ndarray = h ^ (h >> np.uint32(16))
    return out


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine maps ``h -> a * h + b (mod 2**32)``, odd ``a``, drawn as datasketch draws them."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(items: list[bytes], num_perm: int, seed: int = 1) -> np.ndarray:
    """The MinHash signature (uint32 per permutation) of a non-empty list of shingles.

    Each shingle is hashed with CRC-32 (sha1 costs twice as much and gives nothing here: shingles
    are not adversarial), mixed, and mapped by every permutation; a signature keeps the minimum.
    """
    a, b = _permutations(num_perm, seed)
    hv = _fmix32(np.fromiter((zlib.crc32(x) for x in items), dtype=np.uint32, count=len(items)))
    values: np.ndarray = (hv[:, None] * a + b).min(axis=0)
    return values


@cache
def bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimising the mean false-positive and false-negative areas.

    A pair of Jaccard similarity ``s`` shares a band with probability ``1 - (1 - s**r)**b``; the
    false-positive area is its integral below ``threshold``, the false-negative area that of its
    complement above. The integrals are taken by the trapezoid rule on 2,001 points.
    """
    below, above = np.linspace(0.0, threshold, 2001), np.linspace(threshold, 1.0, 2001)
    best, choice = float("inf"), (1, 1)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = float(np.trapezoid(1 - (1 - below**r) ** b, below))
            fn = float(np.trapezoid((1 - above**r) ** b, above))
            if 0.5 * fp + 0.5 * fn < best:
                best, choice = 0.5 * fp + 0.5 * fn, (b, r)
    return choice


class NearDuplicateIndex:
    """An incremental index of original articles that answers "which earlier article is this a copy of?"."""

    def __init__(
        self, *, threshold: float = 0.8, num_perm: int = 64, shingle: int = 5, seed: int = 1
    ) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.seed = seed
        n_bands, rows = bands(threshold, num_perm)
        self._ranges = [(i * rows, (i + 1) * rows) for i in range(n_bands)]
        self._tables: list[dict[bytes, list[str]]] = [{} for _ in self._ranges]
        self._sigs: dict[str, np.ndarray] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sigs

    def signature(self, text: str) -> np.ndarray | None:
        """MinHash of ``text``'s shingles, or None for a text without words."""
        sh = shingles(text, self.shingle)
        return minhash(sh, self.num_perm, self.seed) if sh else None

    def query(self, text: str) -> tuple[str, float] | None:
        """The indexed original ``text`` is most similar to, if any reaches the threshold."""
        m = self.signature(text)
        return self._best(m) if m is not None else None

    def _candidates(self, m: np.ndarray) -> set[str]:
        found: set[str] = set()
        for table, (start, end) in zip(self._tables, self._ranges, strict=True):
            found.update(table.get(m[start:end].tobytes(), ()))
        return found

    def _best(self, m: np.ndarray) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for key in self._candidates(m):
            sim = float(np.count_nonzero(m == self._sigs[key])) / self.num_perm
            if sim < self.threshold:
                continue
            # highest similarity; on a tie the earliest original, so the answer never depends on set order
            if best is None or (sim, -self._order[key]) > (best[1], -self._order[best[0]]):
                best = (key, sim)
        return best

    def add(self, article_id: str, text: str) -> tuple[Duplicate | None, bytes | None]:
        """Check ``article_id`` against the index; index it if it is an original.

        Returns (the duplicate link, None) for a copy, or (None, signature bytes to persist)
        for an original; (None, None) for an article without words, which is never indexed.
        """
        if article_id in self._sigs:
            return None, None
        m = self.signature(text)
        if m is None:
            return None, None
        hit = self._best(m)
        if hit is not None:
            return Duplicate(article_id, hit[0], hit[1]), None
        self._insert(article_id, m)
        return None, m.tobytes()

    def _insert(self, article_id: str, m: np.ndarray) -> None:
        self._order[article_id] = len(self._order)
        self._sigs[article_id] = m
        for table, (start, end) in zip(self._tables, self._ranges, strict=True):
            table.setdefault(m[start:end].tobytes(), []).append(article_id)

    def load(self, rows: Iterable[tuple[str, bytes]]) -> int:
        """Re-index originals from stored ``(article_id, signature bytes)`` rows; return how many."""
        n = 0
        for article_id, blob in rows:
            if article_id in self._sigs:
                continue
            values = np.frombuffer(blob, dtype=np.uint32)
            if values.shape != (self.num_perm,):
                raise ValueError(
                    f"stored signature of {article_id} has {values.size} values, expected {self.num_perm}"
                )
            self._insert(article_id, values.copy())
            n += 1
        return n
