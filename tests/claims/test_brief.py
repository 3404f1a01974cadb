"""The brief builder on hand-made candidates: cleaning, attribution, corroboration, story scope."""

from __future__ import annotations

from counterpoint.claims.brief import attribute, attributed, clean_span, story_brief, subjectivity_rate
from counterpoint.model import Span
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
