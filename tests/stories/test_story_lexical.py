from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from counterpoint.stories import StoryDoc
from counterpoint.stories.cluster import ClusterConfig, StoryClusterer
from counterpoint.stories.lexical import lead_terms, mean_cosine, trim, unit_weights

FIRED = "Anthony Scaramucci was removed from his post after ten days."
REACTION = "The communications director's exit after ten days drew reactions from Democrats."


def _doc(aid: str, title: str, text: str) -> StoryDoc:
    return StoryDoc(aid, None, None, title, text, "en", ())


def _near(cos: float) -> np.ndarray:
    """A unit vector at cosine ``cos`` to the first axis (the first article's embedding)."""
    v = np.zeros(384, dtype=np.float32)
    v[0], v[1] = cos, math.sqrt(1 - cos * cos)
    return v


def test_lead_terms_drop_stop_words_stem_and_spell_numbers_once() -> None:
    terms = lead_terms(
        "House passes $1.9 trillion relief bill", "The House passed the bill, adding 943K jobs."
    )
    assert terms.count("w:hous") == 2  # repeats kept: they are the term frequency
    assert terms.count("w:pass") == 2  # "passes" and "passed" are one stem
    assert "n:1.9e+12" in terms
    assert "n:9.43e+05" in terms  # "943K" is 943,000
    assert "w:the" not in terms
    assert "w:add" in terms
    # the headline repeated as the text's first sentence is read once
    assert (
        lead_terms("Storm hits coast", "Storm hits coast. Rain falls on the town today.").count("w:storm")
        == 1
    )


def test_unit_weights_and_mean_cosine_are_average_linkage() -> None:
    idf = {"w:a": 1.0, "w:b": 2.0, "w:c": 1.0}.__getitem__
    a = unit_weights(("w:a", "w:b"), idf)
    b = unit_weights(("w:b", "w:c"), idf)
    assert math.isclose(math.sqrt(sum(w * w for w in a.values())), 1.0)
    story = {t: a.get(t, 0.0) + b.get(t, 0.0) for t in {*a, *b}}  # a story of a and b
    q = unit_weights(("w:b",), idf)
    expected = (sum(q[t] * a.get(t, 0) for t in q) + sum(q[t] * b.get(t, 0) for t in q)) / 2
    assert math.isclose(mean_cosine(q, story, 2), expected)
    assert mean_cosine({}, story, 2) == 0.0
    assert mean_cosine(q, {}, 2) == 0.0
    assert trim({"x": 3.0, "y": 1.0, "z": 2.0}, 1) == {"x": 3.0}
    assert trim({"x": 3.0, "y": 1.0}, 1) == {"x": 3.0, "y": 1.0}  # within twice the cap: untouched


def test_shared_rare_words_join_a_report_the_embedding_alone_keeps_out() -> None:
    base = np.zeros(384, dtype=np.float32)
    base[0] = 1.0
    fired = _doc("a", "Trump fires Scaramucci as communications director", FIRED)
    other = _doc(
        "b", "Senate votes on the budget resolution", "Senators debated the budget late into the night."
    )
    reaction = _doc("c", "Democrats react to Scaramucci dismissal", REACTION)
    # at embedding cosine 0.55 the rule without the lexical channel keeps the reaction apart (< 0.6)
    alone = StoryClusterer(
        ClusterConfig(lexical_weight=0.0, threshold=0.6, lead_weight=0.0, merge_fresh=False)
    )
    out = alone.add([fired, other, reaction], np.stack([base, _near(-0.2), _near(0.55)]))
    assert out[2].story_id != out[0].story_id
    # with it, the shared rare words (Scaramucci, ten days) carry the reaction into the story
    c = StoryClusterer(ClusterConfig(lead_weight=0.0, merge_fresh=False))
    out = c.add([fired, other, reaction], np.stack([base, _near(-0.2), _near(0.55)]))
    assert out[2].story_id == out[0].story_id != out[1].story_id
    # a report of another event at the same embedding cosine, sharing no rare word, stays out
    budget = _doc("d", "House passes budget resolution", "The House approved the budget plan on Friday.")
    c = StoryClusterer(ClusterConfig(lead_weight=0.0, merge_fresh=False))
    out = c.add([fired, other, budget], np.stack([base, _near(-0.2), _near(0.55)]))
    assert out[2].story_id != out[0].story_id


def test_story_terms_survive_export_and_reload() -> None:
    base = np.zeros(384, dtype=np.float32)
    base[0] = 1.0
    fired = _doc("a", "Trump fires Scaramucci as communications director", FIRED)
    reaction = _doc("c", "Democrats react to Scaramucci dismissal", REACTION)
    config = ClusterConfig(lead_weight=0.0, merge_fresh=False)
    first = StoryClusterer(config)
    founded = first.add([fired], np.stack([base]))[0]
    states, df, ndocs = first.changes()
    assert "w:scaramucci" in states[0].terms
    assert ("t:w:scaramucci", 1) in df
    second = StoryClusterer(config)
    second.load(states, df, ndocs)
    assert second.add([reaction], np.stack([_near(0.55)]))[0].story_id == founded.story_id


def test_story_terms_and_term_frequencies_round_trip_through_the_store(tmp_path: Path) -> None:
    from counterpoint.model.story import StoryBatch
    from counterpoint.store import open_store

    base = np.zeros(384, dtype=np.float32)
    base[0] = 1.0
    fired = _doc("a", "Trump fires Scaramucci as communications director", FIRED)
    first = StoryClusterer()
    assigned = first.add([fired], np.stack([base]))
    states, df, ndocs = first.changes()
    store = open_store(str(tmp_path / "s.db"))
    store.save_story_batch(StoryBatch(assigned, [("a", base)], [], [], states, df, ndocs))
    loaded = list(store.load_story_states())
    assert loaded[0].terms == pytest.approx(states[0].terms, abs=1e-5)
    stored_df, stored_n = store.load_entity_df()
    assert ("t:w:scaramucci", 1) in stored_df
    assert stored_n == 1
