"""Claim alignment: paraphrases across outlets match, different claims do not, figures never block."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from counterpoint.claims.align import (
    MATCH_THRESHOLD,
    content_terms,
    match_score,
    nearest,
    retrieve,
    stem,
)
from counterpoint.model import Article
from counterpoint.model.claim import ClaimText
from counterpoint.stages.dates import find_times
from counterpoint.stages.numbers import find_numbers, same_quantity
from counterpoint.stories.embed import embed, load_embedder


def _claim(text: str, *entities: str) -> ClaimText:
    art = Article(id="a", source="test", text=text, published="2026-01-16")
    return ClaimText(text, frozenset(entities), tuple(find_numbers(art)), tuple(find_times(art, [])))


TARIFFS = _claim("Canada and China reached agreements to lower tariffs.", "Canada", "China")
PARAPHRASES = [
    (TARIFFS, _claim("Ottawa and Beijing agreed to cut tariffs.", "Ottawa", "Beijing")),
    (
        _claim("The storm killed at least 12 people in Texas on Monday.", "Texas"),
        _claim("At least a dozen people died in Texas when the storm hit on Monday.", "Texas"),
    ),
    (
        _claim("Prime Minister Mark Carney said Canada will buy 14 new submarines.", "Mark Carney", "Canada"),
        _claim("Canada plans to purchase 14 submarines, Carney announced.", "Canada", "Carney"),
    ),
]
RATES = _claim("The central bank held its key interest rate at 2.25% on Wednesday.")
CANOLA = _claim("Canada and China agreed to cut tariffs on canola.", "Canada", "China")
FLIGHTS = _claim("Canada and China agreed to resume flights between the two countries.", "Canada", "China")
ARREST = _claim("China arrested two Canadians in 2018.", "China", "Canadians")
ARREST_OTHER = _claim("Canada arrested a Huawei executive in 2018.", "Canada", "Huawei")
ARREST_RETOLD = _claim("Two Canadians were detained by Beijing in December 2018.", "Canadians", "Beijing")
FIRE = _claim("The wildfire destroyed 300 homes in the town of Jasper.", "Jasper")
FIRE_OTHER_FIGURE = _claim("The wildfire destroyed 358 homes in the town of Jasper.", "Jasper")
STEEL = _claim("Tariffs on steel rose in Europe.", "Europe")
ALL = [*(c for pair in PARAPHRASES for c in pair), RATES, CANOLA, FLIGHTS, ARREST, ARREST_OTHER,
       ARREST_RETOLD, FIRE, FIRE_OTHER_FIGURE, STEEL]  # fmt: skip

Vectors = dict[str, np.ndarray]
Score = Callable[[ClaimText, ClaimText], float]


@pytest.fixture(scope="module")
def vectors() -> Vectors:
    """MiniLM vectors of every sentence above, embedded in one batch (one call costs ~0.5 s)."""
    texts = [c.text for c in ALL]
    return dict(zip(texts, embed(texts, load_embedder()), strict=True))


@pytest.fixture(scope="module")
def score(vectors: Vectors) -> Score:
    """match_score with the two claims' MiniLM cosine filled in."""

    def pair(a: ClaimText, b: ClaimText) -> float:
        return match_score(a, b, float(vectors[a.text] @ vectors[b.text]))

    return pair


@pytest.mark.parametrize(("a", "b"), PARAPHRASES)
def test_align_paraphrases_match(score: Score, a: ClaimText, b: ClaimText) -> None:
    assert score(a, b) >= MATCH_THRESHOLD
    assert score(a, b) == pytest.approx(score(b, a))


def test_align_unrelated_claims_do_not_match(score: Score) -> None:
    assert score(TARIFFS, RATES) < 0.1


def test_align_same_story_different_claim_scores_below_threshold(score: Score) -> None:
    assert score(CANOLA, FLIGHTS) < MATCH_THRESHOLD


def test_align_same_topic_different_event_ranks_below_the_same_claim(score: Score, vectors: Vectors) -> None:
    # One story (the Huawei affair), two events: who arrested whom differs. Words, year and topic
    # are shared and cheap features cannot read roles, so this pair clears the threshold; what
    # must hold is that a real retelling of the claim outranks it, which is what best-match uses.
    assert score(ARREST, ARREST_RETOLD) > score(ARREST, ARREST_OTHER) + 0.1
    pool = [ARREST_OTHER, ARREST_RETOLD]
    hits = retrieve(ARREST, vectors[ARREST.text], pool, np.stack([vectors[c.text] for c in pool]), k=2)
    assert [i for i, _s in hits] == [1, 0]


def test_align_different_figures_still_match(score: Score) -> None:
    assert score(FIRE, FIRE_OTHER_FIGURE) >= MATCH_THRESHOLD
    # the disagreeing figures cost nothing next to the same claims with no figures found
    assert same_quantity(FIRE.numbers[0], FIRE_OTHER_FIGURE.numbers[0]) is False
    bare_a = ClaimText(FIRE.text, FIRE.entities)
    bare_b = ClaimText(FIRE_OTHER_FIGURE.text, FIRE_OTHER_FIGURE.entities)
    assert score(FIRE, FIRE_OTHER_FIGURE) == pytest.approx(score(bare_a, bare_b))


def test_align_agreeing_figures_and_dates_add_evidence() -> None:
    a = _claim("Ottawa lifted tariffs on 14 products in October 2025.")
    b = _claim("Canada removed duties on fourteen goods in October 2025.")
    assert match_score(a, b, 0.6) > match_score(ClaimText(a.text), ClaimText(b.text), 0.6)


def test_align_content_terms_basics() -> None:
    terms = content_terms("The agreements were reached, and 1,000 tariffs were cut by twelve percent.")
    assert {"agre", "reach", "1000", "tarif", "cut", "12"} <= terms
    assert not terms & {"the", "were", "and", "by"}
    assert content_terms("Agreed: cutting tariff") == content_terms("agree to cut tariffs")
    assert "united" not in content_terms("Tell us")
    assert content_terms("the US") == content_terms("the United States")
    assert content_terms("Beijing said") == content_terms("China")
    assert stem("raising") == stem("raises") == stem("raise")


def test_align_nearest_returns_k_others_best_first() -> None:
    rng = np.random.default_rng(1)
    v = rng.standard_normal((40, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    out = nearest(v, 5)
    assert len(out) == 40
    for i, row in enumerate(out):
        assert len(row) == 5
        assert i not in {j for j, _c in row}
        cos = [c for _j, c in row]
        assert cos == sorted(cos, reverse=True)
        assert cos[0] == pytest.approx(max(float(v[i] @ v[j]) for j in range(40) if j != i), abs=1e-5)
    assert nearest(v[:3], 10)[0].__len__() == 2
    assert nearest(v[:1], 3) == [[]]


def test_align_nearest_hnsw_agrees_with_exact() -> None:
    rng = np.random.default_rng(7)
    # clustered data, like claims in a story: a few themes with variations
    centres = rng.standard_normal((20, 32))
    v = (centres[rng.integers(0, 20, 600)] + 0.6 * rng.standard_normal((600, 32))).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    exact = nearest(v, 5)
    approx = nearest(v, 5, exact_limit=100)
    found = sum(len({j for j, _ in e} & {j for j, _ in a}) for e, a in zip(exact, approx, strict=True))
    assert found / (600 * 5) >= 0.97
    assert all(i not in {j for j, _ in row} and len(row) == 5 for i, row in enumerate(approx))
    e0, a0 = dict(exact[0]), dict(approx[0])
    for j in e0.keys() & a0.keys():
        assert a0[j] == pytest.approx(e0[j], abs=1e-4)


def test_align_nearest_hnsw_gives_the_same_neighbours_every_time() -> None:
    # a large story's claims go through an HNSW graph; built by several threads, its neighbours
    # (and so the claims and conflicts of a re-run) would depend on thread timing
    rng = np.random.default_rng(11)
    centres = rng.standard_normal((30, 32))
    v = (centres[rng.integers(0, 30, 3000)] + 0.8 * rng.standard_normal((3000, 32))).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    runs = [nearest(v, 8, exact_limit=100) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_align_retrieve_reranks_shortlist(vectors: Vectors) -> None:
    pool = [PARAPHRASES[0][1], RATES, STEEL]
    pool_vecs = np.stack([vectors[c.text] for c in pool])
    hits = retrieve(TARIFFS, vectors[TARIFFS.text], pool, pool_vecs, k=2, shortlist=3)
    assert [i for i, _s in hits][:1] == [0]
    assert len(hits) == 2
    assert hits[0][1] >= hits[1][1]
    assert retrieve(TARIFFS, vectors[TARIFFS.text], [], pool_vecs[:0], k=2) == []
