"""Direct quotes and who said them, by lexical rules over the sentences and mentions layers.

No parse is run: a cue-verb lexicon, a small noun-phrase walker and the named-entity mentions
of the ``nlp`` stage are enough for news copy, and keep the stage linear in text length.

Finding quotes
    * Double quotes, curly (“…”) or straight ("…"), are paired within one line; a straight mark
      opens after a space or an opening bracket and closes before a space or punctuation.
    * Single quotes (‘…’ or '…') count only when clearly a quote: an opening mark after a space
      or bracket and before a letter, a closing mark not followed by a letter (so "Xi’s" and
      "don’t" never close), at most ``MAX_SINGLE`` characters, outside any double-quoted text.
    * A quote never crosses a line. An unclosed quote is dropped, except the news convention of a
      quote left open at the end of a paragraph and re-opened at the start of the next: the open
      part is kept and takes the speaker of the quote that continues it. Nothing is longer than
      ``MAX_QUOTE`` characters.

Finding the speaker, first rule that applies
    1. After the closing mark, when the quote ends with , ? ! . or a dash: ``“…,” X said``,
       ``“…,” said X``, ``“…,” according to X``, ``“…,” X, the minister, said``.
    2. A dash line: ``“…” – Office of Canadian Prime Minister Mark Carney``; the whole phrase is the
       speaker (cue "–"): an office's readout is the office's words, not the person's.
    3. A bare name closing the line: ``“…,” Li`` (cue None).
    4. Before the opening mark in the same sentence: the nearest cue verb with its subject
       (``X said: “…”``, ``X stated, “…``, ``Carney described the meeting as a “…”``,
       ``according to X, “…``). A participle or coordinated cue (``…, stating, “…``) takes the
       sentence's first named person, organisation or place, else its opening noun phrase. A passive
       cue (``was described as``) gives no speaker. Any verb right before a colon is a cue
       (``Limbaugh continued: “…”``); so is a clause that closes the sentence (``A cashier who
       “steals” is held to account, Warren said.``).
    5. Inheritance: a quote with none of the above takes the previous quote's speaker when both are
       in one sentence (``characterized them as “a” that caused “b”``), or when it opens its own
       sentence, has at least four words and follows an attributed quote in the same or the
       previous paragraph (``“A,” he said. “B.”``).
    Otherwise the quote is kept with speaker None: scare quotes ("strategic autonomy") are quotes.

Naming the speaker
    * A phrase ending in a named person or organisation is that mention's canonical name
      ("Canadian Prime Minister Mark Carney" -> "Mark Carney"); an organisation followed by a
      media word too ("the state-owned China Daily newspaper" -> "China Daily"). A name reached
      through "of", "for" or a possessive ("Carney's office") leaves the phrase as written.
    * "he"/"she" -> the last named person that was the subject of a clause (a person mention
      followed by a lower-case word and not after a preposition) or a previous quote's speaker,
      within ``PRONOUN_WINDOW`` characters. "it"/"they" -> the previous quote's organisation
      speaker in that window, else the sentence's opening noun phrase when it holds a name.
    * A media description ("the English-language paper") -> the last named speaker that was
      introduced with a media word; a title description ("the Chinese Premier") -> the person
      the article names with that title ("Premier Li Qiang"), nearest before the quote.
    * Any other phrase stays as written ("officials", "the paper"); an unresolved pronoun gives
      speaker None but keeps its span and cue as evidence.
    ``speaker_span`` is always the speaker words at the attribution site ("he", "the paper"),
    even when the speaker name was resolved elsewhere.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from counterpoint.config import Settings
from counterpoint.model import Article, Doc, Mention, Quote
from counterpoint.pipeline import stage
from counterpoint.stages.nlp import TITLES


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


MAX_QUOTE = 3000
MAX_SINGLE = 200
PRONOUN_WINDOW = 1500
#: How far an attribution may sit from the quote it belongs to, in characters.
AFTER_WINDOW = 250
MAX_NP = 9

CUES = _set(
    "said says saying told tells telling wrote writes writing warned warns warning stated stating "
    "remarked remarking added adds adding noted noting explained explains explaining declared "
    "declares declaring announced announces announcing insisted insists insisting argued argues "
    "arguing claimed claiming asked asks asking replied replies replying responded answered "
    "recalled recalls recalling tweeted described describes describing characterized "
    "characterised characterizes characterises characterizing characterising called calling urged "
    "urges urging suggested suggests acknowledged acknowledges admitted admits conceded concedes "
    "promised vowed vows pledged predicted predicts complained complains cautioned cautions quipped "
    "joked countered observed stressed stresses stressing dubbed labelled labeled branded termed "
    "hailed hails reported confirmed denied demanded demands accused accuses accusing likened condemned "
    "blasted slammed criticized criticised praised mocked asserted asserts contended boasted lamented "
    "testified wondered questioned echoed reiterated retorted shouted chanted"
)
#: Cues that are safe only right after a quote or before a colon ("continued persecution" is no cue).
LOOSE_CUES = _set("continued continues concluded concludes reads read wrote explained")
#: Cue forms whose subject is the clause's subject, not the words right before them.
PARTICIPLES = frozenset(w for w in CUES if w.endswith("ing"))
_AUX = _set(
    "has have had also later then previously explicitly openly once again further publicly simply "
    "flatly reportedly would will could did does do may might not never often first just only "
    "recently repeatedly"
)
_PASSIVE = _set("was were been being be is are")
_NOT_ADVERBS = _set("family daily ally rally assembly supply italy july monopoly anomaly")
_PRONOUNS = _set("he she it they")
_DETERMINERS = _set("the a an this these those its his her their our")
_STOP = (
    _set(
        "that which who whom whose as when while because if and but or so than then after before since "
        "although though where in on at to with by from into over under about against between during "
        "across through amid among without what how why there here is are was were has have had will "
        "would not"
    )
    | CUES
)
_LINKS = frozenset({"of", "for"})
_OBJECTS = _set("him her them us me reporters journalists it")
_ORG_HEADS = _set(
    "office ministry spokesperson spokesman spokeswoman government campaign embassy department "
    "administration team leader head chief director secretary minister president"
)
MEDIA_WORDS = _set(
    "paper newspaper daily tabloid outlet broadcaster network agency editorial magazine journal "
    "website site publication media"
)
_TITLE_WORDS = sorted(
    (t.lower() for t in TITLES if len(t) > 3 and not t.endswith(".")), key=len, reverse=True
)

_TOKEN = re.compile(r"[\w][\w’'.&-]*|[^\w\s]")
_BOUNDARY = re.compile(r"[.!?](?=[A-Z“\"‘])")
_DASH = re.compile(r"\s*(?:[–—―]|-{1,2}(?=\s))\s*")
_SENTENCE_END = re.compile(r"(?<![A-Z])[.!?](?=\s|$)")
#: Words before a full stop that does not end the sentence ("Mr. Podesta said").
ABBREVIATIONS = _set(
    "Mr Mrs Ms Dr Sen Rep Gov Gen Lt Col Sgt St Jr Sr Prof Rev Hon Mt No vs etc Inc Co Corp Ltd"
)
_LEAD = re.compile(r"\s*[,;:]?\s*")
_OPEN_OK = set(" \t([{—–-/\n")
_CLOSE_OK = set(" \t,.;:!?)]}—–-…\n")


@dataclass(frozen=True, slots=True)
class _Raw:
    """A quote found in the text before attribution: content offsets and mark offsets."""

    start: int
    end: int
    open_at: int
    close_at: int  # index just after the closing mark (== end for a quote left open)
    continued: bool = False  # left open at a paragraph end and re-opened in the next


@dataclass(slots=True)
class _Ctx:
    text: str
    masked: str
    sentences: Sequence[tuple[int, int]]
    sent_starts: list[int]
    mentions: list[Mention]
    mention_starts: list[int]
    found: list[tuple[_Raw, _Attribution | None]] = field(default_factory=list)
    persons: dict[str, set[str]] = field(default_factory=dict)  # any word of a name -> full names
    orgs: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for m in self.mentions:
            if m.label == "PERSON":
                for w in m.canonical.split():
                    self.persons.setdefault(w, set()).add(m.canonical)
            elif m.label == "ORG":
                self.orgs.add(m.canonical)


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: str | None
    start: int
    end: int
    cue: str | None
    media: bool = False  # the speaker phrase named a newspaper or agency
    inherited: bool = False


# ---------------------------------------------------------------- finding quotes


def find_raw_quotes(text: str) -> list[tuple[int, int, int, int, bool]]:
    """Quoted passages as (content start, content end, open mark, after close mark, continued)."""
    out: list[_Raw] = []
    pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        nxt = next((ln.lstrip() for ln in lines[i + 1 :] if ln.strip()), "")
        out.extend(_line_quotes(line, pos, nxt[:1]))
        pos += len(line) + 1
    return [(q.start, q.end, q.open_at, q.close_at, q.continued) for q in out]


def _line_quotes(line: str, base: int, next_opener: str) -> list[_Raw]:
    found = _double_quotes(line, base, next_opener)
    taken = [(q.open_at - base, q.close_at - base) for q in found]
    found += _single_quotes(line, base, taken)
    found.sort(key=lambda q: q.start)
    return found


def _prev(line: str, i: int) -> str:
    return line[i - 1] if i > 0 else " "


def _next(line: str, i: int) -> str:
    return line[i + 1] if i + 1 < len(line) else " "


def _double_quotes(line: str, base: int, next_opener: str) -> list[_Raw]:
    out: list[_Raw] = []
    open_at = -1
    for i, ch in enumerate(line):
        if ch not in '“”"':
            continue
        opens = _prev(line, i) in _OPEN_OK and not _next(line, i).isspace()
        closes = not _prev(line, i).isspace() and (_next(line, i) in _CLOSE_OK or _next(line, i) in "“\"’'")
        if open_at < 0:
            if ch == "“" or (ch in '"”' and opens):
                open_at = i
        elif ch == "“":
            open_at = i  # a second opener: the first one was stray
        elif closes or not opens:
            _add(out, line, base, open_at, i, i + 1)
            open_at = -1
    reopens = next_opener == "“" if line[open_at : open_at + 1] == "“" else next_opener == '"'
    if open_at >= 0 and reopens and len(line) - open_at > 1:
        _add(out, line, base, open_at, len(line), len(line), continued=True)
    return out


def _add(
    out: list[_Raw], line: str, base: int, open_at: int, end: int, close_at: int, continued: bool = False
) -> None:
    s, e = open_at + 1, end
    while s < e and line[s].isspace():
        s += 1
    while e > s and (line[e - 1].isspace() or line[e - 1] in ",;:"):
        e -= 1
    if e > s and e - s <= MAX_QUOTE and any(c.isalnum() for c in line[s:e]):
        out.append(_Raw(base + s, base + e, base + open_at, base + close_at, continued))


def _single_quotes(line: str, base: int, taken: list[tuple[int, int]]) -> list[_Raw]:
    out: list[_Raw] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch in "‘'" and _prev(line, i) in _OPEN_OK | {"“", '"'} and _next(line, i).isalpha():
            if any(a <= i < b for a, b in taken):
                i += 1
                continue
            j = _single_close(line, i)
            if j > 0:
                _add(out, line, base, i, j, j + 1)
                i = j + 1
                continue
        i += 1
    return out


def _single_close(line: str, i: int) -> int:
    limit = min(len(line), i + MAX_SINGLE)
    for j in range(i + 2, limit):
        if line[j] in "’'" and not _prev(line, j).isspace() and not _next(line, j).isalnum():
            return j if _next(line, j) in _CLOSE_OK | {"”", '"'} else -1
        if line[j] in '‘“"':
            return -1
    return -1


# ---------------------------------------------------------------- attribution


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]


def _word(tok: str) -> str:
    return tok.rstrip(".").lower()


def _is_cue(tok: str, loose: bool = False) -> bool:
    w = tok.rstrip(".")
    return w in CUES or (loose and w in LOOSE_CUES)


def _is_adverb(w: str) -> bool:
    return w in _AUX or (w.endswith("ly") and w.isalpha() and w.islower() and w not in _NOT_ADVERBS)


def _clause_start(ctx: _Ctx, pos: int) -> int:
    """Start of the sentence holding ``pos``, never before its line; also cut at a glued "end.Start"."""
    line_start = ctx.text.rfind("\n", 0, pos) + 1
    k = bisect.bisect_right(ctx.sent_starts, pos) - 1
    start = max(line_start, ctx.sentences[k][0] if k >= 0 else 0)
    for m in _BOUNDARY.finditer(ctx.masked, start, pos):
        start = m.end()
    return start


def _clause_end(ctx: _Ctx, pos: int) -> int:
    line_end = ctx.text.find("\n", pos)
    line_end = len(ctx.text) if line_end < 0 else line_end
    return min(line_end, pos + AFTER_WINDOW)


def _mentions_in(ctx: _Ctx, start: int, end: int) -> list[Mention]:
    i = bisect.bisect_left(ctx.mention_starts, start)
    out = []
    while i < len(ctx.mentions) and ctx.mentions[i].span.start < end:
        m = ctx.mentions[i]
        if m.span.end <= end and ctx.masked[m.span.start] != " ":
            out.append(m)
        i += 1
    return out


def _np_back(toks: list[tuple[int, int, str]], j: int) -> tuple[int, int, bool]:
    """Noun phrase ending at token ``j`` walking back: (first token, last token + 1, passive)."""
    passive = False
    while j >= 0 and (_is_adverb(_word(toks[j][2])) or _word(toks[j][2]) in _PASSIVE):
        passive = passive or _word(toks[j][2]) in _PASSIVE
        j -= 1
    if passive:
        return j + 1, j + 1, True
    if j >= 0 and toks[j][2] == ")":
        # "Rep. Jason Chaffetz (R-Utah) said": the name before a parenthesis.
        k = next((k for k in range(j - 1, max(-1, j - 8), -1) if toks[k][2] == "("), -1)
        j = k - 1 if k > 0 else j
    end = j + 1
    i = j
    while i >= 0 and end - i <= MAX_NP:
        tok = toks[i][2]
        w = _word(tok)
        if not tok[0].isalnum():
            break
        if w in _LINKS and i > 0 and (toks[i - 1][2][:1].isupper() or _word(toks[i - 1][2]) in _ORG_HEADS):
            i -= 1
            continue
        if w in _STOP or w in _LINKS:
            break
        i -= 1
        if w in _DETERMINERS:
            break
    if not any(c.isalpha() for _s, _e, t in toks[i + 1 : end] for c in t):
        return end, end, False  # "who in 2010 said": a date is no speaker
    return i + 1, end, False


def _np_forward(toks: list[tuple[int, int, str]], i: int) -> int:
    """Index just after a noun phrase starting at token ``i``."""
    j = i
    while j < len(toks) and j - i < MAX_NP:
        tok = toks[j][2]
        w = _word(tok)
        if (
            not tok[0].isalnum()
            or (w in _STOP and j > i)
            or (w in _LINKS and not toks[j - 1][2][:1].isupper())
        ):
            break
        j += 1
    return j


def _cue_text(ctx: _Ctx, toks: list[tuple[int, int, str]], k: int) -> str:
    w = toks[k][2].rstrip(".")
    if (
        w in {"told", "tells", "telling"}
        and k + 1 < len(toks)
        and _word(toks[k + 1][2]) in {"reporters", "journalists"}
    ):
        return f"{w} {_word(toks[k + 1][2])}"
    return w


def _after(ctx: _Ctx, q: _Raw) -> _Attribution | None:
    """Rules 1-3: attribution after the closing mark."""
    text = ctx.text
    end = _clause_end(ctx, q.close_at)
    lead = _LEAD.match(text, q.close_at, end)
    p = lead.end() if lead else q.close_at
    dash = _DASH.match(text, q.close_at, end)
    if dash and dash.end() < end and text[dash.end()].isalpha():
        s, e = dash.end(), end
        while e > s and not (text[e - 1].isalnum() or text[e - 1] in ".)"):
            e -= 1
        if e > s and text.count(" ", s, e) < 15:
            return _name(ctx, s, e, "–", dash_line=True)
    toks = _tokens(ctx.masked, p, _sentence_end(ctx, p, end))
    if not toks or q.continued or not _may_attribute_after(text, q, toks):
        return None
    first = _word(toks[0][2])
    if first == "according" and len(toks) > 2 and _word(toks[1][2]) == "to":
        stop = _np_forward(toks, 2)
        if stop > 2:
            return _name(ctx, toks[2][0], toks[stop - 1][1], "according to")
    if _is_cue(toks[0][2]):
        stop = _np_forward(toks, 1)
        if stop > 1:
            return _name(ctx, toks[1][0], toks[stop - 1][1], _cue_text(ctx, toks, 0))
    for k in range(1, min(len(toks), MAX_NP + 12)):
        if not _is_cue(toks[k][2], loose=True):
            continue
        if toks[k][2].rstrip(".") in PARTICIPLES:
            return None
        return _subject_before(ctx, toks, k, after_quote=True)
    if toks[0][2][:1].isupper() and len(toks) <= 6 and text[toks[-1][1] : end].strip() in {"", "."}:
        e = toks[-1][1] - (1 if toks[-1][2].endswith(".") and len(toks[-1][2]) > 1 else 0)
        return _name(ctx, toks[0][0], e, None)
    return None


def _may_attribute_after(text: str, q: _Raw, toks: list[tuple[int, int, str]]) -> bool:
    """Whether words after the closing mark can attribute the quote rather than start a new sentence.

    ``“…,” X said`` always can; after a quote ending in . ? or ! a capitalised word opens the next
    sentence ("“…in vain.” Canadian officials have said…") unless it is itself the cue, or after ? or
    ! a short cue closes the clause (``“Why?” Clinton asked.``).
    """
    i = q.close_at - 2
    while i > q.start and text[i] in "’'":
        i -= 1  # a nested quote closing with the outer one: “… ‘…,’”
    inner = text[i] if i >= 0 else ""
    after = text[q.close_at : q.close_at + 1]
    if after in {",", ";"} or inner in {",", "—", "–", "-", "…"}:
        return True
    if inner in {".", "?", "!"} or after in {".", "?", "!"}:
        first = toks[0][2]
        return first[:1].islower() or _is_cue(first) or (inner in {"?", "!"} and _short_cue(toks))
    return False


def _short_cue(toks: list[tuple[int, int, str]]) -> bool:
    """``“Why?” Clinton asked.``: a cue within four words that ends its clause."""
    for k, (_s, _e, w) in enumerate(toks[:4]):
        if _is_cue(w, loose=True):
            nxt = toks[k + 1][2] if k + 1 < len(toks) else "."
            return w.endswith(".") or nxt in {",", "."} or _word(nxt) in _STOP
    return False


def _sentence_end(ctx: _Ctx, p: int, limit: int) -> int:
    for m in _SENTENCE_END.finditer(ctx.masked, p, limit):
        word = ctx.masked[max(p, m.start() - 8) : m.start()].split()
        if not word or word[-1] not in ABBREVIATIONS:
            return m.end()
    return limit


def _subject_before(
    ctx: _Ctx, toks: list[tuple[int, int, str]], k: int, after_quote: bool = False
) -> _Attribution | None:
    """The speaker of the cue at token ``k``: the noun phrase right before it, else the clause subject."""
    cue = _cue_text(ctx, toks, k)
    s, e, passive = _np_back(toks, k - 1)
    if passive:
        return None
    if after_quote:
        # "“…,” Charlie Angus, leader of the tour, said": the name before the appositive.
        commas = [i for i in range(k) if toks[i][2] == ","]
        if commas and s > 0:
            cut = commas[0]
            if cut > 0:
                return _name(ctx, toks[0][0], toks[cut - 1][1], cue)
        if s != 0:
            return None
    if e > s and toks[k][2].rstrip(".") not in PARTICIPLES:
        return _name(ctx, toks[s][0], toks[e - 1][1], cue)
    start = _clause_start(ctx, toks[k][0])
    for m in _mentions_in(ctx, start, toks[k][0]):
        if m.label in {"PERSON", "ORG", "GPE"} and not _after_preposition(ctx.text, m.span.start):
            return _Attribution(m.canonical, m.span.start, m.span.end, cue)
    opening = _opening_np(ctx, start, toks[k][0])
    return _name(ctx, start, opening, cue) if opening > start else None


def _opening_np(ctx: _Ctx, start: int, limit: int) -> int:
    """End of the noun phrase that opens a sentence ("The Republican nominee also vowed"), or ``start``."""
    toks = _tokens(ctx.masked, start, limit)
    for k, (_s, _e, w) in enumerate(toks[: MAX_NP + 1]):
        if _word(w) in _STOP | _PASSIVE | _AUX or _is_cue(w) or not w[:1].isalnum():
            return toks[k - 1][1] if k else start
    return start


def _after_preposition(text: str, pos: int) -> bool:
    prev = text[max(0, pos - 12) : pos].split()
    return bool(prev) and prev[-1].lower() in _STOP - {"and"} | _LINKS


def _before(ctx: _Ctx, q: _Raw) -> _Attribution | None:
    """Rule 4: the nearest cue before the opening mark in the same sentence."""
    start = _clause_start(ctx, q.open_at)
    toks = _tokens(ctx.masked, start, q.open_at)
    for k in range(len(toks) - 1, -1, -1):
        w = toks[k][2]
        if w.lower() == "according" and k + 1 < len(toks) and toks[k + 1][2] == "to":
            stop = _np_forward(toks, k + 2)
            if stop > k + 2:
                return _name(ctx, toks[k + 2][0], toks[stop - 1][1], "according to")
        if _is_cue(w, loose=k == len(toks) - 2 and toks[-1][2] == ":"):
            inverted = k == 0 or not toks[k - 1][2][:1].isalnum()
            if inverted and k + 1 < len(toks) and toks[k + 1][2][:1].isupper():
                stop = _np_forward(toks, k + 1)  # 'said Xi: “…”'
                if all(not t[:1].isalnum() for _s, _e, t in toks[stop:]):
                    return _name(ctx, toks[k + 1][0], toks[stop - 1][1], w)
            return _subject_before(ctx, toks, k)
    if len(toks) >= 2 and toks[-1][2] == ":":
        # "Limbaugh continued: “…”", "McCaskill scolded him: “…”": the verb before a colon is the cue.
        k = len(toks) - 2
        while k > 0 and _word(toks[k][2]) in _OBJECTS:
            k -= 1
        if toks[k][2].isalpha() and toks[k][2].islower() and k > 0:
            return _subject_before(ctx, toks, k)
    return _tail(ctx, q)


def _tail(ctx: _Ctx, q: _Raw) -> _Attribution | None:
    """Rule 4b: an attribution closing the quote's sentence ("A cashier who “…” is held to account,
    Warren said." / "…, according to show insiders.")."""
    end = _sentence_end(ctx, q.close_at, _clause_end(ctx, q.close_at))
    seg = ctx.masked[q.close_at : end]
    comma = seg.rfind(",")
    if comma < 0 or any(c in seg[comma:] for c in '“”"'):
        return None
    toks = _tokens(ctx.masked, q.close_at + comma + 1, end)
    if not toks or len(toks) > MAX_NP + 3 or not toks[-1][2].endswith("."):
        return None
    if _word(toks[0][2]) == "according" and len(toks) > 2 and _word(toks[1][2]) == "to":
        return _name(ctx, toks[2][0], toks[-1][1] - 1, "according to")
    if _is_cue(toks[0][2]) and len(toks) > 1:
        return _name(ctx, toks[1][0], toks[-1][1] - 1, toks[0][2].rstrip("."))
    if _is_cue(toks[-1][2], loose=True) and len(toks) > 1:
        return _subject_before(ctx, toks, len(toks) - 1)
    return None


# ---------------------------------------------------------------- naming the speaker


def _name(ctx: _Ctx, s: int, e: int, cue: str | None, dash_line: bool = False) -> _Attribution | None:
    """Resolve the speaker words ``text[s:e]`` to a name (see the module docstring)."""
    text = ctx.text
    while e > s and text[e - 1] in ",;:’'.":
        if text[e - 1] == "." and text[max(s, e - 4) : e - 1].split()[-1:] in (
            [w] for w in ABBREVIATIONS | {"U.S", "Jr", "Inc"}
        ):
            break
        e -= 1
    if e <= s:
        return None
    phrase = re.sub(r"\s+", " ", text[s:e])
    words = [_word(w) for w in phrase.split()]
    media = any(w in MEDIA_WORDS for w in words)
    named = _mentions_in(ctx, s, e)
    if (named and not dash_line) or (named and named[-1].span.end == e and named[0].span.start == s):
        m = next((m for m in reversed(named) if m.label == "PERSON"), named[-1])
        rest = [_word(w) for w in text[m.span.end : e].split()]
        lead = text[s : m.span.start].lower().split()
        linked = any(w in _LINKS or w.endswith(("’s", "'s")) for w in lead) or text[
            m.span.end : m.span.end + 2
        ] in {
            "’s",
            "'s",
        }
        media_head = all(w in MEDIA_WORDS for w in rest)
        if not linked and media_head and (m.label in {"PERSON", "ORG"} or (m.label == "GPE" and not rest)):
            return _Attribution(m.canonical, s, e, cue, media)
    names = ctx.persons.get(phrase.split()[-1], set()) if phrase[:1].isupper() and len(words) <= 2 else set()
    if len(names) == 1:
        # A surname the model did not tag here ("Angus remarked"), naming one person of the article.
        return _Attribution(next(iter(names)), s, e, cue)
    if len(words) == 1 and words[0] in _PRONOUNS:
        return _Attribution(_pronoun(ctx, s, words[0]), s, e, cue)
    if words and words[0] in _DETERMINERS | {"this"}:
        resolved = _description(ctx, s, words)
        if resolved:
            return _Attribution(resolved, s, e, cue, media)
    if dash_line or words[0] not in {"i", "we", "you"}:
        return _Attribution(phrase, s, e, cue, media)
    return None


def _pronoun(ctx: _Ctx, pos: int, word: str) -> str | None:
    lo = pos - PRONOUN_WINDOW
    prev = [a for r, a in ctx.found if a and a.speaker and r.start >= lo and a.start < pos]
    if word in {"he", "she"}:
        best: tuple[int, str] | None = None
        for m in _mentions_in(ctx, max(0, lo), pos):
            if m.label == "PERSON" and _is_subject(ctx, m):
                best = (m.span.start, m.canonical)
        persons = set().union(*ctx.persons.values())
        for a in prev:
            if a.speaker in persons and (best is None or a.start > best[0]):
                best = (a.start, a.speaker)
        return best[1] if best else None
    for a in reversed(prev):
        if a.speaker in ctx.orgs:
            return a.speaker
    start = _clause_start(ctx, pos)
    toks = _tokens(ctx.masked, start, pos)
    for k, (_s, _e, w) in enumerate(toks[:MAX_NP]):
        if _word(w) in _STOP | _PASSIVE and k:
            if _mentions_in(ctx, start, toks[k - 1][1]):
                return re.sub(r"\s+", " ", ctx.text[start : toks[k - 1][1]])
            break
    return None


def _is_subject(ctx: _Ctx, m: Mention) -> bool:
    after = ctx.text[m.span.end : m.span.end + 20]
    return bool(re.match(r"\s+[a-z]", after)) and not _after_preposition(ctx.text, m.span.start)


def _description(ctx: _Ctx, pos: int, words: list[str]) -> str | None:
    """A definite description's referent: the newspaper or titled person named earlier."""
    if any(w in MEDIA_WORDS for w in words[1:]):
        for r, a in reversed(ctx.found):
            recent = r.start >= pos - PRONOUN_WINDOW * 2 and a is not None and a.start < pos
            if recent and a and a.media and a.speaker and a.speaker.lower() not in " ".join(words):
                return a.speaker
        return None
    phrase = " ".join(words)
    title = next((t for t in _TITLE_WORDS if phrase.endswith(" " + t)), None)
    if title is None:
        return None
    before: str | None = None
    after: set[str] = set()
    pat = re.compile(rf"\b{re.escape(title)}(?:\s+of\s+[A-Z][\w ]{{0,30}},)?\s+$", re.IGNORECASE)
    for m in ctx.mentions:
        if m.label != "PERSON" or not pat.search(ctx.text[max(0, m.span.start - 50) : m.span.start]):
            continue
        if m.span.start < pos:
            before = m.canonical
        else:
            after.add(m.canonical)
    return before or (next(iter(after)) if len(after) == 1 else None)


# ---------------------------------------------------------------- the stage


def _mask(text: str, raws: Sequence[_Raw]) -> str:
    parts = []
    last = 0
    for q in raws:
        parts.append(text[last : q.start])
        parts.append(" " * (q.end - q.start))
        last = q.end
    parts.append(text[last:])
    return "".join(parts)


def _inherit(ctx: _Ctx, q: _Raw) -> _Attribution | None:
    """Rule 5: share the previous quote's speaker (one sentence, or a continued speech)."""
    if not ctx.found:
        return None
    prev, att = ctx.found[-1]
    if att is None:
        return None
    same_sentence = _clause_start(ctx, q.open_at) <= prev.open_at
    opens_sentence = not ctx.masked[_clause_start(ctx, q.open_at) : q.open_at].strip(" \t-–—•")
    near = ctx.text.count("\n\n", prev.close_at, q.open_at) <= 1
    speech = opens_sentence and near and len(ctx.text[q.start : q.end].split()) >= 4
    if same_sentence or speech or prev.continued:
        return _Attribution(att.speaker, att.start, att.end, att.cue, att.media, inherited=True)
    return None


def find_quotes(
    article: Article, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention]
) -> list[Quote]:
    """Direct quotes of an article with their speakers, cues and evidence spans.

    ``sentences`` and ``mentions`` are the ``nlp`` stage's layers; with none, lines stand in for
    sentences and speakers stay as written.
    """
    text = article.text
    raws = [_Raw(*r) for r in find_raw_quotes(text)]
    sents = sorted(sentences) or [(0, len(text))]
    ments = sorted(mentions, key=lambda m: m.span.start)
    ctx = _Ctx(text, _mask(text, raws), sents, [s for s, _e in sents], ments, [m.span.start for m in ments])
    for q in raws:
        att = _after(ctx, q) or _before(ctx, q) or _inherit(ctx, q)
        ctx.found.append((q, att))
    # A quote left open at a paragraph end speaks with the voice of the quote that continues it.
    for i in range(len(ctx.found) - 2, -1, -1):
        q, att = ctx.found[i]
        if q.continued and (att is None or att.speaker is None) and ctx.found[i + 1][1] is not None:
            ctx.found[i] = (q, ctx.found[i + 1][1])
    out = []
    for q, att in ctx.found:
        if att is None:
            out.append(Quote(article.span(q.start, q.end)))
        else:
            out.append(
                Quote(article.span(q.start, q.end), att.speaker, article.span(att.start, att.end), att.cue)
            )
    return out


@stage(needs=("text", "sentences", "mentions"), provides=("quotes",), english_only=True)
def quotes(doc: Doc, settings: Settings) -> Doc:
    """Find direct quotes and attribute each to its speaker."""
    art = doc.article
    return doc.with_layers(quotes=tuple(find_quotes(art, doc.sentences, doc.mentions)))
