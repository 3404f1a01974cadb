"""The sentence coder on hand-made sentences, with the real spaCy model and parser."""

from __future__ import annotations

import pytest

from counterpoint.events.article import code_article
from counterpoint.model import Article, Mention
from counterpoint.model.event import EventReport
from counterpoint.stages.events import load_parser
from counterpoint.stages.nlp import DEFAULT_MODEL, analyse_text, load_nlp


def code(text: str, published: str | None = "2026-01-16") -> list[EventReport]:
    art = Article(id="a1", source="t", text=text, published=published)
    sents, ents = analyse_text(text, load_nlp(DEFAULT_MODEL))
    mentions = tuple(Mention(art.span(s, e), lab, c) for s, e, lab, c in ents)
    return list(code_article(art, sents, mentions, (), load_parser(DEFAULT_MODEL)))


def one(text: str) -> EventReport:
    found = code(text)
    assert len(found) == 1, found
    return found[0]


def test_coder_meeting_is_consult_between_two_countries() -> None:
    ev = one("Canadian Prime Minister Mark Carney met with Chinese President Xi Jinping in Beijing.")
    assert (ev.source.name, ev.source.country, ev.source.sector) == ("Mark Carney", "CAN", "government")
    assert (ev.target.name, ev.target.country) == ("Xi Jinping", "CHN")
    assert (ev.type, ev.cameo[:2], ev.mode) == ("CONSULT", "04", "reported")
    assert ev.score > 0
    assert ev.is_act


def test_coder_evidence_and_trigger_are_spans_of_the_text() -> None:
    text = "Intro line.\n\nFrance condemned Russia over the strikes."
    [ev] = code(text)
    assert (
        text[ev.evidence.start : ev.evidence.end]
        == ev.evidence.text
        == "France condemned Russia over the strikes."
    )
    assert text[ev.trigger.start : ev.trigger.end] == "condemned"
    assert (ev.source.country, ev.target.country, ev.type, ev.score) == ("FRA", "RUS", "ACCUSE", -2.0)


def test_coder_state_media_urging_is_a_statement_by_that_state_not_an_act() -> None:
    ev = one("China Daily urged Canada to pursue strategic autonomy from Washington.")
    assert (ev.source.name, ev.source.country, ev.source.sector) == ("China Daily", "CHN", "media")
    assert ev.target.country == "CAN"
    assert (ev.type, ev.cameo[:2], ev.mode) == ("REQUEST", "02", "urged")
    assert not ev.is_act


def test_coder_tariffs_with_light_verb_are_a_sanction_on_the_object() -> None:
    ev = one("US President Donald Trump hit Canada with tariffs on steel.")
    assert (ev.source.country, ev.target.country, ev.type) == ("USA", "CAN", "SANCTION")
    assert ev.score < 0
    assert ev.trigger.text == "tariffs"


def test_coder_event_noun_takes_its_possessor_and_with_object() -> None:
    ev = one("Canadian leader Mark Carney's meeting with China's Xi Jinping marks a step forward.")
    assert (ev.source.country, ev.target.country, ev.type) == ("CAN", "CHN", "CONSULT")


def test_coder_negation_and_hypotheticals_are_flags_not_acts() -> None:
    neg = one("Japan did not attack China.")
    assert neg.negated
    assert not neg.is_act
    hyp = one("Germany could sanction Russia next month.")
    assert hyp.hypothetical
    assert not hyp.is_act
    act = one("Germany sanctioned Russia last month.")
    assert not act.negated
    assert not act.hypothetical
    assert act.is_act


def test_coder_reported_speech_and_expectations_keep_their_mode() -> None:
    assert one("Officials said India criticized Pakistan on Monday.").mode == "said"
    assert one("Mexico will meet Brazil next week.").mode == "expects"


def test_coder_passive_agent_is_the_source() -> None:
    ev = one("Ukraine was attacked by Russia overnight.")
    assert (ev.source.country, ev.target.country, ev.type) == ("RUS", "UKR", "ASSAULT")


def test_coder_skips_sentences_without_two_actors_or_an_event_word() -> None:
    assert code("Canada met its targets.") == []
    assert code("Canada and China are large countries with long coasts.") == []


@pytest.mark.parametrize(("published", "precision"), [("2026-01-16", "published"), (None, "unknown")])
def test_coder_date_falls_back_to_publication(published: str | None, precision: str) -> None:
    [ev] = code("France condemned Russia.", published)
    assert (ev.date, ev.precision) == (published, precision)
