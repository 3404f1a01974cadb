from __future__ import annotations

from counterpoint.slant.frames import FRAMES, frame_scores, present_frames
from counterpoint.slant.lexicon import WORD_RE, load_lexicon


def _scores(text: str) -> dict[str, float]:
    return frame_scores(text, len(WORD_RE.findall(text)), load_lexicon())


def test_frames_economic_story_is_framed_economically() -> None:
    text = (
        "The new tariffs raised prices for consumers, and exporters warned of lost jobs. "
        "Investors sold stocks as the trade deficit widened and growth slowed. " * 3
    )
    scores = _scores(text)
    assert max(scores, key=lambda f: scores[f]) == "Economic"
    assert "Economic" in present_frames(scores)
    assert set(scores) <= set(FRAMES)


def test_frames_crime_story_gets_crime_frame_not_health() -> None:
    text = "Police arrested two men after the robbery. Prosecutors charged them with theft and fraud. " * 2
    scores = _scores(text)
    assert scores["Crime_and_punishment"] > scores.get("Health_and_safety", 0.0)


def test_frames_short_text_scores_stay_moderate() -> None:
    scores = _scores("Tariffs rose.")
    assert all(v < 0.6 for v in scores.values())


def test_frames_present_frames_respects_threshold() -> None:
    assert present_frames({"Economic": 0.8, "Political": 0.2}, 0.5) == ["Economic"]
