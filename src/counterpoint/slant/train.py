"""``counterpoint train``: fit the slant heads on a user's own labelled data, on their own machine.

Two heads can be trained (shapes in docs/slant.md, "Training your own heads"):

* ``stance`` - sentiment toward a target in a sentence. JSONL or CSV rows with ``sentence``,
  ``polarity`` (-1/0/1 or negative/neutral/positive) and the target as ``from``/``to`` character
  offsets or as a ``target`` string (its first occurrence). NewsMTSC's ``*.jsonl`` files are read
  as they are.
* ``bias`` - whether a sentence is biased. JSONL or CSV rows with ``text`` (or ``sentence``) and
  ``label`` (1/0, biased/non-biased); BABE's ``final_labels_SG*.csv`` (``;``-separated,
  ``label_bias``) is read as it is.
  By default the head also reads each sentence's MiniLM vector (``bias/3``: 0.766 macro-F1 on
  BABE's held-out part against 0.739 without, docs/slant.md); ``context=False`` (the CLI's
  ``--static-only``) fits the cheaper ``bias/2`` head.

One row in five (CRC32 of the sentence) is held out; the head is fitted on the rest, scored on the
held-out part beside the shipped head, calibrated there (softmax temperature: the argmax, and so
the scores printed, do not change) and written as ``<out>/<head>.npz`` (arrays only, no pickle).
"""

from __future__ import annotations

import csv
import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from counterpoint.errors import CounterpointError
from counterpoint.slant.features import (
    BIAS_CONTEXT_FEATURES,
    BIAS_DENSE,
    BIAS_FEATURES,
    EMBED_DIM,
    STANCE_COLUMNS,
    STANCE_DENSE,
    STANCE_EMBED,
    STANCE_FEATURES,
    Tokens,
    bias_columns,
    bias_row,
    bias_text,
    context_vectors,
    stance_row,
    stance_texts,
    stance_vectors,
    text_vectors,
)
from counterpoint.slant.fit import fit_softmax, fit_temperature
from counterpoint.slant.head import BIAS_LABELS, STANCE_LABELS, Batch, LinearHead, save_head
from counterpoint.slant.lexicon import Lexicon, QuoteMap, load_lexicon
from counterpoint.slant.targeted import load_heads, token_range
from counterpoint.slant.techniques import find_spans

HEADS = ("stance", "bias")
DIMS = 1 << 18  # hashed columns of a trained head
#: chosen on held-out parts of the training data (docs/slant.md); "bias_context" is a bias/3 head
L2 = {"stance": 3e-4, "bias": 1e-3, "bias_context": 1e-3}
_POLARITY = {
    "-1": 0,
    "negative": 0,
    "neg": 0,
    "0": 1,
    "neutral": 1,
    "neu": 1,
    "1": 2,
    "positive": 2,
    "pos": 2,
}
_BIAS = {"1": 1, "biased": 1, "true": 1, "0": 0, "non-biased": 0, "unbiased": 0, "false": 0}


class TrainDataError(CounterpointError):
    """Training data in a shape ``counterpoint train`` cannot read."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled item: a sentence, the target's character range (stance only) and a label index."""

    text: str
    label: int
    target: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class TrainResult:
    """What was trained, where it was written, and how it scored on the held-out part."""

    head: str
    path: Path
    train: int
    heldout: int
    scores: dict[str, dict[str, float]]  # "trained" / "shipped" -> {"macro_f1", "accuracy"}


def _records(path: Path) -> Iterator[dict[str, Any]]:
    if path.suffix in (".jsonl", ".json"):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise TrainDataError(f"{path}:{n}: not a JSON object ({exc})") from exc
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        head = fh.readline()
        fh.seek(0)
        yield from csv.DictReader(fh, delimiter=";" if head.count(";") > head.count(",") else ",")


def _stance_example(r: dict[str, Any]) -> Example | None:
    text = str(r.get("sentence") or r.get("text") or "")
    label = _POLARITY.get(str(r.get("polarity", r.get("label", ""))).strip().lower())
    if not text or label is None:
        return None
    if r.get("from") not in (None, "") and r.get("to") not in (None, ""):
        return Example(text, label, (int(r["from"]), int(r["to"])))
    target = str(r.get("target") or r.get("mention") or "")
    pos = text.find(target) if target else -1
    return Example(text, label, (pos, pos + len(target))) if pos >= 0 else None


def _bias_example(r: dict[str, Any]) -> Example | None:
    text = str(r.get("text") or r.get("sentence") or "")
    label = _BIAS.get(str(r.get("label_bias", r.get("label", ""))).strip().lower())
    return Example(text, label) if text and label is not None else None


def read_examples(head: str, paths: Sequence[str | Path]) -> list[Example]:
    """Labelled examples for ``head`` from JSONL/CSV files; rows without a usable label are skipped."""
    parse = _stance_example if head == "stance" else _bias_example
    out: list[Example] = []
    for p in map(Path, paths):
        if not p.is_file():
            raise TrainDataError(f"training data {p} not found")
        out.extend(ex for r in _records(p) if (ex := parse(r)) is not None)
    if len(out) < 20:
        raise TrainDataError(
            f"only {len(out)} usable {head} rows in {', '.join(map(str, paths))};"
            " see docs/slant.md for the shape"
        )
    return out


def heldout(text: str) -> bool:
    """The fixed held-out fifth: CRC32 of the sentence is 0 mod 5."""
    return zlib.crc32(text.encode("utf-8")) % 5 == 0


def example_rows(
    head: str, examples: Sequence[Example], dims: int, lex: Lexicon, *, context: bool = False
) -> Batch:
    """Feature rows of ``examples`` for ``head`` (the same features the slant stage computes).

    ``context`` (bias only) adds each sentence's MiniLM vector after its static vector: the rows of
    a ``bias/3`` head.
    """
    rows = []
    empty = QuoteMap.build(())
    if head == "stance":
        return _stance_rows(examples, dims, lex, empty)
    columns = bias_columns(BIAS_CONTEXT_FEATURES if context else BIAS_FEATURES)
    parts = []
    for ex in examples:
        toks = Tokens.of(ex.text, lex)
        found = find_spans(ex.text, "x", empty, lex)
        mass = sum(f.weight for f in found)
        phrases = sum(f.slant.technique != "Loaded_Language" for f in found)
        parts.append((toks, list(range(len(toks.words))), mass, phrases))
    for (toks, view, mass, phrases), ex in zip(parts, examples, strict=True):
        rows.append(bias_row(toks, view, ex.text, loaded=mass, phrases=phrases, dims=dims, columns=columns))
    vectors = text_vectors([bias_text(toks, view) for toks, view, _m, _p in parts])
    if context:  # the whole sentence, as the stage embeds a sentence with no quote in it
        vectors = np.hstack([vectors, context_vectors([ex.text for ex in examples])])
    return Batch(rows, vectors, len(BIAS_DENSE))


def head_rows(h: LinearHead, examples: Sequence[Example], lex: Lexicon) -> Batch:
    """The rows ``h`` reads for ``examples``: its hashed columns, and MiniLM vectors for a ``bias/3`` head."""
    return example_rows(h.name, examples, h.dims, lex, context=h.features == BIAS_CONTEXT_FEATURES)


def _stance_rows(examples: Sequence[Example], dims: int, lex: Lexicon, empty: QuoteMap) -> Batch:
    """Stance rows, the whole sentence as the view (as the slant stage reads a sentence with no quote)."""
    parts = []
    for ex in examples:
        toks = Tokens.of(ex.text, lex)
        found = find_spans(ex.text, "x", empty, lex)
        neg = -sum(f.valence for f in found if f.valence < 0)
        pos = sum(f.valence for f in found if f.valence > 0)
        parts.append((toks, list(range(len(toks.words))), token_range(toks, *ex.target), (neg, pos)))
    vectors = stance_vectors([stance_texts(toks, view, target) for toks, view, target, _p in parts])
    rows = [
        stance_row(toks, view, target, ex.text, phrase=ph, dims=dims)
        for (toks, view, target, ph), ex in zip(parts, examples, strict=True)
    ]
    return Batch(rows, vectors, len(STANCE_DENSE))


def scores(gold: Sequence[int], pred: Sequence[int], nlabels: int) -> dict[str, float]:
    """Macro-F1 over the labels and accuracy."""
    f1s = []
    for c in range(nlabels):
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(len(gold), 1)
    return {"macro_f1": round(float(sum(f1s)) / nlabels, 4), "accuracy": round(float(acc), 4)}


def fit_head(
    head: str,
    examples: Sequence[Example],
    *,
    dims: int = DIMS,
    source: str = "",
    lex: Lexicon | None = None,
    context: bool = True,
) -> LinearHead:
    """Fit one head on ``examples`` (all of them; splitting is the caller's business).

    A bias head gets the MiniLM sentence vector too (``bias/3``) unless ``context`` is false
    (``bias/2``: static vector only, far cheaper at analysis time); ``context`` does not apply to stance.
    """
    lex = lex or load_lexicon()
    labels = STANCE_LABELS if head == "stance" else BIAS_LABELS
    context = context and head == "bias"
    if head == "stance":
        features, ncols = STANCE_FEATURES, STANCE_COLUMNS
    else:
        features = BIAS_CONTEXT_FEATURES if context else BIAS_FEATURES
        ncols = bias_columns(features)
    rows = example_rows(head, examples, dims, lex, context=context)
    l2 = L2["bias_context"] if context else L2[head]
    w, b = fit_softmax(rows, [e.label for e in examples], ncols=ncols + dims, nlabels=len(labels), l2=l2)
    vec = [f"static vectors ({STANCE_EMBED if head == 'stance' else EMBED_DIM})"]
    if context:
        vec.append(f"MiniLM sentence vector ({EMBED_DIM})")
    dense = [*(STANCE_DENSE if head == "stance" else BIAS_DENSE), *vec]
    meta = {"source": source or "trained", "trained_on": len(examples), "dense": dense, "l2": l2}
    meta["created"] = datetime.now(UTC).isoformat(timespec="seconds")
    return LinearHead(head, labels, features, dims, w, b, 1.0, meta)


def _logits(h: LinearHead, rows: Batch) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.log(np.maximum(h.proba(rows), 1e-12)) * h.temperature


def train(
    head: str, paths: Sequence[str | Path], out_dir: str | Path, *, dims: int = DIMS, context: bool = True
) -> TrainResult:
    """Fit ``head`` on the data in ``paths`` minus a held-out fifth, score, calibrate and save it.

    ``context``: a bias head with the MiniLM sentence vector (``fit_head``).
    """
    if head not in HEADS:
        raise TrainDataError(f"unknown head {head!r}; choose one of {', '.join(HEADS)}")
    lex = load_lexicon()
    examples = read_examples(head, paths)
    fit_part = [e for e in examples if not heldout(e.text)]
    test_part = [e for e in examples if heldout(e.text)]
    if not fit_part or not test_part:
        raise TrainDataError(f"{len(examples)} rows are too few to hold a fifth out; add more data")
    source = f"trained on {', '.join(Path(p).name for p in paths)}"
    trained = fit_head(head, fit_part, dims=dims, source=source, lex=lex, context=context)
    rows = head_rows(trained, test_part, lex)
    gold = [e.label for e in test_part]
    trained = replace(trained, temperature=fit_temperature(_logits(trained, rows), gold))
    shipped = getattr(load_heads(""), head)
    shipped_rows = example_rows(head, test_part, 0, lex)
    nl = len(trained.labels)
    result = {
        "trained": scores(gold, list(trained.proba(rows).argmax(axis=1)), nl),
        "shipped": scores(gold, list(shipped.proba(shipped_rows).argmax(axis=1)), nl),
    }
    trained = replace(trained, meta={**trained.meta, "heldout": len(test_part), "heldout_scores": result})
    path = save_head(trained, Path(out_dir).expanduser() / f"{head}.npz")
    return TrainResult(head, path, len(fit_part), len(test_part), result)


def record_setting(config_file: str | Path, key: str, value: str) -> Path:
    """Set ``key = "value"`` in the ``[counterpoint]`` section of a TOML file (created if missing).

    A line-level edit, so the user's comments and other settings stay as they were.
    """
    p = Path(config_file)
    line = f"{key} = {json.dumps(value)}"
    lines = p.read_text(encoding="utf-8").splitlines() if p.is_file() else []
    section, insert_at = None, None
    for i, raw in enumerate(lines):
        s = raw.strip()
        if s.startswith("["):
            section = s.strip("[] ")
            if section == "counterpoint":
                insert_at = i + 1
        elif section == "counterpoint" and s.split("=", 1)[0].strip() == key:
            lines[i] = line
            break
    else:
        if insert_at is None:
            lines = [*lines, "", "[counterpoint]", line] if lines else ["[counterpoint]", line]
        else:
            lines.insert(insert_at, line)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p
