"""Brief sentence compression: deletions only, outside quotes, grammatical, every word from the span."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from counterpoint.claims.compress import compress


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.casefold()))


def test_compress_drops_short_parentheticals_and_dash_asides() -> None:
    assert (
        compress("Sen. Mitch McConnell (R-Ky.) opposed the bill.") == "Sen. Mitch McConnell opposed the bill."
    )
    text = "Late Monday, CNN – a network with a long history of false reports – published a story."
    assert compress(text) == "Late Monday, CNN published a story."
    # a single dash is a clause, not an aside: kept
    single = "It was not the win that surprised them — it was the margin."
    assert compress(single) == single


def test_compress_drops_evaluative_modifiers_and_reagrees_the_article() -> None:
    assert compress("The court dealt a stunning blow to the law.") == "The court dealt a blow to the law."
    assert compress("He made an incredibly huge effort.") == "He made an effort."
    assert (
        compress("She gave a shocking, unprecedented speech.") == "She gave a shocking, unprecedented speech."
    )
    # after a linking verb or in a coordination the modifier is the predicate: kept
    kept = "The result was huge and the loss was devastating for the party."
    assert compress(kept) == kept
    assert compress("They called it bold and brutal policy.") == "They called it bold and brutal policy."


def test_compress_keeps_classifying_adjectives_and_quotes() -> None:
    # "illegal", "former", "free" classify: the phrase would change meaning without them
    text = "The former governor said illegal immigration and free speech were the issues."
    assert compress(text) == text
    quoted = "Trump called it “a truly shameful bill” on Monday."
    assert compress(quoted) == quoted


def test_compress_only_deletes() -> None:
    text = "Rescuers on Monday freed three boys (aged 11 to 16) in a desperate, risky rescue operation."
    out = compress(text)
    assert _words(out) <= _words(text)
    assert len(out) < len(text)


_VOCAB = [
    "the",
    "a",
    "an",
    "council",
    "voted",
    "huge",
    "stunning",
    "very",
    "and",
    "was",
    "(R-Ky.)",
    "—",
    "“a",
    "truly",
    "shameful",
    "bill”",
    "on",
    "Monday",
    "incredibly",
    "effort",
    ",",
    "plan",
]


@given(st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=30))
def test_compress_never_adds_a_word_nor_touches_a_quote(words: list[str]) -> None:
    text = " ".join(words) + "."
    out = compress(text)
    assert _words(out) <= _words(text) | {"a", "an"}
    for quoted in re.findall(r"“[^”]*”", text):
        assert quoted in out or quoted not in text
    assert compress(out) == compress(compress(out))
