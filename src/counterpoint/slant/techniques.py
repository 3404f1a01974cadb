"""Loaded-language and persuasion-technique spans, and the density scores built on them.

Three transparent sources, in order of precedence when they overlap:

1. Counterpoint's phrase lexicon (``techniques.tsv``), each entry labelled with a SemEval-2020
   Task 11 technique and a reason;
2. strongly valenced words from VADER (``|valence| >= vader_min``), minus words that report events
   rather than colour them ("killed", "war");
3. strongly subjective, strongly polar adjectives from the Pattern lexicon.

A loaded phrase used a third time or more in the outlet's own words is relabelled ``Repetition``.
Spans inside direct quotes keep the quote's speaker and are left out of the outlet's scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from counterpoint.model import Span
from counterpoint.slant.lexicon import WORD_RE, Lexicon, QuoteMap
from counterpoint.slant.model import SlantSpan

#: Strongly valenced VADER words that name events or facts in news rather than colour them.
_FACTUAL_WORDS = """
    kill killed kills killing killings death deaths dead die died dies dying war wars warfare attack attacks
    attacked murder murdered murders cancer disease victim victims injured injuries injury crash crashed fire
    fires violence violent terror terrorist terrorists terrorism bomb bombs bombing rape raped abuse abused
    assault assaulted arrest arrested prison jail jailed crime crimes criminal criminals prisoner prisoners
    hostage hostages weapon weapons gun guns shooting shot suicide poverty hunger starvation torture tortured
    fraud lawsuit sued guilty lost loss losses lose losing fear fears feared worried worry concerned concern
    concerns crisis conflict protest protests protesters strike problem problems unemployment inflation
    recession refugee refugees poor sick illness pain danger dangerous risk risks threat threats threatened
    harm harmed damage damaged destroyed accident emergency tragedy tragic grief mourn mourning funeral
    love loved hope hopes win wins won winning winner best great good better support supported free freedom
    peace safe safety help helped helps agree agreed agreement care benefit benefits celebrate celebrated
    honor honour award awards
"""
FACTUAL = frozenset(_FACTUAL_WORDS.split())

#: Pattern adjectives whose subjectivity comes from senses news copy rarely uses.
ADJ_STOP = frozenset({"own", "only", "real", "certain", "sure", "main", "major", "key", "top", "new", "open"})
VADER_MIN = 2.5
ADJ_SUBJ_MIN = 0.9
ADJ_POL_MIN = 0.6
#: Smoothing toward a typical news density so short articles do not get extreme scores.
PRIOR_RATE = 1.0  # weighted loaded spans per 100 words in a flat news report
PRIOR_WORDS = 80
SCALE = 4.0


@dataclass(frozen=True, slots=True)
class _Cand:
    start: int
    end: int
    technique: str
    why: str
    weight: float
    rank: int
    valence: float = 0.0


@dataclass(frozen=True, slots=True)
class Found:
    """A flagged span with its weight toward the loaded-language score and its valence (-3..3)."""

    slant: SlantSpan
    weight: float
    valence: float


def _phrase_candidates(text: str, lex: Lexicon) -> list[_Cand]:
    out = []
    for s, e, i in lex.phrase_matcher.finditer(text):
        entry = lex.phrases[i]
        if e > s:
            out.append(_Cand(s, e, entry.technique, entry.why, 1.0, i, entry.valence))
    return out


def _resolve(cands: list[_Cand]) -> list[_Cand]:
    """Keep the longest non-overlapping candidates (earlier lexicon lines win ties)."""
    taken: list[_Cand] = []
    occupied: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.rank, c.start)):
        if all(c.end <= s or c.start >= e for s, e in occupied):
            taken.append(c)
            occupied.append((c.start, c.end))
    return sorted(taken, key=lambda c: c.start)


def _norm(word: str) -> str:
    w = word.lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


def word_candidates(
    text: str, lex: Lexicon, *, vader_min: float = VADER_MIN, span_min: float | None = None
) -> list[_Cand]:
    """Single loaded words from the VADER and Pattern lexicons.

    With ``span_min``, negative words with ``span_min <= |valence| < vader_min`` are candidates
    too, with weight 0 and no valence: shown as spans (annotators mark them) but not scored.
    """
    out = []
    rank = len(lex.phrases)
    for m in WORD_RE.finditer(text):
        w = _norm(m.group())
        if w in FACTUAL:
            continue
        v = lex.valence.get(w)
        if v is not None and span_min is not None and -vader_min < v <= -span_min:
            why = f"negative word (VADER {v:+.1f})"
            out.append(_Cand(m.start(), m.start() + len(w), "Loaded_Language", why, 0.0, rank + 2))
            continue
        if v is not None and abs(v) >= vader_min:
            sign = "negative" if v < 0 else "positive"
            why = f"strongly {sign} word (VADER {v:+.1f})"
            weight = min(1.0, abs(v) / 3)
            out.append(_Cand(m.start(), m.start() + len(w), "Loaded_Language", why, weight, rank, v * 0.75))
            continue
        adj = lex.adjectives.get(w)
        if adj is not None and w not in ADJ_STOP and adj[1] >= ADJ_SUBJ_MIN and abs(adj[0]) >= ADJ_POL_MIN:
            why = f"strongly evaluative adjective (subjectivity {adj[1]:.1f})"
            out.append(_Cand(m.start(), m.start() + len(w), "Loaded_Language", why, 0.7, rank + 1))
    return out


def find_spans(
    text: str,
    article_id: str,
    quotes: QuoteMap,
    lex: Lexicon,
    *,
    vader_min: float = VADER_MIN,
    span_min: float | None = None,
) -> tuple[Found, ...]:
    """Persuasive words and lexicon phrases in ``text`` with their weights (0..1) and valences, in order.

    ``span_min`` adds weaker negative words with weight 0 (see ``word_candidates``).
    """
    words = word_candidates(text, lex, vader_min=vader_min, span_min=span_min)
    chosen = _resolve(_phrase_candidates(text, lex) + words)
    seen: Counter[str] = Counter()
    out = []
    for c in chosen:
        speaker = quotes.speaker(c.start, c.end)
        technique, why = c.technique, c.why
        key = " ".join(text[c.start : c.end].lower().split())
        if speaker is None and c.rank < len(lex.phrases):
            seen[key] += 1
            if seen[key] >= 3:
                technique, why = "Repetition", f"repeats {key!r} (time {seen[key]})"
        span = Span(article_id, c.start, c.end, text[c.start : c.end])
        out.append(Found(SlantSpan(span, technique, why, speaker), c.weight, c.valence))
    return tuple(out)


def density_score(mass: float, words: int, *, prior_rate: float = PRIOR_RATE, scale: float = SCALE) -> float:
    """Map weighted hits per 100 words to 0..1, shrunk toward ``prior_rate`` for short texts."""
    rate = 100.0 * (mass + prior_rate * PRIOR_WORDS / 100.0) / (words + PRIOR_WORDS)
    return 1.0 - math.exp(-rate / scale)


def count_words(text: str, parts: list[tuple[int, int]]) -> int:
    """Words in the given parts of ``text``."""
    return sum(len(WORD_RE.findall(text, s, e)) for s, e in parts)


_OPINION = re.compile(
    r"(?<![\w\-])(?:I|I'm|I’m|me|my|we|our|us|you|your|should|must|ought|need to|let's|let’s)(?![\w\-])|[!?]",
    re.IGNORECASE,
)


def opinion_markers(text: str, parts: list[tuple[int, int]]) -> int:
    """First/second-person pronouns, prescriptive modals, exclamations and questions in ``parts``."""
    return sum(len(_OPINION.findall(text, s, e)) for s, e in parts)


#: Brief-only (the slant stage's scores do not use them): wordings that make a sentence its writer's
#: view rather than a report of what happened. Each is (why, pattern), matched case-insensitively
#: unless the pattern says otherwise.
_VIEW_PATTERNS: tuple[tuple[str, str], ...] = (
    # the writer's impression: "appears purely economic", "seems willing", "looks set to"
    ("hedged verb", r"\b(?:seems?|seemed|seemingly)\b"),
    (
        "hedged verb",
        r"\bappear(?:s|ed|ing)?\b(?!\s+(?:in|at|on|before|alongside|with|for|as|onstage|live)\b)",
    ),
    (
        "hedged verb",
        r"\b(?:looks?|looked|looking)\s+(?:set|likely|unlikely|poised|certain|sure|like|as\s+if|to)\b",
    ),
    # the writer's estimate of what is so or will be
    (
        "hedge",
        r"\b(?:apparent(?:ly)?|arguabl[ey]|presumabl[ey]|supposed(?:ly)?|purported(?:ly)?|ostensibl[ey]"
        r"|probabl[ey]|possibly|perhaps|maybe|potential(?:ly)?|conceivabl[ey]|(?:un)?likely)\b",
    ),
    # speculative and prescriptive modals ("could reshape", "should be remembered", "must be held")
    ("modal", r"(?-i:\b(?:could|might|may|should|must|ought\s+to)\b)"),
    # the writer's reading of an event: ", signaling a major shift", "the timing suggests"
    (
        "interpretation",
        r",\s+(?:signal(?:l)?ing|suggesting|underscoring|highlighting|reflecting|demonstrating|illustrating"
        r"|showing|exposing|revealing|proving)\b",
    ),
    (
        "interpretation",
        r"\b(?:signals|signal(?:l)?ed|suggests|underscores|underscored|demonstrates|illustrates|exemplifies"
        r"|epitomi[sz]es|betrays|exposes)\b",
    ),
    (
        "interpretation",
        r"\b(?:marks?|marked|marking)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}"
        r"(?:shift|turning\s+point|new\s+era|milestone|watershed|departure|break|step|victory|setback|blow)\b",
    ),
    ("interpretation", r"\braises?\s+(?:\w+\s+)?(?:questions|concerns|doubts|fears|eyebrows)\b"),
    # idioms that judge rather than report: "the tables have turned", "a wake-up call"
    (
        "evaluative idiom",
        r"\b(?:turn(?:s|ed|ing)?\s+the\s+tables|tables\s+(?:have|had)\s+turned|wake-up\s+call|second\s+fiddle"
        r"|game[\s-]changer|slap\s+in\s+the\s+face|beginning\s+of\s+the\s+end|writing\s+(?:is\s+)?on\s+the\s+wall"
        r"|last\s+straw|double\s+standard|in\s+stark\s+contrast|stark\s+contrast|far\s+cry)\b",
    ),
    # words that grade or judge what they describe
    (
        "evaluative word",
        r"\b(?:purely|merely|mere|clearly|obviously|undoubtedly|unquestionably|certainly|surely|simply"
        r"|indeed|of\s+course|thinly\s+veiled|pivotal|groundbreaking|momentous|monumental|profound"
        r"|toxic|erratic|reckless|productive|genuine|calculated|cynical|misguided|disastrous"
        r"|hypocri(?:sy|tical)|opportunis(?:m|tic)|appeas(?:e|es|ed|ing|ement)|cozying|caving"
        r"|tirelessly|boldly|brave(?:ly)?|courageous(?:ly)?|wise(?:ly)?|foolish(?:ly)?|sadly|fortunately"
        r"|unfortunately|thankfully|regrettably|ironically|conveniently|curiously|tellingly)\b",
    ),
)
_VIEW = tuple((why, re.compile(p, re.IGNORECASE)) for why, p in _VIEW_PATTERNS)
#: a view voiced by a named source or in a study the sentence cites is that source's, not the writer's
_REPORTED = re.compile(
    r"\b(?:said|says|say|told|tells|stated|states|announced|added|argued|argues|warned|warns|claimed|claims"
    r"|wrote|writes|reported|reports|ruled|rules|decreed|ordered|according\s+to|poll|polls|survey|study|studies"
    r"|report|data|analysts?|experts?|forecast)\b",
    re.IGNORECASE,
)


def view_markers(text: str, parts: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str]]:
    """Hedges, speculative and prescriptive modals, interpretive constructions and evaluative words in
    ``parts`` of ``text`` (all of it by default): (start, end, why) each, in order.

    Used by the brief (``claims.brief``) to keep a writer's view from being stated as fact; the slant
    stage's opinion markers (``opinion_markers``) are left as they are. Hedges and modals in a sentence
    that reports someone's words or a study ("officials said the plan could …") are that source's, and
    are not counted; interpretive and evaluative wording is counted either way.
    """
    parts = [(0, len(text))] if parts is None else parts
    out: list[tuple[int, int, str]] = []
    for s, e in parts:
        piece = text[s:e]
        reported = _REPORTED.search(piece) is not None
        for why, rx in _VIEW:
            if reported and why in ("hedge", "modal", "hedged verb"):
                continue
            out.extend((s + m.start(), s + m.end(), why) for m in rx.finditer(piece))
    return sorted(out)


def subjective_mass(text: str, parts: list[tuple[int, int]], lex: Lexicon) -> float:
    """Summed subjectivity of the Pattern adjectives found in ``parts``."""
    total = 0.0
    for s, e in parts:
        for m in WORD_RE.finditer(text, s, e):
            adj = lex.adjectives.get(_norm(m.group()))
            if adj is not None and adj[1] >= 0.5:
                total += adj[1]
    return total


_CAPS = re.compile(r"\b[A-Z]{3,}\b")


def classify_span(span_text: str, context: str, lex: Lexicon) -> str:
    """The technique of a span already known to be persuasive (SemEval-2020 Task 11 "TC" setting).

    Lexicon entries decide when one matches inside the span; otherwise shape rules
    (questions, repetition in ``context``, length, capitals) and the majority class.
    """
    best: tuple[int, int, str] | None = None
    for s, e, i in lex.phrase_matcher.finditer(span_text):
        if best is None or (e - s, -i) > (best[0], best[1]):
            best = (e - s, -i, lex.phrases[i].technique)
    words = WORD_RE.findall(span_text)
    key = " ".join(span_text.lower().split())
    if len(words) <= 4 and key and context.lower().count(key) >= 3:
        return "Repetition"
    if best is not None:
        return best[2]
    if "?" in span_text:
        return "Doubt"
    if len(words) <= 5 and (_CAPS.search(span_text) or "!" in span_text or "#" in span_text):
        return "Slogans"
    if len(words) >= 14:
        return "Causal_Oversimplification" if re.search(r"\bbecause\b|\bso\b", span_text, re.I) else "Doubt"
    return "Loaded_Language"
