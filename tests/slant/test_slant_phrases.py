from __future__ import annotations

from counterpoint.model import Quote, Span
from counterpoint.slant.lexicon import QuoteMap, load_lexicon
from counterpoint.slant.model import SlantSpan
from counterpoint.slant.phrases import clause_spans, grow, phrase_spans, shape_spans, to_sentences
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


def _spans(text: str, qmap: QuoteMap | None = None) -> tuple:  # type: ignore[type-arg]
    qmap = qmap or QuoteMap.build(())
    return phrase_spans(text, "a", find_spans(text, "a", qmap, load_lexicon()), qmap)


def test_phrases_a_sentence_with_two_spans_becomes_one_span() -> None:
    text = "The disgraceful thugs, everyone agrees, staged a shameful power grab. The council met in a hall."
    spans = _spans(text)
    first = (0, text.index(".") + 1)  # sentences as the nlp stage gives them, full stop included
    n = sum(s.span.end <= first[1] for s in spans)
    assert n == 2
    out = to_sentences(text, "a", spans, [first, (first[1] + 1, len(text))], QuoteMap.build(()))
    whole = out[0]
    assert (whole.span.start, whole.span.end) == (0, first[1] - 1)  # annotators leave the stop out
    assert whole.span.text == text[: first[1] - 1]
    assert whole.span.article_id == "a"
    assert whole.technique == "Name_Calling,Labeling"  # the first fragment's, more specific than plain
    assert whole.speaker is None
    assert whole.why.startswith("2 persuasive phrases in one sentence")
    # a sentence with fewer spans than the threshold keeps its fragments; 0 turns the step off
    assert out[1:] == spans[n:]
    assert to_sentences(text, "a", spans, [first], QuoteMap.build(()), min_spans=0) == tuple(spans)
    empty = QuoteMap.build(())
    found = find_spans(text, "a", empty, load_lexicon())
    assert phrase_spans(text, "a", found, empty, [first]) == out  # the stage's call


def test_phrases_sentence_span_keeps_the_technique_and_stops_at_a_line_break() -> None:
    text = "a disgraceful power grab\nThe vile mob met on Tuesday, and the so-called experts were wrong."
    spans = _spans(text)
    assert len(spans) == 3
    out = to_sentences(text, "a", spans, [(0, len(text))], QuoteMap.build(()))
    # the first line holds one span and stays; the second holds two and becomes one, labelled
    # with the most specific technique (Doubt before plain Loaded_Language)
    assert out[0] == spans[0]
    assert len(out) == 2
    assert out[1].span.text == text[text.index("The") : -1]
    assert out[1].technique == "Doubt"


def test_phrases_sentence_span_stays_in_one_voice() -> None:
    text = 'The shameful thugs said "this is a disgraceful sham, a vile and corrupt lie" and the vile mob ran'
    start = text.index('"') + 1
    end = text.index('"', start)
    qmap = QuoteMap.build([Quote(Span("a", start, end, text[start:end]), speaker="Ann")])
    sentence = [(0, len(text))]
    spans = _spans(text, qmap)
    # spans in the outlet's words and in the quote: fragments kept, each with its speaker
    assert to_sentences(text, "a", spans, sentence, qmap) == spans
    own = tuple(s for s in spans if s.speaker is None)
    assert len(own) == 2  # on both sides of the quote: no stretch of the outlet's words holds both
    assert to_sentences(text, "a", own, sentence, qmap) == own
    quoted = tuple(s for s in spans if s.speaker == "Ann")
    assert len(quoted) == 2
    (one,) = to_sentences(text, "a", quoted, sentence, qmap)
    assert one.speaker == "Ann"
    assert one.span.text == text[start:end]
    assert one.span.text == "this is a disgraceful sham, a vile and corrupt lie"


def test_phrases_sentence_span_does_not_overlap_a_span_running_into_it() -> None:
    text = "one two three four five six seven eight nine ten"

    def sp(a: int, b: int, tech: str = "Loaded_Language") -> SlantSpan:
        return SlantSpan(Span("a", a, b, text[a:b]), tech, "w")

    spans = (sp(0, 13), sp(18, 23), sp(28, 33, "Doubt"))  # the first runs past the sentence start
    out = to_sentences(text, "a", spans, [(8, 33), (34, len(text))], QuoteMap.build(()))
    assert out[0] == spans[0]
    assert (out[1].span.start, out[1].span.end) == (13, 33)
    assert out[1].technique == "Doubt"
    assert len(out) == 2
