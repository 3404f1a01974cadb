"""Sentence compression for the brief: deletions only, so every content word stays the cited span's.

A brief sentence is an extracted sentence with some of its words taken out (never added, never
moved), in the outlet's own voice only — nothing inside quotation marks is touched:

* **asides**: a short parenthetical ("(R-Ky.)", "(DOJ)") and an aside between a pair of dashes
  ("CNN – an American left-wing news network … – published");
* **evaluative modifiers**: intensifiers and evaluative adjectives in front of the word they
  colour ("a *stunning* defeat", "*sharply* criticised"), from a closed list of words that grade
  or judge rather than classify, so "illegal immigration", "free speech" or "former governor"
  keep their meaning. A modifier goes only where dropping it leaves a grammatical sentence: inside
  a phrase (a word on each side), not after a linking verb ("was huge") nor in a coordination
  ("bold and risky").

"a"/"an" before a removed modifier is re-agreed with the next word; that is the one function word
that may change. The citation stays the whole sentence: ``text[start:end]`` of its article is
still the evidence, and every remaining word is in it.
"""

from __future__ import annotations

import re

#: intensifying adverbs and evaluative adjectives a neutral summary leaves out
_EVALUATIVE = """
    very extremely incredibly deeply highly wildly utterly totally absolutely completely truly really
    remarkably shockingly staggeringly hugely massively fiercely bitterly dramatically stunningly
    blatantly brazenly egregiously vehemently furiously desperately brutally viciously savagely
    outrageously ridiculously absurdly wholly strikingly alarmingly disturbingly
    huge massive enormous tremendous stunning shocking striking surprising extraordinary unprecedented
    dramatic devastating disastrous crushing brutal blistering scathing stinging fierce furious
    bitter harsh grim dire desperate shameful outrageous ridiculous absurd bizarre notorious infamous
    resounding sweeping full-blown wonderful terrible horrible awful incredible amazing remarkable
    staggering alarming troubling disturbing worrying embattled beleaguered disgraced so-called
    vicious savage heinous despicable disgusting deplorable egregious blatant brazen explosive
    bombshell dramatic chaotic stark startling jaw-dropping breathtaking sweeping whopping
"""
EVALUATIVE = frozenset(_EVALUATIVE.split())

#: a modifier after these is a predicate ("was huge") or coordinated ("and bitter"): kept
_AFTER_WORDS = """
    is are was were be been being am isn't wasn't aren't weren't seem seems seemed appear appears
    appeared become becomes became remain remains remained look looks looked sound sounds sounded
    feel feels felt get gets got and or but nor than as so too
"""
_KEEP_AFTER = frozenset(_AFTER_WORDS.split())
#: a modifier before these is not in front of the word it colours: kept
_BEFORE_WORDS = "and or but nor to than as that of for with enough"
_KEEP_BEFORE = frozenset(_BEFORE_WORDS.split())

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_PAREN = re.compile(r"\s*\(([^()]{1,60})\)")
_DASH_ASIDE = re.compile(r"\s+(?:[—–]|--)\s+([^—–]{3,200}?)\s+(?:[—–]|--)\s+")
#: parenthetical and dash asides up to this many words are dropped
PAREN_WORDS, ASIDE_WORDS = 8, 20
_VOWEL_SOUND = re.compile(r"[aeiouAEIOU]")


def _quoted(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def _outside(start: int, end: int, quotes: list[tuple[int, int]]) -> bool:
    return all(end <= s or start >= e for s, e in quotes)


def _drop_asides(text: str) -> str:
    for rx, limit, repl in ((_PAREN, PAREN_WORDS, ""), (_DASH_ASIDE, ASIDE_WORDS, " ")):
        quotes = _quoted(text)
        out, last = [], 0
        for m in rx.finditer(text):
            if len(m.group(1).split()) <= limit and _outside(m.start(), m.end(), quotes):
                out.append(text[last : m.start()] + repl)
                last = m.end()
        text = "".join(out) + text[last:]
    return text


def _droppable(words: list[re.Match[str]], k: int, text: str) -> bool:
    w = words[k].group()
    if w not in EVALUATIVE or k == 0 or k + 1 >= len(words):
        return False
    prev, nxt = words[k - 1], words[k + 1]
    # a word on each side, joined by plain spaces: "a stunning defeat", not "stunning, defeat"
    if text[prev.end() : words[k].start()] != " " or text[words[k].end() : nxt.start()] != " ":
        return False
    return prev.group().casefold() not in _KEEP_AFTER and nxt.group().casefold() not in _KEEP_BEFORE


def _drop_modifiers(text: str) -> str:
    quotes = _quoted(text)
    words = list(_WORD.finditer(text))
    drop = [
        k
        for k in range(len(words))
        if _droppable(words, k, text) and _outside(words[k].start(), words[k].end(), quotes)
    ]
    if not drop:
        return text
    out, last = [], 0
    gone = set(drop)
    for k in drop:
        out.append(text[last : words[k].start()])
        last = words[k + 1].start()  # the space after the modifier goes with it
        prev = words[k - 1].group()
        if prev.casefold() in ("a", "an"):  # re-agree the article with the word that now follows it
            after = next(words[j].group() for j in range(k + 1, len(words)) if j not in gone)
            article = "an" if _VOWEL_SOUND.match(after) else "a"
            article = article.capitalize() if prev[0].isupper() else article
            head = out[-1]
            out[-1] = head[: len(head) - len(prev) - 1] + article + " "
    return "".join(out) + text[last:]


def compress(text: str) -> str:
    """``text`` without short asides and evaluative modifiers outside quotes (see the module docstring)."""
    shorter = _drop_modifiers(_drop_asides(text))
    shorter = re.sub(r"\s+([,.;:!?])", r"\1", shorter)
    return re.sub(r"\s{2,}", " ", shorter).strip()
