"""Each disagreeing pair of claims is kept once, and a claim keeps only its first reasons."""

from __future__ import annotations

import pytest

from counterpoint.claims import story
from counterpoint.claims.story import assemble
from counterpoint.model import Span
from counterpoint.model.claim import (
    ArticleFacts,
    ClaimCandidate,
    ClaimConflict,
    ClaimText,
    ConflictLink,
    ScopeState,
)

TEXTS = [
    ("a1", "tide", "Fares will stay at 12 crowns, the mayor said."),
    ("a2", "post", "Fares will stay at 30 crowns, the mayor said."),
    ("a3", "herald", "Fares will stay at 40 crowns, the mayor said."),
    ("a4", "tide", "The council voted on Tuesday to extend the contract."),
    ("a5", "post", "The council voted on Monday to extend the contract."),
]


def _state() -> tuple[ScopeState, dict[str, ArticleFacts]]:
    """Three sentences aligned as one claim (figures differ between them) and two claims that
    disagree on a day."""
    cands = [
        ClaimCandidate(Span(aid, 0, len(text), text), 0.9, "claim", 0.0, None, ClaimText(text))
        for aid, _outlet, text in TEXTS
    ]
    articles = {aid: ArticleFacts(aid, text, outlet, published="2025-05-06") for aid, outlet, text in TEXTS}
    state = ScopeState(
        dict.fromkeys(articles, "s1"), list(articles), cands, roots=[0, 0, 0, 3, 4], top=[()] * 5,
        refused=[],
        conflicts=[ConflictLink(0, 1, "12 vs 30"), ConflictLink(0, 2, "12 vs 40"),
                   ConflictLink(3, 4, "days")],
    )  # fmt: skip
    return state, articles


def test_assemble_keeps_each_pair_of_claims_once_with_its_first_reason_and_count() -> None:
    state, articles = _state()
    result = assemble("scope", state, articles)
    claims = {c.evidence[0].article_id: c for c in result.claims}
    fares, tuesday, monday = claims["a1"], claims["a4"], claims["a5"]
    assert fares.why_count == 2
    assert len(fares.why) == 2
    order = [c.id for c in result.claims]
    first, second = sorted((tuesday.id, monday.id), key=order.index)
    assert sorted(result.conflicts, key=lambda c: c.first == c.second) == [
        ClaimConflict(first, second, tuesday.why[0], 1),
        # one sentence ("12 crowns") disagrees with two others
        ClaimConflict(fares.id, fares.id, fares.why[0], 2, 1, 2),
    ]
    assert "12 crowns" in fares.why[0]
    assert "30 crowns" in fares.why[0]


def test_assemble_caps_a_claims_reasons_and_counts_them_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(story, "WHY_KEPT", 1)
    state, articles = _state()
    result = assemble("scope", state, articles)
    fares = next(c for c in result.claims if c.evidence[0].article_id == "a1")
    assert len(fares.why) == 1
    assert fares.why_count == 2
    own = next(c for c in result.conflicts if c.first == c.second)
    assert (own.why, own.pairs) == (fares.why[0], 2)
    assert fares.to_dict()["why_count"] == 2
