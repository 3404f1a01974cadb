"""Check-worthiness of sentences on CLEF CheckThat! 2020 Task 5 (political debates and speeches).

Gold. ``../shared/eval/checkthat2020-t5-checkworthiness/training/*.tsv``: one transcript per file,
rows ``line_no, speaker, sentence, label`` (1 = a fact-checker covered the sentence). The official
test set is not in that copy, so a held-out split is fixed here before any tuning: transcripts
sorted by file name, every 4th one (index 3, 7, 11, ...) is *test*; the rest is *train*. The lexicon
weights and ``CHECKWORTHY_THRESHOLD`` of :mod:`counterpoint.claims.checkworthy` were chosen on train.

Features come from the project's own stages, run once per transcript as one article whose
paragraphs are the sentences: ``analyse_text`` (spaCy mentions), ``find_numbers``, ``find_times``
(published = the date in the file name) and the quote finder for the quoted share.

Metrics (official style): average precision of the ranking of each transcript's sentences, averaged
over transcripts (MAP), mean P@5 / P@10 / P@20 and mean R-Precision. Transcripts without any
positive are left out, as the official scorer's AP would be undefined for them. Ties in a score are
broken by line order, which is what a stable sort of the official ranking file gives.

Baselines in the same run: random ranking (mean over seeds) and the official-style n-gram baseline,
a bag of word 1-2-grams with logistic regression trained on the train transcripts.

Published anchor: the best CheckThat! 2020 Task 5 MAP was about 0.087 on the official test set
(20 transcripts we do not have), so it is a rough reference, not a like-for-like comparison.

Usage: python benchmarks/eval_checkworthy.py [--data DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from counterpoint.claims.checkworthy import CHECKWORTHY_THRESHOLD, Worthiness, sentence_worthiness
from counterpoint.model import Article, NumberFact, TimeExpr
from counterpoint.stages.dates import find_times
from counterpoint.stages.nlp import analyse_text, load_nlp
from counterpoint.stages.numbers import find_numbers
from counterpoint.stages.quotes import find_raw_quotes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "eval" / "checkthat2020-t5-checkworthiness" / "training"
TEST_EVERY = 4  # every 4th transcript by name is held out
SEEDS = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class Row:
    """One sentence with the features the detector reads and its gold label."""

    text: str
    mentions: tuple[tuple[int, int, str], ...]
    numbers: tuple[NumberFact, ...]
    times: tuple[TimeExpr, ...]
    in_quote: float
    label: int


@dataclass(frozen=True, slots=True)
class Transcript:
    name: str
    test: bool
    rows: tuple[Row, ...]


def read_tsv(path: Path) -> list[tuple[str, int]]:
    """(sentence, label) rows of one transcript, in line order."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[3].strip() in {"0", "1"}:
            out.append((parts[2], int(parts[3])))
    return out


def featurise(name: str, rows: Sequence[tuple[str, int]]) -> list[Row]:
    """Run the per-article stages once over a transcript and cut their output per sentence."""
    # One paragraph per sentence keeps spaCy from merging or splitting the gold sentences.
    texts = [" ".join(t.split()) or "." for t, _l in rows]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 2
    text = "\n\n".join(texts)
    published = f"{name[:4]}-{name[4:6]}-{name[6:8]}" if name[:8].isdigit() else None
    art = Article(id=name, source=name, text=text, published=published)
    bounds = [(s, s + len(t)) for s, t in zip(starts, texts, strict=True)]
    _sents, ents = analyse_text(text, load_nlp())
    nums = find_numbers(art)
    times = find_times(art, bounds)
    quoted = [0] * len(texts)
    for qs, qe, *_rest in find_raw_quotes(text):
        i = bisect_right(starts, qs) - 1
        quoted[i] += max(0, min(qe, bounds[i][1]) - qs)

    mentions: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    for s, e, label, _canon in ents:
        i = bisect_right(starts, s) - 1
        mentions[i].append((s - starts[i], min(e, bounds[i][1]) - starts[i], label))
    by_num: list[list[NumberFact]] = [[] for _ in texts]
    for n in nums:
        by_num[bisect_right(starts, n.span.start) - 1].append(n)
    by_time: list[list[TimeExpr]] = [[] for _ in texts]
    for te in times:
        by_time[bisect_right(starts, te.span.start) - 1].append(te)
    return [
        Row(t, tuple(mentions[i]), tuple(by_num[i]), tuple(by_time[i]), quoted[i] / max(1, len(t)), lab)
        for i, (t, (_raw, lab)) in enumerate(zip(texts, rows, strict=True))
    ]


def load(data: Path) -> list[Transcript]:
    files = sorted(data.glob("*.tsv"))
    return [
        Transcript(p.stem, i % TEST_EVERY == TEST_EVERY - 1, tuple(featurise(p.stem, read_tsv(p))))
        for i, p in enumerate(files)
    ]


# ---------------------------------------------------------------- metrics


def average_precision(labels: Sequence[int]) -> float:
    """AP of a ranked list of 0/1 labels (best first)."""
    hits, total = 0, 0.0
    for k, y in enumerate(labels, 1):
        if y:
            hits += 1
            total += hits / k
    return total / hits if hits else 0.0


def ranking_metrics(ranked: Sequence[Sequence[int]]) -> dict[str, float]:
    """MAP, mean P@k and mean R-Precision over transcripts given each one's ranked gold labels."""
    ranked = [r for r in ranked if any(r)]
    n = len(ranked)
    if not n:
        return dict.fromkeys(("MAP", "P@5", "P@10", "P@20", "R-Prec"), 0.0)
    out = {"MAP": sum(average_precision(r) for r in ranked) / n}
    for k in (5, 10, 20):
        out[f"P@{k}"] = sum(sum(r[:k]) / k for r in ranked) / n
    out["R-Prec"] = sum(sum(r[: sum(r)]) / sum(r) for r in ranked) / n
    return out


def rank(labels: Sequence[int], scores: Sequence[float]) -> list[int]:
    order = sorted(range(len(labels)), key=lambda i: (-scores[i], i))
    return [labels[i] for i in order]


def evaluate(
    transcripts: Sequence[Transcript], score: Callable[[Transcript], Sequence[float]]
) -> dict[str, dict[str, float]]:
    """Ranking metrics on the test transcripts and on all of them."""
    ranked = {t.name: rank([r.label for r in t.rows], score(t)) for t in transcripts}
    return {
        "test": ranking_metrics([ranked[t.name] for t in transcripts if t.test]),
        "all": ranking_metrics(list(ranked.values())),
    }


def classification(
    transcripts: Sequence[Transcript], results: dict[str, list[Worthiness]]
) -> dict[str, float]:
    """Precision, recall and F1 of ``score >= CHECKWORTHY_THRESHOLD`` on the test transcripts."""
    tp = fp = fn = n = 0
    for t in transcripts:
        if not t.test:
            continue
        for r, w in zip(t.rows, results[t.name], strict=True):
            pred = w.score >= CHECKWORTHY_THRESHOLD
            n += pred
            tp += pred and r.label == 1
            fp += pred and r.label == 0
            fn += (not pred) and r.label == 1
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": p,
        "recall": rc,
        "F1": 2 * p * rc / (p + rc) if p + rc else 0.0,
        "flagged_share": n / max(1, sum(len(t.rows) for t in transcripts if t.test)),
    }


def train_threshold(transcripts: Sequence[Transcript], results: dict[str, list[Worthiness]]) -> float:
    """The score cut with the best F2 on the train transcripts (grid of 0.01).

    F2 rather than F1: the gold marks only the sentences fact-checkers happened to cover, a small
    subset of the verifiable ones, so precision against it is understated, and the claims stage
    downstream filters candidates further, so a missed claim costs more than an extra one.
    """
    pairs = [
        (w.score, r.label)
        for t in transcripts
        if not t.test
        for r, w in zip(t.rows, results[t.name], strict=True)
    ]
    positives = sum(label for _s, label in pairs)
    best, best_f2 = 0.5, -1.0
    for step in range(5, 100):
        cut = step / 100
        flagged = [label for s, label in pairs if s >= cut]
        tp = sum(flagged)
        if not tp:
            continue
        p, r = tp / len(flagged), tp / positives
        f2 = 5 * p * r / (4 * p + r)
        if f2 > best_f2:
            best, best_f2 = cut, f2
    return best


# ---------------------------------------------------------------- baselines


def ngram_baseline(transcripts: Sequence[Transcript]) -> Callable[[Transcript], list[float]]:
    """Word 1-2-gram logistic regression, the official baseline's idea, scored out of fold.

    Transcripts fall into ``TEST_EVERY`` folds by their index (the test split is the last fold);
    each is scored by a model fitted on the other folds, so the test split's model is the one
    trained on the train split and no transcript is ever scored by a model that saw it.
    """
    # scikit-learn ships no type information
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.pipeline import Pipeline, make_pipeline  # type: ignore[import-untyped]

    fold = {t.name: i % TEST_EVERY for i, t in enumerate(transcripts)}
    models: dict[int, Pipeline] = {}
    for k in range(TEST_EVERY):
        train = [r for t in transcripts if fold[t.name] != k for r in t.rows]
        model = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000),
        )
        models[k] = model.fit([r.text for r in train], [r.label for r in train])

    def score(t: Transcript) -> list[float]:
        return [float(p) for p in models[fold[t.name]].predict_proba([r.text for r in t.rows])[:, 1]]

    return score


def random_baseline(transcripts: Sequence[Transcript]) -> dict[str, dict[str, float]]:
    runs = []
    for seed in SEEDS:
        rng = random.Random(seed)

        def shuffled(t: Transcript, rng: random.Random = rng) -> list[float]:
            return [rng.random() for _ in t.rows]

        runs.append(evaluate(transcripts, shuffled))
    return {
        part: {m: sum(r[part][m] for r in runs) / len(runs) for m in runs[0][part]}
        for part in ("test", "all")
    }


# ---------------------------------------------------------------- main


def detect(transcripts: Sequence[Transcript]) -> tuple[dict[str, list[Worthiness]], float]:
    """The detector's verdict on every sentence, and its speed in sentences per second."""
    out: dict[str, list[Worthiness]] = {}
    t0 = time.perf_counter()
    for t in transcripts:
        out[t.name] = [
            sentence_worthiness(r.text, r.mentions, r.numbers, r.times, in_quote=r.in_quote) for r in t.rows
        ]
    seconds = time.perf_counter() - t0
    return out, sum(len(t.rows) for t in transcripts) / seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    if not args.data.is_dir() or not any(args.data.glob("*.tsv")):
        print(f"CheckThat! 2020 task 5 data not found at {args.data}; nothing to evaluate.")
        sys.exit(0)

    t0 = time.perf_counter()
    transcripts = load(args.data)
    prep = time.perf_counter() - t0
    results, per_second = detect(transcripts)
    detector = evaluate(transcripts, lambda t: [w.score for w in results[t.name]])
    rows = {
        "detector": detector,
        "random": random_baseline(transcripts),
        "ngram_lr": evaluate(transcripts, ngram_baseline(transcripts)),
    }
    kinds: dict[str, list[int]] = {}
    for t in transcripts:
        for r, w in zip(t.rows, results[t.name], strict=True):
            kinds.setdefault(w.kind, [0, 0])[r.label] += 1
    n = sum(len(t.rows) for t in transcripts)
    n_train, n_test = sum(not t.test for t in transcripts), sum(t.test for t in transcripts)
    positives = sum(r.label for t in transcripts for r in t.rows)
    best_cut = train_threshold(transcripts, results)
    c = classification(transcripts, results)
    report = {
        "transcripts": {"train": n_train, "test": n_test},
        "sentences": n,
        "positives": positives,
        "results": rows,
        "threshold": CHECKWORTHY_THRESHOLD,
        "threshold_train_f2_optimum": best_cut,
        "threshold_test": c,
        "kinds": {k: {"negative": v[0], "positive": v[1]} for k, v in sorted(kinds.items())},
        "detector_sentences_per_s": round(per_second),
        "feature_prep_seconds": round(prep, 1),
        "published_anchor_MAP": 0.087,
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(
        f"CheckThat! 2020 task 5 (training copy): {n_train} train / {n_test} test transcripts, "
        f"{n} sentences, {positives} positive"
    )
    metrics = ("MAP", "P@5", "P@10", "P@20", "R-Prec")
    print(f"{'system':<10} {'part':<5} " + " ".join(f"{m:>7}" for m in metrics))
    for system, parts in rows.items():
        for part in ("test", "all"):
            print(f"{system:<10} {part:<5} " + " ".join(f"{parts[part][m]:7.3f}" for m in metrics))
    print(
        f"threshold {CHECKWORTHY_THRESHOLD} (train F2 optimum {best_cut}) "
        f"on test: P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['F1']:.3f}, "
        f"flags {c['flagged_share']:.1%} of sentences"
    )
    print("kinds (negative/positive): " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(kinds.items())))
    print(
        f"detector: {per_second:,.0f} sentences/s (features from spaCy and the stages: {prep:.0f} s); "
        "published anchor: best 2020 MAP ~0.087 on the official test set"
    )


if __name__ == "__main__":
    main()
