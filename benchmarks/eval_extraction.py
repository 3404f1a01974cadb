"""Snippet evaluation of counterpoint's HTML extraction against bare ``trafilatura.extract``.

Uses trafilatura's own evaluation data (see PROVENANCE.md in the eval folder):
``evaldata_en.json`` maps a URL to ``{"file", "with": [...], "without": [...]}`` and
``html/<file>.gz`` holds the page. Each "with" snippet found in the output is a true
positive (else a false negative); each "without" snippet found is a false positive
(else a true negative).

Both extractors get the same decoded string (counterpoint's decoder), and are timed
interleaved page by page after one untimed warm-up pass, so load on the machine and
one-time costs (dateparser compiles its locale tables on first use) hit both alike.

Usage::

    python benchmarks/eval_extraction.py [EVAL_DIR] [--variants]

EVAL_DIR defaults to $COUNTERPOINT_EVAL_DIR, else ../shared/eval/trafilatura-eval
relative to the repository root.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from counterpoint.ingest.decode import decode
from counterpoint.stages.html import extract_html

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO.parent / "shared" / "eval" / "trafilatura-eval"

Extractor = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Page:
    html: str
    with_: tuple[str, ...]
    without: tuple[str, ...]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    seconds: float = 0.0

    def add(self, page: Page, output: str | None) -> None:
        out = output or ""
        for snippet in page.with_:
            if snippet in out:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in page.without:
            if snippet in out:
                self.fp += 1
            else:
                self.tn += 1

    def line(self, name: str, docs: int) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        acc = (self.tp + self.tn) / max(self.tp + self.tn + self.fp + self.fn, 1)
        rate = docs / self.seconds if self.seconds else 0.0
        return f"{name:<34} P={p:.3f} R={r:.3f} F1={f1:.3f} acc={acc:.3f} {rate:6.1f} docs/s"


def load_pages(eval_dir: Path) -> list[Page]:
    """The evaluation pages whose HTML is present, decoded the way ingest decodes files."""
    data = json.loads((eval_dir / "evaldata_en.json").read_text(encoding="utf-8"))
    pages = []
    for item in data.values():
        path = eval_dir / "html" / f"{item['file']}.gz"
        if path.exists():
            html = decode(gzip.decompress(path.read_bytes()))
            pages.append(Page(html, tuple(item.get("with") or ()), tuple(item.get("without") or ())))
    return pages


def ours(precision: bool = False, tables: bool = False) -> Extractor:
    def run(html: str) -> str | None:
        result = extract_html(html, precision=precision, tables=tables)
        return result.text if result else None

    return run


def evaluate(pages: list[Page], extractors: dict[str, Extractor], rounds: int = 1) -> dict[str, Score]:
    """Score every extractor on every page; timings interleaved page by page."""
    for page in pages:  # warm-up, untimed
        for run in extractors.values():
            run(page.html)
    scores = {name: Score() for name in extractors}
    for rnd in range(rounds):
        for page in pages:
            for name, run in extractors.items():
                start = time.perf_counter()
                output = run(page.html)
                scores[name].seconds += time.perf_counter() - start
                if rnd == 0:
                    scores[name].add(page, output)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "eval_dir", nargs="?", default=os.environ.get("COUNTERPOINT_EVAL_DIR", str(DEFAULT_DIR))
    )
    parser.add_argument("--variants", action="store_true", help="also score precision/tables settings")
    parser.add_argument("--rounds", type=int, default=2, help="timed passes over the pages")
    args = parser.parse_args(argv)
    eval_dir = Path(args.eval_dir)
    if not (eval_dir / "evaldata_en.json").exists():
        print(
            f"evaluation data not found at {eval_dir}; nothing to do "
            "(pass EVAL_DIR or set COUNTERPOINT_EVAL_DIR)"
        )
        return 0
    logging.disable(logging.WARNING)  # trafilatura logs every discarded page
    pages = load_pages(eval_dir)
    extractors: dict[str, Extractor] = {
        "trafilatura.extract (defaults)": lambda html: trafilatura.extract(html),
        "counterpoint extract_html": ours(),
    }
    if args.variants:
        extractors["  variant precision=True"] = ours(precision=True)
        extractors["  variant tables=True"] = ours(tables=True)
        extractors["  variant precision+tables"] = ours(precision=True, tables=True)
    scores = evaluate(pages, extractors, rounds=args.rounds)
    snippets = sum(len(p.with_) + len(p.without) for p in pages)
    print(
        f"{len(pages)} pages, {snippets} snippets, {args.rounds} timed rounds, "
        f"trafilatura {trafilatura.__version__}"
    )
    for name, score in scores.items():
        print(score.line(name, len(pages) * args.rounds))
    base = scores["trafilatura.extract (defaults)"].seconds
    print(f"time ratio ours/bare: {scores['counterpoint extract_html'].seconds / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
