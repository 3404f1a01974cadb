"""The brief builder on hand-made candidates: cleaning, attribution, corroboration, story scope."""

from __future__ import annotations

import numpy as np

from counterpoint.claims.brief import (
    attribute,
    attributed,
    clean_span,
    loaded_words,
    stands_alone,
    story_brief,
    subjectivity_rate,
    told_as_view,
    view_words,
)
from counterpoint.claims.story import candidates, compare_scope
from counterpoint.model import Mention, Span
from counterpoint.model.claim import ArticleFacts, Claim, ClaimCandidate, ClaimText, ConflictLink


def _cand(
    aid: str, text: str, start: int = 0, loaded: float = 0.0, speaker: str | None = None
) -> ClaimCandidate:
    span = Span(aid, start, start + len(text), text)
    return ClaimCandidate(span, 0.8, "event", loaded, speaker, ClaimText(text))


def test_brief_clean_span_drops_bullets_and_datelines_and_refuses_truncation() -> None:
    text = "- Canada and China have agreed to lower tariffs on canola."
    s = clean_span(Span("a", 10, 10 + len(text), text))
    assert s is not None
    assert s.text == "Canada and China have agreed to lower tariffs on canola."
    assert (s.start, s.end) == (12, 10 + len(text))
    wire = clean_span(Span("a", 0, 50, "BEIJING (Reuters) - Carney met Xi Jinping on Friday."))
    assert wire is not None
    assert wire.text == "Carney met Xi Jinping on Friday."
    assert clean_span(Span("a", 0, 40, "Carney met Xi Jinping and discussed the...")) is None
    assert clean_span(Span("a", 0, 30, "Will the tariffs be lifted soon?")) is None
    seoul = clean_span(Span("a", 0, 60, "SEOUL, South Korea — Kim Jong-un missed the event on Monday."))
    assert seoul is not None
    assert seoul.text == "Kim Jong-un missed the event on Monday."
    # a sentence that starts inside a quote opened by the sentence before does not read on its own
    assert clean_span(Span("a", 0, 50, "we have lost a cherished colleague,” said the judge.")) is None
    assert clean_span(Span("a", 0, 50, "“We have lost a colleague,” said the judge.")) is not None
    glued = clean_span(Span("a", 0, 60, "A Pivot East\nCarney arrived in Beijing on Wednesday."))
    assert glued is not None
    assert glued.text == "Carney arrived in Beijing on Wednesday."
    assert glued.start == 13


def test_brief_attribute_names_outlets_and_keeps_proper_nouns() -> None:
    assert (
        attribute("The visit marks a shift.", ["Newsinc24"])
        == "According to Newsinc24, the visit marks a shift."
    )
    assert attribute("Canada cut tariffs.", ["A", "B"]) == "According to A and B, Canada cut tariffs."
    # no outlet known: a plain fact is "reportedly" one report's; a view is that report's, in words
    assert attribute("Canada cut tariffs.", [None], view=False) == "Reportedly, Canada cut tariffs."
    assert attribute("The visit marks a shift.", [None], view=False) == "Reportedly, the visit marks a shift."
    assert (
        attribute("The visit is a shameful shift.", [None])
        == "According to one report, the visit is a shameful shift."
    )
    assert (
        attribute("Canada cut tariffs.", ["Newsinc24"], view=False)
        == "According to Newsinc24, Canada cut tariffs."
    )
    # a capital that only starts the sentence goes when the story writes the word in lower case
    assert (
        attribute("Cave divers resumed.", [None], view=False, common={"cave"})
        == "Reportedly, cave divers resumed."
    )
    assert (
        attribute("Canada cut tariffs.", [None], view=False, common={"cave"})
        == "Reportedly, Canada cut tariffs."
    )
    # a month or a weekday keeps its capital ("may" would read as a modal, a view)
    assert attribute("May 1 is a holiday in Amsel.", [None], view=False, name=False) == (
        "Reportedly, May 1 is a holiday in Amsel."
    )
    assert attribute("Monday's vote closed the port.", [None], view=False, common={"monday's"}) == (
        "Reportedly, Monday's vote closed the port."
    )
    already = "According to officials, the talks went well."
    assert attribute(already, ["X"]) == already


def _setup() -> tuple[list[ClaimCandidate], list[ArticleFacts], dict[int, Claim]]:
    a = ArticleFacts("a", "", outlet="Harbour Times")
    b = ArticleFacts("b", "", outlet="Northern Ledger")
    c = ArticleFacts("c", "", outlet="Other Story Daily")
    cands = [
        _cand(
            "a", "Prime Minister Mark Carney met President Xi Jinping in Beijing on Friday for trade talks."
        ),
        _cand("b", "Mark Carney met Xi Jinping in Beijing on Friday to discuss trade and canola tariffs.", 0),
        _cand(
            "a", "The shameful capitulation to Beijing betrays every Canadian farmer and worker.", 200, 0.4
        ),
        _cand("b", "Officials said a formal agreement on electric vehicle tariffs remains elusive.", 300),
        _cand("c", "Mark Carney met Xi Jinping in Beijing on Friday, a storyline background report.", 0),
    ]
    owner = [a, b, a, b, c]
    evidence = [cands[0].span, cands[1].span, cands[4].span]
    met = Claim("m", "s1", cands[0].span.text, "corroborated", "event", evidence, ["Harbour Times", "B"], 3)
    loaded = Claim(
        "l", "s1", cands[2].span.text, "single_source", "statement", [cands[2].span], ["Harbour Times"], 1
    )
    single = Claim(
        "e", "s1", cands[3].span.text, "single_source", "event", [cands[3].span], ["Northern Ledger"], 1
    )
    return cands, owner, {0: met, 1: met, 2: loaded, 3: single, 4: met}


def test_brief_states_corroborated_facts_and_attributes_the_rest() -> None:
    cands, owner, claim_of = _setup()
    brief = story_brief("s1", [0, 1, 2, 3], cands, owner, claim_of, words=200)
    texts = [b.sentence for b in brief]
    # the corroborated meeting opens the brief, stated as fact, told once
    assert texts[0] in (cands[0].span.text, cands[1].span.text)
    assert sum("met" in t and "Xi Jinping" in t for t in texts) == 1
    # single-source statements are attributed in words; loaded wording is never stated as fact
    assert "According to Northern Ledger, Officials said a formal agreement" in " ".join(texts)
    for t in texts:
        if "shameful" in t:
            assert t.startswith("According to Harbour Times, ")
    # citations stay inside the story even though the claim has evidence in another story
    assert all(c.article_id in {"a", "b"} for b in brief for c in b.citations)
    assert len(texts) == len(set(texts))


def test_brief_states_a_conflict_both_ways_once() -> None:
    cands, owner, claim_of = _setup()
    link = ConflictLink(0, 3, "different figures", "numbers")
    brief = story_brief("s1", [0, 1, 2, 3], cands, owner, claim_of, [(0, 3, link), (0, 3, link)], words=10)
    conflicts = [b for b in brief if ", while " in b.sentence]
    assert len(conflicts) <= 1
    if conflicts:
        assert conflicts[0].sentence.startswith("Harbour Times reports “")
        assert "Northern Ledger reports “" in conflicts[0].sentence


def test_brief_headline_is_never_an_outlet_name() -> None:
    art = ArticleFacts("a", "", outlet=None, label="002_f477f016607da686.txt")
    assert art.name == "unknown outlet (002_f477f016607da686.txt)"
    assert ArticleFacts("a", "", outlet="CNN", label="x.txt").name == "CNN"


def test_brief_prefers_the_plainer_of_two_equally_central_sentences() -> None:
    """Same facts, same position, neither marked loaded by the slant stage: the one with a lexicon
    match ("illegals", a partisan word choice) loses to the plain one ("migrants")."""
    a = ArticleFacts("a", "", outlet="Harbour Times")
    b = ArticleFacts("b", "", outlet="Northern Ledger")
    plain = "Border agents detained forty migrants near the port of Amsel on Monday night."
    loaded = "Border agents detained forty illegals near the port of Amsel on Monday night."
    cands = [_cand("a", loaded), _cand("b", plain)]
    brief = story_brief("s1", [0, 1], cands, [a, b], {}, words=5)
    assert brief[0].sentence.endswith(plain)
    # and the other way round, so the order of the articles does not decide
    cands = [_cand("a", plain), _cand("b", loaded)]
    brief = story_brief("s1", [0, 1], cands, [a, b], {}, words=5)
    assert brief[0].sentence.endswith(plain)


def test_brief_compresses_and_still_cites_the_whole_sentence() -> None:
    """A corroborated sentence whose only loaded word is an evaluative modifier is stated plainly,
    without it; its citation is still the whole sentence, every remaining word in it."""
    a = ArticleFacts("a", "", outlet="Harbour Times")
    b = ArticleFacts("b", "", outlet="Northern Ledger")
    loaded = "The harbour council approved a stunning plan to dredge the port of Amsel on Monday."
    other = "On Monday the harbour council of Amsel approved the plan to dredge the port."
    # the other outlet's telling is a quote of an official: it corroborates, the plain one opens
    cands = [_cand("a", loaded, 0, loaded=0.1), _cand("b", other, 0, speaker="a council official")]
    brief = story_brief("s1", [0, 1], cands, [a, b], {}, words=5)
    first = brief[0]
    assert first.sentence == "The harbour council approved a plan to dredge the port of Amsel on Monday."
    assert first.citations[0].text == loaded
    assert {c.article_id for c in first.citations} == {"a", "b"}
    words = set(first.sentence.casefold().rstrip(".").split())
    assert words <= set(loaded.casefold().rstrip(".").split())


def test_brief_conflict_between_unknown_outlets_names_no_file() -> None:
    a = ArticleFacts("a", "", outlet=None, label="s001_a0.json")
    b = ArticleFacts("b", "", outlet=None, label="s001_a1.json")
    cands = [
        _cand("a", "The council approved the harbour plan by seven votes to two on Monday."),
        _cand("b", "The council approved the harbour plan by six votes to three on Monday."),
    ]
    link = ConflictLink(0, 1, "different figures", "numbers")
    brief = story_brief("s1", [0, 1], cands, [a, b], {}, [(0, 1, link)], words=5)
    said = [b.sentence for b in brief if ", while " in b.sentence]
    assert said == [f"One report says “{cands[0].span.text}”, while another says “{cands[1].span.text}”"]
    assert all(attributed(s.sentence) for s in brief)
    assert "json" not in " ".join(s.sentence for s in brief)


def test_brief_prefers_the_less_subjective_of_two_equally_central_sentences() -> None:
    a = ArticleFacts("a", "", outlet="Harbour Times")
    b = ArticleFacts("b", "", outlet="Northern Ledger")
    plain_text = "The harbour council voted on Monday to close the port of Amsel for repairs."
    subjective = "The harbour council voted on Monday to close the beloved port of Amsel for repairs."
    assert subjectivity_rate(subjective) > subjectivity_rate(plain_text) == 0.0
    for first, second in ((subjective, plain_text), (plain_text, subjective)):
        brief = story_brief("s1", [0, 1], [_cand("a", first), _cand("b", second)], [a, b], {}, words=5)
        assert brief[0].sentence.endswith(plain_text)


def test_brief_unknown_outlet_fact_is_reportedly_and_a_view_is_one_reports() -> None:
    a = ArticleFacts("a", "", outlet=None, label="a.txt")
    b = ArticleFacts("b", "", outlet=None, label="b.txt")
    fact = _cand("a", "The harbour council voted on Monday to close the port of Amsel for repairs.")
    view = ClaimCandidate(
        Span("b", 0, 71, "The real motive behind the closure appears to be the mayor's reelection."),
        0.8,
        "statement",
        0.0,
        None,
        ClaimText("The real motive behind the closure appears to be the mayor's reelection."),
    )
    brief = story_brief("s1", [0, 1], [fact, view], [a, b], {}, words=200)
    said = {b.citations[0].article_id: b.sentence for b in brief}
    assert (
        said["a"] == "Reportedly, the harbour council voted on Monday to close the port of Amsel for repairs."
    )
    assert said["b"].startswith("According to one report, the real motive")


def test_brief_hedged_or_evaluative_event_is_a_view_not_reportedly_so() -> None:
    """An event-kind sentence with no loaded word but a hedge, an interpretation or a judgement is
    its writer's view: "According to one report", never "Reportedly" (which states a plain fact)."""
    a = ArticleFacts("a", "", outlet=None, label="a.txt")
    for text in (
        "The harbour council's vote to close the port appears purely political, officials aside.",
        "The harbour council's closure of the port of Amsel on Monday signals a shift in policy.",
        "The ferry operator will likely sell its fleet after the port of Amsel closed on Monday.",
        "The harbour council should have closed the port of Amsel before the storm on Monday.",
    ):
        brief = story_brief("s1", [0], [_cand("a", text)], [a], {}, words=200)
        assert len(brief) == 1
        assert brief[0].sentence.startswith("According to one report, "), brief[0].sentence
        assert told_as_view(brief[0].sentence)
    plain_text = "The harbour council closed the port of Amsel on Monday after the storm."
    brief = story_brief("s1", [0], [_cand("a", plain_text)], [a], {}, words=200)
    assert brief[0].sentence.startswith("Reportedly, ")
    assert attributed(brief[0].sentence)
    assert not told_as_view(brief[0].sentence)


def test_brief_corroborated_view_is_still_told_in_its_outlets_name() -> None:
    """Two outlets sharing a view do not make it a fact: it is not stated bare."""
    a = ArticleFacts("a", "", outlet="Harbour Times")
    b = ArticleFacts("b", "", outlet="Northern Ledger")
    first = "The closure of the port of Amsel appears to mark the end of the ferry trade on the coast."
    second = "The closure of the port of Amsel seems to mark the end of the ferry trade on the coast."
    brief = story_brief("s1", [0, 1], [_cand("a", first), _cand("b", second)], [a, b], {}, words=5)
    assert brief[0].sentence.startswith(("According to Harbour Times, ", "According to Northern Ledger, "))
    assert len({c.article_id for c in brief[0].citations}) == 2
    # the same fact told plainly by both is stated as fact
    plain_text = "The harbour council closed the port of Amsel to ferries on Monday after the storm."
    brief = story_brief(
        "s1", [0, 1], [_cand("a", plain_text), _cand("b", plain_text, 10)], [a, b], {}, words=5
    )
    assert brief[0].sentence == plain_text


def test_brief_view_words_read_the_outlets_own_words_only() -> None:
    assert view_words("The mayor called the plan “probably doomed” on Monday.") == []
    assert view_words("The plan is probably doomed, the mayor’s critics aside.") == ["probably"]
    assert view_words("The council closed the port on Monday.") == []


def test_brief_loaded_words_are_the_outlets_scored_loaded_wording_only() -> None:
    assert "communist regime" in loaded_words("The communist regime in Zorland jailed three reporters.")
    assert "shameful" in loaded_words("The shameful deal betrays every farmer in Amsel.")
    # inside quotes the words are the speaker's (or a title's): the sentence reports them
    assert loaded_words("The council called the plan “a shameful betrayal” on Monday.") == []
    # weak negative words the slant stage shows but does not score are news, not loaded wording
    assert loaded_words("Protesters delayed the vote on the harbour closure by two hours.") == []


def _with_mentions(aid: str, text: str, *names: str) -> ArticleFacts:
    mentions = tuple(Mention(Span(aid, text.index(n), text.index(n) + len(n), n), "GPE", n) for n in names)
    return ArticleFacts(aid, text, outlet=None, label=f"{aid}.txt", mentions=mentions)


def test_brief_plain_single_source_fact_with_a_weak_negative_word_is_reportedly_so() -> None:
    text = "Protesters delayed the vote on the harbour closure in Amsel by two hours on Monday."
    a = _with_mentions("a", text, "Amsel")
    # the slant stage marked "delayed" (a weak negative word) in the article: not a view for the brief
    brief = story_brief("s1", [0], [_cand("a", text, loaded=0.2)], [a], {}, words=200)
    assert brief[0].sentence == f"Reportedly, p{text[1:]}"


def test_brief_first_word_keeps_its_capital_only_when_it_names_someone() -> None:
    """ "Reportedly, …" before a sentence: its first word is lowered unless the article's named-entity
    mentions say it is (or is a title right before) a name."""
    for text, names, said in (
        ("Amsel closed its harbour to ferries on Monday after the storm.", ("Amsel",), "Amsel closed"),
        ("Mayor Ellis closed the harbour to ferries on Monday after the storm.", ("Ellis",), "Mayor Ellis"),
        ("Thousands left the harbour town of Amsel on Monday after the storm.", ("Amsel",), "thousands left"),
        ("The town of Amsel closed its harbour on Monday after the storm.", ("Amsel",), "the town"),
    ):
        brief = story_brief("s1", [0], [_cand("a", text)], [_with_mentions("a", text, *names)], {}, words=200)
        assert brief[0].sentence.startswith(f"Reportedly, {said} "), brief[0].sentence


def test_brief_opens_with_the_sentence_that_tells_more_of_what_the_sources_share() -> None:
    """Two sentences whose words other outlets all use: the one carrying more of the shared story
    opens the brief (coverage), whichever article it is in."""
    long = (
        "Harbour council members voted to close the port of Amsel to ferries and fishing boats for repairs."
    )
    short = "Harbour council members voted on the port of Amsel."
    third = (
        "Ferries and fishing boats leave Amsel as the harbour council votes to close the port for repairs."
    )
    other = "A council official said the port of Amsel would reopen next spring after its repairs were done."
    for first, second in ((long, short), (short, long)):
        arts = [
            ArticleFacts("a", first, outlet="Harbour Times"),
            ArticleFacts("b", second, outlet="Northern Ledger"),
            ArticleFacts("c", f"{third} {other}", outlet="Coast Daily"),
        ]
        cands = [_cand("a", first), _cand("b", second), _cand("c", other, len(third) + 1)]
        brief = story_brief("s1", [0, 1, 2], cands, arts, {}, words=5)
        assert brief[0].sentence.endswith(long[1:]), brief[0].sentence


def test_brief_states_no_conflict_between_two_wordings_of_one_fact_or_two_periods() -> None:
    a = ArticleFacts("a", "", outlet="Harbour Times")
    b = ArticleFacts("b", "", outlet="Northern Ledger")

    def said(first: str, second: str, link: ConflictLink) -> list[str]:
        cands = [_cand("a", first), _cand("b", second)]
        brief = story_brief("s1", [0, 1], cands, [a, b], {}, [(0, 1, link)], words=200)
        return [s.sentence for s in brief if ", while " in s.sentence]

    why = "the first asserts what the second negates or calls unachieved (“agreement”)"
    # one asserts, the other negates: a disagreement, stated both ways
    assert said(
        "The harbour council and the ferry union reached an agreement on night sailings on Monday.",
        "Talks between the harbour council and the ferry union went on, but an agreement remains elusive.",
        ConflictLink(0, 1, why, "polarity"),
    )
    # both negate (the rule's window caught a different word): two wordings of one finding
    why = "the first asserts what the second negates or calls unachieved (“inspectors”)"
    assert not said(
        "The inquiry did not find that the inspectors or anyone else ignored the cracks in the pier.",
        "The inquiry found no evidence that inspectors at the pier ignored the cracks before the storm.",
        ConflictLink(0, 1, why, "polarity"),
    )
    # different figures of different months are two periods, not a disagreement
    why = "different figures for the same quantity: “212 ferries” vs “190 ferries”"
    assert not said(
        "The port of Amsel handled 212 ferries in July, the harbour council said on Thursday.",
        "The port of Amsel handled 190 ferries in June, according to harbour council figures.",
        ConflictLink(0, 1, why, "numbers"),
    )
    assert said(
        "The port of Amsel handled 212 ferries in July, the harbour council said on Thursday.",
        "The port of Amsel handled 190 ferries in July, according to harbour council figures.",
        ConflictLink(0, 1, why, "numbers"),
    )


def test_brief_stands_alone_refuses_context_readers_and_the_writers_voice() -> None:
    assert stands_alone("Amsel closed its harbour to ferries on Monday after the storm.")
    assert stands_alone("The mayor said “we will reopen it on Friday” after the storm.")  # a quote
    for text in (
        "He said it did not matter much to anyone in the end.",
        "But the council voted again on Monday.",
        "Watch the full interview with the mayor on our website.",
        "Imagine if the ferry ran twice a day all winter.",
        "Last month, I joined about 500 other cyclists on a ride along the coast.",
        "We rode past cornfields and through small towns all week.",
    ):
        assert not stands_alone(text), text


def _lead(aid: str, outlet: str, sentences: list[str]) -> ArticleFacts:
    text = " ".join(sentences)
    spans, at = [], 0
    for s in sentences:
        spans.append((at, at + len(s)))
        at += len(s) + 1
    return ArticleFacts(aid, text, outlet=outlet, sentences=tuple(spans))


def _no_embedding(spans: object) -> np.ndarray:
    raise AssertionError("a scope without candidates embeds nothing")


def test_brief_story_without_a_checkworthy_sentence_gets_its_leads_in_its_outlets_words() -> None:
    """A feature or opinion story has no claim candidate; its brief is its articles' leads, each
    sentence cited and told in its outlet's name, questions and context-bound lines left out."""
    a = _lead("a", "Tide", [
        "Would they prefer cookies or a sandwich for the visitor this year?",
        "Children across the country face a big decision on the night before the holiday.",
        "He said it did not matter much to anyone in the end.",
    ])  # fmt: skip
    b = _lead("b", "Harbour Post", [
        "Many families leave out cookies and milk, while others prefer carrots for the reindeer.",
        "Watch the full interview with the family on our website.",
    ])  # fmt: skip
    assert not candidates([a, b])[0]  # nothing check-worthy, not even weak candidates
    result = compare_scope("s1", [a, b], _no_embedding)
    assert result.claims == []
    brief = result.briefs["s1"]
    assert brief
    facts = {"a": a, "b": b}
    shown = [s.sentence for s in brief]
    for s in brief:
        assert s.sentence.startswith(("According to Tide, ", "According to Harbour Post, "))
        for c in s.citations:
            assert facts[c.article_id].text[c.start : c.end] == c.text
    assert not any("?" in s or "He said" in s or "Watch" in s for s in shown)
    assert any("big decision" in s for s in shown)


_TIE = """
import sys
from counterpoint.claims.brief import _pool, _scores
from counterpoint.model import Span
from counterpoint.model.claim import ArticleFacts, ClaimCandidate, ClaimText

cands, owner = [], []
texts = {
    "a1": "The deal still needs approval from the Coastal Union, which is expected to vote within 51 days.",
    "a2": "The deal still needs approval from the Coastal Union, which is expected to vote within 32 days.",
    "a3": "Approval from the Coastal Union is still needed for the trade deal, officials in Marisol said.",
}
for aid, text in texts.items():
    cands.append(ClaimCandidate(Span(aid, 0, len(text), text), 0.8, "claim", 0.0, None, ClaimText(text)))
    owner.append(ArticleFacts(aid, text, outlet=aid.upper()))
scores = _scores(_pool(range(3), cands), cands, owner, {})
print(repr(scores[0]), repr(scores[1]))
"""


def test_brief_scores_do_not_depend_on_the_process_string_hashing() -> None:
    """Two wordings differing only in a figure score exactly alike in every process: summed in set
    order, their scores differed in the last bit with the process's hash seed, so the local and the
    Ray runner (different processes) chose different brief sentences."""
    import os
    import subprocess
    import sys

    seen = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _TIE], env=env, capture_output=True, text=True, check=True
        )
        first, second = out.stdout.split()
        assert first == second  # the two wordings tie exactly
        seen.add(first)
    assert len(seen) == 1
