"""Phrase-level spans: a loaded word grows to the phrase that carries it, and clause-level techniques.

Annotators mark phrases, not words: "radical leftist mob", "a disaster of epic proportions", a
whole slogan or a doubting clause. ``grow`` extends a flagged word over the words it modifies and
the intensifiers before it, staying inside its clause (punctuation, conjunctions, relative pronouns
and verbs of saying end a phrase), without a parser. ``clause_spans`` finds the techniques a word
lexicon cannot see - doubt, whataboutism, causal oversimplification, appeal to fear, black-and-white
choices - from cue patterns and marks the clause the cue opens.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from counterpoint.model import Span
from counterpoint.slant.lexicon import QuoteMap
from counterpoint.slant.model import SlantSpan
from counterpoint.slant.techniques import Found

#: Words that end a phrase when growing to the right (function words that start a new constituent).
_STOP_WORDS = """
    and but or nor so yet because although though while whereas if unless since until when where
    which who whom whose that than as is are was were be been being has have had do does did will
    would can could should may might must shall said says say told according to for from with by
    on in at into onto about after before over under between against during through of
    not no it he she they we i you this these those there here its his her their our my your
"""
STOP = frozenset(_STOP_WORDS.split())
#: Words that join a flagged word from the left (intensifiers and determiners of evaluative phrases).
_LEFT_WORDS = """
    very so too most more utterly totally completely absolutely truly really deeply extremely
    incredibly outright downright blatantly openly pure sheer such all an a the
"""
INTENSIFIERS = frozenset(_LEFT_WORDS.split())
_WORD = re.compile(r"[\w'’\-]+")
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”—–]")

#: Clause-level techniques: (technique, cue pattern, reason). The span runs from the cue to the
#: end of its clause (the next ``.;!?`` or line end, at most ``CLAUSE_MAX`` characters on).
CLAUSE_CUES: tuple[tuple[str, str, str], ...] = (
    ("Doubt", r"so-called|supposed(?:ly)?|alleged(?:ly)?|(?:he|she|they) claim(?:s|ed)?|questionable|"
     r"it remains to be seen|one has to wonder|raises (?:serious )?questions|how can (?:anyone|we|they)|"
     r"why (?:would|did|does|is|are|has|have)|is it any wonder|who (?:really|actually) knows",
     "casts doubt without stating a fact"),
    ("Whataboutism,Straw_Men,Red_Herring", r"what about|but what of|where (?:was|were) the outrage|"
     r"yet nobody (?:says|said|talks)|meanwhile,? the same|the same people who|double standard",
     "deflects to another issue"),
    ("Causal_Oversimplification", r"(?:all|simply|only|solely|entirely) because|the (?:real|only|sole) "
     r"reason|is (?:entirely|solely|directly) (?:to blame|responsible)|thanks to (?:the|their|his|her)|"
     r"is the (?:cause|root) of|that is why|which is why|this is why|led directly to",
     "one cause for a complex outcome"),
    ("Appeal_to_fear-prejudice", r"(?:will|would|could) (?:destroy|devastate|wipe out|ruin|kill)|"
     r"threat to (?:our|the) (?:way of life|country|nation|children|democracy|freedom)|"
     r"before it(?: is|'s) too late|we will all|mortal danger|existential threat|invasion of|"
     r"flood(?:ing)? (?:of|into)",
     "raises fear or prejudice"),
    ("Black-and-White_Fallacy", r"either (?:you|we|they) |there (?:is|are) only two|"
     r"the only (?:choice|option|way)|you are either|no middle ground|with us or against us",
     "presents two options as the only ones"),
    ("Flag-Waving", r"(?:our|this) (?:great )?(?:nation|country|republic)|true patriots?|real americans?|"
     r"the american people|as americans|our (?:founding fathers|constitution|flag|troops)",
     "appeals to national or group pride"),
    ("Appeal_to_Authority", r"(?:experts|scientists|doctors|scholars) (?:agree|say|warn|have warned)|"
     r"according to (?:experts|top officials)", "leans on authority instead of evidence"),
    ("Bandwagon,Reductio_ad_hitlerum", r"everyone (?:knows|agrees)|everybody (?:knows|agrees)|"
     r"nazis?|hitler|stalin|gestapo|millions of (?:americans|people) (?:agree|know)",
     "argues from popularity or by association"),
)  # fmt: skip
#: One pattern for all cues (one scan of the text); group ``c<k>`` is ``CLAUSE_CUES[k]``.
_CUES = re.compile(
    r"(?<![\w\-])(?:"
    + "|".join(f"(?P<c{k}>{p})" for k, (_t, p, _w) in enumerate(CLAUSE_CUES))
    + r")(?![\w\-])",
    re.IGNORECASE,
)
#: How far a clause span may run past its cue (characters): annotators' clause spans are ~100.
CLAUSE_MAX = 160


def _words(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    return _WORD.finditer(text, start, end)


def grow(text: str, start: int, end: int, *, right: int = 3, left: int = 1) -> tuple[int, int]:
    """Extend ``start:end`` over up to ``right`` following words and ``left`` intensifiers before it.

    Growth stops at punctuation and at ``STOP`` words (a new constituent), and never crosses a line.
    """
    line_end = text.find("\n", end)
    limit = len(text) if line_end < 0 else line_end
    new_end = end
    for taken, m in enumerate(_words(text, end, min(limit, end + 80))):
        if taken >= right or _BREAK.search(text, new_end, m.start()) or m.group().lower() in STOP:
            break
        new_end = m.end()
    new_start = start
    line_start = text.rfind("\n", 0, start) + 1
    before = list(_words(text, max(line_start, start - 40), start))
    for m in reversed(before[-left:] if left else []):
        if _BREAK.search(text, m.end(), new_start) or m.group().lower() not in INTENSIFIERS:
            break
        new_start = m.start()
    return new_start, new_end


def clause_end(text: str, pos: int, *, limit: int = CLAUSE_MAX) -> int:
    """End of the clause or sentence running from ``pos``: the next ``.;:!?`` or line end, capped."""
    m = re.compile(r"[.;!?\n]").search(text, pos, min(len(text), pos + limit))
    if m is None:
        return min(len(text), pos + limit)
    return m.end() if m.group() in "?!" else m.start()


def clause_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """``(start, end, technique, why)`` of clause-level technique cues in ``text[start:end]``."""
    stop = len(text) if end is None else end
    out = []
    for m in _CUES.finditer(text, start, stop):
        technique, _p, why = CLAUSE_CUES[int((m.lastgroup or "c0")[1:])]
        out.append((m.start(), max(m.end(), clause_end(text, m.end())), technique, why))
    return out


_QUESTION_START = re.compile(r"[.!?\n\"“”]")
_SCARE = re.compile(r"[\"“‘'](?P<q>[A-Za-z][\w\-’' ]{2,40})[\"”’'](?![A-Za-z])")


def shape_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """Spans found by their shape: rhetorical questions and scare-quoted words.

    (Words in capitals were tried too: on PTC they overlap a gold span one time in eight.)
    """
    stop = len(text) if end is None else end
    out = []
    q = text.find("?", start, stop)
    while q >= 0:
        # the question runs back to the previous sentence end, line break or quote mark
        lo = max(start, q - 200)
        prev = [m.end() for m in _QUESTION_START.finditer(text, lo, q)]
        s = prev[-1] if prev else lo
        s += len(text[s:q]) - len(text[s:q].lstrip())
        if q - s >= 12 and (prev or lo == start):
            out.append((s, q + 1, "Doubt", "a question that insinuates"))
        q = text.find("?", q + 1, stop)
    for m in _SCARE.finditer(text, start, stop):
        if len(m.group("q").split()) <= 4:
            out.append((m.start("q"), m.end("q"), "Loaded_Language", "scare quotes"))
    return out


def grow_all(text: str, spans: Sequence[tuple[int, int]], **kw: int) -> list[tuple[int, int]]:
    """``grow`` every span, merging the ones that come to overlap (for evaluation and tests)."""
    grown = sorted(grow(text, s, e, **kw) for s, e in spans)
    out: list[tuple[int, int]] = []
    for s, e in grown:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


#: Span-level settings chosen on the PTC tuning part (articles with id not 0 mod 5).
GROW_RIGHT, GROW_LEFT, GAP, SPAN_MIN = 3, 1, 4, 1.6
#: Spans in one sentence from which the sentence becomes one span (``to_sentences``), chosen on the
#: PTC tuning part: SI F1 0.323 at 2, 0.308 at 3, 0.300 at 4, 0.293 at 1, 0.296 without the step.
SENTENCE_MIN = 2


def phrase_spans(
    text: str,
    article_id: str,
    found: Sequence[Found],
    quotes: QuoteMap,
    sentences: Sequence[tuple[int, int]] | None = None,
    *,
    sentence_min: int = SENTENCE_MIN,
) -> tuple[SlantSpan, ...]:
    """The article's spans at phrase level: grown words, clause cues and shapes, merged.

    When spans merge, the merged span keeps the most specific technique (anything before plain
    ``Loaded_Language``) and the reason that goes with it; the speaker is the quote's, if any.
    With ``sentences``, a sentence that holds ``sentence_min`` spans or more becomes one span
    (``to_sentences``).
    """
    cands: list[tuple[int, int, str, str]] = []
    for f in found:
        s, e = grow(text, f.slant.span.start, f.slant.span.end, right=GROW_RIGHT, left=GROW_LEFT)
        cands.append((s, e, f.slant.technique, f.slant.why))
    cands.extend(clause_spans(text))
    cands.extend(shape_spans(text))
    merged: list[tuple[int, int, str, str]] = []
    for s, e, tech, why in sorted(cands):
        if merged:
            ps, pe, ptech, pwhy = merged[-1]
            near = not _BREAK.search(text, pe, s) and len(_WORD.findall(text, pe, s)) <= GAP
            if s <= pe or (near and "\n" not in text[pe:s]):
                keep = (
                    (tech, why) if ptech == "Loaded_Language" and tech != "Loaded_Language" else (ptech, pwhy)
                )
                merged[-1] = (ps, max(pe, e), *keep)
                continue
        merged.append((s, e, tech, why))
    out = []
    for s, e, tech, why in merged:
        span = Span(article_id, s, e, text[s:e])
        out.append(SlantSpan(span, tech, why, quotes.speaker(s, e)))
    if sentences is None:
        return tuple(out)
    return to_sentences(text, article_id, out, sentences, quotes, min_spans=sentence_min)


_EDGE = " \t\n\"“”‘’'"


def _voice_part(spans: Sequence[SlantSpan], ss: int, se: int, quotes: QuoteMap) -> tuple[int, int] | None:
    """The part of sentence ``ss:se`` in the one voice all ``spans`` share, or None when they differ.

    The outlet's words: the stretch between quotes that holds every span; a quoted speaker's:
    the sentence inside the one quote that holds every span.
    """
    if len({x.speaker for x in spans}) != 1:
        return None
    first, last = spans[0].span, spans[-1].span
    if spans[0].speaker is None:
        for ps, pe in quotes.outside(ss, se):
            if ps <= first.start and last.end <= pe:
                return ps, pe
        return None
    j = quotes.find(first.start, first.end)
    if j is None or quotes.find(last.start, last.end) != j:
        return None
    return max(ss, quotes.starts[j]), min(se, quotes.ends[j])


def to_sentences(
    text: str,
    article_id: str,
    spans: Sequence[SlantSpan],
    sentences: Sequence[tuple[int, int]],
    quotes: QuoteMap,
    *,
    min_spans: int = 2,
) -> tuple[SlantSpan, ...]:
    """Spans with every sentence that holds ``min_spans`` of them or more marked as one span.

    Annotators mark a sentence that piles up loaded phrases as one stretch of persuasion, not as
    its fragments. The sentence span keeps the article id and clean-text offsets (a sentence ends
    at a line break too; spaces and quote marks at its edges and a closing ``.,;:`` are trimmed,
    as annotators leave them out), the most specific technique of its fragments (anything before
    plain ``Loaded_Language``) with that fragment's reason, and the fragments' speaker; it covers
    only the words in that one voice, so a sentence mixing the outlet's words and a quote with
    spans in both keeps its fragments. ``spans`` must be in text order and not overlap (as
    ``phrase_spans`` makes them); the result does not overlap either.
    """
    if min_spans < 1 or not spans or not sentences:
        return tuple(spans)
    starts = [x.span.start for x in spans]
    out: list[SlantSpan] = []
    done = 0  # spans before this index are already placed
    for ss0, se0 in sorted(sentences):
        pieces, pos = [], ss0
        for line in text[ss0:se0].split("\n"):
            pieces.append((pos, pos + len(line)))
            pos += len(line) + 1
        for ss, se in pieces:
            lo = max(done, bisect.bisect_left(starts, ss))
            hi = lo
            while hi < len(spans) and spans[hi].span.start < se and spans[hi].span.end <= se:
                hi += 1
            inside = spans[lo:hi]
            if len(inside) < min_spans:
                continue
            part = _voice_part(inside, ss, se, quotes)
            if part is None:
                continue
            s, e = part
            while s < e and text[s] in _EDGE:
                s += 1
            while e > s and (text[e - 1] in _EDGE or text[e - 1] in ".,;:"):
                e -= 1
            s, e = min(s, inside[0].span.start), max(e, inside[-1].span.end)
            out.extend(spans[done:lo])
            if out:  # a span running into the sentence from the one before keeps its words
                s = max(s, out[-1].span.end)
            pick = next((x for x in inside if x.technique != "Loaded_Language"), inside[0])
            why = f"{len(inside)} persuasive phrases in one sentence; {pick.why}"
            out.append(SlantSpan(Span(article_id, s, e, text[s:e]), pick.technique, why, pick.speaker))
            done = hi
    out.extend(spans[done:])
    return tuple(out)
