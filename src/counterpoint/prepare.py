"""``python -m counterpoint.prepare``: derive every cached model file now, as ``make install`` does.

Each of these is derived from a pinned, installed package on first use anyway (``counterpoint.cache``);
doing it at install time keeps that cost out of the first run: the static claim-token table
(~1 CPU-minute), py3langid's unpacked model and the gazetteer. (The opt-in int8-arithmetic MiniLM,
``claim_embedder = "minilm-q8"``, is derived on its first use.)
Nothing is downloaded.
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    from counterpoint.stages.language import identifier
    from counterpoint.stories.events import _gazetteer
    from counterpoint.stories.static_encoder import ensure_table

    for name, build in (
        ("static claim-token table", ensure_table),
        ("language identifier", identifier),
        ("gazetteer", _gazetteer),
    ):
        started = time.perf_counter()
        build()
        print(f"{name}: ready ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
