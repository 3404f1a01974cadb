"""Hand-made expectations on the five seed articles (read by a person, not derived from the output).

- Canada's 2018 arrest of Huawei executive Meng Wanzhou is told by 002, 003 and 004 (004 as "a Chinese
  tech executive"): a corroborated claim.
- China's detention of two Canadians is told by 002, 003 and 004: a corroborated claim.
- 001 says the nations "reached agreements to lower tariffs"; 002 says "a formal agreement remains
  elusive": a conflict, with both sides quoted.
- The background runs from 2018 (the arrest) through October 2025 (Xi and Carney at APEC) to the
  January 2026 visit, in that order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.claims import briefs_for_output, claims_for_output, timeline_for_output
from counterpoint.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"shared seed corpus not found at {SEEDS} (clone with ../shared beside the repo)")
    store = open_store(str(tmp_path_factory.mktemp("seeds") / "c.db"))
    assert isinstance(store, SQLiteStore)
    run(store, [str(SEEDS)], default_pipeline(), Settings(workers=1))  # MiniLM, as a user runs it
    return store


def _articles(claim: dict[str, Any]) -> set[str]:
    return {ev["article_id"] for ev in claim["evidence"]}


def _texts(store: SQLiteStore) -> dict[str, str]:
    return dict(store.db.execute("SELECT id, text FROM articles"))


def test_seed_meng_arrest_is_corroborated(seeded: SQLiteStore) -> None:
    hits = [
        c
        for c in claims_for_output(seeded.db)
        if c["status"] == "corroborated" and any("Meng Wanzhou" in ev["text"] for ev in c["evidence"])
    ]
    assert hits
    assert max(len(_articles(c)) for c in hits) >= 2


def test_seed_detention_of_two_canadians_is_corroborated(seeded: SQLiteStore) -> None:
    hits = [
        c
        for c in claims_for_output(seeded.db)
        if c["status"] == "corroborated" and any("two Canadian" in ev["text"] for ev in c["evidence"])
    ]
    assert hits
    assert max(len(_articles(c)) for c in hits) >= 2


def test_seed_tariff_agreement_conflict_is_found_and_quoted(seeded: SQLiteStore) -> None:
    conflicting = [c for c in claims_for_output(seeded.db) if c["status"] == "conflicting"]
    whys = " ".join(c["why"] or "" for c in conflicting)
    assert "reached agreements to lower tariffs" in whys
    assert "a formal agreement remains elusive" in whys
    assert "Devdiscourse" in whys
    briefs = [b["sentence"] for bs in briefs_for_output(seeded.db).values() for b in bs]
    assert any("remains elusive" in s and "reached agreements" in s for s in briefs)


def test_seed_timeline_runs_from_2018_to_january_2026_in_order(seeded: SQLiteStore) -> None:
    events = timeline_for_output(seeded.db)
    dates = [e["date"] for e in events]
    assert dates == sorted(dates, key=lambda d: (d[:4], d))  # chronological within the scope
    first_2018 = next(i for i, e in enumerate(events) if e["date"].startswith("2018"))
    apec = next(i for i, e in enumerate(events) if e["date"] == "2025-10")
    visit = next(
        i for i, e in enumerate(events) if e["date"].startswith("2026-01") or e["date"] == "2026-W03"
    )
    assert first_2018 < apec < visit
    arrest = events[first_2018]
    assert any("Meng Wanzhou" in ev["text"] for ev in arrest["evidence"])
    assert len({ev["article_id"] for ev in arrest["evidence"]}) >= 2


def test_seed_every_claim_and_event_cites_its_evidence(seeded: SQLiteStore) -> None:
    texts = _texts(seeded)
    items = [*claims_for_output(seeded.db), *timeline_for_output(seeded.db)]
    assert items
    for item in items:
        assert item["evidence"]
        for ev in item["evidence"]:
            assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]
    for brief in briefs_for_output(seeded.db).values():
        for b in brief:
            assert b["citations"]
            for ev in b["citations"]:
                assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]


def test_seed_rerun_adds_no_claims(seeded: SQLiteStore) -> None:
    from conftest import SEEDS

    before = claims_for_output(seeded.db)
    stats = run(seeded, [str(Path(SEEDS))], default_pipeline(), Settings(workers=1))
    assert stats.claims["scopes"] == 0
    assert claims_for_output(seeded.db) == before
