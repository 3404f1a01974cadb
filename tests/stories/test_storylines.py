from __future__ import annotations

import numpy as np

from counterpoint.model.story import StorySummary
from counterpoint.stories.storylines import StorylineConfig, link_storylines, storyline_id
from counterpoint.stories.titles import date_span, loadedness, story_title, storyline_title


def vec(*values: float) -> np.ndarray:
    v = np.zeros(384, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


CANADA_CHINA = {"e:carney": 9, "e:canada": 12, "e:china": 11, "e:xi": 4}


def test_storylines_link_chapters_sharing_central_entities_across_months() -> None:
    stories = [
        StorySummary("call", 0, vec(1, 0.3), {**CANADA_CHINA, "e:li": 5}, "2025-06-05", "2025-06-06"),
        StorySummary("apec", 1, vec(1, 0.2), {**CANADA_CHINA, "e:korea": 2}, "2025-10-31", "2025-11-01"),
        StorySummary(
            "beijing", 2, vec(1, 0.25), {**CANADA_CHINA, "e:beijing": 6}, "2026-01-14", "2026-01-17"
        ),
        StorySummary("quake", 3, vec(0, 1), {"e:chile": 5, "e:usgs": 2}, "2026-01-15", "2026-01-15"),
    ]
    lines = link_storylines(stories)
    assert len(lines) == 1
    assert lines[0].story_ids == ("call", "apec", "beijing")
    assert lines[0].id == storyline_id("call")
    assert (lines[0].first, lines[0].last) == ("2025-06-05", "2026-01-17")
    assert set(lines[0].entity_ids[:4]) == {"e:carney", "e:canada", "e:china", "e:xi"}


def test_storylines_common_entities_alone_do_not_link() -> None:
    # everything mentions the US and Trump; a trade story and a storm story share nothing else
    common = {"e:us": 5, "e:trump": 5}
    stories = [
        StorySummary("trade", 0, vec(1, 0.1), {**common, "e:tariff": 6, "e:mexico": 6, "e:sheinbaum": 4}),
        StorySummary("storm", 1, vec(1, 0.2), {**common, "e:florida": 6, "e:fema": 6, "e:desantis": 4}),
        StorySummary("other", 2, vec(0, 1), {**common, "e:nato": 3}),
    ]
    assert link_storylines(stories) == []


def test_storylines_gap_limit_and_language_are_respected() -> None:
    ents = {"e:a": 5, "e:b": 5, "e:c": 2}
    stories = [
        StorySummary("old", 0, vec(1), ents, "2020-01-01", "2020-01-02"),
        StorySummary("new", 1, vec(1), ents, "2026-01-01", "2026-01-02"),
        StorySummary("fr", 2, None, ents, "2026-01-01", "2026-01-01", english=False),
    ]
    assert link_storylines(stories, StorylineConfig(max_gap_days=365)) == []
    assert len(link_storylines(stories, StorylineConfig(max_gap_days=5000))) == 1


def test_storylines_keep_the_stories_and_the_id_they_had() -> None:
    # "trade" and "storm" were linked when the corpus was smaller; the idf has moved since and would
    # no longer link them. Unlinking would move every article of one out of the other's claim
    # scope and have both compared from scratch, so they stay together under their old id.
    common = {"e:us": 5, "e:trump": 5}
    stories = [
        StorySummary("trade", 0, vec(1, 0.1), {**common, "e:tariff": 6, "e:mexico": 6}),
        StorySummary("storm", 1, vec(1, 0.2), {**common, "e:florida": 6, "e:fema": 6}),
        StorySummary("other", 2, vec(0, 1), {**common, "e:nato": 3}),
    ]
    assert link_storylines(stories) == []
    lines = link_storylines(stories, previous={"trade": "line-a", "storm": "line-a"})
    assert [(sl.id, sl.story_ids) for sl in lines] == [("line-a", ("trade", "storm"))]


def test_storylines_merged_by_a_new_link_keep_the_id_most_of_their_stories_had() -> None:
    stories = [
        StorySummary("a1", 0, vec(1, 0.3), {**CANADA_CHINA, "e:li": 5}),
        StorySummary("b1", 1, vec(1, 0.2), {**CANADA_CHINA, "e:korea": 2}),
        StorySummary("b2", 2, vec(1, 0.25), {**CANADA_CHINA, "e:beijing": 6}),
    ]
    # a1 was alone in "line-a" (a story split off, say), b1 and b2 were "line-b": one storyline
    # now, under the id two of its three stories had
    lines = link_storylines(stories, previous={"a1": "line-a", "b1": "line-b", "b2": "line-b"})
    assert [(sl.id, sl.story_ids) for sl in lines] == [("line-b", ("a1", "b1", "b2"))]
    # on a tie, the oldest story's storyline
    lines = link_storylines(stories, previous={"a1": "line-a", "b1": "line-b"})
    assert lines[0].id == "line-a"


def test_storylines_empty_and_single_story() -> None:
    assert link_storylines([]) == []
    assert link_storylines([StorySummary("s", 0, vec(1), {"e:a": 1})]) == []


def test_titles_story_title_prefers_most_central_usable_headline() -> None:
    members = [
        ("MENU", "Menu text.", 0.99),
        ("Carney arrives in Beijing for first visit in eight years", "Body.", 0.9),
        ("Canada and China talk trade", "Body.", 0.7),
    ]
    assert story_title(members) == "Carney arrives in Beijing for first visit in eight years"


def test_titles_story_title_falls_back_to_first_sentence() -> None:
    text = "Officials in the town of Amsel voted on Tuesday to keep the ferry running. More follows."
    assert (
        story_title([(None, text, 0.5)])
        == "Officials in the town of Amsel voted on Tuesday to keep the ferry running."
    )
    assert story_title([(None, "", 0.0)]) == "Untitled story"


def test_titles_storyline_title_names_shared_entities_and_term() -> None:
    title = storyline_title(
        ["Mark Carney", "China", "Canada"],
        ["Carney's visit resets China ties", "Canada and China agree to reset ties", "Trade talks"],
    )
    assert title == "Mark Carney, China and Canada: ties"
    assert storyline_title(["A"], ["Only story"]) == "Only story"


def test_titles_date_span_forms() -> None:
    assert date_span("2026-01-17", "2026-01-17") == "17 Jan 2026"
    assert date_span("2026-01-14", "2026-01-17") == "14–17 Jan 2026"
    assert date_span("2025-10-31", "2026-01-17") == "31 Oct 2025 – 17 Jan 2026"
    assert date_span("2025-06-05", "2025-10-31") == "5 Jun – 31 Oct 2025"
    assert date_span(None, None) is None
    assert date_span("2026-13-01", "2026-01-01") is None


def test_titles_story_title_prefers_the_less_loaded_of_central_headlines() -> None:
    members = [
        ("Disgraceful, shocking vote: Senate slams the door on horrible bill", "Body.", 0.92),
        ("Senate votes down the border bill", "Body.", 0.9),
    ]
    assert loadedness(members[0][0]) > loadedness(members[1][0])
    assert story_title(members) == "Senate votes down the border bill"
    # a long headline is shown whole, never cut mid-word or with an ellipsis
    long = "House passes bill to combat hate crimes against Asian Americans after a year of attacks " * 2
    assert story_title([(long.strip(), "", 1.0)]) == long.strip()


def test_titles_story_without_headline_is_titled_by_a_clause_not_an_ellipsis() -> None:
    text = (
        "Officials in the town of Amsel voted on Tuesday to keep the ferry running, after a year in "
        "which passenger numbers fell by a third and the operator threatened to stop the service. More."
    )
    title = story_title([(None, text, 0.5)])
    assert title == "Officials in the town of Amsel voted on Tuesday to keep the ferry running"
    assert "…" not in title


def test_titles_storyline_title_skips_a_dangling_adjective() -> None:
    titles = ["Carney's strategic visit to Beijing", "A strategic reset in Beijing", "Strategic talks"]
    assert storyline_title(["Mark Carney", "China"], titles) == "Mark Carney and China: Beijing"
    pairs = ["Canada and China sign trade deal", "What the trade deal means", "Trade deal signed"]
    assert storyline_title(["Canada", "China"], pairs) == "Canada and China: trade deal"
