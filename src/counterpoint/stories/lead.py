"""The lead cross-check: do two reports' leads say the same thing happened?

Used only as a tie-breaker, for a candidate story whose score lies within ``band`` of the joining
threshold: MiniLM on a headline and a sentence or two reads two jobs reports, or two votes on one
bill, as alike, and what differs is the action, its arguments and the numbers. A lead's features
(``lead_features``, computed once per article from its headline and first sentence) are

* ``v:`` action words (the event lexicon's verbs and event nouns, plus common news actions),
* ``w:`` the other content words (crude stems), i.e. the subjects and objects around them,
* ``n:`` numbers with their scale ("943,000", "$1.9 trillion" -> ``n:1.9trillion``).

A story keeps the count of each feature over its members (``StoryState.lead``). ``agreement``
is the mean overlap of the article's words with a member's lead, minus ``pivot`` (so unrelated
leads of one topic score below zero), minus ``number_clash`` when both name numbers and share
none. Only a story and an article that both have an action word or a number are compared.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

_WORD = re.compile(
    r"\$?\d[\d,]*(?:\.\d+)?(?:%|[kKmMbBtT]\b|\s+(?:thousand|million|billion|trillion|percent)\b)?"
    r"|[A-Za-z][A-Za-z'’-]+"
)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12,
          "trillion": 1e12}  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")
_STOP = frozenset(
    str.split(
    """a about above after again against all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my new no nor not
    now of off on once only or other our out over own said says same she should so some such than that
    the their them then there these they this those through to too under until up us very was we were
    what when where which while who whom why will with would you your say after amid first last year
    years week day days today tuesday monday wednesday thursday friday saturday sunday news report reports
    according people one two three told"""
    )
)  # fmt: skip
#: news actions the event lexicon (diplomatic and conflict events) does not list
_ACTIONS = frozenset(
    str.split(
    """pass vote approve fire resign announce kill arrest sue rule launch lose win elect nominate confirm
    impeach acquit indict charge convict sentence release shoot crash die ban block sign veto unveil
    raise cut add hire rise fall drop jump surge plunge testify subpoena recall file strike
    shut open reopen close invade bomb attack raid seize"""
    )
)  # fmt: skip


@cache
def _actions() -> frozenset[str]:
    from counterpoint.events.lexicon import NOUNS, VERBS

    return frozenset(stem(w) for w in (*VERBS, *NOUNS, *_ACTIONS))


@cache
def stem(word: str) -> str:
    """A crude English stem: enough to make "passes", "passed" and "passing" one word."""
    w = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            w = w[: -len(suffix)] + keep
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # "planned" -> "plann" -> "plan"
    return w.removesuffix("e") if len(w) > 4 else w


def _number(token: str) -> str:
    """A number as one feature whatever its spelling: "943,000", "943K" and "943 thousand" agree."""
    t = token.lower().replace("$", "").replace(",", "").strip()
    if t.endswith("%") or t.endswith("percent"):
        return "n:" + t.removesuffix("%").removesuffix("percent").strip() + "%"
    m = re.match(r"(\d+(?:\.\d+)?)\s*([a-z]*)", t)
    if m is None:
        return "n:" + t
    value = float(m.group(1)) * _SCALE.get(m.group(2), 1.0)
    return f"n:{value:.3g}"


def lead_features(title: str | None, text: str) -> tuple[str, ...]:
    """Features of a report's lead: its headline and the first sentence of its text (sorted, unique)."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0][:400] if text else ""
    actions = _actions()
    out: set[str] = set()
    for tok in _WORD.findall(f"{title or ''} . {first}"):
        if tok[0].isdigit() or tok[0] == "$":
            if len(tok.strip("$%")) > 1 or not tok[-1].isdigit():  # a lone digit is rarely the news
                out.add(_number(tok))
            continue
        low = tok.lower()
        if low in _STOP or len(low) < 3:
            continue
        s = stem(low)
        out.add(("v:" if s in actions else "w:") + s)
    return tuple(sorted(out))


def comparable(features: Mapping[str, int] | tuple[str, ...]) -> bool:
    """Whether a lead (an article's features or a story's counts) has an action word or a number."""
    return any(f.startswith(("v:", "n:")) for f in features)


def agreement(
    lead: tuple[str, ...],
    story: Mapping[str, int],
    members: int,
    *,
    pivot: float = 0.15,
    number_clash: float = 1.0,
) -> float:
    """How far an article's lead agrees with a story's members' leads (about -1..1; 0: no evidence).

    Overlap: the share of the article's words (actions, content words) found in the story's
    members' leads, each weighed by the fraction of members that have it, over the smaller of the
    article's word count and the story's mean lead length.
    """
    if members <= 0 or not lead or not story:
        return 0.0
    words = [f for f in lead if not f.startswith("n:")]
    nums = [f for f in lead if f.startswith("n:")]
    mean_len = sum(c for f, c in story.items() if not f.startswith("n:")) / members
    hit = sum(story.get(f, 0) for f in words) / members
    overlap = hit / max(1.0, min(len(words), mean_len)) if words else 0.0
    out = min(1.0, overlap) - pivot
    if nums and any(f.startswith("n:") for f in story) and not any(story.get(f, 0) for f in nums):
        out -= number_clash
    return out
