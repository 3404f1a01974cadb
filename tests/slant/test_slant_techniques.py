from __future__ import annotations

from counterpoint.model import Quote, Span
from counterpoint.slant.lexicon import QuoteMap, load_lexicon
from counterpoint.slant.techniques import (
    classify_span,
    density_score,
    find_spans,
    opinion_markers,
    view_markers,
)

NO_QUOTES = QuoteMap.build(())


def _spans(text: str, qm: QuoteMap = NO_QUOTES) -> list[tuple[str, str, str | None]]:
    return [
        (f.slant.span.text, f.slant.technique, f.slant.speaker)
        for f in find_spans(text, "a", qm, load_lexicon())
    ]


def test_techniques_flags_name_calling_with_reason() -> None:
    text = "The communist regime in Zorland jailed three reporters."
    found = find_spans(text, "a", NO_QUOTES, load_lexicon())
    assert [(f.slant.span.text, f.slant.technique) for f in found] == [
        ("communist regime", "Name_Calling,Labeling")
    ]
    f = found[0]
    assert text[f.slant.span.start : f.slant.span.end] == f.slant.span.text
    assert f.slant.why


def test_techniques_factual_news_words_are_not_flagged() -> None:
    assert _spans("Three people were killed in the attack on Tuesday, police said.") == []


def test_techniques_vader_word_carries_its_valence_in_why() -> None:
    found = find_spans("The plan was a horrible idea.", "a", NO_QUOTES, load_lexicon())
    assert [f.slant.span.text for f in found] == ["horrible"]
    assert "VADER" in found[0].slant.why


def test_techniques_quoted_words_get_the_speaker() -> None:
    text = 'The minister said "this is a disgrace" on Monday.'
    start = text.index("this")
    qm = QuoteMap.build([Quote(Span("a", start, start + 17, text[start : start + 17]), speaker="Ana Ruiz")])
    assert _spans(text, qm) == [("disgrace", "Loaded_Language", "Ana Ruiz")]


def test_techniques_third_use_of_a_phrase_is_repetition() -> None:
    text = "The regime lied. The regime stole. The regime fell."
    assert [t for _s, t, _sp in _spans(text)] == [
        "Name_Calling,Labeling",
        "Name_Calling,Labeling",
        "Repetition",
    ]


def test_techniques_longest_match_wins() -> None:
    assert _spans("It was state-sponsored kidnapping.") == [
        ("state-sponsored kidnapping", "Loaded_Language", None)
    ]


def test_techniques_density_score_is_shrunk_for_short_texts() -> None:
    short, long = density_score(2, 20), density_score(20, 200)
    assert 0 < short < long < 1
    assert density_score(0, 1000) < 0.1


def test_techniques_classify_span_uses_lexicon_then_shape() -> None:
    lex = load_lexicon()
    assert classify_span("so-called experts", "", lex) == "Doubt"
    assert classify_span("MAKE IT NOW", "", lex) == "Slogans"
    assert classify_span("very bad", "very bad. very bad. very bad.", lex) == "Repetition"
    assert classify_span("gloomy", "", lex) == "Loaded_Language"


def _views(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], why) for s, e, why in view_markers(text)]


def test_techniques_view_markers_find_hedges_modals_interpretations_and_judgements() -> None:
    assert _views("The mayor's motive appears purely political.") == [
        ("appears", "hedged verb"),
        ("purely", "evaluative word"),
    ]
    assert _views("The ferry operator seems willing to sell.") == [("seems", "hedged verb")]
    assert _views("The strike looks set to end this week.") == [("looks set", "hedged verb")]
    assert _views("The bill is likely to fail in the senate.") == [("likely", "hedge")]
    assert _views("Lawmakers should reject the harbour bill.") == [("should", "modal")]
    assert _views("The council closed the port, signaling a shift in policy.") == [
        (", signaling", "interpretation")
    ]
    assert _views("The timing suggests a deal was near.") == [("suggests", "interpretation")]
    assert _views("The vote marks a significant turning point for Amsel.") == [
        ("marks a significant turning point", "interpretation")
    ]
    assert _views("With the new port, the tables have turned for Amsel.") == [
        ("tables have turned", "evaluative idiom")
    ]
    assert _views("The closure raises serious questions about safety.") == [
        ("raises serious questions", "interpretation")
    ]


def test_techniques_view_markers_leave_plain_reports_alone() -> None:
    for text in (
        "The minister appeared in court on Monday.",
        "The council voted seven to two to close the port in May.",
        "May Ellis was elected mayor of Amsel on Sunday.",
        "Three people were killed in the storm, police said.",
        "The ferry operator failed to pay its fees for two years.",
    ):
        assert view_markers(text) == [], text
    # a hedge or modal a named source voices is that source's: the sentence reports it
    assert view_markers("Officials said the repairs could cost five million euros.") == []
    assert view_markers("A poll shows the mayor is likely to win.") == []
    assert view_markers("The court ruled that the port must reopen by May.") == []
    # an interpretation stays the writer's even beside a source
    assert _views("The mayor resigned, officials said, signaling a shift.") == [
        (", signaling", "interpretation")
    ]
    # parts: only the given ranges are read
    text = "The port closed. It seems the mayor wanted it."
    assert view_markers(text, [(0, 16)]) == []
    assert [why for _s, _e, why in view_markers(text, [(17, len(text))])] == ["hedged verb"]


def test_techniques_opinion_markers_are_unchanged_by_view_markers() -> None:
    """The slant stage's opinion markers keep their narrow list: hedges do not count there."""
    text = "The motive appears purely political and is likely to stay so."
    assert opinion_markers(text, [(0, len(text))]) == 0
    assert opinion_markers("We should act!", [(0, 14)]) == 3
