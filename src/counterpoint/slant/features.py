"""Cheap features for the slant heads, computed from one tokenisation of the text.

``Tokens.of(text, lex)`` tokenises once and looks every word up in the lexicons; ``stance_row``
describes one (sentence, target) pair and ``bias_row`` one sentence, each as a sparse ``Row``:
the dense lexicon features first (names in ``STANCE_DENSE`` / ``BIAS_DENSE``), then - for stance -
the static sentence vectors of the voice's words and of the words around the target
(``stance_texts``; ``STANCE_EMBED`` columns), then hashed words, word pairs and the words in a
window on each side of the target.

Why vectors: lexicon features alone stopped at F1_m 0.61 on NewsMTSC rw_dev, because most stance
is carried by words no sentiment lexicon lists ("blocked", "pushed back", "ally"). The static
encoder (``stories.static_encoder``, distilled from the pinned MiniLM) gives every word a place in
an embedding space for the cost of a tokenizer call, so a linear head over a few hundred numbers
sees them without shipping any word list learnt from the training sentences.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]  # scipy ships no stubs

from counterpoint.slant.head import Row, hashed, squash
from counterpoint.slant.lexicon import WORD_RE, Lexicon

STANCE_FEATURES = "stance/2"
BIAS_FEATURES = "bias/2"
#: ``bias/2`` plus the MiniLM sentence vector (``context_vectors``) after the static one: what
#: ``counterpoint train bias`` fits by default (docs/slant.md); the slant stage then embeds the
#: outlet's sentences with MiniLM, which costs far more than the rest of the stage
BIAS_CONTEXT_FEATURES = "bias/3"
NEGATORS = frozenset({"not", "no", "never", "without", "nor", "neither", "hardly", "cannot", "n't"})
SPEECH = frozenset(
    {"said", "says", "say", "told", "tells", "tweeted", "wrote", "argued", "added", "asked", "claimed"}
)
_NOT_NAMES = frozenset({"i", "the", "a", "but", "and", "in", "on", "it", "he", "she", "they", "we", "this"})
EMBED_DIM = 384  # the static encoder's width
#: vectors of the voice's words, of the words around the target, of those before it and after it:
#: a bag of words cannot tell which side of the target a word stands on, four bags can a little
STANCE_TEXTS = 4
STANCE_EMBED = STANCE_TEXTS * EMBED_DIM
EMBED_WINDOW = 8  # words on each side of the target in the second vector
WINDOW = 5  # words on each side of the target that get their own position-tagged features
HALF = 6.0  # words from the target at which a valence's weight has halved

STANCE_DENSE: tuple[str, ...] = (
    "near_valence",  # distance-weighted valence around the target (the former stance rule)
    "near_pos",
    "near_neg",
    "sent_pos",
    "sent_neg",
    "left_pos",
    "left_neg",
    "right_pos",
    "right_neg",
    "negated",  # a valenced word after a negator
    "target_first",  # the target opens the sentence: usually its subject
    "target_speaks",  # a speech verb right after (or before) the target
    "phrase_neg",  # phrase-lexicon valence (persuasion phrases), negative part
    "phrase_pos",
    "adj_pos",  # Pattern adjective polarity
    "adj_neg",
    "length",
    "question",
    "exclaim",
    "quote_marks",
    "own_pos",  # valence of words nearer the target than any other name in the sentence
    "own_neg",
    "other_names",  # capitalised words that are not the target (other people the words may be about)
)
#: columns before the hashed ones in a stance row: the lexicon features, then the two vectors
STANCE_COLUMNS = len(STANCE_DENSE) + STANCE_EMBED
BIAS_DENSE: tuple[str, ...] = (
    "loaded_mass",  # weighted loaded-language spans per 10 words (the shipped lexicon's score)
    "vader_pos",
    "vader_neg",
    "adj_subj",
    "phrases",
    "length",
    "question",
    "exclaim",
    "quote_marks",
    "first_person",
)


#: columns before the hashed ones in a bias row: the lexicon features, then the sentence's vector
BIAS_COLUMNS = len(BIAS_DENSE) + EMBED_DIM
#: the same for a ``bias/3`` row: the static vector, then the MiniLM vector
BIAS_CONTEXT_COLUMNS = BIAS_COLUMNS + EMBED_DIM


def bias_columns(features: str) -> int:
    """Columns before the hashed ones in a row of a bias head with ``features`` (``bias/2``, ``bias/3``)."""
    return BIAS_CONTEXT_COLUMNS if features == BIAS_CONTEXT_FEATURES else BIAS_COLUMNS


#: the encoder of ``context_vectors``, by the name the ``vectors`` stage stores its vectors under
CONTEXT_MODEL = "minilm"


def context_vectors(texts: Sequence[str]) -> np.ndarray:
    """``(len(texts), EMBED_DIM)`` MiniLM sentence vectors (int8 ONNX, ``stories.embed``) of raw texts.

    The contextual model reads word order, negation and who does what, which a bag of static
    vectors cannot: +0.02 macro-F1 for the sentence-bias head in cross-validation on BABE's tuning
    part (docs/slant.md). It is the costly part of a ``bias/3`` head, ~10 ms a sentence on one
    core, unless the ``vectors`` stage has already embedded the sentence (``slant.stage``).
    """
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    # imported here: the model loads once per process, only where a bias/3 head is used
    from counterpoint.stories.embed import embed, load_embedder

    return np.asarray(embed(list(texts), load_embedder(CONTEXT_MODEL)), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Tokens:
    """Words of one text with their offsets and lexicon values (computed once per article)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    words: tuple[str, ...]  # lower-case, possessive 's removed
    valence: tuple[float, ...]  # VADER -4..4, flipped (x -0.74) in the three words after a negator
    negated: tuple[bool, ...]
    adj: tuple[float, ...]  # Pattern polarity of strongly subjective adjectives, else 0
    caps: tuple[bool, ...] = ()  # capitalised (a name, or the first word of a sentence)

    @classmethod
    def of(cls, text: str, lex: Lexicon) -> Tokens:
        matches = list(WORD_RE.finditer(text))
        raw = [m.group() for m in matches]
        memo = lex.word_memo
        info = [memo.get(r) or _word_info(r, lex) for r in raw]
        words = [i[0] for i in info]
        val, neg = [], []
        after_neg = 0
        for base, v, _a in info:
            flipped = bool(after_neg and v)
            val.append(-0.74 * v if flipped else v)
            neg.append(flipped)
            if after_neg or base in NEGATORS or base.endswith("n't"):
                after_neg = 3 if base in NEGATORS or base.endswith("n't") else after_neg - 1
        return cls(
            tuple(m.start() for m in matches),
            tuple(m.end() for m in matches),
            tuple(words),
            tuple(val),
            tuple(neg),
            tuple(i[2] for i in info),
            tuple(r[0].isupper() for r in raw),
        )


def _word_info(raw: str, lex: Lexicon) -> tuple[str, float, float]:
    w = raw.lower().replace("’", "'")
    base = w[:-2] if w.endswith("'s") else w
    a = lex.adjectives.get(base)
    info = (base, lex.valence.get(base, 0.0), a[0] if a is not None and a[1] >= 0.5 else 0.0)
    if len(lex.word_memo) < 200_000:
        lex.word_memo[raw] = info
    return info


def _dense(values: Sequence[float]) -> Row:
    idx = [i for i, v in enumerate(values) if v]
    return idx, [values[i] for i in idx]


def _add_hashed(row: Row, keys: Sequence[str], dense: int, dims: int) -> None:
    if not keys or dims <= 0:
        return
    scale = 1.0 / len(keys) ** 0.5
    for k in keys:
        row[0].append(hashed(k, dense, dims))
        row[1].append(scale)


def stance_texts(toks: Tokens, view: Sequence[int], target: tuple[int, int]) -> tuple[str, ...]:
    """The texts a stance row embeds: the view's words; the words around the target; before; after.

    Built from the tokens (not the raw sentence) so that training rows and the slant stage's rows
    see exactly the same words; the static encoder ignores word order and punctuation anyway.
    """
    t0, t1 = target
    raw = [toks.words[i] for i in view]
    near = [i for i in view if t0 - EMBED_WINDOW <= i < t1 + EMBED_WINDOW]
    left = [toks.words[i] for i in near if i < t0]
    right = [toks.words[i] for i in near if i >= t1]
    return " ".join(raw), " ".join(toks.words[i] for i in near), " ".join(left), " ".join(right)


def stance_vectors(pairs: Sequence[tuple[str, ...]]) -> np.ndarray:
    """``(len(pairs), STANCE_EMBED)`` static vectors of ``stance_texts`` tuples, in one encoder call."""
    flat = text_vectors([t for pair in pairs for t in pair])
    return flat.reshape(len(pairs), STANCE_EMBED)


def stance_view_vectors(
    toks: Tokens, pieces: Sequence[tuple[Sequence[int], tuple[int, int]]], table: WordTable | None = None
) -> np.ndarray:
    """``(len(pieces), STANCE_EMBED)`` vectors of ``stance_texts`` for (view, target) pieces of one text.

    The same numbers as ``stance_vectors([stance_texts(toks, view, target) ...])`` (within float32
    rounding; ``tests/slant/test_slant_head.py`` holds them together on a seed article), without
    building and re-splitting four strings per piece: the four bags are index masks over the
    concatenated views and one sparse product (``bag_vectors``).
    """
    n = len(pieces)
    if not n:
        return np.zeros((0, STANCE_EMBED), dtype=np.float32)
    lengths = np.fromiter((len(v) for v, _t in pieces), dtype=np.int64, count=n)
    pos = np.fromiter(
        itertools.chain.from_iterable(v for v, _t in pieces), np.int64, count=int(lengths.sum())
    )
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    t0 = np.fromiter((t[0] for _v, t in pieces), dtype=np.int64, count=n)[owner]
    t1 = np.fromiter((t[1] for _v, t in pieces), dtype=np.int64, count=n)[owner]
    near = (pos >= t0 - EMBED_WINDOW) & (pos < t1 + EMBED_WINDOW)
    left = near & (pos < t0)
    right = near & (pos >= t1)
    k = STANCE_TEXTS * owner
    rows = np.concatenate((k, k[near] + 1, k[left] + 2, k[right] + 3))
    cols = np.concatenate((pos, pos[near], pos[left], pos[right]))
    return bag_vectors(toks, rows, cols, STANCE_TEXTS * n, table).reshape(n, STANCE_EMBED)


def stance_row(
    toks: Tokens,
    view: Sequence[int],
    target: tuple[int, int],
    text: str,
    *,
    phrase: tuple[float, float] = (0.0, 0.0),
    dims: int = 0,
) -> Row:
    """Features of the stance the words ``view`` (token indexes, in order) take toward ``target``.

    ``target`` is the token index range ``[first, last)`` of the mention; ``view`` is the
    sentence's tokens in the voice being scored (the outlet's words, or one quote's) and may or may
    not include the target's own tokens. ``phrase`` is the (negative, positive) valence of
    persuasion phrases in the view. ``text`` is the sentence's text (for punctuation cues).
    Columns ``len(STANCE_DENSE):STANCE_COLUMNS`` are left to the static vectors of
    ``stance_texts`` (``stance_vectors``), passed beside the rows in a ``head.Batch``.
    """
    t0, t1 = target
    near_valence = near_pos = near_neg = sp = sn = lp = ln = rp = rn = 0.0
    negated = ap = an = op = on = 0.0
    others = [i for i in view[1:] if toks.caps[i] and not t0 <= i < t1 and toks.words[i] not in _NOT_NAMES]
    keys: list[str] = []
    words: list[str] = []
    hashing = dims > 0
    for i in view:
        if t0 <= i < t1:
            if hashing and (not words or words[-1] != "<t>"):
                words.append("<t>")
            continue
        w, v = toks.words[i], toks.valence[i]
        if hashing:
            words.append(w)
        dist = t0 - i if i < t0 else i - t1 + 1
        if v:
            weight = 1.0 / (1.0 + dist / HALF)
            near_valence += v * weight
            if v > 0:
                sp += v
                near_pos += v * weight
            else:
                sn -= v
                near_neg -= v * weight
            if dist <= WINDOW:
                if i < t0:
                    lp, ln = (lp + v, ln) if v > 0 else (lp, ln - v)
                else:
                    rp, rn = (rp + v, rn) if v > 0 else (rp, rn - v)
            negated += toks.negated[i]
            if not others or dist <= min(abs(i - o) for o in others):
                op, on = (op + v, on) if v > 0 else (op, on - v)
        a = toks.adj[i]
        ap, an = (ap + a, an) if a > 0 else (ap, an - a)
        if not hashing:
            continue
        if dist <= WINDOW:
            keys.append(f"w|{'L' if i < t0 else 'R'}|{w}")
            if dist <= 2:
                keys.append(f"w|{'L' if i < t0 else 'R'}{dist}|{w}")
        if toks.negated[i]:
            keys.append(f"n|{w}")
    if hashing:  # a head without hashed columns (the shipped one) never reads the keys
        keys.extend(f"u|{w}" for w in words)
        keys.extend(f"b|{a}|{b}" for a, b in itertools.pairwise(words))
    first = view[0] if view else 0
    following = {toks.words[i] for i in view if t1 <= i < t1 + 3} | {
        toks.words[i] for i in view if t0 - 3 <= i < t0
    }
    row = _dense(
        (
            squash(near_valence, 3.0),
            squash(near_pos, 3.0),
            squash(near_neg, 3.0),
            squash(sp, 4.0),
            squash(sn, 4.0),
            squash(lp, 2.0),
            squash(ln, 2.0),
            squash(rp, 2.0),
            squash(rn, 2.0),
            min(negated, 2.0) / 2.0,
            float(t0 <= first + 1 and t0 in view),
            float(bool(following & SPEECH)),
            squash(phrase[0], 2.0),
            squash(phrase[1], 2.0),
            squash(ap, 1.5),
            squash(an, 1.5),
            min(len(view), 60) / 60.0,
            float("?" in text),
            float("!" in text),
            float('"' in text or "“" in text),
            squash(op, 2.0),
            squash(on, 2.0),
            min(len(others), 4) / 4.0,
        )
    )
    _add_hashed(row, keys, STANCE_COLUMNS, dims)
    return row


def bias_text(toks: Tokens, view: Sequence[int]) -> str:
    """The text a bias row embeds: the view's words (as ``stance_texts`` builds its first text)."""
    return " ".join(toks.words[i] for i in view)


def text_vectors(texts: Sequence[str]) -> np.ndarray:
    """``(len(texts), EMBED_DIM)`` static vectors of space-joined word texts (zero rows when empty).

    The static encoder's vector of a text is the normalised sum of its WordPiece rows, and
    WordPiece never crosses a space, so a text's sum is the sum of its words' sums: each distinct
    word is tokenised once per process (``_WORD_SUMS``) and a text costs a few array additions.
    """
    out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    split = [t.split() for t in texts]
    missing = sorted({w for ws in split for w in ws} - _WORD_SUMS.keys())
    if missing:
        _learn_words(missing)
    lengths = np.fromiter((len(ws) for ws in split), dtype=np.int64, count=len(split))
    nonempty = lengths > 0
    if not nonempty.any():
        return out
    local: dict[str, int] = {}
    total = int(lengths.sum())
    idx = np.fromiter((local.setdefault(w, len(local)) for ws in split for w in ws), np.int64, count=total)
    rows = np.stack([_WORD_SUMS[w] for w in local])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[nonempty]
    sums = np.add.reduceat(rows[idx], starts, axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    out[nonempty] = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
    return out


#: each token's row in the table of its text's distinct words' WordPiece sums, and that table
WordTable = tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]


def word_table(toks: Tokens) -> WordTable:
    """Each token's word id (``(len(toks.words),)``) and the ``(distinct words, EMBED_DIM)`` sums."""
    local: dict[str, int] = {}
    count = len(toks.words)
    wid = np.fromiter((local.setdefault(w, len(local)) for w in toks.words), np.int64, count=count)
    words = list(local)
    missing = sorted(set(words) - _WORD_SUMS.keys())
    if missing:
        _learn_words(missing)
    lost = [w for w in words if w not in _WORD_SUMS]
    if lost:  # the bounded cache was cleared while learning: learn the ones it dropped again
        _learn_words(lost)
    got = [_WORD_SUMS[w] for w in words]
    sums = np.stack(got).astype(np.float32, copy=False) if got else np.zeros((0, EMBED_DIM), np.float32)
    return wid, sums


def bag_vectors(
    toks: Tokens,
    rows: npt.NDArray[np.int64],
    positions: npt.NDArray[np.int64],
    nrows: int,
    table: WordTable | None = None,
) -> np.ndarray:
    """``(nrows, EMBED_DIM)``: row ``r`` is the static vector of the words at ``positions[rows == r]``.

    One sparse matrix (rows = texts, columns = the text's distinct words, values = counts) times
    the words' WordPiece sums: the normalised sum ``text_vectors`` computes, without a Python loop
    over texts or words. A row with no words is zero.
    """
    wid, sums = table if table is not None else word_table(toks)
    counts = sparse.csr_matrix(
        (np.ones(len(positions), dtype=np.float32), (rows, wid[positions])), shape=(nrows, len(sums))
    )
    out = np.asarray(counts @ sums, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    vec: np.ndarray = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
    return vec


def view_vectors(toks: Tokens, views: Sequence[Sequence[int]], table: WordTable | None = None) -> np.ndarray:
    """``(len(views), EMBED_DIM)`` vectors of the token views (``text_vectors`` of their ``bias_text``)."""
    lengths = np.fromiter((len(v) for v in views), dtype=np.int64, count=len(views))
    pos = np.fromiter(itertools.chain.from_iterable(views), np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(views), dtype=np.int64), lengths)
    return bag_vectors(toks, rows, pos, len(views), table)


#: word -> the sum of its WordPiece rows in the static encoder's table (bounded, per process)
_WORD_SUMS: dict[str, np.ndarray] = {}
_WORD_SUMS_MAX = 200_000


def _learn_words(words: Sequence[str]) -> None:
    # imported here: the encoder's table (45 MB) loads once per process, only where slant is scored
    from counterpoint.stories.static_encoder import load_static_encoder

    enc = load_static_encoder()
    if len(_WORD_SUMS) + len(words) > _WORD_SUMS_MAX:
        _WORD_SUMS.clear()
    zero = np.zeros(EMBED_DIM, dtype=np.float32)
    for w, e in zip(words, enc.tokenizer.encode_batch(list(words), add_special_tokens=False), strict=True):
        _WORD_SUMS[w] = enc.table[e.ids].sum(axis=0) if e.ids else zero


def bias_row(
    toks: Tokens,
    view: Sequence[int],
    text: str,
    *,
    loaded: float = 0.0,
    phrases: int = 0,
    dims: int = 0,
    columns: int = BIAS_COLUMNS,
) -> Row:
    """Features of one sentence (token indexes ``view``) for the sentence-bias head.

    ``loaded`` is the sentence's weighted loaded-language mass from ``find_spans`` and
    ``phrases`` the number of persuasion-phrase hits in it. Columns ``len(BIAS_DENSE):columns``
    are left to the sentence's vectors (the static vector of ``bias_text``, then for a ``bias/3``
    head its MiniLM vector), passed beside the rows in a ``head.Batch``; hashed words start at
    ``columns`` (``bias_columns`` of the head's features).
    """
    n = max(len(view), 1)
    vp = sum(toks.valence[i] for i in view if toks.valence[i] > 0)
    vn = -sum(toks.valence[i] for i in view if toks.valence[i] < 0)
    subj = sum(abs(toks.adj[i]) for i in view)
    words = [toks.words[i] for i in view]
    first = sum(w in {"i", "we", "our", "my", "you", "your"} for w in words)
    row = _dense(
        (
            squash(10.0 * loaded / n, 1.0),
            squash(vp, 4.0),
            squash(vn, 4.0),
            squash(subj, 1.5),
            min(phrases, 3) / 3.0,
            min(n, 60) / 60.0,
            float("?" in text),
            float("!" in text),
            float('"' in text or "“" in text),
            float(first > 0),
        )
    )
    if dims > 0:
        keys = [f"u|{w}" for w in words]
        keys.extend(f"b|{a}|{b}" for a, b in itertools.pairwise(words))
        _add_hashed(row, keys, columns, dims)
    return row
