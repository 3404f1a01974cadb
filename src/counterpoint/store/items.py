"""How the per-article language layers map to rows of the ``items`` table and back.

Only offsets are stored for evidence; the evidence text is sliced from the
article's clean text on the way out, so it can never disagree with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from counterpoint.model import Doc, Mention, NumberFact, Quote, Span, TimeExpr
from counterpoint.model.event import EventReport
from counterpoint.slant.model import ArticleSlant, SlantSpan

Row = tuple[str, str, int, int, str | None, str | None, str | None]
LAYERS = ("sentence", "mention", "quote", "number", "time", "loaded", "slant_scores", "event")


def _offsets(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in {"article_id", "start", "end", "text"}}


def rows_for(doc: Doc) -> Iterator[Row]:
    """Rows of ``items`` for every layer item of a processed Doc."""
    aid = doc.article.id
    for s, e in doc.sentences:
        yield (aid, "sentence", s, e, None, None, None)
    for m in doc.mentions:
        yield (aid, "mention", m.span.start, m.span.end, m.canonical, m.label, None)
    for q in doc.quotes:
        data = _offsets(q.to_dict())
        if q.speaker_span:
            data["speaker_span"] = [q.speaker_span.start, q.speaker_span.end]
        yield (aid, "quote", q.span.start, q.span.end, q.speaker, q.cue, json.dumps(data, ensure_ascii=False))
    for n in doc.numbers:
        yield (aid, "number", n.span.start, n.span.end, n.kind, n.unit, json.dumps(_offsets(n.to_dict())))
    for t in doc.times:
        data = {"sentence": [t.sentence.start, t.sentence.end]}
        yield (aid, "time", t.span.start, t.span.end, t.value, t.precision, json.dumps(data))
    for ev in doc.events:
        # the sentence is the row's span; everything else but the evidence text goes in data
        data = {k: v for k, v in ev.to_dict().items() if k != "evidence"}
        data["trigger"] = [ev.trigger.start, ev.trigger.end]
        yield (
            aid,
            "event",
            ev.evidence.start,
            ev.evidence.end,
            ev.type,
            ev.cameo,
            json.dumps(data, ensure_ascii=False),
        )
    if doc.slant is not None:
        # spans as their own rows (views highlight them), the article's scores as one row
        for sp in doc.slant.spans:
            why = json.dumps({"why": sp.why}, ensure_ascii=False)
            yield (aid, "loaded", sp.span.start, sp.span.end, sp.speaker, sp.technique, why)
        scores = doc.slant.to_dict()
        scores.pop("spans")
        yield (aid, "slant_scores", 0, 0, None, None, json.dumps(scores, ensure_ascii=False))


def item_from_row(
    text: str,
    article_id: str,
    layer: str,
    start: int,
    end: int,
    key: str | None,
    label: str | None,
    data: str | None,
) -> Any:
    """Rebuild a layer item from its row and its article's text."""
    span = Span(article_id, start, end, text[start:end])
    extra: dict[str, Any] = json.loads(data) if data else {}
    if layer == "sentence":
        return span
    if layer == "mention":
        return Mention(span, label or "", key or "")
    if layer == "quote":
        sp = extra.get("speaker_span")
        speaker_span = Span(article_id, sp[0], sp[1], text[sp[0] : sp[1]]) if sp else None
        return Quote(span, key, speaker_span, label, extra.get("speaker_entity_id"))
    if layer == "number":
        return NumberFact(span, extra.get("value"), label, extra.get("qualifier"), key or "other")
    if layer == "time":
        ss, se = extra["sentence"]
        return TimeExpr(span, key, label or "unknown", Span(article_id, ss, se, text[ss:se]))
    if layer == "loaded":
        return SlantSpan(span, label or "", extra.get("why", ""), key)
    if layer == "slant_scores":
        return extra
    if layer == "event":
        ts, te = extra["trigger"]
        extra["trigger"] = {"article_id": article_id, "start": ts, "end": te, "text": text[ts:te]}
        extra["evidence"] = span.to_dict()
        return EventReport.from_dict(extra)
    raise ValueError(f"unknown layer {layer!r}")


def slant_from_layers(article_id: str, layers: dict[str, list[Any]]) -> ArticleSlant | None:
    """Rebuild an article's ArticleSlant from its stored scores row and loaded spans."""
    scores = layers.get("slant_scores")
    if not scores:
        return None
    d = {**scores[0], "article_id": article_id, "spans": [s.to_dict() for s in layers.get("loaded", ())]}
    return ArticleSlant.from_dict(d)
