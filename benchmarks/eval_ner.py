"""Named-entity quality on CoNLL++ dev: bare spaCy vs Counterpoint's entity stage, same run.

Each CoNLL document is rebuilt as text (tokens joined by spaces, one sentence per paragraph) so both
systems see whole documents. Scoring is entity-level exact match (span and type), micro-averaged, on
the four CoNLL types; our types map PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC, NORP/EVENT/LAW->MISC.
Bare spaCy is the full en_core_web_sm pipeline with its own labels mapped the same way (PRODUCT,
WORK_OF_ART and LANGUAGE -> MISC; numeric types dropped).

Usage: python benchmarks/eval_ner.py [PATH_TO_conllpp-ner]   (default ../shared/eval/conllpp-ner)
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "MISC", "EVENT": "MISC",
    "LAW": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LANGUAGE": "MISC",
}  # fmt: skip

Entity = tuple[int, int, str]  # token start, token end (exclusive), CoNLL type


def read_conll(path: Path) -> Iterator[list[list[tuple[str, str]]]]:
    """Documents as lists of sentences of (token, IOB1 tag)."""
    doc: list[list[tuple[str, str]]] = []
    sent: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            if sent:
                doc.append(sent)
                sent = []
            if doc:
                yield doc
            doc = []
        elif not line.strip():
            if sent:
                doc.append(sent)
            sent = []
        else:
            parts = line.split()
            sent.append((parts[0], parts[-1]))
    if sent:
        doc.append(sent)
    if doc:
        yield doc


def gold_entities(tags: list[str]) -> set[Entity]:
    """Entities from IOB1 tags (a B- only separates two adjacent entities of one type)."""
    out: set[Entity] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        t = tag[2:] if tag != "O" else ""
        new = tag.startswith("B-") or t != kind
        if kind and (new or tag == "O"):
            out.add((start, i, kind))
            kind = ""
        if tag != "O" and (new or not kind):
            start, kind = i, t
    return out


def build_text(doc: list[list[tuple[str, str]]]) -> tuple[str, list[tuple[int, int]], list[str]]:
    """Document text, each token's char offsets, and the gold tags in token order."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    tags: list[str] = []
    pos = 0
    for si, sent in enumerate(doc):
        if si:
            parts.append("\n\n")
            pos += 2
        for ti, (tok, tag) in enumerate(sent):
            if ti:
                parts.append(" ")
                pos += 1
            parts.append(tok)
            offsets.append((pos, pos + len(tok)))
            tags.append(tag)
            pos += len(tok)
    # IOB1 does not continue across sentences: mark each sentence start so entities don't merge.
    return "".join(parts), offsets, tags


def sentence_starts(doc: list[list[tuple[str, str]]]) -> set[int]:
    starts, i = set(), 0
    for sent in doc:
        starts.add(i)
        i += len(sent)
    return starts


def to_tokens(spans: list[tuple[int, int, str]], offsets: list[tuple[int, int]]) -> set[Entity]:
    """Char spans -> token spans; a span that does not fall on token boundaries cannot match gold."""
    starts = {s: i for i, (s, _e) in enumerate(offsets)}
    ends = {e: i + 1 for i, (_s, e) in enumerate(offsets)}
    out: set[Entity] = set()
    for s, e, label in spans:
        kind = MAP.get(label)
        if kind is None:
            continue
        if s in starts and e in ends:
            out.add((starts[s], ends[e], kind))
        else:
            out.add((-1 - s, -1 - e, kind))  # counts as a false positive
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval" / "conllpp-ner"
    path = folder / "conllpp_dev.txt"
    if not path.exists():
        print(f"CoNLL++ dev not found at {path}; nothing to evaluate")
        return
    import spacy

    from counterpoint.stages.nlp import DEFAULT_MODEL, analyse_text, load_nlp

    bare = spacy.load(DEFAULT_MODEL)
    ours_nlp = load_nlp()
    docs = list(read_conll(path))
    counts = {name: Counter[str]() for name in ("bare", "ours")}
    per_type = {name: Counter[tuple[str, str]]() for name in ("bare", "ours")}
    seconds = Counter[str]()
    for doc in docs:
        text, offsets, tags = build_text(doc)
        starts = sentence_starts(doc)
        fixed = [("B-" + t[2:]) if i in starts and t.startswith("I-") else t for i, t in enumerate(tags)]
        gold = gold_entities(fixed)
        t0 = time.perf_counter()
        bare_doc = bare(text)
        seconds["bare"] += time.perf_counter() - t0
        bare_spans = [(e.start_char, e.end_char, e.label_) for e in bare_doc.ents]
        t0 = time.perf_counter()
        _sents, mentions = analyse_text(text, ours_nlp)
        seconds["ours"] += time.perf_counter() - t0
        ours_spans = [(s, e, label) for s, e, label, _c in mentions]
        for name, spans in (("bare", bare_spans), ("ours", ours_spans)):
            pred = to_tokens(spans, offsets)
            for kind in ("PER", "ORG", "LOC", "MISC"):
                g = {x for x in gold if x[2] == kind}
                p = {x for x in pred if x[2] == kind}
                per_type[name][(kind, "tp")] += len(g & p)
                per_type[name][(kind, "fp")] += len(p - g)
                per_type[name][(kind, "fn")] += len(g - p)
            counts[name]["tp"] += len(gold & pred)
            counts[name]["fp"] += len(pred - gold)
            counts[name]["fn"] += len(gold - pred)
    n_gold = counts["bare"]["tp"] + counts["bare"]["fn"]
    print(f"CoNLL++ dev: {len(docs)} documents, {n_gold} gold entities")
    print(
        f"{'system':<6} {'P':>6} {'R':>6} {'F1':>6}   {'PER':>5} {'ORG':>5} {'LOC':>5} {'MISC':>5}   docs/s"
    )
    for name in ("bare", "ours"):
        p, r, f = prf(counts[name]["tp"], counts[name]["fp"], counts[name]["fn"])
        types = []
        for kind in ("PER", "ORG", "LOC", "MISC"):
            c = per_type[name]
            types.append(prf(c[(kind, "tp")], c[(kind, "fp")], c[(kind, "fn")])[2])
        rate = len(docs) / seconds[name]
        print(
            f"{name:<6} {p:>6.3f} {r:>6.3f} {f:>6.3f}   "
            + " ".join(f"{t:>5.3f}" for t in types)
            + f"   {rate:.1f}"
        )


if __name__ == "__main__":
    main()
