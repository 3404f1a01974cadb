"""``counterpoint analyze`` on a folder of three good articles and every class of hostile input.

The corpus is generated at test time (tests/fuzz/hostile_corpus.py), the 4 GiB gzip bomb included.
The run must exit 0, keep the good articles (and the damaged-but-real ones), leave exactly one
skip reason per bad file, and finish in bounded time on a small shared machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from hostile_corpus import GOOD, write_corpus

from counterpoint.store import open_store

#: generous: the run takes ~30 s on two shared cores; the hangs this guards against never ended
MAX_SECONDS = 240


def test_hostile_folder_analyze_exits_0_with_one_reason_per_bad_file(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    classes = write_corpus(corpus)
    out = tmp_path / "out"
    env = {**os.environ, "COUNTERPOINT_STORY_EMBEDDER": "hashing"}
    cmd = [sys.executable, "-m", "counterpoint", "--json", "analyze", str(corpus)]
    started = time.perf_counter()
    res = subprocess.run(
        [*cmd, "--out", str(out), "--db", str(out / "c.db"), "--workers", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=MAX_SECONDS * 2,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert res.returncode == 0, res.stderr[-2000:]
    assert seconds < MAX_SECONDS, seconds

    store = open_store(str(out / "c.db"))
    try:
        kept = {Path(a.article.source.split("#")[0]).name: a for a in store.iter_articles()}
        skipped = Counter(Path(s.source.split("#")[0]).name for s in store.iter_skipped())
        reasons = {Path(s.source.split("#")[0]).name: s.reason for s in store.iter_skipped()}
    finally:
        store.close()

    for name, _text in GOOD:
        assert name in kept, (name, reasons.get(name))
    for h in classes:
        if h.kept:
            assert h.name in kept, (h.name, h.what, reasons.get(h.name))
            assert h.name not in skipped, (h.name, reasons[h.name])
        else:
            assert skipped[h.name] == 1, (h.name, h.what, skipped[h.name], kept.get(h.name))
            assert h.name not in kept
    assert skipped["loop-a.txt-b"] == 1  # the other end of the symlink loop
    assert set(kept) | set(skipped) == {p.name for p in corpus.iterdir()}

    assert kept["chinese.txt"].article.language == "zh"
    assert kept["thai.txt"].article.language == "th"
    assert "\ufffd" in kept["stray-bytes.txt"].article.text
    assert "â€" not in kept["stray-bytes.txt"].article.text
    assert "\x00" not in kept["nul.jsonl"].article.text
    assert "cité" in kept["cp1252.txt"].article.text
