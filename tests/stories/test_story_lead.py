"""The lead cross-check: features of a lead, agreement with a story, and its use as a tie-breaker only."""

from __future__ import annotations

import math

import numpy as np

from counterpoint.model.story import EventFrame
from counterpoint.stories import StoryDoc
from counterpoint.stories.cluster import ClusterConfig, StoryClusterer
from counterpoint.stories.lead import agreement, comparable, lead_features


def embedding_only(**kw: object) -> ClusterConfig:
    """The rule these hand-made embeddings were written for: MiniLM cosine (and entities) alone,
    joining at 0.6, without the lexical channel (their texts are placeholders)."""
    base: dict[str, object] = {"lexical_weight": 0.0, "threshold": 0.6, "entity_weight": 0.25}
    return ClusterConfig(**{**base, **kw})  # type: ignore[arg-type]


def test_lead_features_numbers_agree_whatever_their_spelling() -> None:
    a = lead_features("US economy adds 943K jobs in July", "The report came out on Friday.")
    b = lead_features("Payrolls", "Employers added 943,000 jobs in July as unemployment fell to 5.4%.")
    assert "n:9.43e+05" in a
    assert "n:9.43e+05" in b
    assert "n:5.4%" in b
    assert "v:add" in a  # an action word, stemmed
    assert "w:job" in a
    assert not any(f.startswith("n:") for f in lead_features("3 people", "One more thing."))  # lone digit


def test_lead_features_read_only_the_headline_and_first_sentence() -> None:
    f = lead_features("Senate passes bill", "The Senate passed the bill. Later the House voted on tariffs.")
    assert "v:pass" in f
    assert "w:tariff" not in f


def test_lead_agreement_same_event_positive_other_numbers_lower() -> None:
    story = dict.fromkeys(
        lead_features("US adds 250,000 jobs in October", "Employers added 250,000 jobs."), 2
    )
    same = lead_features("Economy added 250,000 jobs in October", "Unemployment stayed put.")
    other = lead_features("US adds 136,000 jobs in September", "Employers added 136,000 jobs.")
    assert agreement(same, story, 2) > 0
    # same words but other numbers: the clash takes ``number_clash`` (1.0) off
    assert agreement(other, story, 2) <= agreement(other, {f: 2 for f in story if not f.startswith("n:")}, 2)
    assert agreement(other, story, 2) < agreement(same, story, 2) - 0.9
    assert agreement(same, {}, 0) == 0.0
    assert comparable(same)
    assert not comparable(("w:weather",))


def _doc(aid: str, title: str, text: str) -> StoryDoc:
    return StoryDoc(aid, "Outlet", None, title, text, "en", (), None, EventFrame())


def _near(cos: float) -> np.ndarray:
    v = np.zeros(384, dtype=np.float32)
    v[0], v[1] = cos, math.sqrt(1 - cos * cos)
    return v


def test_lead_check_breaks_ties_only_inside_the_band() -> None:
    base = np.zeros(384, dtype=np.float32)
    base[0] = 1.0
    first = _doc("a", "House passes $1.9 trillion relief bill", "The House passed the $1.9 trillion bill.")
    agreeing = _doc(
        "b", "House approves $1.9 trillion relief bill", "Lawmakers passed the bill on Wednesday."
    )
    clashing = _doc("c", "House passes $900 billion relief bill", "The House passed the $900 billion bill.")
    far = _doc("d", "House passes $1.9 trillion relief bill", "The House passed the $1.9 trillion bill.")
    for weight, joins in ((0.3, True), (0.0, False)):
        c = StoryClusterer(embedding_only(lead_weight=weight, merge_fresh=False))
        out = c.add([first, agreeing], np.stack([base, _near(0.55)]))  # 0.55: inside the band below 0.6
        assert (out[1].story_id == out[0].story_id) is joins
    c = StoryClusterer(embedding_only(merge_fresh=False))
    out = c.add([first, clashing, far], np.stack([base, _near(0.55), _near(0.45)]))
    assert out[1].story_id != out[0].story_id  # other numbers: not lifted
    assert out[2].story_id != out[0].story_id  # below the band: the lead is not read at all
