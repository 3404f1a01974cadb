from __future__ import annotations

import time

import pytest

from counterpoint.claims.checkworthy import CHECKWORTHY_THRESHOLD, KINDS, Worthiness, sentence_worthiness
from counterpoint.model import Article
from counterpoint.stages.dates import find_times
from counterpoint.stages.numbers import find_numbers

PUBLISHED = "2025-11-01"


def _judge(text: str, entities: tuple[tuple[str, str], ...] = (), *, in_quote: float = 0.0) -> Worthiness:
    """Score a sentence the way the pipeline would: numbers and times from the real stages, mentions
    given by hand as (surface, label) so the tests do not need spaCy."""
    art = Article(id="t1", source="test", text=text, published=PUBLISHED)
    mentions = []
    for surface, label in entities:
        start = text.index(surface)
        mentions.append((start, start + len(surface), label))
    return sentence_worthiness(
        text, mentions, find_numbers(art), find_times(art, [(0, len(text))]), in_quote=in_quote
    )


CLAIMS = [
    ("Police arrested 14 people in Lyon on Saturday after protesters set fire to cars.", (("Lyon", "GPE"),)),
    (
        "The United States imposed a 25 percent tariff on Canadian steel in March.",
        (("United States", "GPE"),),
    ),
    ("Ottawa signed a trade agreement with Japan on Friday.", (("Ottawa", "GPE"), ("Japan", "GPE"))),
    (
        "According to the World Health Organization, more than two million people died of it last year.",
        (("World Health Organization", "ORG"),),
    ),
]
NON_CLAIMS = [
    "What do you think?",
    "Thank you very much.",
    "I believe this is wonderful.",
    "Click here to subscribe to our newsletter.",
    "Let's hope for the best.",
]


@pytest.mark.parametrize(("text", "entities"), CLAIMS)
def test_checkworthy_factual_claims_pass_the_threshold(
    text: str, entities: tuple[tuple[str, str], ...]
) -> None:
    w = _judge(text, entities)
    assert w.score >= CHECKWORTHY_THRESHOLD, w
    assert w.kind in {"number", "event", "attributed", "policy", "causal", "statement"}


@pytest.mark.parametrize("text", NON_CLAIMS)
def test_checkworthy_questions_chrome_and_opinion_stay_below(text: str) -> None:
    w = _judge(text)
    assert w.score < CHECKWORTHY_THRESHOLD, w


def test_checkworthy_kinds_of_non_claims() -> None:
    assert _judge("What do you think?").kind == "question"
    assert _judge("I believe this is wonderful.").kind == "opinion"
    assert _judge("Thank you very much.").kind == "other"


def test_checkworthy_kind_number() -> None:
    w = _judge(
        "The United States imposed a 25 percent tariff on Canadian steel in March.",
        (("United States", "GPE"),),
    )
    assert w.kind == "number"
    assert w.reasons[0] == "money or percent"
    assert "named actor" in w.reasons


def test_checkworthy_kind_attributed_with_said() -> None:
    text = "Finance Minister Chrystia Freeland said the federal deficit would shrink next year."
    w = _judge(text, (("Chrystia Freeland", "PERSON"),))
    assert w.kind == "attributed"
    assert "reporting verb" in w.reasons


def test_checkworthy_kind_causal_with_because() -> None:
    w = _judge("Prices rose because the central bank cut interest rates.", (("central bank", "ORG"),))
    assert w.kind == "causal"
    assert "causal marker" in w.reasons
    assert w.score >= CHECKWORTHY_THRESHOLD


def test_checkworthy_question_stays_a_question_even_with_a_number() -> None:
    w = _judge("Did 40 people really die in the fire?")
    assert w.kind == "question"
    assert w.score < CHECKWORTHY_THRESHOLD


def test_checkworthy_numbers_in_words_count() -> None:
    text = "Nearly three hundred workers lost their jobs when the plant closed."
    w = _judge(text)
    assert w.kind == "number"
    assert "number" in w.reasons
    assert w.score >= CHECKWORTHY_THRESHOLD
    # the same sentence without the number the stage found scores lower: the number is evidence
    assert sentence_worthiness(text, [], [], []).score < w.score


def test_checkworthy_quoted_feeling_is_not_a_claim_but_quoted_fact_is() -> None:
    feeling = '"I am so proud of my team," she said.'
    fact = '"We arrested 40 people," police said.'
    w_feeling = _judge(feeling, in_quote=26 / len(feeling))
    w_fact = _judge(fact, in_quote=22 / len(fact))
    assert w_feeling.score < CHECKWORTHY_THRESHOLD <= w_fact.score
    assert "quoted feeling" in w_feeling.reasons
    # the feeling only counts against a sentence when it is in the speaker's own quoted words
    assert _judge(feeling, in_quote=0.0).score > w_feeling.score


def test_checkworthy_opinion_frame_lowers_the_same_fact() -> None:
    fact = "The plant closed in March after the company lost its biggest contract."
    hedged = "I think the plant will probably close because the company may lose a contract."
    assert _judge(hedged).score < _judge(fact).score


def test_checkworthy_empty_and_odd_input_do_not_crash() -> None:
    for text in ("", "   ", "?", "—", "2025", "[Applause]"):
        w = _judge(text)
        assert 0.0 <= w.score <= 1.0
        assert w.kind in KINDS
    assert _judge("").score == 0.0


def test_checkworthy_accepts_spacy_number_and_date_labels() -> None:
    # callers that pass spaCy's own DATE / MONEY entities instead of the stages' facts still get credit
    text = "The council approved the budget on Tuesday."
    plain = sentence_worthiness(text, [], [], [])
    start = text.index("Tuesday")
    labelled = sentence_worthiness(text, [(start, start + 7, "DATE")], [], [])
    assert labelled.score > plain.score
    assert "date" in labelled.reasons


def test_checkworthy_is_fast_enough_for_every_sentence() -> None:
    sentences = [t for t, _e in CLAIMS] + NON_CLAIMS
    facts = [(t, find_numbers(Article(id="t", source="t", text=t))) for t in sentences]
    sentence_worthiness("warm up the lexicon cache", [], [], [])
    n = 0
    # CPU seconds of this process, not wall time: other jobs on a shared machine do not count
    start = time.process_time()
    while n < 1000:
        for text, nums in facts:
            sentence_worthiness(text, [], nums, [])
            n += 1
    # the budget is 200 sentences/s; ask for five times that so a slow machine still passes
    assert n / max(time.process_time() - start, 1e-6) > 1000
