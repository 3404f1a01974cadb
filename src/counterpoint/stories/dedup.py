"""Near-duplicate detection: syndicated copies and reposts with new chrome.

Each article is reduced to a MinHash signature of its word 5-shingles; a
MinHash LSH index (datasketch) finds the earlier articles whose estimated
Jaccard similarity reaches ``threshold``, without comparing all pairs. Only
originals go into the index, so a copy of a copy links to the first article,
and hundreds of copies of one article cost one index entry.

The index state is the signatures of its originals as plain ``(article_id,
bytes)`` rows: a runner stores them and calls ``load`` on the next run, so
detection is incremental across runs.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

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


def _crc32(data: bytes) -> int:
    # sha1 (datasketch's default) costs twice as much and gives nothing here: shingles are not adversarial
    return zlib.crc32(data)


class NearDuplicateIndex:
    """An incremental index of original articles that answers "which earlier article is this a copy of?"."""

    def __init__(
        self, *, threshold: float = 0.8, num_perm: int = 64, shingle: int = 5, seed: int = 1
    ) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self._template = MinHash(num_perm=num_perm, seed=seed, hashfunc=_crc32)
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[str, MinHash] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sigs

    def _minhash(self, values: np.ndarray | None = None) -> MinHash:
        t = self._template
        if values is None:
            return MinHash(
                num_perm=self.num_perm, seed=t.seed, hashfunc=_crc32, scheme=t.scheme,
                permutations=t.permutations,
            )  # fmt: skip
        return MinHash(
            num_perm=self.num_perm, seed=t.seed, hashfunc=_crc32, scheme=t.scheme,
            permutations=t.permutations, hashvalues=values,
        )  # fmt: skip

    def signature(self, text: str) -> MinHash | None:
        """MinHash of ``text``'s shingles, or None for a text without words."""
        sh = shingles(text, self.shingle)
        if not sh:
            return None
        m = self._minhash()
        m.update_batch(sh)
        return m

    def query(self, text: str) -> tuple[str, float] | None:
        """The indexed original ``text`` is most similar to, if any reaches the threshold."""
        m = self.signature(text)
        return self._best(m) if m is not None else None

    def _best(self, m: MinHash) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for key in self._lsh.query(m):
            sim = float(m.jaccard(self._sigs[key]))
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
        return None, np.asarray(m.hashvalues).tobytes()

    def _insert(self, article_id: str, m: MinHash) -> None:
        self._order[article_id] = len(self._order)
        self._sigs[article_id] = m
        self._lsh.insert(article_id, m)

    def load(self, rows: Iterable[tuple[str, bytes]]) -> int:
        """Re-index originals from stored ``(article_id, signature bytes)`` rows; return how many."""
        dtype = np.asarray(self._template.hashvalues).dtype
        n = 0
        for article_id, blob in rows:
            if article_id in self._sigs:
                continue
            values = np.frombuffer(blob, dtype=dtype)
            if values.shape != (self.num_perm,):
                raise ValueError(
                    f"stored signature of {article_id} has {values.size} values, expected {self.num_perm}"
                )
            m = self._minhash(values.copy())
            self._insert(article_id, m)
            n += 1
        return n
