"""Whether two aligned claims disagree, and why, in words a reader can check.

No natural-language-inference model that we would trust is installable offline, so the
default judge is a set of precise rules over what the language stages already extracted:

* **numbers**: each sentence states exactly one quantity of a kind and unit (so there is no
  doubt which figures correspond) and ``same_quantity`` says they clearly differ, after
  rounding, qualifiers and unit conversion ("about 75%" and "74.8%" agree; "8 years" and
  "eight years" agree);
* **dates**: each sentence dates its event exactly once at day, month or year precision and
  the two times cannot overlap ("January 2026" and "Jan. 16, 2026" agree; "2018" and "2019"
  do not);
* **polarity**: both sentences share a predicate term (an agreement, an arrest, a tariff …)
  that one of them negates or declares unachieved ("remains elusive", "has not", "denied")
  while the other asserts it ("reached agreements").

A rule that fires gives a ``why`` naming both sides. Anything the rules cannot decide is
"no conflict": a wrong conflict badge misleads more than a missed one. ``Judge`` is the
pluggable interface an optional NLI or LLM backend implements (see ``claims.backends``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from counterpoint.model import NumberFact, TimeExpr
from counterpoint.model.claim import ClaimText
from counterpoint.stages.dates import same_time
from counterpoint.stages.numbers import same_quantity


@dataclass(frozen=True, slots=True)
class Verdict:
    """A judge's answer for two aligned claims: whether they conflict, and why in words."""

    conflict: bool
    why: str | None = None
    rule: str | None = None  # which rule or backend decided: numbers | dates | polarity | <backend name>


class Judge(Protocol):
    """Decides whether two claims disagree. Returns None when undecided.

    ``same_claim``: the aligner matched them as one claim. When False they are only related (same
    story, close in meaning), and only a disagreement that does not need them to be the same claim
    may be reported: differing figures or dates of two related sentences are usually two facts.
    """

    name: str

    def judge(self, a: ClaimText, b: ClaimText, *, same_claim: bool = True) -> Verdict | None: ...


#: words that negate or declare unachieved the predicate they stand near
_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "n't",
        "without",
        "elusive",
        "failed",
        "fail",
        "fails",
        "failing",
        "denied",
        "denies",
        "deny",
        "refused",
        "refuses",
        "rejected",
        "rejects",
        "stalled",
        "collapsed",
        "unresolved",
        "unable",
        "halted",
        "suspended",
        "cancelled",
        "canceled",
        "postponed",
        "dropped",
        "scrapped",
        "nor",
        "neither",
        "unlikely",
        "yet",
    ]
)
#: a negator only counts this many tokens before (or after) the shared term
_WINDOW_BEFORE = 5
_WINDOW_AFTER = 4
#: function words and frequent verbs that are never the shared predicate
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "they",
        "them",
        "he",
        "she",
        "we",
        "you",
        "i",
        "our",
        "your",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "while",
        "after",
        "before",
        "since",
        "than",
        "then",
        "so",
        "such",
        "also",
        "very",
        "more",
        "most",
        "into",
        "over",
        "about",
        "said",
        "says",
        "say",
        "told",
        "amid",
        "among",
        "between",
        "both",
        "other",
        "new",
        "two",
        "one",
        "said",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "must",
    ]
)
_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|n't")


def stem(word: str) -> str:
    """A crude suffix-stripping stem, enough to match agreement/agreements/agreed/agree."""
    w = word.lower()
    for suf in ("ements", "ement", "ments", "ment", "ings", "ing", "ed", "es", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    return w.rstrip("e") if len(w) > 4 else w


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Lower-cased tokens, each with whether it was capitalised mid-sentence (a name)."""
    out: list[tuple[str, bool]] = []
    for k, m in enumerate(_TOKEN.finditer(text)):
        raw = m.group(0)
        tok = raw.lower()
        name = k > 0 and raw[:1].isupper()
        if tok.endswith("n't") and tok != "n't":
            out.extend([(tok[:-3], False), ("n't", False)])
        else:
            out.append((tok, name))
    return out


@lru_cache(maxsize=65536)
def polarity(text: str) -> dict[str, bool]:
    """For each content stem of ``text`` (names left out): True if asserted, False if negated nearby."""
    toks = _tokens(text)
    words = [t for t, _n in toks]
    # "not only … but also" adds, it does not negate
    neg_at = [
        i
        for i, t in enumerate(words)
        if t in _NEGATORS and not (t == "not" and words[i + 1 : i + 2] == ["only"])
    ]
    out: dict[str, bool] = {}
    for i, (t, name) in enumerate(toks):
        if name or t in _STOP or t in _NEGATORS or len(t) < 4:
            continue
        negated = any(i - _WINDOW_BEFORE <= j < i or i < j <= i + _WINDOW_AFTER for j in neg_at)
        s = stem(t)
        # one negated occurrence is enough: "talks … but no agreement" negates "agreement"
        out[s] = out.get(s, True) and not negated
    return out


def _only(items: Sequence[NumberFact], kind: str, unit: str | None) -> NumberFact | None:
    same = [n for n in items if n.kind == kind and n.unit == unit and n.value is not None]
    return same[0] if len(same) == 1 else None


def number_conflict(a: Sequence[NumberFact], b: Sequence[NumberFact]) -> str | None:
    """A why-string when the two sentences give clearly different values for the same quantity."""
    kinds_a = Counter((n.kind, n.unit) for n in a if n.kind not in {"year", "ordinal", "other"})
    for kind, unit in sorted(kinds_a, key=lambda k: (k[0], k[1] or "")):
        x, y = _only(a, kind, unit), _only(b, kind, unit)
        if x is None or y is None:
            continue
        if same_quantity(x, y) is False:
            return f"different figures for the same quantity: “{x.span.text}” vs “{y.span.text}”"
    return None


def _dated(times: Sequence[TimeExpr]) -> TimeExpr | None:
    absolute = [t for t in times if t.value and t.precision in {"day", "month", "year"}]
    return absolute[0] if len(absolute) == 1 else None


def date_conflict(a: Sequence[TimeExpr], b: Sequence[TimeExpr]) -> str | None:
    """A why-string when each sentence dates its event once and the two dates cannot overlap."""
    x, y = _dated(a), _dated(b)
    if x is None or y is None or x.value is None or y.value is None:
        return None
    try:
        if same_time(x.value, y.value):
            return None
    except ValueError:
        return None
    return f"different dates for the same event: “{x.span.text}” ({x.value}) vs “{y.span.text}” ({y.value})"


def polarity_conflict(a: str, b: str, *, min_shared: int = 3) -> str | None:
    """A why-string when a shared predicate is asserted by one sentence and negated by the other."""
    pa, pb = polarity(a), polarity(b)  # cached: every claim meets several neighbours
    shared = set(pa) & set(pb)
    if len(shared) < min_shared:
        return None
    flips = sorted(s for s in shared if pa[s] != pb[s])
    if not flips:
        return None
    term = flips[0]
    yes, no = ("first", "second") if pa[term] else ("second", "first")
    negated = b if pa[term] else a
    word = next((t for t, _name in _tokens(negated) if stem(t) == term), term)
    return f"the {yes} asserts what the {no} negates or calls unachieved (“{word}”)"


class RuleJudge:
    """The offline default: numbers and dates (for matched claims only), then polarity."""

    name = "rules"

    def judge(self, a: ClaimText, b: ClaimText, *, same_claim: bool = True) -> Verdict | None:
        if same_claim and (why := number_conflict(a.numbers, b.numbers)):
            return Verdict(True, why, "numbers")
        if same_claim and (why := date_conflict(a.times, b.times)):
            return Verdict(True, why, "dates")
        if why := polarity_conflict(a.text, b.text):
            return Verdict(True, why, "polarity")
        return None
