"""One article's event reports: which sentences to parse, and each event's date and evidence.

Only a sentence that names two different actors and contains an event word is parsed: the
dependency parse is the costly part, and a sentence with one actor can hold no who-to-whom event.
A report's date is the normalised date (from the dates stage) nearest its event word in the
sentence, if near enough to be that event's ("met on Friday", not "the 2018 arrest" later in the
sentence); else the article's publication date with precision ``published`` (it happened by then).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from counterpoint.events import lexicon as lx
from counterpoint.events.actors import ACTOR_LABELS, resolve
from counterpoint.events.coder import Coded, code_sentence
from counterpoint.model import Article, Mention, Span, TimeExpr
from counterpoint.model.event import Actor, EventReport

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc

_WORDS = re.compile(r"[a-z]+")
Coder = Callable[["SpacyDoc", Sequence[tuple[int, int, Actor]]], list[Coded]]


@cache
def _forms() -> frozenset[str]:
    return lx.surface_forms()


def candidates(
    text: str, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention], actors: dict[str, Actor]
) -> list[tuple[int, int, list[tuple[int, int, Actor]]]]:
    """Sentences worth parsing, with their actor spans relative to the sentence start."""
    by_sentence: list[tuple[int, int, list[tuple[int, int, Actor]]]] = []
    ms = sorted((m for m in mentions if m.label in ACTOR_LABELS), key=lambda m: m.span.start)
    i = 0
    forms = _forms()
    for s, e in sentences:
        while i < len(ms) and ms[i].span.start < s:
            i += 1
        spans = []
        j = i
        while j < len(ms) and ms[j].span.end <= e:
            actor = actors.get(ms[j].canonical)
            if actor is not None:
                spans.append((ms[j].span.start - s, ms[j].span.end - s, actor))
            j += 1
        if len({a.name for _s, _e, a in spans}) < 2:
            continue
        if not forms.intersection(_WORDS.findall(text[s:e].lower())):
            continue
        by_sentence.append((s, e, spans))
    return by_sentence


#: a date further than this from the event word (in characters) dates something else in the sentence
DATE_REACH = 80


def _date(
    times: Sequence[TimeExpr], start: int, trigger: int, published: str | None
) -> tuple[str | None, str]:
    """The normalised date nearest the event word in its sentence, else the publication date."""
    best: tuple[int, TimeExpr] | None = None
    for t in times:
        if t.sentence.start != start or not t.value or t.precision in {"relative", "unknown"}:
            continue
        gap = max(t.span.start - trigger, trigger - t.span.end, 0)
        if gap <= DATE_REACH and (best is None or gap < best[0]):
            best = (gap, t)
    if best is not None:
        return best[1].value, best[1].precision
    return (published, "published") if published else (None, "unknown")


def code_article(
    article: Article,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    times: Sequence[TimeExpr],
    parser: Language,
    coder: Coder = code_sentence,
) -> tuple[EventReport, ...]:
    """Event reports of one article, in text order."""
    text = article.text
    actors = resolve(text, mentions)
    todo = candidates(text, sentences, mentions, actors)
    if not todo:
        return ()
    out: list[EventReport] = []
    docs = parser.pipe([text[s:e] for s, e, _sp in todo], batch_size=32)
    for (s, e, spans), sdoc in zip(todo, docs, strict=True):
        for c in coder(sdoc, spans):
            ts, te = s + c.trigger[0], s + c.trigger[1]
            date, precision = _date(times, s, ts, article.published)
            out.append(
                EventReport(
                    source=c.source,
                    target=c.target,
                    type=lx.plover(c.cameo),
                    cameo=c.cameo,
                    mode=c.mode,
                    negated=c.negated,
                    hypothetical=c.hypothetical,
                    date=date,
                    precision=precision,
                    score=lx.goldstein(c.cameo),
                    evidence=Span(article.id, s, e, text[s:e]),
                    trigger=Span(article.id, ts, te, text[ts:te]),
                    confidence=round(min(0.95, c.confidence), 2),
                )
            )
    return tuple(out)
