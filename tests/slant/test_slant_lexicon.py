from __future__ import annotations

import pytest

from counterpoint.model import Quote, Span
from counterpoint.slant.lexicon import TECHNIQUES, Matcher, QuoteMap, load_lexicon, parse_phrases


def test_lexicon_shipped_entries_use_known_techniques() -> None:
    lex = load_lexicon()
    assert len(lex.phrases) > 50
    assert {p.technique for p in lex.phrases} <= set(TECHNIQUES)
    assert lex.valence["dire"] < 0 < lex.valence["effective"]
    assert len(lex.frames) == 14
    assert set(lex.partisan_sides) == {-1, 1}


def test_lexicon_parse_phrases_rejects_unknown_technique() -> None:
    with pytest.raises(ValueError, match="unknown technique"):
        parse_phrases([["badword", "Not_A_Technique", "0"]])


def test_lexicon_matcher_matches_whole_words_and_phrases() -> None:
    m = Matcher(["regimes?", "communist (?:regime|party)|iron fist"])
    text = "The Regime's iron fist; a regimen; the communist party; regimes."
    assert sorted((s, text[s:e], k) for s, e, k in m.finditer(text)) == [
        (4, "Regime", 0),
        (13, "iron fist", 1),
        (39, "communist party", 1),
        (56, "regimes", 0),
    ]


def test_lexicon_matcher_rejects_capturing_groups() -> None:
    with pytest.raises(ValueError, match="non-capturing"):
        Matcher(["(bad|worse) idea"])


def test_lexicon_quotemap_speaker_and_outside() -> None:
    text = 'He said "we will win" and left.'
    q = Quote(Span("a", 9, 20, text[9:20]), speaker="Ann Lee")
    qm = QuoteMap.build([q])
    assert qm.speaker(12, 16) == "Ann Lee"
    assert qm.speaker(0, 2) is None
    assert qm.outside(0, len(text)) == [(0, 9), (20, len(text))]
    assert QuoteMap.build([Quote(Span("a", 9, 20, text[9:20]))]).speaker(12, 16) == "unattributed"
