"""Reading and writing the claim tables (created by migration ``m005_claims``).

Claims are computed per *scope*: a storyline, or a story that is in none. Each scope is
written in one transaction together with its signature, so a killed run keeps every scope
it finished and the next run recomputes only scopes whose members changed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from counterpoint.model import NumberFact, Span, TimeExpr
from counterpoint.model.claim import (
    ArticleFacts,
    BriefSentence,
    ClaimCandidate,
    ClaimConflict,
    ClaimScope,
    ClaimText,
    ConflictLink,
    ScopeResult,
    ScopeState,
    TimelineEvent,
)
from counterpoint.store.dialect import Conn
from counterpoint.store.items import item_from_row
from counterpoint.store.stories import _chunks, _tx

_LAYERS = ("sentence", "mention", "quote", "number", "time", "loaded")


def source_label(source: str) -> str:
    """How to point at an article's input when its outlet is unknown: a URL's domain, else the file name."""
    if "://" in source:
        host = urlsplit(source).hostname
        if host:
            return host.removeprefix("www.")
    return source.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] or source


#: the name the rest of this module uses
Scope = ClaimScope


def scopes(db: Conn) -> list[Scope]:
    """Every scope of the current stories: one per storyline, one per story outside any."""
    members: dict[str, dict[str, str]] = defaultdict(dict)
    kinds: dict[str, str] = {}
    for aid, sid, line in db.execute(
        "SELECT sa.article_id, sa.story_id, s.storyline_id FROM story_articles sa"
        " JOIN stories s ON s.id = sa.story_id JOIN articles a ON a.id = sa.article_id ORDER BY sa.seq"
    ):
        scope = line or sid
        kinds[scope] = "storyline" if line else "story"
        members[scope][aid] = sid
    return [Scope(k, kinds[k], members[k]) for k in members]


def signatures(db: Conn) -> dict[str, str]:
    return dict(db.execute("SELECT id, signature FROM claim_scopes"))


def load_facts(db: Conn, article_ids: Sequence[str], only: Sequence[str] = _LAYERS) -> list[ArticleFacts]:
    """The comparison input of each article (in the given order), read from the store.

    ``only`` limits the language layers read (the timeline needs only times and loaded spans).
    """
    out: dict[str, ArticleFacts] = {}
    for chunk in _chunks(list(article_ids)):
        marks = ",".join("?" * len(chunk))
        arts = {
            r[0]: r
            for r in db.execute(
                "SELECT a.id, a.text, a.outlet, a.title, a.source,"
                " COALESCE(a.published, a.published_inferred), d.duplicate_of"
                f" FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id WHERE a.id IN ({marks})",
                list(chunk),
            )
        }
        layers: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for aid, layer, start, end, key, label, data in db.execute(
            'SELECT article_id, layer, start, "end", key, label, data FROM items'
            f" WHERE article_id IN ({marks}) AND layer IN ({','.join('?' * len(only))})"
            " ORDER BY article_id, layer, start",
            [*chunk, *only],
        ):
            text = arts[aid][1] if aid in arts else ""
            layers[aid][layer].append(item_from_row(text, aid, layer, start, end, key, label, data))
        for aid in chunk:
            if aid not in arts:
                continue
            _, text, outlet, _title, source, published, dup = arts[aid]
            lay = layers[aid]
            out[aid] = ArticleFacts(
                aid, text, outlet, source_label(source), published, dup,
                tuple((s.start, s.end) for s in lay["sentence"]), tuple(lay["mention"]), tuple(lay["quote"]),
                tuple(lay["number"]), tuple(lay["time"]), tuple(sp.span for sp in lay["loaded"]),
            )  # fmt: skip
    return [out[a] for a in article_ids if a in out]


def headers(db: Conn, article_ids: Sequence[str]) -> list[ArticleFacts]:
    """Each article's outlet, label, date and original (no text, no layers): what assembling claims needs."""
    out: dict[str, ArticleFacts] = {}
    for chunk in _chunks(list(article_ids)):
        for aid, outlet, _title, source, published, dup in db.execute(
            "SELECT a.id, a.outlet, a.title, a.source, COALESCE(a.published, a.published_inferred),"
            " d.duplicate_of FROM articles a"
            f" LEFT JOIN duplicates d ON d.article_id = a.id WHERE a.id IN ({','.join('?' * len(chunk))})",
            list(chunk),
        ):
            out[aid] = ArticleFacts(aid, "", outlet, source_label(source), published, dup)
    return [out[a] for a in article_ids if a in out]


def _facts_json(c: ClaimCandidate) -> str:
    claim = c.claim
    return json.dumps(
        {
            "entities": sorted(claim.entities),
            "numbers": [
                [n.span.start, n.span.end, n.value, n.unit, n.qualifier, n.kind] for n in claim.numbers
            ],
            "times": [
                [t.span.start, t.span.end, t.value, t.precision, t.sentence.start, t.sentence.end]
                for t in claim.times
            ],
        },
        ensure_ascii=False,
    )


def _candidate(
    aid: str, start: int, end: int, text: str, score: float, kind: str, loaded: float, speaker: str | None,
    facts: str,
) -> ClaimCandidate:  # fmt: skip
    d = json.loads(facts)
    numbers: tuple[NumberFact, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    if d["numbers"] or d["times"]:

        def span(s: int, e: int) -> Span:
            # every fact lies inside its sentence; slice the stored sentence instead of the article
            return Span(aid, s, e, text[s - start : e - start] if start <= s <= e <= end else "")

        numbers = tuple(NumberFact(span(s, e), v, u, q, k) for s, e, v, u, q, k in d["numbers"])
        times = tuple(TimeExpr(span(s, e), v, p, span(ss, se)) for s, e, v, p, ss, se in d["times"])
    claim = ClaimText(text, frozenset(d["entities"]), numbers, times)
    return ClaimCandidate(Span(aid, start, end, text), score, kind, loaded, speaker, claim)


def scope_state(db: Conn, scope_id: str) -> ScopeState | None:
    """What the last comparison of a scope left for an update (None: none stored, compare from scratch)."""
    row = db.execute("SELECT members FROM claim_scopes WHERE id = ?", (scope_id,)).fetchone()
    if row is None or row[0] is None:
        return None
    members = json.loads(row[0])
    state = ScopeState(dict(members["story_of"]), list(members["compared"]), [], [], [], [], [])
    state.brief_keys = dict(members.get("brief_keys", {}))  # absent in stores written before them
    for aid, s, e, text, score, kind, loaded, speaker, facts, root, top in db.execute(
        'SELECT article_id, start, "end", text, score, kind, loaded, speaker, facts, root, top'
        " FROM claim_candidates WHERE scope_id = ? ORDER BY position",
        (scope_id,),
    ):
        state.candidates.append(_candidate(aid, s, e, text, score, kind, loaded, speaker, facts))
        state.roots.append(int(root))
        state.top.append(tuple(np.frombuffer(top, dtype=np.float32).tolist()))
    for kind, first, second, why, rule in db.execute(
        "SELECT kind, first, second, why, rule FROM claim_links WHERE scope_id = ?"
        " ORDER BY kind, first, second",
        (scope_id,),
    ):
        if kind == "refused":
            state.refused.append((int(first), int(second)))
        else:
            state.conflicts.append(ConflictLink(int(first), int(second), why, rule))
    return state


def _save_state(db: Conn, scope_id: str, state: ScopeState) -> None:
    db.execute(
        "UPDATE claim_scopes SET members = ? WHERE id = ?",
        (
            json.dumps(
                {"story_of": state.members, "compared": state.compared, "brief_keys": state.brief_keys}
            ),
            scope_id,
        ),
    )
    db.executemany(
        'INSERT INTO claim_candidates (scope_id, position, article_id, start, "end", text, score, kind,'
        " loaded, speaker, facts, root, top) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(scope_id, i, c.span.article_id, c.span.start, c.span.end, c.span.text, c.score, c.kind, c.loaded,
          c.speaker, _facts_json(c), root, np.asarray(top, dtype=np.float32).tobytes())
         for i, (c, root, top) in enumerate(zip(state.candidates, state.roots, state.top, strict=True))],
    )  # fmt: skip
    db.executemany(
        "INSERT OR IGNORE INTO claim_links (scope_id, kind, first, second, why, rule)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(scope_id, "refused", i, j, None, None) for i, j in state.refused]
        + [(scope_id, "conflict", c.first, c.second, c.why, c.rule) for c in state.conflicts],
    )


def sentence_vectors(
    db: Conn, article_ids: Sequence[str], model: str
) -> dict[tuple[str, int, int], np.ndarray]:
    """Every stored claim-sentence vector of these articles made by the encoder ``model``."""
    out: dict[tuple[str, int, int], np.ndarray] = {}
    for chunk in _chunks(sorted(set(article_ids))):
        for aid, s, e, blob in db.execute(
            f'SELECT article_id, start, "end", vector FROM claim_vectors WHERE model = ?'
            f" AND article_id IN ({','.join('?' * len(chunk))})",
            [model, *chunk],
        ):
            out[(aid, s, e)] = np.frombuffer(blob, dtype=np.float32)
    return out


def totals(db: Conn) -> dict[str, int]:
    """How many claims (and conflicting ones) and timeline events the store holds."""
    row = db.execute(
        "SELECT (SELECT COUNT(*) FROM claims), (SELECT COUNT(*) FROM timeline_events),"
        " (SELECT COUNT(*) FROM claims WHERE status = 'conflicting')"
    ).fetchone()
    return {"claims_total": int(row[0]), "timeline_events": int(row[1]), "conflicting_total": int(row[2])}


def save_vectors(db: Conn, model: str, rows: Iterable[tuple[tuple[str, int, int], np.ndarray]]) -> None:
    with _tx(db):
        db.executemany(
            'INSERT OR REPLACE INTO claim_vectors (article_id, start, "end", model, vector)'
            " VALUES (?, ?, ?, ?, ?)",
            [(a, s, e, model, np.asarray(v, dtype=np.float32).tobytes()) for (a, s, e), v in rows],
        )


def _spans(spans: Iterable[Span]) -> str:
    return json.dumps([[s.article_id, s.start, s.end] for s in spans])


def _delete_scope(db: Conn, scope_id: str) -> None:
    db.execute(
        "DELETE FROM claim_evidence WHERE claim_id IN (SELECT id FROM claims WHERE scope_id = ?)", (scope_id,)
    )
    for table in (
        "claims", "omissions", "briefs", "timeline_events", "claim_candidates", "claim_links",
        "claim_conflicts",
    ):  # fmt: skip
        db.execute(f"DELETE FROM {table} WHERE scope_id = ?", (scope_id,))
    db.execute("DELETE FROM claim_scopes WHERE id = ?", (scope_id,))


def drop_scopes(db: Conn, scope_ids: Sequence[str]) -> None:
    """Forget scopes that no longer exist (their stories were regrouped)."""
    with _tx(db):
        for sid in scope_ids:
            _delete_scope(db, sid)


def save_scope(db: Conn, scope: Scope, result: ScopeResult, timeline: Sequence[TimelineEvent]) -> None:
    """Replace one scope's claims, omissions, briefs and timeline in one transaction."""
    with _tx(db):
        _delete_scope(db, scope.id)
        db.executemany(
            "INSERT INTO claims (id, scope_id, story_id, position, text, status, kind, speaker, score,"
            " sources, outlets, conflicts_with, why, why_count)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(c.id, scope.id, c.story_id, i, c.text, c.status, c.kind, c.speaker, c.score, c.sources,
              json.dumps(c.outlets, ensure_ascii=False), json.dumps(c.conflicts_with),
              "\n".join(c.why) if c.why else None, c.why_count)
             for i, c in enumerate(result.claims)],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO claim_conflicts (first_id, second_id, scope_id, why, pairs, first_sentences,"
            " second_sentences) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(c.first, c.second, scope.id, c.why, c.pairs, c.first_sentences, c.second_sentences)
             for c in result.conflicts],
        )  # fmt: skip
        db.executemany(
            'INSERT OR IGNORE INTO claim_evidence (claim_id, article_id, start, "end") VALUES (?, ?, ?, ?)',
            [(c.id, s.article_id, s.start, s.end) for c in result.claims for s in c.evidence],
        )
        db.executemany(
            "INSERT OR IGNORE INTO omissions (article_id, claim_id, story_id, scope_id) VALUES (?, ?, ?, ?)",
            [(aid, cid, scope.story_of.get(aid, scope.id), scope.id)
             for aid, ids in result.omissions.items() for cid in ids],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO briefs (story_id, position, scope_id, sentence, citations, claim_ids)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(story, i, scope.id, b.sentence, _spans(b.citations), json.dumps(list(b.claim_ids)))
             for story, sentences in result.briefs.items() for i, b in enumerate(sentences)],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO timeline_events (scope_id, position, date, precision, text, evidence, outlets, kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(scope.id, i, e.date, e.precision, e.text, _spans(e.evidence), json.dumps(list(e.outlets)),
              e.kind) for i, e in enumerate(timeline)],
        )  # fmt: skip
        db.execute(
            "INSERT INTO claim_scopes (id, kind, signature) VALUES (?, ?, ?)",
            (scope.id, scope.kind, scope.signature),
        )
        if result.state is not None:
            _save_state(db, scope.id, result.state)


def reset_claims(db: Conn) -> None:
    """Forget every claim result (vectors stay: they depend on the text only)."""
    with _tx(db):
        for table in (
            "claim_evidence", "claims", "omissions", "briefs", "timeline_events", "claim_scopes",
            "claim_candidates", "claim_links", "claim_conflicts",
        ):  # fmt: skip
            db.execute(f"DELETE FROM {table}")


# -- output ---------------------------------------------------------------------------------------------


class _Texts:
    """Article texts, loaded once each, to slice evidence from."""

    def __init__(self, db: Conn) -> None:
        self.db = db
        self.cache: dict[str, str | None] = {}

    def span(self, aid: str, start: int, end: int) -> dict[str, Any] | None:
        if aid not in self.cache:
            row = self.db.execute("SELECT text FROM articles WHERE id = ?", (aid,)).fetchone()
            self.cache[aid] = row[0] if row else None
        text = self.cache[aid]
        if text is None:
            return None  # the article left the store (e.g. --reprocess dropped it)
        return Span(aid, start, end, text[start:end]).to_dict()

    def spans(self, data: str) -> list[dict[str, Any]]:
        return [d for a, s, e in json.loads(data) if (d := self.span(a, s, e)) is not None]


def best_evidence(
    spans: Sequence[dict[str, Any]], text: str | None, limit: int | None
) -> list[dict[str, Any]]:
    """The first ``limit`` spans, best first: the sentence worded as ``text``, then one per article.

    A claim's text is the least loaded wording among its evidence, so the span that says exactly
    that is the best single citation; after it, spans of articles not cited yet come before a
    second span of the same article, so a capped list still shows as many sources as it can.
    """
    if limit is None:
        return list(spans)
    wanted = (text or "").strip()
    exact = next((i for i, s in enumerate(spans) if wanted and s["text"].strip() == wanted), None)
    return [spans[i] for i in _citation_order([s["article_id"] for s in spans], exact)[:limit]]


def _citation_order(article_ids: Sequence[str], exact: int | None) -> list[int]:
    """Indexes of spans (by their articles) in ``best_evidence``'s order: the exact wording first,
    then the first span of each article not cited yet, then the rest."""
    head = [] if exact is None else [exact]
    seen = {article_ids[i] for i in head}
    firsts: list[int] = []
    rest: list[int] = []
    for i, a in enumerate(article_ids):
        if i == exact:
            continue
        (rest if a in seen else firsts).append(i)
        seen.add(a)
    return [*head, *firsts, *rest]


def _evidence_of(db: Conn, texts: _Texts, claim_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(list(claim_ids)):
        for cid, aid, s, e in db.execute(
            'SELECT claim_id, article_id, start, "end" FROM claim_evidence'
            f" WHERE claim_id IN ({','.join('?' * len(chunk))}) ORDER BY claim_id, article_id, start",
            list(chunk),
        ):
            if (d := texts.span(aid, s, e)) is not None:
                evidence[cid].append(d)
    return evidence


def _why_lines(why: str | None) -> list[str]:
    return [w for w in (why or "").split("\n") if w]


#: claims whose evidence is sliced at a time: a claim of a big storyline has thousands of spans
_EVIDENCE_BLOCK = 500


def claims_for_output(
    db: Conn,
    story_id: str | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    max_evidence: int | None = None,
) -> list[dict[str, Any]]:
    """The ``claims`` list of analysis.json (every story, or one), in display order; a page of it if asked.

    ``evidence_count`` is the number of evidence spans; with ``max_evidence`` only that many are
    listed, best first (see ``best_evidence``). ``why`` holds the claim's first reasons (one per
    disagreeing sentence pair; the store keeps ``model.claim.WHY_KEPT``, ``max_evidence`` lists at
    most that many), ``why_count`` says how many there are.
    """
    where, args = ("WHERE story_id = ?", [story_id]) if story_id else ("", [])
    page = " LIMIT ? OFFSET ?" if limit is not None else ""
    rows = db.execute(
        "SELECT id, story_id, scope_id, text, status, kind, speaker, score, sources, outlets, conflicts_with,"
        " why, why_count"
        f" FROM claims {where} ORDER BY scope_id, position{page}",
        [*args, *([limit, offset] if limit is not None else [])],
    ).fetchall()
    texts = _Texts(db)
    out = []
    for k in range(0, len(rows), _EVIDENCE_BLOCK):
        block = rows[k : k + _EVIDENCE_BLOCK]
        evidence = _evidence_of(db, texts, [r[0] for r in block])
        for row in block:
            cid, story, scope, text, status, kind, speaker, score, sources, outlets, conflicts, why, n = row
            spans = evidence.pop(cid, [])
            lines = _why_lines(why)
            if max_evidence is not None and lines:
                why = "\n".join(lines[:max_evidence])
            out.append({
                "id": cid, "story_id": story, "scope_id": scope, "text": text, "status": status, "kind": kind,
                "speaker": speaker, "score": score, "sources": sources, "outlets": json.loads(outlets),
                "evidence": best_evidence(spans, text, max_evidence), "evidence_count": len(spans),
                "conflicts_with": json.loads(conflicts), "why": why, "why_count": int(n),
            })  # fmt: skip
    return out


def claim_counts_for_output(db: Conn) -> dict[str, dict[str, int]]:
    """Story id -> {"claims": n, and n per status}, counted in SQL."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for story, status, n in db.execute(
        "SELECT story_id, status, COUNT(*) FROM claims GROUP BY story_id, status"
    ):
        out[story][status] = int(n)
        out[story]["claims"] = out[story].get("claims", 0) + int(n)
    return dict(out)


def _by_text(spans: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for s in spans:
        out.setdefault(s["text"].strip(), s)
    return out


def quoted_texts(line: str) -> tuple[str, str]:
    """The two sentences a reason quotes.

    A reason reads ``A reports “first”; B reports “second” — what differs`` (claims/story.py).
    """
    _, _, rest = line.partition(" reports “")
    first, _, rest = rest.partition("”; ")
    _, _, rest = rest.partition(" reports “")
    second, _, _ = rest.partition("” — ")
    return first, second


def _quoted(by_text: dict[str, dict[str, Any]], line: str) -> list[dict[str, Any]]:
    """The spans (of ``_by_text``) a reason quotes, in its order."""
    return [by_text[t] for t in quoted_texts(line) if t in by_text]


def _side(
    row: Sequence[Any],
    spans: list[dict[str, Any]],
    best: dict[str, Any] | None,
    count: int,
    *,
    own: bool = False,
) -> dict[str, Any]:
    # ``own``: one of two disagreeing sentences of the same claim: the side is that sentence
    return {
        "claim_id": row[0], "story_id": row[1], "text": best["text"].strip() if own and best else row[3],
        "outlets": [] if own else json.loads(row[4]),
        "evidence": [best] if best else best_evidence(spans, row[3], 1), "evidence_count": count,
    }  # fmt: skip


def _conflict(
    row: Sequence[Any], ids: list[str], why: str | None, count: int, sides: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "story_id": row[1], "scope_id": row[2], "claim_ids": ids, "why": why or None, "why_count": count,
        "sides": sides,
    }  # fmt: skip


def _pairs(db: Conn, claim_ids: Sequence[str] | None) -> dict[tuple[str, str], ClaimConflict]:
    """The stored disagreeing pairs of claims (every one, or those of ``claim_ids``), keyed by
    their two ids in sorted order."""
    cols = "first_id, second_id, why, pairs, first_sentences, second_sentences FROM claim_conflicts"
    if claim_ids is None:
        rows = db.execute(f"SELECT {cols}").fetchall()
    else:
        rows = []
        for chunk in _chunks(list(claim_ids)):
            marks = ",".join("?" * len(chunk))
            rows += db.execute(
                f"SELECT {cols} WHERE first_id IN ({marks}) OR second_id IN ({marks})", [*chunk, *chunk]
            ).fetchall()
    out = {}
    for a, b, why, n, fs, ss in rows:
        out[(min(a, b), max(a, b))] = ClaimConflict(a, b, why, int(n), fs, ss)
    return out


def conflicts_for_output(db: Conn, story_id: str | None = None) -> list[dict[str, Any]]:
    """Each disagreement once, with one citation per side.

    Two claims that conflict are one entry, not one from each side; ``why`` is the first reason
    they share (one per disagreeing sentence pair; ``why_count`` counts them) and each side gives
    its claim, story, outlets, the sentence the reason quotes as its one evidence span, and
    ``evidence_count``, the number of sentences stating that side. Sentences that disagree but
    were aligned as one claim are an entry whose two sides are the same claim. With ``story_id``,
    only the conflicts of that story (either side in it), in claim order. The pairs are read from
    ``claim_conflicts`` (one row per pair of claims), not from each claim's reasons.
    """
    cols = "id, story_id, scope_id, text, outlets, conflicts_with"
    if story_id:
        rows = db.execute(
            f"SELECT {cols} FROM claims WHERE story_id = ? AND status = 'conflicting' ORDER BY position",
            (story_id,),
        ).fetchall()
        wanted = sorted({o for r in rows for o in json.loads(r[5])} - {r[0] for r in rows})
        for chunk in _chunks(wanted):
            rows += db.execute(
                f"SELECT {cols} FROM claims WHERE id IN ({','.join('?' * len(chunk))})", list(chunk)
            ).fetchall()
    else:
        rows = db.execute(
            f"SELECT {cols} FROM claims WHERE status = 'conflicting' ORDER BY scope_id, position"
        ).fetchall()
    claims = {r[0]: r for r in rows}
    pairs = _pairs(db, None if story_id is None else [r[0] for r in rows if r[1] == story_id])
    evidence = _evidence_of(db, _Texts(db), list(claims))
    out: list[dict[str, Any]] = []
    done: set[tuple[str, str]] = set()
    for row in rows:
        cid, story = row[0], row[1]
        if story_id and story != story_id:
            continue
        spans = evidence.get(cid, [])
        for other in json.loads(row[5]):
            pair = (min(cid, other), max(cid, other))
            if other not in claims or pair in done:
                continue
            done.add(pair)
            rec = pairs.get(pair)
            why, count = (rec.why, rec.pairs) if rec else (None, 0)
            o_spans = evidence.get(other, [])
            quoted = next(iter(_quoted(_by_text(spans), why)), None) if why else None
            o_quoted = next(iter(_quoted(_by_text(o_spans), why)), None) if why else None
            sides = [
                _side(row, spans, quoted, len(spans)),
                _side(claims[other], o_spans, o_quoted, len(o_spans)),
            ]
            out.append(_conflict(row, [cid, other], why, count, sides))
        own = pairs.get((cid, cid))
        both = _quoted(_by_text(spans), own.why) if own else []
        if own and len(both) >= 2:  # sentences of this one claim that disagree with each other
            sides = [
                _side(row, spans, both[0], own.first_sentences or 1, own=True),
                _side(row, spans, both[1], own.second_sentences or 1, own=True),
            ]
            out.append(_conflict(row, [cid, cid], own.why, own.pairs, sides))
    return out


def timeline_for_output(
    db: Conn,
    scope_id: str | None = None,
    *,
    max_evidence: int | None = None,
    citing: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """The ``timeline`` list of analysis.json: each scope's events in chronological order.

    ``evidence_count`` counts the merged sentences; ``max_evidence`` lists only that many of them;
    ``citing``: only the events with evidence in one of these articles (read before any evidence
    text is sliced: a story page of a 2,000-article storyline needs a few of its thousands of events).
    """
    texts = _Texts(db)
    where, args = ("WHERE t.scope_id = ?", (scope_id,)) if scope_id else ("", ())
    out = []
    for scope, kind, d, p, text, ev, outlets, event_kind in db.execute(
        "SELECT t.scope_id, s.kind, t.date, t.precision, t.text, t.evidence, t.outlets, t.kind"
        f" FROM timeline_events t JOIN claim_scopes s ON s.id = t.scope_id {where}"
        " ORDER BY t.scope_id, t.position",
        args,
    ):
        offsets = [(str(a), int(s), int(e)) for a, s, e in json.loads(ev)]
        if citing is not None and not any(a in citing for a, _s, _e in offsets):
            continue
        if max_evidence is None:
            spans = [sp for a, s, e in offsets if (sp := texts.span(a, s, e)) is not None]
            chosen, count = spans, len(spans)
        else:  # an event merges up to thousands of sentences: slice only the ones listed
            chosen, count = _best_offsets(texts, offsets, text, max_evidence), len(offsets)
        out.append({
            "scope_id": scope, "scope": kind, "date": d, "precision": p, "kind": event_kind, "text": text,
            "evidence": chosen, "evidence_count": count, "outlets": json.loads(outlets),
        })  # fmt: skip
    return out


def _best_offsets(
    texts: _Texts, offsets: Sequence[tuple[str, int, int]], text: str | None, limit: int
) -> list[dict[str, Any]]:
    """``best_evidence`` of the spans at ``offsets``, slicing only those it lists (and those long
    enough to be worded exactly as ``text``)."""
    wanted = (text or "").strip()

    def worded(a: str, s: int, e: int) -> bool:  # only a span this long can say ``wanted``
        return (
            bool(wanted)
            and e - s >= len(wanted)
            and (sp := texts.span(a, s, e)) is not None
            and (sp["text"].strip() == wanted)
        )

    exact = next((i for i, (a, s, e) in enumerate(offsets) if worded(a, s, e)), None)
    picked = _citation_order([a for a, _s, _e in offsets], exact)[:limit]
    return [sp for i in picked if (sp := texts.span(*offsets[i])) is not None]


def scope_briefs(db: Conn, scope_id: str) -> dict[str, list[BriefSentence]]:
    """Story id -> the brief stored for it by the scope's last comparison (citations with their text)."""
    texts = _Texts(db)
    out: dict[str, list[BriefSentence]] = defaultdict(list)
    for story, sentence, cites, ids in db.execute(
        "SELECT story_id, sentence, citations, claim_ids FROM briefs WHERE scope_id = ?"
        " ORDER BY story_id, position",
        (scope_id,),
    ):
        spans = tuple(Span(**d) for d in texts.spans(cites))
        out[story].append(BriefSentence(sentence, spans, tuple(json.loads(ids))))
    return dict(out)


def briefs_for_output(
    db: Conn, story_id: str | None = None, *, max_evidence: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Story id -> its brief: [{sentence, citations [span], claim_ids}] (every story, or one).

    ``citation_count`` counts the citations; ``max_evidence`` lists only that many of them.
    """
    texts = _Texts(db)
    where, args = ("WHERE story_id = ?", (story_id,)) if story_id else ("", ())
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for story, sentence, cites, ids in db.execute(
        f"SELECT story_id, sentence, citations, claim_ids FROM briefs {where} ORDER BY story_id, position",
        args,
    ):
        spans = texts.spans(cites)
        out[story].append({
            "sentence": sentence, "citations": best_evidence(spans, None, max_evidence),
            "citation_count": len(spans), "claim_ids": json.loads(ids),
        })  # fmt: skip
    return dict(out)


def omissions_for_output(db: Conn, story_id: str | None = None) -> dict[str, dict[str, list[str]]]:
    """Story id -> article id -> the corroborated claims of the story that article does not carry."""
    where, args = ("WHERE o.story_id = ?", (story_id,)) if story_id else ("", ())
    out: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for story, aid, cid in db.execute(
        "SELECT o.story_id, o.article_id, o.claim_id FROM omissions o JOIN claims c ON c.id = o.claim_id"
        f" {where} ORDER BY o.story_id, o.article_id, c.position",
        args,
    ):
        out[story].setdefault(aid, []).append(cid)
    return dict(out)


def _omission_records(by_article: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [{"article_id": aid, "claim_ids": ids} for aid, ids in by_article.items()]


def attach_sides(db: Conn, stories: list[dict[str, Any]], *, max_evidence: int | None = None) -> None:
    """Give each story record of ``stories_for_output`` its ``brief`` and ``omissions``."""
    briefs, omissions = briefs_for_output(db, max_evidence=max_evidence), omissions_for_output(db)
    for story in stories:
        story["brief"] = briefs.get(story["id"], [])
        story["omissions"] = _omission_records(omissions.get(story["id"], {}))


def story_sides(
    db: Conn, story_id: str, *, max_evidence: int | None = None, own_timeline: bool = False
) -> dict[str, Any]:
    """One story's claims, conflicts, brief, omissions and timeline, and a short name per cited article.

    ``max_evidence`` caps every evidence list (counts stay complete); the web app asks for all.
    The timeline is its scope's (its storyline's); with ``own_timeline`` only the events its own
    articles report, as its report page shows them.
    """
    row = db.execute("SELECT storyline_id FROM stories WHERE id = ?", (story_id,)).fetchone()
    scope = (row[0] if row and row[0] else story_id) if row else story_id
    claims = claims_for_output(db, story_id, max_evidence=max_evidence)
    conflicts = conflicts_for_output(db, story_id)
    brief = briefs_for_output(db, story_id, max_evidence=max_evidence).get(story_id, [])
    omitted = omissions_for_output(db, story_id).get(story_id, {})
    citing = None
    if own_timeline:
        rows = db.execute("SELECT article_id FROM story_articles WHERE story_id = ?", (story_id,))
        citing = {r[0] for r in rows}
    timeline = timeline_for_output(db, scope, max_evidence=max_evidence, citing=citing)
    cited = {ev["article_id"] for c in claims for ev in c["evidence"]} | set(omitted)
    cited |= {ev["article_id"] for c in conflicts for side in c["sides"] for ev in side["evidence"]}
    cited |= {ev["article_id"] for e in timeline for ev in e["evidence"]}
    cited |= {ev["article_id"] for b in brief for ev in b["citations"]}
    names: dict[str, str] = {}
    for chunk in _chunks(sorted(cited)):
        for aid, outlet, _title, source in db.execute(
            f"SELECT id, outlet, title, source FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
            list(chunk),
        ):
            names[aid] = ArticleFacts(aid, "", outlet, source_label(source)).name
    return {
        "claims": claims,
        "conflicts": conflicts,
        "brief": brief,
        "omissions": _omission_records(omitted),
        "timeline": timeline,
        "names": names,
    }
