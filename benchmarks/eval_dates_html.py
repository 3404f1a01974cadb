"""Publication-date accuracy on htmldate's Media Cloud 2020 set: our HTML path vs htmldate, same run.

Ours is ``extract_html(...).published`` (htmldate without extensive search, then our byline reader);
the baselines are htmldate's ``find_date`` with and without ``extensive_search`` on the same pages.
Scoring as the set's PROVENANCE.md says: exact day; precision = correct / dates output,
recall = dates output / pages, accuracy = correct / pages.

Usage: python benchmarks/eval_dates_html.py [PATH_TO_htmldate-mediacloud2020]
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    folder = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT.parent / "shared" / "eval" / "htmldate-mediacloud2020"
    )
    gold_file = folder / "eval_mediacloud_2020.json"
    if not gold_file.exists():
        print(f"htmldate eval set not found at {folder}; nothing to evaluate")
        return
    from htmldate import find_date

    from counterpoint.ingest.decode import DecodeError, decode
    from counterpoint.stages.html import extract_html

    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    pages: list[tuple[str, str, str]] = []
    for url, item in gold.items():
        path = folder / "html" / (item["file"] + ".gz")
        if not path.exists():
            continue
        try:
            html = decode(gzip.decompress(path.read_bytes()))
        except DecodeError:
            continue
        pages.append((url, html, item["date"]))

    def ours(html: str, url: str) -> str | None:
        res = extract_html(html, url=url)
        return res.published if res else None

    systems: dict[str, Callable[[str, str], str | None]] = {
        "htmldate extensive": lambda h, u: find_date(h, url=u, extensive_search=True, original_date=True),
        "htmldate fast": lambda h, u: find_date(h, url=u, extensive_search=False, original_date=True),
        "counterpoint extract_html": ours,
    }
    print(f"{len(pages)} pages with gold dates")
    for name, fn in systems.items():
        fn(pages[0][1], pages[0][0])  # warm-up: dateparser compiles its tables on first use
        correct = output = 0
        t0 = time.perf_counter()
        for url, html, want in pages:
            got = fn(html, url)
            if got:
                output += 1
                correct += got[:10] == want
        secs = time.perf_counter() - t0
        p = correct / output if output else 0.0
        r = output / len(pages)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(
            f"{name:<26} P={p:.3f} R={r:.3f} F1={f1:.3f} acc={correct / len(pages):.3f}"
            f"   {len(pages) / secs:.1f} pages/s"
        )


if __name__ == "__main__":
    main()
