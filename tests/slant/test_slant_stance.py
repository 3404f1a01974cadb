from __future__ import annotations

from counterpoint.model import Mention, Quote, Span
from counterpoint.slant.features import Tokens
from counterpoint.slant.lexicon import QuoteMap, load_lexicon
from counterpoint.slant.model import EntityStance
from counterpoint.slant.stance import actor_names, central_actors, partisan_lean
from counterpoint.slant.targeted import load_heads, target_stance


def _mentions(text: str, names: list[tuple[str, str, str]]) -> list[Mention]:
    """(surface, label, canonical) -> a Mention at every occurrence of the surface form."""
    out = []
    for surface, label, canonical in names:
        pos = text.find(surface)
        while pos >= 0:
            out.append(Mention(Span("a", pos, pos + len(surface), surface), label, canonical))
            pos = text.find(surface, pos + 1)
    return sorted(out, key=lambda m: m.span.start)


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch == ".":
            out.append((start, i + 1))
            start = i + 2
    return out


def _scored(
    text: str, names: list[tuple[str, str, str]], quotes: tuple[Quote, ...] = ()
) -> tuple[dict[str, EntityStance], dict[str, dict[str, float]]]:
    toks = Tokens.of(text, load_lexicon())
    qmap = QuoteMap.build(quotes)
    return target_stance(text, toks, _sentences(text), _mentions(text, names), qmap, [], load_heads().stance)


def _stance(text: str, names: list[tuple[str, str, str]], quotes: tuple[Quote, ...] = ()) -> dict[str, float]:
    return {k: v.score for k, v in _scored(text, names, quotes)[0].items()}


def test_stance_negative_words_near_an_actor_give_negative_stance() -> None:
    text = "Zorland is a horrible bully. Zorland spreads hatred and misery."
    st = _stance(text, [("Zorland", "GPE", "Zorland")])
    assert st["Zorland"] < -0.3


def test_stance_praise_gives_positive_stance() -> None:
    text = "Mayor Ode is a brilliant and admired leader. Ode won praise for her excellent work."
    st = _stance(text, [("Ode", "PERSON", "Mayor Ode")])
    assert st["Mayor Ode"] > 0.3


def test_stance_ignores_words_inside_quotes() -> None:
    text = 'Zorland met Vessia. Zorland said "Vessia is horrible and evil" on Monday.'
    start = text.index("Vessia is")
    q = Quote(Span("a", start, start + 26, text[start : start + 26]), speaker="Zorland")
    outlet, quoted = _scored(text, [("Zorland", "GPE", "Zorland"), ("Vessia", "GPE", "Vessia")], (q,))
    assert abs(outlet["Vessia"].score) < 0.15  # only "Zorland met Vessia" is the outlet's
    assert quoted["Zorland"]["Vessia"] < -0.2  # the quoted attack is the speaker's stance


def test_stance_thin_evidence_stays_near_neutral_with_low_confidence() -> None:
    text = "Mayor Ode is a brilliant leader. Ode spoke."
    one = _scored(text, [("Ode", "PERSON", "Mayor Ode")])[0]["Mayor Ode"]
    many = "Mayor Ode is brilliant. Ode is admired. Ode won praise for excellent work. Ode is wonderful."
    four = _scored(many, [("Ode", "PERSON", "Mayor Ode")])[0]["Mayor Ode"]
    assert one.sentences == 2
    assert four.sentences == 4
    assert four.score > one.score > 0
    assert one.confidence != "high"
    assert four.confidence == "high"
    s, e, v = four.evidence[0]
    assert many[s:e].startswith("Ode") or many[s:e].startswith("Mayor")
    assert v > 0.3


def test_stance_folds_capitals_into_their_country() -> None:
    text = "China and Beijing. Beijing again."
    ms = _mentions(text, [("China", "GPE", "China"), ("Beijing", "GPE", "Beijing")])
    assert set(actor_names(ms).values()) == {"China"}
    assert central_actors(ms) == ["China"]


def test_stance_partisan_lean_sides_and_smoothing() -> None:
    lex = load_lexicon()
    right = "They oppose amnesty for illegal aliens and the death tax."
    left = "Advocates for undocumented immigrants decried voter suppression."
    assert partisan_lean(right, [(0, len(right))], lex)[0] > 0.3
    assert partisan_lean(left, [(0, len(left))], lex)[0] < -0.3
    assert partisan_lean("The council met.", [(0, 16)], lex) == (0.0, 0)
