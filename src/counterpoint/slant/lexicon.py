"""The shipped lexicons, loaded once per process, and the small text helpers the slant modules share.

Data files live in ``counterpoint/slant/data`` (origins and licences in docs/slant.md):

* ``techniques.tsv`` - Counterpoint's own persuasion-phrase lexicon, labelled with the
  SemEval-2020 Task 11 technique names;
* ``vader_lexicon.tsv`` - word valences from VADER (MIT);
* ``subjectivity.tsv`` - adjective polarity/subjectivity from Pattern via TextBlob (PDDL);
* ``frames.tsv`` - Counterpoint's own cue words for the 14 Media Frames Corpus frames;
* ``partisan.tsv`` - Counterpoint's own list of US partisan word choices (left/right);
* ``lin2023_pc1.csv.gz`` - outlet reliability (Lin et al. 2023, pc1), read by ``profiles``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from counterpoint.model import Quote

#: The SemEval-2020 Task 11 technique names (merged classes, as the PTC labels spell them).
TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

DEFAULT_WHY: dict[str, str] = {
    "Appeal_to_Authority": "leans on authority instead of evidence",
    "Appeal_to_fear-prejudice": "raises fear or prejudice",
    "Bandwagon,Reductio_ad_hitlerum": "argues from popularity or by association",
    "Black-and-White_Fallacy": "presents two options as the only ones",
    "Causal_Oversimplification": "one cause for a complex outcome",
    "Doubt": "casts doubt without stating a fact",
    "Exaggeration,Minimisation": "overstates or downplays",
    "Flag-Waving": "appeals to national or group pride",
    "Loaded_Language": "emotionally loaded word",
    "Name_Calling,Labeling": "labels instead of describing",
    "Repetition": "repeats a loaded phrase",
    "Slogans": "slogan",
    "Thought-terminating_Cliches": "closes the question instead of arguing it",
    "Whataboutism,Straw_Men,Red_Herring": "deflects to another issue",
}

#: A word: letters with inner apostrophes or hyphens ("state-sponsored", "Trump's").
WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’\-][A-Za-z0-9]+)*")


#: A token as the phrase patterns see words: a maximal run of word characters and hyphens.
TOKEN_RE = re.compile(r"[\w\-]+")
_CAPTURING = re.compile(r"(?<!\\)\((?!\?)")


def split_alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` alternatives of a regex (parentheses and escapes respected)."""
    out, depth, cur, i = [], 0, [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


def _unwrap(alt: str) -> list[str]:
    """``(?:a b|c)`` -> ``["a b", "c"]`` when the group spans the whole alternative (recursively)."""
    if alt.startswith("(?:") and alt.endswith(")"):
        depth = 0
        for i, ch in enumerate(alt):
            depth += ch == "(" and alt[i - 1 : i] != "\\"
            depth -= ch == ")" and alt[i - 1 : i] != "\\"
            if depth == 0 and i < len(alt) - 1:
                return [alt]
        return [a for inner in split_alternatives(alt[3:-1]) for a in _unwrap(inner)]
    return [alt]


_MULTI = re.compile(r"\\[sS.]| |\.|['’]")


def _head(alt: str) -> str | None:
    """The pattern of an alternative's first word, when it can be matched on one token."""
    depth = 0
    for i, ch in enumerate(alt):
        depth += ch in "(["
        depth -= ch in ")]"
        if ch == " " and depth == 0:
            head = alt[:i]
            return None if _MULTI.search(head) else head
    return None


class Matcher:
    """Every occurrence of many word patterns, fast enough for thousands of patterns per article.

    Text is scanned once for tokens. One-word alternatives are matched through a memo (each
    distinct word is tried against the patterns once per process); a multi-word alternative is
    tried only at tokens its first word matches; the few alternatives whose first word cannot be
    told apart go into one regex scanned over the text. Payloads are the patterns' indexes.
    """

    __slots__ = ("_heads", "_memo", "_rest", "_single")

    def __init__(self, patterns: Sequence[str]) -> None:
        single: list[tuple[re.Pattern[str], int]] = []
        heads: list[tuple[re.Pattern[str], re.Pattern[str], int]] = []
        rest: list[str] = []
        for k, pattern in enumerate(patterns):
            if _CAPTURING.search(pattern):
                raise ValueError(f"pattern {pattern!r}: use non-capturing groups (?:...)")
            for alt in (a for top in split_alternatives(pattern) for a in _unwrap(top)):
                if not _MULTI.search(alt):
                    single.append((re.compile(alt, re.IGNORECASE), k))
                elif (head := _head(alt)) is not None:
                    full = re.compile(r"(?:" + alt + r")(?![\w\-])", re.IGNORECASE)
                    heads.append((re.compile(head, re.IGNORECASE), full, k))
                else:
                    rest.append(f"(?P<p{k}_{len(rest)}>{alt})")
        self._single = tuple(single)
        self._heads = tuple(heads)
        self._rest = compile_phrase("|".join(rest)) if rest else None
        #: per-process cache: word -> (indexes of matching one-word patterns, indexes into _heads)
        self._memo: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def _word(self, word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        hit = self._memo.get(word)
        if hit is None:
            singles = tuple(dict.fromkeys(k for p, k in self._single if p.fullmatch(word)))
            heads = tuple(i for i, (h, _f, _k) in enumerate(self._heads) if h.fullmatch(word))
            hit = (singles, heads)
            if len(self._memo) < 200_000:
                self._memo[word] = hit
        return hit

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, int]]:
        """``(start, end, pattern index)`` of every match in ``text[start:end]``."""
        stop = len(text) if end is None else end
        for m in TOKEN_RE.finditer(text, start, stop):
            singles, heads = self._word(m.group().lower())
            for k in singles:
                yield m.start(), m.end(), k
            for i in heads:
                _h, full, k = self._heads[i]
                fm = full.match(text, m.start(), stop)
                if fm is not None:
                    yield fm.start(), fm.end(), k
        if self._rest is not None:
            for fm in self._rest.finditer(text, start, stop):
                yield fm.start(), fm.end(), int((fm.lastgroup or "p0")[1:].split("_")[0])


@dataclass(frozen=True, slots=True)
class PhraseEntry:
    """One line of ``techniques.tsv``: its technique, valence and explanation."""

    pattern: str
    technique: str
    valence: float
    why: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the slant modules look words up in."""

    phrases: tuple[PhraseEntry, ...]
    valence: dict[str, float]  # VADER, -4..4
    adjectives: dict[str, tuple[float, float]]  # word -> (polarity -1..1, subjectivity 0..1)
    frames: tuple[str, ...]  # frame names, in the order of ``frame_matcher``'s patterns
    frame_matcher: Matcher
    phrase_matcher: Matcher
    partisan_sides: tuple[int, ...] = ()  # US partisan vocabulary, side -1 left / +1 right, per pattern
    partisan_matcher: Matcher | None = None
    #: per-process cache: word as written -> (lower-case base, VADER valence, adjective polarity)
    word_memo: dict[str, tuple[str, float, float]] = field(default_factory=dict, compare=False, repr=False)


def _lines(name: str) -> Iterator[list[str]]:
    text = resources.files("counterpoint.slant").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def compile_phrase(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern matched at word boundaries (hyphenated words count as one word)."""
    return re.compile(r"(?<![\w\-])(?:" + pattern + r")(?![\w\-])", re.IGNORECASE)


def parse_phrases(rows: Sequence[Sequence[str]]) -> tuple[PhraseEntry, ...]:
    """Phrase entries from ``techniques.tsv`` rows; unknown technique names are an error."""
    out = []
    for row in rows:
        pattern, technique, valence = row[0], row[1], float(row[2])
        if technique not in DEFAULT_WHY:
            raise ValueError(f"techniques.tsv: unknown technique {technique!r} for pattern {pattern!r}")
        why = row[3].strip() if len(row) > 3 and row[3].strip() else DEFAULT_WHY[technique]
        out.append(PhraseEntry(pattern, technique, valence, why))
    return tuple(out)


def build_lexicon(
    phrases: Sequence[PhraseEntry],
    valence: dict[str, float],
    adjectives: dict[str, tuple[float, float]],
    frame_cues: Sequence[tuple[str, str]] = (),
    partisan: Sequence[tuple[str, int]] = (),
) -> Lexicon:
    """A ``Lexicon`` from parsed entries (tests build small ones by hand)."""
    cues: dict[str, list[str]] = {}
    for frame, pattern in frame_cues:
        cues.setdefault(frame, []).append(pattern)
    return Lexicon(
        phrases=tuple(phrases),
        valence=valence,
        adjectives=adjectives,
        frames=tuple(cues),
        frame_matcher=Matcher(["|".join(ps) for ps in cues.values()]),
        phrase_matcher=Matcher([p.pattern for p in phrases]),
        partisan_sides=tuple(side for _p, side in partisan),
        partisan_matcher=Matcher([p for p, _s in partisan]),
    )


@cache
def load_lexicon() -> Lexicon:
    """Load the shipped lexicons once per process (tests may build a ``Lexicon`` by hand instead)."""
    return build_lexicon(
        parse_phrases(list(_lines("techniques.tsv"))),
        {r[0]: float(r[1]) for r in _lines("vader_lexicon.tsv")},
        {r[0]: (float(r[1]), float(r[2])) for r in _lines("subjectivity.tsv")},
        [(r[0], r[1]) for r in _lines("frames.tsv")],
        [(r[0], int(r[1])) for r in _lines("partisan.tsv")],
    )


@dataclass(frozen=True, slots=True)
class QuoteMap:
    """Which character offsets are inside direct quotes, and whose words they are."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    speakers: tuple[str | None, ...]

    @classmethod
    def build(cls, quotes: Sequence[Quote]) -> QuoteMap:
        qs = sorted((q.span.start, q.span.end, q.speaker) for q in quotes)
        merged: list[tuple[int, int, str | None]] = []
        for s, e, sp in qs:
            if merged and s < merged[-1][1]:
                ps, pe, psp = merged[-1]
                merged[-1] = (ps, max(pe, e), psp)
            else:
                merged.append((s, e, sp))
        return cls(tuple(m[0] for m in merged), tuple(m[1] for m in merged), tuple(m[2] for m in merged))

    def find(self, start: int, end: int) -> int | None:
        """Index of the quote that contains most of ``start:end``, or None when it is the outlet's voice."""
        i = bisect.bisect_right(self.starts, start) - 1
        for j in (i, i + 1):
            if 0 <= j < len(self.starts):
                overlap = min(end, self.ends[j]) - max(start, self.starts[j])
                if overlap * 2 > end - start:
                    return j
        return None

    def inside(self, start: int, end: int) -> bool:
        return self.find(start, end) is not None

    def speaker(self, start: int, end: int) -> str | None:
        """The speaker of the quote around ``start:end`` ("unattributed" when the quote has none)."""
        j = self.find(start, end)
        if j is None:
            return None
        return self.speakers[j] or "unattributed"

    def quoted_chars(self) -> int:
        return sum(e - s for s, e in zip(self.starts, self.ends, strict=True))

    def outside(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of ``start:end`` that are not inside a quote."""
        parts, pos = [], start
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        while i < len(self.starts) and self.starts[i] < end:
            qs, qe = self.starts[i], self.ends[i]
            if qe > pos:
                if qs > pos:
                    parts.append((pos, min(qs, end)))
                pos = max(pos, qe)
            i += 1
        if pos < end:
            parts.append((pos, end))
        return parts
