from __future__ import annotations

from counterpoint.model import Quote, Span
from counterpoint.slant.lexicon import QuoteMap, load_lexicon
from counterpoint.slant.phrases import clause_spans, grow, phrase_spans, shape_spans
from counterpoint.slant.techniques import find_spans


def test_phrases_grow_covers_the_noun_and_intensifier_but_stops_at_the_clause() -> None:
    text = "It was a truly disgraceful power grab, and the senator said so."
    s = text.index("disgraceful")
    a, b = grow(text, s, s + len("disgraceful"))
    assert text[a:b] == "truly disgraceful power grab"


def test_phrases_grow_stops_at_function_words() -> None:
    text = "The thugs who ran the city left."
    s = text.index("thugs")
    a, b = grow(text, s, s + 5)
    assert text[a:b] == "The thugs"  # the determiner joins; "who ran the city" is a new clause


def test_phrases_clause_cues_mark_doubt_and_causal_oversimplification() -> None:
    text = "The so-called experts were wrong again. Prices rose only because of the new tax; nothing else."
    found = {(t, text[s:e]) for s, e, t, _w in clause_spans(text)}
    assert ("Doubt", "so-called experts were wrong again") in found
    assert ("Causal_Oversimplification", "only because of the new tax") in found


def test_phrases_shapes_find_rhetorical_questions_and_scare_quotes() -> None:
    text = 'Who gave them the right to do this? The "reform" passed.'
    got = {(t, text[s:e]) for s, e, t, _w in shape_spans(text)}
    assert ("Doubt", "Who gave them the right to do this?") in got
    assert ("Loaded_Language", "reform") in got


def test_phrases_merged_span_keeps_the_specific_technique_and_the_speaker() -> None:
    text = 'Ann said "the communist regime is a disgraceful menace" today.'
    start = text.index('"') + 1
    end = text.index('"', start)
    q = Quote(Span("a", start, end, text[start:end]), speaker="Ann")
    qmap = QuoteMap.build([q])
    found = find_spans(text, "a", qmap, load_lexicon())
    spans = phrase_spans(text, "a", found, qmap)
    regime = next(s for s in spans if "communist regime" in s.span.text)
    assert regime.technique == "Name_Calling,Labeling"
    assert regime.speaker == "Ann"
    assert all(text[s.span.start : s.span.end] == s.span.text for s in spans)
