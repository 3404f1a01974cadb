"""Event coding against the PETRARCH-2 validation set: (source country, target country, CAMEO root).

Reads ../shared/eval/cameo-event-coding/PETR2_GSR_validation.xml at run time (78 AFP and test
sentences, 93 gold events; see PROVENANCE.md there). Each sentence goes through the same path
an article does (the nlp stage's sentences and mentions, the actor resolution, the parser) and
is coded twice in the same run: by the coder and by the baseline (subject-verb-object of the
root verb, verb lexicon only). An event counts as found when its source country, target country
(``---`` when unknown) and CAMEO root equal a gold event of the sentence.

The lexicon was written from general news wording before this set was read; nothing was tuned
on it, so all 93 events are test data. The ConfliBERT majority file named in PROVENANCE.md is
not present in ../shared, so root accuracy / PentaClass on it are not measured.

Usage: python benchmarks/eval_events.py [--gold PATH] [--show N]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from counterpoint.events.article import code_article
from counterpoint.events.coder import code_baseline, code_sentence
from counterpoint.model import Article, Mention
from counterpoint.stages.events import load_parser
from counterpoint.stages.nlp import DEFAULT_MODEL, analyse_text, load_nlp

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent.parent / "shared" / "eval" / "cameo-event-coding" / "PETR2_GSR_validation.xml"

Triple = tuple[str, str, str]


_TAG = re.compile(r"<(Sentence|EventCoding)\b([^>]*)>|<Text>(.*?)</Text>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def load(path: Path) -> list[tuple[str, str, set[Triple]]]:
    """(id, text, gold triples) of every sentence marked for evaluation.

    Read with a tag scanner, not an XML parser: the file has a few unbalanced tags in its
    parse blocks, and only the Sentence, EventCoding and Text elements matter here.
    """
    out: list[tuple[str, str, set[Triple]]] = []
    keep = False
    for m in _TAG.finditer(path.read_text(encoding="utf-8")):
        tag, attrs = m.group(1), dict(_ATTR.findall(m.group(2) or ""))
        if tag == "Sentence":
            keep = attrs.get("evaluate", "true") == "true"
            if keep:
                out.append((attrs.get("id", ""), "", set()))
        elif not keep or not out:
            continue
        elif tag == "EventCoding" and attrs.get("eventcode"):
            gold = out[-1][2]
            gold.add(
                (
                    attrs.get("sourcecode", "---")[:3],
                    attrs.get("targetcode", "---")[:3],
                    attrs["eventcode"][:2],
                )
            )
        elif tag is None:
            sid, _t, gold = out[-1]
            out[-1] = (sid, re.sub(r"\s+", " ", m.group(3)).strip(), gold)
    return [s for s in out if s[1]]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--show", type=int, default=0, help="print this many misses of the coder")
    args = ap.parse_args()
    if not args.gold.exists():
        print(f"gold set not found at {args.gold}; see ../shared/eval/cameo-event-coding/PROVENANCE.md")
        return 1
    items = load(args.gold)
    nlp, parser = load_nlp(DEFAULT_MODEL), load_parser(DEFAULT_MODEL)
    counts = {name: Counter[str]() for name in ("coder", "baseline")}
    roots_ok = Counter[str]()
    shown = 0
    for sid, text, gold in items:
        art = Article(id=sid or "x", source=sid, text=text)
        sents, ents = analyse_text(text, nlp)
        mentions = tuple(Mention(art.span(s, e), lab, c) for s, e, lab, c in ents)
        for name, coder in (("coder", code_sentence), ("baseline", code_baseline)):
            reports = code_article(art, sents, mentions, (), parser, coder)
            pred = {
                ((r.source.country or "---")[:3], (r.target.country or "---")[:3], r.cameo[:2])
                for r in reports
            }
            c = counts[name]
            c["tp"] += len(pred & gold)
            c["fp"] += len(pred - gold)
            c["fn"] += len(gold - pred)
            if name == "coder":
                # root-code accuracy over gold events whose actor pair the coder found at all
                pairs = {(s, t): r for s, t, r in pred}
                for s, t, r in gold:
                    if (s, t) in pairs:
                        roots_ok["pairs"] += 1
                        roots_ok["root"] += pairs[(s, t)] == r
                if gold != pred and shown < args.show:
                    shown += 1
                    print(f"- {sid}: gold {sorted(gold)} pred {sorted(pred)}\n  {text[:200]}")
    print(f"PETRARCH-2 validation: {len(items)} sentences, {sum(len(g) for _i, _t, g in items)} gold events")
    print(f"{'':10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, c in counts.items():
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        print(f"{name:10} {p:6.3f} {r:6.3f} {f:6.3f} {c['tp']:4d} {c['fp']:4d} {c['fn']:4d}")
    if roots_ok["pairs"]:
        print(
            "root accuracy where the coder found the gold actor pair: "
            f"{roots_ok['root'] / roots_ok['pairs']:.3f}"
            f" ({roots_ok['root']}/{roots_ok['pairs']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
