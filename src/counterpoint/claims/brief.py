"""A story's brief: a short, neutral news summary built from its own articles' sentences.

The brief is extractive with light, checkable edits, so every word of a sentence is either in its
cited span or is an attribution naming the cited outlet:

1. **Pool.** The story's claim candidates (check-worthy sentences of its original reports, see
   ``story.article_claims``), cleaned of bullet markers, wire datelines and a glued-on heading
   (the citation is moved to the cleaned text), then compressed (``compress``: short asides and
   evaluative modifiers taken out, deletions only, never inside quotes). Truncated sentences
   ("…"), questions, fragments and overlong run-ons are left out.
2. **Score.** What a neutral summary opens with is what most outlets say, early in their
   articles, in plain words: ``centrality`` (the share of the sentence's content words that other
   sources of the story also use anywhere in their articles, IDF-weighted within the story, plus
   ``W_COVER`` times how much of those shared words it carries against the story's best) plus
   ``position`` (earlier in
   its article is better) plus a bonus when the sentence's claim is corroborated, minus its
   loaded-language share, its matches of the loaded-phrase and partisan-wording lexicons
   (``lexicon_hits``), its subjectivity rate (``subjectivity_rate``) and a penalty for direct
   quotation.
3. **Select.** Greedy by score until ``BRIEF_WORDS`` words, skipping a sentence whose claim is
   already told or whose content words mostly repeat a chosen one: no quote appears twice.
4. **Attribute.** A sentence is stated as fact only when it is corroborated by another source of
   the story and carries no loaded wording (or none is left once compressed) and no view wording
   of its own (``view_words``: a hedge such as "appears" or "is likely", a speculative or
   prescriptive modal, an interpretation such as ", signaling a shift", an evaluative word such
   as "purely"); otherwise it is attributed in words: "According to Newsinc24, …" (several outlets
   are named when they share it); when the outlet is unknown, "Reportedly, …" for a plain fact (an
   event, a figure, a cited source, a policy, in plain words) and "According to one report, …" for
   a view. A view is never stated as fact, nor "reportedly" so (``told_as_view``).
5. **Conflicts** are stated both ways, once, in place of the brief sentence they dispute or at its
   end: "X reports “…”, while Y reports “…”" ("One report says “…”, while another says “…”" when
   the outlets are unknown).

The brief's words are the cited sentences' words: a sentence's first citation is the whole
(cleaned) sentence it was compressed from, so ``text[start:end]`` is its evidence.

Citations are spans of the story's own articles only: a storyline's other chapters may support a
claim, but a story's brief cites the story.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from counterpoint.claims.compare import _NEGATORS, _tokens
from counterpoint.claims.compress import compress
from counterpoint.claims.timeline import _STOPWORDS, _content_terms
from counterpoint.model import Span
from counterpoint.model.claim import ArticleFacts, BriefSentence, Claim, ClaimCandidate, ConflictLink
from counterpoint.slant.lexicon import QuoteMap, load_lexicon
from counterpoint.slant.phrases import SPAN_MIN, phrase_spans
from counterpoint.slant.techniques import find_spans, opinion_markers, subjective_mass, view_markers

#: words a brief reaches before it stops: it ends after the sentence that crosses it (tuned on half of
#: NeuS val)
BRIEF_WORDS = 40
#: sentences in a brief at most, conflicts included
MAX_SENTENCES = 5
#: a sentence sharing this much of its content words with a chosen one repeats it
REDUNDANT = 0.5
#: a polarity conflict is stated only when its negated word is in at most this share of the story's
#: sentences (or two of them)
RARE_SHARE = 0.1
#: a sentence of another source sharing this much of the content words corroborates it (with at
#: least ``MIN_ECHO_TERMS`` content words on each side, so two short generic lines do not)
ECHO, MIN_ECHO_TERMS = 0.5, 5
#: shorter or longer sentences (in words) are fragments or run-ons, not summary sentences
MIN_WORDS, MAX_WORDS = 6, 55
#: score weights (tuned on the even-indexed half of NeuS val; see docs/EVALUATION.md)
W_CENTRAL, W_POSITION, W_CORROBORATED, W_LOADED, W_QUOTE, W_CONTEXT = 2.0, 1.0, 0.3, 2.0, 0.5, 0.5
#: weight of a sentence's coverage of the words the story's sources share, next to its share of them
#: (1): a long sentence that tells most of the common story beats a short one that tells a little
W_COVER = 0.75
#: per match of the loaded-phrase and partisan-wording lexicons in the sentence (the loaded-language
#: proxy of docs/EVALUATION.md): between equally central sentences the plainer one wins
W_LEXICON = 0.5
#: per unit of the sentence's subjectivity rate (``subjectivity_rate``: the slant stage's evidence
#: of subjectivity per word; about 0.03 in a news lead)
W_SUBJECTIVE = 10.0

_BULLET = re.compile(r"^[\s\-–—•*·▪◦>]+")
#: "BEIJING (Reuters) - ", "OTTAWA, Ont. – ": a wire dateline in front of the sentence
_DATELINE = re.compile(
    r"^[A-Z]{2}[A-Z.' ]{1,30}(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?(?:\s*\([^)]{1,30}\))?\s*[—–-]\s+"
)
_TRUNCATED = re.compile(r"(?:\.\.\.|…)[\"'”’)]?\s*$")
_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
#: a word written in lower case after the start of a sentence
_LOWER_WORD = re.compile(r"(?<=\s)[a-z][a-z'’-]*")
#: a word written with a capital after the start of a sentence (not after a colon or a quote mark)
_NAME_WORD = re.compile(r"(?<=[\w,] )[A-Z][\w'’-]*")
#: a month or a year a figure is of
_PERIOD = re.compile(
    r"\b(?:January|February|March|April|June|July|August|September|October|November|December|(?:19|20)\d\d)\b"
)
#: month and weekday names: a capital that stays at the start of a sentence
_CALENDAR = frozenset(
    {
        *("January", "February", "March", "April", "May", "June", "July", "August", "September"),
        *("October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
        *("Saturday", "Sunday"),
    }
)
#: the word the polarity rule names in its reason: "… negates or calls unachieved (“agreement”)"
_NEGATED_WORD = re.compile(r"\(“([^”]+)”\)\s*$")
_ATTRIBUTED = re.compile(r"^(?:according to|as reported by|reportedly)\b", re.IGNORECASE)
#: check-worthiness kinds of a sentence that tells a fact (an event, a figure, a cited source, a
#: policy): told by one unknown outlet it is "reportedly" so; any other kind is that report's view
_FACT_KINDS = frozenset({"event", "number", "attributed", "policy"})
#: a conflict stated both ways: "X reports “…”, while Y reports “…”" (or "One report says …")
_CONFLICT = re.compile(r" (?:reports|says) “.*”, while .* (?:reports|says) “")
#: a sentence ends as one does: a heading or a cut-off line does not
_ENDS = re.compile(r"[.!][\"'”’)]*$")
#: openings that lean on the sentence before ("But …", "He said …"): weak out of their context
_NEEDS_CONTEXT = re.compile(
    r"^(?:but|and|or|so|yet|still|however|meanwhile|also|instead|moreover|he|she|it|they|this|that|these|those"
    r"|his|her|its|their|there)\b",
    re.IGNORECASE,
)

#: a sentence that addresses the reader ("Watch the full interview", "Imagine if …")
_IMPERATIVE = re.compile(
    r"^(?:watch|imagine|read|click|listen|see|subscribe|sign|follow|join|consider|think|take|look|get|"
    r"remember|meet|here's|here’s|here is|here are)\b",
    re.IGNORECASE,
)
#: the writer speaking: "I joined …", "We rode …", "our country" (outside quotes; "US" is a country)
_FIRST_PERSON = re.compile(r"\bI\b|\b(?:[Mm]e|[Mm]y|[Ww]e|us|[Oo]urs?)\b")


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One candidate as the brief would show it."""

    index: int  # into the scope's candidates
    span: Span  # the cleaned sentence, still ``text[start:end]`` of its article
    text: str  # as the brief shows it: the span's text, compressed (``compress``)
    terms: frozenset[str]
    words: int


def clean_span(span: Span) -> Span | None:
    """The sentence without a heading glued on, bullet markers or a wire dateline; None if unusable."""
    text, start = span.text, span.start
    if "\n" in text.strip():
        cut = text.rstrip().rfind("\n") + 1
        text, start = text[cut:], start + cut
    for rx in (_BULLET, _DATELINE):
        m = rx.match(text)
        if m:
            text, start = text[m.end() :], start + m.end()
    stripped = text.rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    text, start = stripped.lstrip(), start + lead
    if not text or _TRUNCATED.search(text) or not _ENDS.search(text):
        return None
    if not text[0].isalnum() and text[0] not in "“\"'‘":
        return None
    close = text.find("”")
    if close >= 0 and not 0 <= text.find("“") < close:
        return None  # it starts inside a quote the sentence before opened: "… colleague,” said X."
    return Span(span.article_id, start, start + len(text), text)


def _pool(indexes: Sequence[int], cands: Sequence[ClaimCandidate]) -> list[_Sentence]:
    out = []
    for i in indexes:
        span = clean_span(cands[i].span)
        if span is None:
            continue
        text = compress(span.text) if cands[i].speaker is None else span.text
        if len(_WORD.findall(text)) < MIN_WORDS or not _ENDS.search(text):
            text = span.text
        n = len(_WORD.findall(text))
        if MIN_WORDS <= n <= MAX_WORDS:
            out.append(_Sentence(i, span, text, _content_terms(text), n))
    return out


def stands_alone(text: str) -> bool:
    """Whether a sentence reads as news out of its article: not leaning on the sentence before ("He
    said …", "But …"), not addressing the reader ("Watch …", "Imagine …"), not the writer's own voice
    ("I joined …", "we rode …"; quoted words are the speaker's and do not count)."""
    if _NEEDS_CONTEXT.match(text) or _IMPERATIVE.match(text):
        return False
    return _FIRST_PERSON.search(_QUOTED.sub(" ", text)) is None


def usable(cand: ClaimCandidate) -> bool:
    """Whether a brief could use this candidate (not a fragment, a cut-off line or a run-on)."""
    return bool(_pool([0], [cand]))


def _ranks(pool: Sequence[_Sentence], cands: Sequence[ClaimCandidate]) -> dict[int, int]:
    """Candidate index -> its position among its article's pooled sentences (0: the first)."""
    rank: dict[int, int] = {}
    by_article: dict[str, list[int]] = defaultdict(list)
    for s in pool:
        by_article[s.span.article_id].append(s.index)
    for idx in by_article.values():
        for r, i in enumerate(sorted(idx, key=lambda i: cands[i].span.start)):
            rank[i] = r
    return rank


def _scores(
    pool: Sequence[_Sentence],
    cands: Sequence[ClaimCandidate],
    owner: Sequence[ArticleFacts],
    claim_of: Mapping[int, Claim],
) -> dict[int, float]:
    # which sources use each content word, read over the whole text of every article in the pool
    # (a word another outlet uses outside its check-worthy sentences is shared all the same)
    sources_of: dict[str, set[str]] = defaultdict(set)
    for s in pool:
        for t in s.terms:
            sources_of[t].add(owner[s.index].source)
    for a in {owner[s.index].article_id: owner[s.index] for s in pool}.values():
        for t in _content_terms(a.text):
            sources_of[t].add(a.source)
    n = len({owner[s.index].source for s in pool})
    rank = _ranks(pool, cands)
    shared: dict[int, float] = {}
    share: dict[int, float] = {}
    for s in pool:
        if n > 1 and s.terms:
            # IDF within the story keeps "the" topic words from making every sentence central
            weights = {t: math.log(1 + n / len(sources_of[t])) for t in s.terms}
            # fsum: exact whatever the order of the set's terms, which string hashing makes differ
            # from process to process (two wordings of one sentence then tied one way here and
            # the other way in a worker: local and Ray runs chose different briefs)
            shared[s.index] = math.fsum(w for t, w in weights.items() if len(sources_of[t]) > 1)
            share[s.index] = shared[s.index] / math.fsum(weights.values())
    most = max(shared.values(), default=0.0) or 1.0
    out = {}
    for s in pool:
        c = cands[s.index]
        # centrality: the share of the sentence's words other sources use (precision) plus how much
        # of what they share it carries against the story's best (coverage)
        central = share.get(s.index, 0.0) + W_COVER * shared.get(s.index, 0.0) / most
        position = 1.0 / (1 + rank[s.index])
        claim = claim_of.get(s.index)
        corroborated = claim is not None and claim.status != "single_source"
        out[s.index] = (
            W_CENTRAL * central
            + W_POSITION * position
            + W_CORROBORATED * corroborated
            + 0.3 * c.score
            - W_LOADED * c.loaded
            - W_LEXICON * lexicon_hits(s.text)
            - W_SUBJECTIVE * subjectivity_rate(s.text)
            - W_QUOTE * (c.speaker is not None)
            - W_CONTEXT * (_NEEDS_CONTEXT.match(s.span.text) is not None)
        )
    return out


def lexicon_hits(text: str) -> int:
    """Matches of the shipped loaded-phrase lexicon plus US partisan word choices in ``text``."""
    lex = load_lexicon()
    hits = sum(1 for _ in lex.phrase_matcher.finditer(text))
    if lex.partisan_matcher is not None:
        hits += sum(1 for _ in lex.partisan_matcher.finditer(text))
    return hits


def subjectivity_rate(text: str) -> float:
    """The slant stage's subjectivity evidence in ``text`` per word: evaluative adjectives (Pattern,
    weighted by subjectivity), opinion markers (I, we, should, must, "!", "?") and the loaded-language
    mass (loaded phrases, strongly valenced words), as ``slant.stage.analyse_slant`` sums them."""
    n = len(_WORD.findall(text))
    if not n:
        return 0.0
    lex, whole = load_lexicon(), [(0, len(text))]
    mass = sum(f.weight for f in find_spans(text, "", QuoteMap.build([]), lex))
    return (subjective_mass(text, whole, lex) + opinion_markers(text, whole) + mass) / n


def plain(text: str) -> bool:
    """Whether the slant stage would mark nothing in ``text`` as loaded (read on its own, quotes too)."""
    lex, none = load_lexicon(), QuoteMap.build([])
    found = find_spans(text, "", none, lex, span_min=SPAN_MIN)
    return not phrase_spans(text, "", found, none) and lexicon_hits(text) == 0


def loaded_words(text: str) -> list[str]:
    """The loaded wording in ``text`` outside quotes (the outlet's own words): words the slant stage
    scores as loaded (lexicon phrases, strongly valenced or evaluative words, grown to their phrase),
    its clause-level cues (doubt, fear, whataboutism …) and partisan word choices. Weak negative words
    the slant stage shows but does not score ("delay", "protest") are not loaded wording."""
    lex, none, parts = load_lexicon(), QuoteMap.build([]), _unquoted(text)
    scored = tuple(f for f in find_spans(text, "", none, lex) if f.weight > 0)
    spans = [(p.span.start, p.span.end) for p in phrase_spans(text, "", scored, none)]
    spans += [(a, b) for a, b, _i in lex.phrase_matcher.finditer(text)]
    if lex.partisan_matcher is not None:
        spans += [(a, b) for a, b, _i in lex.partisan_matcher.finditer(text)]
    mine = [(a, b) for a, b in spans if any(s <= a and b <= e for s, e in parts)]
    return [text[a:b] for a, b in sorted(set(mine))]


def _unquoted(text: str) -> list[tuple[int, int]]:
    """The parts of ``text`` outside quotation marks (the outlet's own words)."""
    parts, last = [], 0
    for m in _QUOTED.finditer(text):
        parts.append((last, m.start()))
        last = m.end()
    return [(s, e) for s, e in [*parts, (last, len(text))] if e > s]


def view_words(text: str) -> list[str]:
    """The wordings outside quotes that make ``text`` its writer's view (``view_markers``: hedges such
    as "appears" or "is likely", speculative or prescriptive modals, an interpretation such as
    ", signaling a shift", evaluative words such as "purely"); empty for a plain report."""
    return [text[s:e] for s, e, _why in view_markers(text, _unquoted(text))]


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _names(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def attribute(
    text: str,
    outlets: Sequence[str | None],
    *,
    view: bool = True,
    common: Collection[str] = (),
    name: bool | None = None,
) -> str:
    """``text`` in the words of its outlets: "According to X, …".

    With no outlet known, a plain single-source fact (``view`` false) is "Reportedly, …": the word
    news uses for one source's account, and the citation says which ("According to one report"
    cost the brief four words a summary never has, about 0.01 ROUGE-1 on NeuS). A view — loaded
    wording, a quote — stays "According to one report, …", so it reads as that report's.
    """
    if _ATTRIBUTED.match(text):
        return text
    known = [o for o in outlets if o]
    # the first word loses its capital unless it is a name: ``name`` when known (from the article's
    # named-entity mentions), else unless it is a stop word or a word the story writes in lower case
    # elsewhere (``common``: "Cave divers" -> "cave divers", "Canada" stays)
    first = text.split(" ", 1)[0]
    lead = _WORD.match(first)
    if lead is not None and lead.group() in _CALENDAR:
        name = True  # "May 1 is …", "Monday's vote …"
    elif first.casefold() in _STOPWORDS:
        name = False
    elif name is None:
        name = first.casefold() not in common
    if not name and not (first.isupper() and len(first) > 1):
        text = text[0].lower() + text[1:]
    if known:
        return f"According to {_names(known)}, {text}"
    return f"According to one report, {text}" if view else f"Reportedly, {text}"


def told_as_view(sentence: str) -> bool:
    """Whether a brief sentence is told in its source's name ("According to …", or a conflict stated
    both ways): the form a view must take. "Reportedly, …" states a plain fact of one report."""
    return sentence.startswith("According to ") or _CONFLICT.search(sentence) is not None


def attributed(sentence: str) -> bool:
    """Whether a brief sentence is told in its sources' words rather than stated as fact."""
    return _ATTRIBUTED.match(sentence) is not None or _CONFLICT.search(sentence) is not None


def story_brief(
    story_id: str,
    members: Sequence[int],
    cands: Sequence[ClaimCandidate],
    owner: Sequence[ArticleFacts],
    claim_of: Mapping[int, Claim],
    conflicts: Sequence[tuple[int, int, ConflictLink]] = (),
    *,
    words: int | None = None,
) -> list[BriefSentence]:
    """The brief of one story from the candidates ``members`` (indexes of its own articles' candidates).

    ``claim_of`` maps candidate indexes to their claims; ``conflicts`` are candidate index pairs a
    judge found disagreeing, both in this story.
    """
    words = BRIEF_WORDS if words is None else words
    in_story = {owner[i].article_id: owner[i] for i in members}
    pool = _pool(members, cands)
    scores = _scores(pool, cands, owner, claim_of)
    chosen: list[_Sentence] = []
    told: set[str] = set()
    total = 0
    for s in sorted(pool, key=lambda s: (-scores[s.index], cands[s.index].span.article_id, s.span.start)):
        if total >= words or len(chosen) >= MAX_SENTENCES:
            break
        claim = claim_of.get(s.index)
        if claim is not None and claim.id in told:
            continue
        if any(_overlap(s.terms, o.terms) >= REDUNDANT for o in chosen):
            continue
        chosen.append(s)
        total += s.words
        if claim is not None:
            told.add(claim.id)
    # the best sentence opens (what happened); the rest follow in the order their articles tell them
    rank = _ranks(pool, cands)
    chosen[1:] = sorted(chosen[1:], key=lambda s: (rank[s.index], -scores[s.index]))
    common = {w for s in pool for w in _LOWER_WORD.findall(s.text)}
    names = {w for s in pool for w in _NAME_WORD.findall(s.text)}
    out = [
        _stated(s, _echoes(s, pool, owner), cands, owner, claim_of, in_story, common, names) for s in chosen
    ]
    # a conflict replaces the sentence it disputes, or closes the brief, stated both ways (stating
    # only disputes over a chosen sentence scored a little higher on NeuS, but a brief would then
    # leave out the story's one firm disagreement, as on the seeds)
    at = {s.index: k for k, s in enumerate(chosen)}
    for i, j, link in conflicts:
        if not _statable(link, pool, cands[i].span.text, cands[j].span.text):
            continue
        both = _conflict(i, j, cands, owner, claim_of)
        if both is None:
            continue
        k = at.get(i, at.get(j))
        if k is not None:
            out[k] = both
        else:
            out = [*out[: MAX_SENTENCES - 1], both]
        break  # one conflict: the claims list has the rest
    return out


def _statable(link: ConflictLink, pool: Sequence[_Sentence], first: str = "", second: str = "") -> bool:
    """Whether a judge's conflict between sentences ``first`` and ``second`` is firm enough to state
    in the brief.

    Figures that differ for one claim (unless the sentences date them to different months or years:
    "212,000 in July" / "190,000 in June"), dates, and the optional LLM judge's verdicts, are. A
    negation found by the word-level polarity rule is only when one sentence negates and the other
    does not (both negating — "did not find that anyone …" / "found no evidence that anyone …" — is
    two wordings of one fact) and the negated word is rare in the story: on a word most of its
    sentences use ("coronavirus", "transgender") it is nearly always two wordings of one fact ("did
    not have protective gear" / "without protective gear").
    """
    if link.rule == "numbers":
        # figures of different months or years are of different periods, not a disagreement
        a, b = set(_PERIOD.findall(first)), set(_PERIOD.findall(second))
        return not (a and b and a != b)
    if link.rule != "polarity":
        return True
    if _negates(first) == _negates(second):
        return False
    m = _NEGATED_WORD.search(link.why or "")
    if m is None:
        return False
    stem = next(iter(_content_terms(m.group(1))), None)
    if stem is None:
        return False
    return sum(stem in s.terms for s in pool) <= max(2, RARE_SHARE * len(pool))


def _negates(text: str) -> bool:
    """Whether ``text`` holds a negation cue of the polarity rule ("not", "no", "never", "elusive" …)."""
    words = [t for t, _name in _tokens(text)]
    return any(
        w in _NEGATORS and not (w == "not" and words[k + 1 : k + 2] == ["only"]) for k, w in enumerate(words)
    )


def _conflict(
    i: int,
    j: int,
    cands: Sequence[ClaimCandidate],
    owner: Sequence[ArticleFacts],
    claim_of: Mapping[int, Claim],
) -> BriefSentence | None:
    """Candidates ``i`` and ``j`` stated as a disagreement, when both sides read as sentences."""
    a, b = clean_span(cands[i].span), clean_span(cands[j].span)
    if a is None or b is None or a.text == b.text:
        return None
    first, second = owner[i].outlet, owner[j].outlet
    # an unknown outlet is "one report" here (its file name is in the citation, not worth the words)
    said = f"{first} reports" if first else "One report says"
    other = f"{second} reports" if second else ("another says" if not first else "another report says")
    sentence = f"{said} “{a.text}”, while {other} “{b.text}”"
    ids = tuple(dict.fromkeys(c.id for c in (claim_of.get(i), claim_of.get(j)) if c is not None))
    return BriefSentence(sentence, (a, b), ids)


def _echoes(s: _Sentence, pool: Sequence[_Sentence], owner: Sequence[ArticleFacts]) -> list[Span]:
    """Sentences of other sources of the story that say most of what ``s`` says, best first."""
    if len(s.terms) < MIN_ECHO_TERMS:
        return []
    source = owner[s.index].source
    scored = [
        (_overlap(s.terms, o.terms), o.span)
        for o in pool
        if owner[o.index].source != source and len(o.terms) >= MIN_ECHO_TERMS
    ]
    return [span for score, span in sorted(scored, key=lambda x: -x[0]) if score >= ECHO][:2]


def _stated(
    s: _Sentence,
    echoes: Sequence[Span],
    cands: Sequence[ClaimCandidate],
    owner: Sequence[ArticleFacts],
    claim_of: Mapping[int, Claim],
    in_story: Mapping[str, ArticleFacts],
    common: Collection[str] = (),
    names: Collection[str] = (),
) -> BriefSentence:
    """One chosen sentence, stated as fact or attributed, citing itself and its story's other evidence.

    Its other evidence is its claim's evidence in the story plus ``echoes``, sentences of other
    sources sharing most of its content words (a claim needs closer wording to group).
    """
    claim = claim_of.get(s.index)
    others = [
        e
        for e in (claim.evidence if claim else [])
        if e.article_id in in_story and e.article_id != s.span.article_id
    ]
    seen = {(e.article_id, e.start) for e in others}
    others += [e for e in echoes if (e.article_id, e.start) not in seen]
    citations = (s.span, *others)
    own = owner[s.index]
    sources = {own.source} | {in_story[e.article_id].source for e in others}
    cand = cands[s.index]
    # plainly worded: no loaded wording in its own words as the brief shows them (compression may
    # have taken the evaluative words out), and no hedge, modal, interpretation or evaluative word
    # ("appears purely economic", ", signaling a shift"): a view is never stated as fact, nor
    # "reportedly" so
    plainly = cand.speaker is None and not loaded_words(s.text) and not view_words(s.text)
    # stated as fact only when corroborated and plainly worded; otherwise in its own outlet's name
    # (the words are that outlet's; the other sources are cited)
    # a view: loaded wording, a quote, or a claim that reports no event, figure, source or policy
    # (a bare statement: "the visit marks a shift")
    view = not plainly or cand.kind not in _FACT_KINDS
    if len(sources) >= 2 and plainly:
        text = s.text
    else:
        text = attribute(
            s.text, [own.outlet], view=view, common=common, name=_opens_with_name(s.span, own, names)
        )
    return BriefSentence(text, citations, (claim.id,) if claim else ())


def _opens_with_name(span: Span, article: ArticleFacts, names: Collection[str] = ()) -> bool | None:
    """Whether the sentence's first word is (or is a title right before) a named-entity mention of its
    article, or a word the story writes with a capital mid-sentence (``names``): "Canada …",
    "President Biden …" keep their capital, "Protesters …" does not. None when the article has no
    mentions to tell by."""
    if not article.mentions:
        return None
    starts = [(m.span.start, m.span.end) for m in article.mentions]
    words = list(_WORD.finditer(span.text))
    if not words:
        return None
    if words[0].group() in names:
        return True
    first = span.start + words[0].start()
    nxt = span.start + words[1].start() if len(words) > 1 else -1
    return any(a <= first < b or a == nxt for a, b in starts)


def story_members(
    cands: Sequence[ClaimCandidate], owner: Sequence[ArticleFacts], story_of: Mapping[str, str], scope_id: str
) -> dict[str, list[int]]:
    """Story id -> indexes of the candidates from its own articles."""
    out: dict[str, list[int]] = defaultdict(list)
    for i in range(len(cands)):
        out[story_of.get(owner[i].article_id, scope_id)].append(i)
    return out


def brief_counts(briefs: Mapping[str, Sequence[BriefSentence]]) -> Counter[str]:
    """Sentences, attributed sentences and conflict sentences over ``briefs`` (for summaries and tests)."""
    c: Counter[str] = Counter()
    for sentences in briefs.values():
        for b in sentences:
            c["sentences"] += 1
            c["attributed"] += _ATTRIBUTED.match(b.sentence) is not None
            c["conflicts"] += ", while " in b.sentence
    return c
