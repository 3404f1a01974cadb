"""Static recall (``claim_recall = "static"``): static vectors propose pairs, MiniLM decides the rest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import write_feed
from counterpoint.claims.align import (
    STATIC_FLOOR,
    STATIC_MARGIN,
    match_score,
    optimistic_cosine,
    rerank,
    score_bound,
)
from counterpoint.claims.story import nearest_of
from counterpoint.config import Settings, load_settings
from counterpoint.errors import ConfigError
from counterpoint.factories import default_pipeline
from counterpoint.model.claim import ClaimText
from counterpoint.runners.corpus import update_claims
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.claims import claims_for_output
from counterpoint.store.sqlite import SQLiteStore

# Three outlets tell one fictional story; "Ottawa and Beijing agreed to cut tariffs" retells the
# first outlet's tariff sentence in other words. A fourth article is alone in a story of its own.
STORY = [
    ("tide", "Canada and China reach tariff deal", [
        "Canada and China reached agreements on Tuesday to lower tariffs on canola and electric vehicles, "
        "ending a dispute that had lasted more than a year.",
        "Prime Minister Mark Carney said the agreements would take effect on March 1.",
    ]),
    ("harbourpost", "Ottawa and Beijing agree to cut tariffs", [
        "Ottawa and Beijing agreed on Tuesday to cut tariffs on canola and electric vehicles, closing a "
        "dispute that lasted more than a year.",
        "The deal takes effect on March 1, Prime Minister Mark Carney told reporters in Beijing.",
    ]),
    ("quaytimes", "Tariff truce between Canada and China", [
        "Canada and China agreed on Tuesday to reduce tariffs on canola and electric vehicles after a "
        "dispute of more than a year.",
        "Farmers' groups in Saskatchewan said the deal came too late for last year's harvest.",
    ]),
]  # fmt: skip
LONE = ("amsel-herald", "Amsel harbour council extends ferry contract", [
    "The harbour council of the fictional town of Amsel voted on Tuesday to extend the ferry contract with "
    "Tidewell Lines for five more years, ending a dispute between fishermen and shopkeepers.",
    "Mayor Lena Castell said fares would stay frozen at 12 crowns until the timetable is agreed.",
])  # fmt: skip


def _settings(recall: str) -> Settings:
    # stories by the cheap hashing embedder; claims by MiniLM, as a user's run scores them
    return Settings(workers=1, story_embedder="hashing", claim_embedder="minilm", claim_recall=recall)


def _feed(folder: Path, records: list[tuple[str, str, list[str]]]) -> Path:
    return write_feed(folder, records, date="2026-01-20")


def _open(path: Path) -> SQLiteStore:
    store = open_store(str(path))
    assert isinstance(store, SQLiteStore)
    return store


def _vectors(store: SQLiteStore, model: str) -> set[tuple[str, int, int]]:
    rows = store.db.execute('SELECT article_id, start, "end" FROM claim_vectors WHERE model = ?', (model,))
    return {(a, s, e) for a, s, e in rows}


def _groups(store: SQLiteStore) -> set[frozenset[str]]:
    """The evidence sentences of every claim told by two or more sources."""
    return {
        frozenset(e["text"] for e in c["evidence"]) for c in claims_for_output(store.db) if c["sources"] >= 2
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SQLiteStore]:
    tmp = tmp_path_factory.mktemp("recall")
    folder = _feed(tmp / "in", [*STORY, LONE])
    out = {}
    for recall in ("full", "static"):
        store = _open(tmp / f"{recall}.db")
        run(store, [str(folder)], default_pipeline(), _settings(recall))
        out[recall] = store
    return out


def test_static_recall_matches_the_paraphrase_minilm_matches(runs: dict[str, SQLiteStore]) -> None:
    full, static = _groups(runs["full"]), _groups(runs["static"])
    tariffs = [g for g in static if any(t.startswith("Ottawa and Beijing agreed") for t in g)]
    assert len(tariffs) == 1
    assert any(t.startswith("Canada and China reached agreements") for t in tariffs[0])
    assert full == static  # on this story both paths group the claims alike


def test_static_recall_embeds_with_minilm_only_sentences_of_decisive_pairs(
    runs: dict[str, SQLiteStore],
) -> None:
    full, static = runs["full"], runs["static"]
    candidates = _vectors(full, "minilm")  # the full path embeds every candidate with MiniLM
    assert _vectors(full, "static") == set()
    assert _vectors(static, "static") == candidates  # the vectors stage: static vectors only
    fine = _vectors(static, "minilm")
    assert fine < candidates
    lone = static.db.execute("SELECT id FROM articles WHERE outlet = 'amsel-herald'").fetchone()[0]
    assert any(a == lone for a, _s, _e in candidates)
    assert all(a != lone for a, _s, _e in fine)  # alone in its story: in no pair, never embedded


def test_static_recall_rerun_reuses_stored_vectors(runs: dict[str, SQLiteStore]) -> None:
    store = runs["static"]
    before = store.db.execute("SELECT model, COUNT(*) FROM claim_vectors GROUP BY model").fetchall()
    groups = _groups(store)
    store.reset_claims()
    again = update_claims(store, _settings("static"))
    assert again["scopes"] >= 1
    assert again["sentences_embedded"] == 0  # every MiniLM vector it needs was stored the first time
    after = store.db.execute("SELECT model, COUNT(*) FROM claim_vectors GROUP BY model").fetchall()
    assert after == before
    assert _groups(store) == groups


def test_claim_recall_setting_is_checked() -> None:
    assert Settings().claim_recall == "full"
    assert load_settings(env={}, claim_recall="static").claim_recall == "static"
    with pytest.raises(ConfigError, match="claim_recall"):
        load_settings(env={}, claim_recall="bm25")


def _claim(text: str) -> ClaimText:
    return ClaimText(text, frozenset(), (), ())


def test_score_bound_is_the_score_at_the_optimistic_cosine() -> None:
    a = _claim("Canada and China reached agreements to lower tariffs")
    b = _claim("Ottawa and Beijing agreed to cut tariffs")
    for static in (0.3, 0.5, 0.9):
        assert optimistic_cosine(static) == pytest.approx(min(1.0, static + STATIC_MARGIN))
        bound = score_bound(a, b, static)
        # any MiniLM cosine up to the margin above the static one scores at most the bound
        assert match_score(a, b, static) <= bound
        assert match_score(a, b, optimistic_cosine(static)) == pytest.approx(bound)


def test_rerank_asks_minilm_only_for_pairs_that_could_reach_the_threshold() -> None:
    query = _claim("Ottawa and Beijing agreed to cut tariffs on canola")
    pool = [
        _claim("Canada and China reached agreements to lower tariffs on canola"),
        _claim("A koala was rescued from a flooded garden in Brisbane"),
        _claim("Canada and China agreed to cut tariffs on canola"),
    ]
    asked: list[int] = []

    def fine(idx: list[int]) -> np.ndarray:
        asked.extend(idx)
        return np.array([0.8 for _ in idx], dtype=np.float32)

    static = [0.6, STATIC_FLOOR - 0.05, 0.7]
    ranked, kept = rerank(query, pool, [0, 1, 2], static, fine, 3)
    assert sorted(asked) == [0, 2]  # the koala is under the floor: no MiniLM cosine
    assert kept == 2
    assert [i for i, _s in ranked][-1] == 1  # ranked after the re-scored ones


def test_nearest_of_keeps_each_sentences_k_closest_pairs() -> None:
    pairs = {(0, 1): 0.9, (0, 2): 0.5, (1, 2): 0.4, (2, 3): 0.3}
    # 0's best is 1, 1's best is 0, 2's best is 0, 3's only pair is with 2
    assert nearest_of(pairs, 1) == {(0, 1): 0.9, (0, 2): 0.5, (2, 3): 0.3}
    assert nearest_of(pairs, 3) == pairs
