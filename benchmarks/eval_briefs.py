"""Neutral-brief quality on NeuS AllSides val (../shared/eval/neus-allsides-val), ours vs lead-3.

Each of the 307 gold stories is three article leads (left, centre, right outlets, random order)
and AllSides' neutral summary. All 921 articles are written as ``{title, text}`` JSON files and
put through ``counterpoint analyze`` together; then, per gold story:

* **tool scope**: the brief of the tool story holding most of the gold story's articles (so the
  score is limited by story clustering too);
* **gold scope**: a brief built by the claims stage's own ``compare_scope`` over exactly the
  gold story's articles, read back from the same store (brief quality apart from clustering);
* **lead-3**: the first three sentences of the story's first, second and third article.

Scores are ROUGE-1/2/L F1 (own implementation: lowercase alphanumeric tokens, no stemming,
clipped n-gram counts, LCS over the whole token sequence), averaged over stories, reported on
the even-indexed stories (the half tuned on) and the odd-indexed ones (held out). Also counted:
brief sentences ending in "...", repeated sentences within a brief, citations to articles outside
the story, and two loaded-language proxies (documented in docs/EVALUATION.md) of each brief, tool
and gold scope, against the mean of its sources: lexicon matches per token (sparse: in 143 stories
no source has one), and the slant stage's subjectivity evidence per word (dense).

    .venv/bin/python benchmarks/eval_briefs.py [--limit N] [--keep DIR] [--reuse [--rebrief]]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "eval" / "neus-allsides-val"
_TOKEN = re.compile(r"[a-z0-9]+")
_SENT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_PART = re.compile(r"TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.DOTALL)


def tokens(text: str) -> list[str]:
    """ROUGE tokens: lowercase alphanumeric runs."""
    return _TOKEN.findall(text.lower())


def _ngrams(toks: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def _f1(overlap: float, cand: int, ref: int) -> float:
    if not overlap or not cand or not ref:
        return 0.0
    p, r = overlap / cand, overlap / ref
    return 2 * p * r / (p + r)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge(candidate: str, reference: str) -> tuple[float, float, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of ``candidate`` against ``reference``."""
    c, r = tokens(candidate), tokens(reference)
    out = []
    for n in (1, 2):
        cn, rn = _ngrams(c, n), _ngrams(r, n)
        out.append(_f1(sum((cn & rn).values()), sum(cn.values()), sum(rn.values())))
    out.append(_f1(_lcs(c, r), len(c), len(r)))
    return out[0], out[1], out[2]


def lead(text: str, n: int = 3) -> str:
    """The first ``n`` sentences of ``text``."""
    return " ".join(_SENT.split(text.strip())[:n])


def load(limit: int) -> list[tuple[list[tuple[str, str]], str]]:
    """Gold stories: their (title, text) articles and the neutral summary."""
    src = (DATA / "val.source").read_text(encoding="utf-8").splitlines()
    tgt = (DATA / "val.target").read_text(encoding="utf-8").splitlines()
    stories = []
    for s, t in zip(src, tgt, strict=True):
        arts = []
        for part in s.split("[SEP]"):
            m = _PART.search(part)
            if m:
                arts.append((m.group(1).strip(), m.group(2).strip()))
        m = _PART.search(t)
        stories.append((arts, m.group(2).strip() if m else t))
    return stories[:limit] if limit else stories


def loaded_rate(text: str) -> float:
    """Lexicon proxy: loaded/persuasive phrase matches plus partisan word choices, per token."""
    from counterpoint.slant.lexicon import load_lexicon

    lex = load_lexicon()
    n = len(tokens(text))
    if not n:
        return 0.0
    hits = sum(1 for _ in lex.phrase_matcher.finditer(text))
    if lex.partisan_matcher is not None:
        hits += sum(1 for _ in lex.partisan_matcher.finditer(text))
    return hits / n


def subjective_rate(text: str) -> float:
    """Denser proxy: the slant stage's subjectivity evidence per word — evaluative adjectives weighted
    by subjectivity, opinion markers and the loaded-language mass, as ``slant.stage`` sums them (the
    same measure as ``claims.brief.subjectivity_rate``, written out so older code can be scored)."""
    from counterpoint.slant.lexicon import QuoteMap, load_lexicon
    from counterpoint.slant.techniques import find_spans, opinion_markers, subjective_mass

    n = len(re.findall(r"\w+", text))
    if not n:
        return 0.0
    lex, whole = load_lexicon(), [(0, len(text))]
    mass = sum(f.weight for f in find_spans(text, "", QuoteMap.build([]), lex))
    return (subjective_mass(text, whole, lex) + opinion_markers(text, whole) + mass) / n


#: the two loaded-language proxies, reported side by side
PROXIES = {
    "lexicon (techniques.tsv + partisan.tsv)": loaded_rate,
    "subjectivity (slant stage)": subjective_rate,
}


def gold_scope_briefs(db: Path, groups: dict[int, list[str]]) -> dict[int, list[dict]]:
    """A brief per gold story, built by the claims stage over exactly that story's articles."""
    from counterpoint.claims.story import compare_scope
    from counterpoint.config import Settings
    from counterpoint.stages.claims import _Vectors
    from counterpoint.stages.vectors import encoder
    from counterpoint.store import open_store

    settings = Settings()
    store = open_store(str(db))
    model = settings.story_embedder
    enc = encoder(model)
    out = {}
    for gi, ids in groups.items():
        facts = store.load_facts(ids)
        vectors = _Vectors(store.sentence_vectors(ids, model), enc)
        result = compare_scope(f"gold{gi}", facts, vectors)
        out[gi] = [b.to_dict() for b in result.briefs.get(f"gold{gi}", [])]
    return out


def tool_scope_briefs(db: Path) -> dict[str, list[dict]]:
    """Every story's brief built again from the store's claim scopes, as the claims stage builds a
    scope from scratch (``--rebrief``: tune the brief on a kept store without re-running analyze)."""
    from counterpoint.claims.story import compare_scope
    from counterpoint.config import Settings
    from counterpoint.stages.claims import _Vectors
    from counterpoint.stages.vectors import claim_encoder_name, encoder
    from counterpoint.store import open_store

    store = open_store(str(db))
    model = claim_encoder_name(Settings())
    enc = encoder(model)
    out: dict[str, list[dict]] = {}
    for scope in store.claim_scopes():
        ids = list(scope.story_of)
        vectors = _Vectors(store.sentence_vectors(ids, model), enc)
        result = compare_scope(scope.id, store.load_facts(ids), vectors, story_of=scope.story_of)
        out.update({sid: [b.to_dict() for b in brief] for sid, brief in result.briefs.items()})
    return out


def brief_checks(brief: list[dict], members: set[str]) -> Counter[str]:
    """Truncated, repeated and out-of-story sentences of one brief."""
    c: Counter[str] = Counter()
    seen: set[str] = set()
    for b in brief:
        s = b["sentence"].strip()
        c["sentences"] += 1
        c["truncated"] += s.endswith(("...", "…"))
        c["duplicated"] += s in seen
        seen.add(s)
        c["out_of_story"] += any(x["article_id"] not in members for x in b["citations"])
    return c


def _mean3(rows: list[tuple[float, float, float]]) -> str:
    if not rows:
        return "n/a"
    return "/".join(f"{statistics.fmean(r[k] for r in rows):.3f}" for k in range(3))


def _print_loaded(proxy: str, scope: str, rows: list[tuple[float, float, float, int]]) -> None:
    n = len(rows)
    lower = sum(b < src for b, src, _h, _o in rows) / n
    halves = [[b < src for b, src, _h, odd in rows if odd == k] or [False] for k in (0, 1)]
    not_higher = sum(b <= src for b, src, _h, _o in rows) / n
    human = sum(h < src for _b, src, h, _o in rows) / n
    zero = sum(src == 0 for _b, src, _h, _o in rows)
    means = [statistics.fmean(x[k] for x in rows) for k in range(3)]
    print(
        f"loaded-language proxy {proxy}, {scope} brief: mean {means[0]:.4f} (sources {means[1]:.4f},"
        f" human summary {means[2]:.4f}); strictly less loaded than its sources' mean in {lower:.1%} of"
        f" {n} stories (tune {statistics.fmean(halves[0]):.1%}, held-out {statistics.fmean(halves[1]):.1%}),"
        f" not more in {not_higher:.1%} (human summary: strictly less in {human:.1%});"
        f" sources at 0 in {zero} (ceiling {(n - zero) / n:.1%})"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N gold stories (smoke test)")
    ap.add_argument("--keep", default=None, help="work folder to keep (reused: analyze adds nothing twice)")
    ap.add_argument("--no-gold-scope", action="store_true", help="skip the gold-scope briefs")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the --keep folder's store and analysis.json (tuning the brief)",
    )
    ap.add_argument(
        "--rebrief",
        action="store_true",
        help="with --reuse: build the tool-scope briefs again with the current code (same stories)",
    )
    args = ap.parse_args()
    if not (DATA / "val.source").is_file():
        print(f"NeuS data not found at {DATA} (clone with ../shared beside the repo); nothing to do")
        return 0
    stories = load(args.limit)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="eval-briefs-"))
    inputs = work / "in"
    inputs.mkdir(parents=True, exist_ok=True)
    where: dict[str, tuple[int, int]] = {}
    for gi, (arts, _summary) in enumerate(stories):
        for ai, (title, text) in enumerate(arts):
            name = f"s{gi:03d}_a{ai}.json"
            (inputs / name).write_text(json.dumps({"title": title, "text": text}), encoding="utf-8")
            where[name] = (gi, ai)
    db = work / "eval.db"
    t0 = time.perf_counter()
    if not (args.reuse and (work / "out" / "analysis.json").is_file()):
        cmd = [
            sys.executable,
            "-m",
            "counterpoint",
            "analyze",
            str(inputs),
            "--out",
            str(work / "out"),
            "--db",
            str(db),
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    analysis = json.loads((work / "out" / "analysis.json").read_text(encoding="utf-8"))
    art_of: dict[str, tuple[int, int]] = {}
    for a in analysis["articles"]:
        key = Path(a["source"].split("#")[0]).name
        if key in where:
            art_of[a["id"]] = where[key]
    groups: dict[int, list[str]] = {}
    for aid, (gi, _ai) in sorted(art_of.items(), key=lambda kv: kv[1]):
        groups.setdefault(gi, []).append(aid)
    story_of = {
        aid: s for s in analysis["stories"] for aid in [*s["article_ids"], *s.get("duplicate_ids", [])]
    }
    gold = {} if args.no_gold_scope else gold_scope_briefs(db, groups)
    if args.reuse and args.rebrief:
        rebuilt = tool_scope_briefs(db)
        for s in analysis["stories"]:
            s["brief"] = rebuilt.get(s["id"], [])

    halves: dict[str, dict[str, list]] = {"tune": {}, "held-out": {}}
    checks: Counter[str] = Counter()
    gold_checks: Counter[str] = Counter()
    less_loaded: dict[str, dict[str, list[tuple[float, float, float, int]]]] = {
        p: {"gold scope": [], "tool scope": []} for p in PROXIES
    }
    for gi, (arts, summary) in enumerate(stories):
        h = halves["tune" if gi % 2 == 0 else "held-out"]
        ids = groups.get(gi, [])
        picked = Counter(story_of[a]["id"] for a in ids if a in story_of)
        story = next(
            (s for s in analysis["stories"] if picked and s["id"] == picked.most_common(1)[0][0]), None
        )
        brief = story.get("brief", []) if story else []
        text = " ".join(b["sentence"] for b in brief)
        h.setdefault("tool scope", []).append(rouge(text, summary))
        if story:
            checks.update(brief_checks(brief, {*story["article_ids"], *story.get("duplicate_ids", [])}))
        scored = {"tool scope": text}
        if gi in gold:
            gtext = " ".join(b["sentence"] for b in gold[gi])
            h.setdefault("gold scope", []).append(rouge(gtext, summary))
            gold_checks.update(brief_checks(gold[gi], set(ids)))
            scored["gold scope"] = gtext
        for proxy, rate in PROXIES.items():
            src_rate = statistics.fmean(rate(x) for _t, x in arts)
            for scope, btext in scored.items():
                less_loaded[proxy][scope].append((rate(btext), src_rate, rate(summary), gi % 2))
        for ai, (_t, x) in enumerate(arts):
            h.setdefault(f"lead-3 article {ai + 1}", []).append(rouge(lead(x), summary))
    print(f"NeuS AllSides val: {len(stories)} stories, {len(where)} articles; analyze {wall:.0f} s wall")
    print(f"{'':22}" + "".join(f"{k:>24}" for k in halves))
    for row in ["tool scope", "gold scope", "lead-3 article 1", "lead-3 article 2", "lead-3 article 3"]:
        print(f"{row:22}" + "".join(f"{_mean3(halves[k].get(row, [])):>24}" for k in halves))
    print("ROUGE-1/2/L F1, mean over stories (tune = even-indexed stories, held-out = odd)")
    print(f"tool-scope briefs: {dict(checks)}")
    if gold:
        print(f"gold-scope briefs: {dict(gold_checks)}")
    for proxy, by_scope in less_loaded.items():
        for scope, rows in by_scope.items():
            if rows:
                _print_loaded(proxy, scope, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
