from __future__ import annotations

from pathlib import Path

import pytest

#: a real PostgreSQL for the store tests (fixtures pg_server, pg_url, store_url); skips without one
pytest_plugins = ["pgserver"]

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


@pytest.fixture
def seeds_dir() -> Path:
    """The shared sample corpus; tests that need it skip when ../shared is absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"shared seed corpus not found at {SEEDS} (clone with ../shared beside the repo)")
    return SEEDS


def article_text(topic: str, n: int = 3) -> str:
    """A small fictional article body of n paragraphs (written for these tests)."""
    paras = [
        f"Officials in the fictional town of Amsel said on Tuesday that the {topic} would go ahead after "
        "months of debate, with the council voting seven to two in favour of the plan.",
        f"The mayor, Lena Castell, told reporters that the {topic} had been delayed twice by budget "
        "disputes and that residents would be consulted before work begins in the spring.",
        "Opponents argued the cost, estimated at 40 million crowns, was too high for a town of its size, "
        "and promised to raise the matter again at the next session.",
        "A spokesperson for the regional authority said it would review the decision within thirty days "
        "and publish its findings online.",
    ]
    return "\n\n".join(paras[:n])


def write_feed(folder: Path, records: list[tuple[str, str, list[str]]], *, date: str) -> Path:
    """A JSONL feed in ``folder`` of (outlet, title, paragraphs) records, all published on ``date``."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {"outlet": o, "title": t, "date": date, "url": f"https://{o}.example/a", "text": "\n\n".join(p)}
        )
        for o, t, p in records
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
