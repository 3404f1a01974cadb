"""The frames an article puts its story in: the 14 Media Frames Corpus / SemEval-2023 Task 3 frames.

Each frame has a list of cue words (``frames.tsv``); a frame's score is its cue density per 1,000
words squashed to 0..1, and a frame counts as present when the score passes its threshold.
"""

from __future__ import annotations

import math
from collections import Counter

from counterpoint.slant.lexicon import Lexicon

FRAMES: tuple[str, ...] = (
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
)
SCALE = 10.0  # cue hits per 1,000 words at which a frame's score is 0.63
#: Present when score >= threshold (tuned on the SemEval-2023 tuning part; see benchmarks/eval_slant.py).
THRESHOLD = 0.3
MIN_REPORT = 0.05  # frames scoring below this are left out of the article's record


def frame_scores(text: str, words: int, lex: Lexicon) -> dict[str, float]:
    """Frame -> 0..1 for the frames whose cues occur in ``text`` (of ``words`` words)."""
    out = {}
    denom = max(words, 150)  # short texts: no frame gets near 1 from two cue words
    hits = Counter(k for _s, _e, k in lex.frame_matcher.finditer(text))
    for k, n in hits.items():
        score = 1.0 - math.exp(-(1000.0 * n / denom) / SCALE)
        if score >= MIN_REPORT:
            out[lex.frames[k]] = score
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def present_frames(scores: dict[str, float], threshold: float = THRESHOLD) -> list[str]:
    """The frames whose score passes ``threshold``."""
    return [f for f, s in scores.items() if s >= threshold]
