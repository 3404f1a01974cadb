"""Target-dependent stance: what each sentence says about each actor it names, and whose words they are.

For every sentence and every central actor it mentions, the stance head scores the sentence's words
toward the mention (``features.stance_row``). The outlet's own words and the words it quotes are
scored apart: a mention inside a direct quote is the quote's speaker's stance (``quoted``), the
outlet's is read from the words outside quotes only. Per article, an actor's stance is the mean of
its sentences' ``p(positive) - p(negative)`` with one neutral pseudo-sentence, so thin evidence
stays near neutral; its confidence grows with the sentences behind it and how decided they are.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from counterpoint.model import Mention
from counterpoint.slant.features import (
    BIAS_CONTEXT_FEATURES,
    BIAS_FEATURES,
    STANCE_DENSE,
    STANCE_FEATURES,
    Tokens,
    stance_row,
    stance_view_vectors,
)
from counterpoint.slant.head import Batch, LinearHead, ModelFileError, Row, load_head
from counterpoint.slant.lexicon import QuoteMap
from counterpoint.slant.model import EntityStance
from counterpoint.slant.stance import actor_names, central_actors

PRIOR = 1.0  # neutral pseudo-sentences an actor's mean is shrunk with
EVIDENCE = 3  # strongest sentences kept per actor as evidence
SHIPPED = "shipped"


@dataclass(frozen=True, slots=True)
class Heads:
    """The heads the slant stage uses, and where they come from (reported with every article)."""

    stance: LinearHead
    bias: LinearHead
    source: str = SHIPPED


def _shipped(name: str) -> LinearHead:
    path = resources.files("counterpoint.slant").joinpath("data", name)
    with resources.as_file(path) as p:
        return load_head(p)


@cache
def load_heads(model_dir: str = "") -> Heads:
    """The shipped heads, with any head trained into ``model_dir`` (``counterpoint train``) in its place.

    Cached per process and directory, like the lexicons; an empty ``model_dir`` is the shipped default.
    """
    stance, bias = _shipped("stance_head.json"), _shipped("bias_head.json")
    if not model_dir:
        return Heads(stance, bias)
    d = Path(model_dir).expanduser()
    if not d.is_dir():
        raise ModelFileError(f"slant_model {d} is not a directory; train one with `counterpoint train`")
    found = []
    if (d / "stance.npz").is_file():
        stance = load_head(d / "stance.npz")
        found.append("stance")
    if (d / "bias.npz").is_file():
        bias = load_head(d / "bias.npz")
        found.append("bias")
    if not found:
        raise ModelFileError(f"{d} holds no stance.npz or bias.npz; train one with `counterpoint train`")
    if stance.features != STANCE_FEATURES:
        raise ModelFileError(
            f"{d / 'stance.npz'}: features {stance.features!r}, expected {STANCE_FEATURES!r}"
        )
    if bias.features not in (BIAS_FEATURES, BIAS_CONTEXT_FEATURES):
        raise ModelFileError(
            f"{d / 'bias.npz'}: features {bias.features!r},"
            f" expected {BIAS_FEATURES!r} or {BIAS_CONTEXT_FEATURES!r}"
        )
    return Heads(stance, bias, f"{d} ({', '.join(found)})")


def token_range(toks: Tokens, start: int, end: int) -> tuple[int, int]:
    """Token indexes ``[first, last)`` of the words inside ``start:end``."""
    return bisect.bisect_left(toks.ends, start + 1), bisect.bisect_left(toks.starts, end)


def _phrase(phrases: Sequence[tuple[int, int, float]], start: int, end: int) -> tuple[float, float]:
    neg = -sum(v for s, _e, v in phrases if start <= s < end and v < 0)
    pos = sum(v for s, _e, v in phrases if start <= s < end and v > 0)
    return neg, pos


def _confidence(n: int, mass: float) -> str:
    if n >= 3 and mass >= 1.0:
        return "high"
    return "medium" if n >= 2 and mass >= 0.4 else "low"


def aggregate(pieces: dict[str, list[tuple[int, int, float]]]) -> dict[str, EntityStance]:
    """Per actor: shrunk mean of its sentence scores, confidence and the strongest sentences."""
    out = {}
    for name, ss in pieces.items():
        total = sum(v for _s, _e, v in ss)
        mass = sum(abs(v) for _s, _e, v in ss)
        strongest = sorted(ss, key=lambda t: -abs(t[2]))[:EVIDENCE]
        out[name] = EntityStance(
            score=total / (len(ss) + PRIOR),
            confidence=_confidence(len(ss), mass),  # type: ignore[arg-type]
            sentences=len(ss),
            evidence=tuple((s, e, round(v, 3)) for s, e, v in strongest),
        )
    return dict(sorted(out.items(), key=lambda kv: (-kv[1].sentences, kv[0])))


def target_stance(
    text: str,
    toks: Tokens,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    quotes: QuoteMap,
    phrase_valence: Sequence[tuple[int, int, float]],
    head: LinearHead,
) -> tuple[dict[str, EntityStance], dict[str, dict[str, float]]]:
    """Stance of the outlet toward each central actor, and of each quoted speaker toward the actors.

    Returns ``(outlet, quoted)``: ``outlet`` maps actor -> ``EntityStance`` from the outlet's own
    words; ``quoted`` maps speaker -> actor -> stance from what the speaker is quoted saying.
    """
    names = actor_names(mentions)
    central = set(central_actors(mentions))
    starts = [s for s, _e in sentences]
    keys: list[tuple[str | None, str, int, int]] = []  # (speaker or None, actor, sentence start, end)
    pieces: list[tuple[list[int], tuple[int, int], tuple[float, float]]] = []  # view, target, phrase
    seen: set[tuple[str | None, str, int]] = set()
    for i, m in enumerate(mentions):
        name = names.get(i)
        if name not in central:
            continue
        k = bisect.bisect_right(starts, m.span.start) - 1
        if k < 0 or not sentences[k][0] <= m.span.start < sentences[k][1]:
            continue
        ss, se = sentences[k]
        speaker = quotes.speaker(m.span.start, m.span.end)
        if speaker is None:
            parts = quotes.outside(ss, se)
        else:
            j = quotes.find(m.span.start, m.span.end)
            assert j is not None
            parts = [(max(ss, quotes.starts[j]), min(se, quotes.ends[j]))]
        if (speaker, name, ss) in seen:
            continue  # one piece per actor, voice and sentence
        seen.add((speaker, name, ss))
        view = [t for ps, pe in parts for t in range(*token_range(toks, ps, pe))]
        target = token_range(toks, m.span.start, m.span.end)
        if speaker is None:
            view = sorted(set(view) | set(range(*target)))
        neg, pos = 0.0, 0.0
        for ps, pe in parts:
            a, b = _phrase(phrase_valence, ps, pe)
            neg, pos = neg + a, pos + b
        pieces.append((view, target, (neg, pos)))
        keys.append((speaker, name, ss, se))
    vectors = stance_view_vectors(toks, [(view, target) for view, target, _p in pieces])
    rows: list[Row] = [
        stance_row(toks, view, target, text[ss:se], phrase=ph, dims=head.dims)
        for (view, target, ph), (_sp, _n, ss, se) in zip(pieces, keys, strict=True)
    ]
    proba = head.proba(Batch(rows, vectors, len(STANCE_DENSE)))
    neg_i, pos_i = head.labels.index("negative"), head.labels.index("positive")
    outlet: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    quoted: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (speaker, name, ss, se), p in zip(keys, proba, strict=True):
        score = float(p[pos_i] - p[neg_i])
        if speaker is None:
            outlet[name].append((ss, se, score))
        elif speaker != name:
            quoted[speaker][name].append(score)
    by_speaker = {
        sp: {n: round(sum(v) / (len(v) + PRIOR), 4) for n, v in targets.items()}
        for sp, targets in quoted.items()
    }
    return aggregate(outlet), by_speaker
