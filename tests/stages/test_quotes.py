from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from counterpoint.config import Settings
from counterpoint.model import Article, Doc, Mention, Quote, RawDocument, content_id
from counterpoint.stages.quotes import MAX_QUOTE, find_quotes, quotes

# The seeds belong to their publishers: they are read from beside the checkout, never copied here.
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "seeds"

_SENT = re.compile(r"[^\n]+?(?:[.!?][”\"’]?(?=\s+[A-Z“\"‘])|$)", re.MULTILINE)


def _quotes(text: str, names: dict[str, tuple[str, str]] | None = None) -> list[Quote]:
    """Quotes of a hand-made text; ``names`` maps each surface form to its (label, canonical)."""
    art = Article(id="t", source="test", text=text)
    mentions = [
        Mention(art.span(m.start(), m.end()), label, canonical)
        for surface, (label, canonical) in (names or {}).items()
        for m in re.finditer(rf"\b{re.escape(surface)}\b", text)
    ]
    sentences = [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group().strip()]
    return find_quotes(art, sentences, mentions)


def _one(text: str, names: dict[str, tuple[str, str]] | None = None) -> Quote:
    [q] = _quotes(text, names)
    return q


XI = {"Xi": ("PERSON", "Xi Jinping"), "Xi Jinping": ("PERSON", "Xi Jinping")}


def test_quotes_curly_quote_with_name_said_after() -> None:
    q = _one("“Our two countries share common interests,” Xi said on Friday.", XI)
    assert q.span.text == "Our two countries share common interests"
    assert (q.speaker, q.cue) == ("Xi Jinping", "said")
    assert q.speaker_span is not None
    assert q.speaker_span.text == "Xi"


def test_quotes_straight_quote_with_said_name_after() -> None:
    q = _one(
        '"The harbour will reopen in May," said Lena Castell.', {"Lena Castell": ("PERSON", "Lena Castell")}
    )
    assert q.span.text == "The harbour will reopen in May"
    assert (q.speaker, q.cue) == ("Lena Castell", "said")


def test_quotes_colon_attribution_before_names_the_organisation() -> None:
    q = _one(
        "The state-run Amsel Herald said: “The council has chosen isolation.”",
        {"Amsel Herald": ("ORG", "Amsel Herald")},
    )
    assert q.span.text == "The council has chosen isolation."
    assert (q.speaker, q.cue) == ("Amsel Herald", "said")
    assert q.speaker_span is not None
    assert q.speaker_span.text == "The state-run Amsel Herald"


def test_quotes_stated_comma_before_and_participle_takes_sentence_subject() -> None:
    names = {"Castell": ("PERSON", "Lena Castell")}
    q = _one("At the hearing, Castell defended the budget, stating, “Nobody will pay twice.”", names)
    assert (q.speaker, q.cue) == ("Lena Castell", "stating")


def test_quotes_partial_quote_inside_a_sentence() -> None:
    names = {"Castell": ("PERSON", "Lena Castell")}
    q = _one("Castell described the vote as a “turning point” that could change the town.", names)
    assert q.span.text == "turning point"
    assert (q.speaker, q.cue) == ("Lena Castell", "described")


def test_quotes_according_to_after_and_before() -> None:
    names = {"Ministry of Ports": ("ORG", "Ministry of Ports")}
    after = _one("“Ships will wait,” according to the Ministry of Ports.", names)
    before = _one("According to the Ministry of Ports, “ships will wait.”", names)
    assert (after.speaker, after.cue) == ("Ministry of Ports", "according to")
    assert (before.speaker, before.cue) == ("Ministry of Ports", "according to")


def test_quotes_paper_description_resolves_to_the_newspaper_quoted_before() -> None:
    text = (
        "“Amsel must choose its own path,” the state-owned Amsel Herald newspaper wrote on Monday. "
        "“Otherwise it will pay,” the English-language paper warned."
    )
    first, second = _quotes(text, {"Amsel Herald": ("ORG", "Amsel Herald")})
    assert (first.speaker, first.cue) == ("Amsel Herald", "wrote")
    assert (second.speaker, second.cue) == ("Amsel Herald", "warned")
    assert second.speaker_span is not None
    assert second.speaker_span.text == "the English-language paper"


def test_quotes_told_reporters_and_remarked_are_cues() -> None:
    names = {"Castell": ("PERSON", "Lena Castell"), "Orban Vel": ("PERSON", "Orban Vel")}
    told = _one("“We are ready,” Castell told reporters.", names)
    remarked = _one("“The bridge is a disgrace,” Orban Vel remarked, shaking his head.", names)
    assert (told.speaker, told.cue) == ("Lena Castell", "told reporters")
    assert (remarked.speaker, remarked.cue) == ("Orban Vel", "remarked")


def test_quotes_fragment_line_names_the_speaker() -> None:
    names = {"Li": ("PERSON", "Li Qiang"), "Li Qiang": ("PERSON", "Li Qiang")}
    text = "Premier Li Qiang spoke.\n\n“in recent years, relations have faced disturbances,” Li\n\nMore text."
    q = _one(text, names)
    assert q.span.text == "in recent years, relations have faced disturbances"
    assert (q.speaker, q.cue) == ("Li Qiang", None)


def test_quotes_dash_line_keeps_the_office_as_speaker() -> None:
    names = {"Lena Castell": ("PERSON", "Lena Castell")}
    text = "“The leaders agreed to talk again.” – Office of Amsel Mayor Lena Castell\n\nNext paragraph."
    q = _one(text, names)
    assert q.span.text == "The leaders agreed to talk again."
    assert (q.speaker, q.cue) == ("Office of Amsel Mayor Lena Castell", "–")


def test_quotes_dash_line_with_a_bare_name_is_the_person() -> None:
    q = _one("“Build the bridge.” — Lena Castell", {"Lena Castell": ("PERSON", "Lena Castell")})
    assert (q.speaker, q.cue) == ("Lena Castell", "–")


def test_quotes_title_description_resolves_to_the_titled_person() -> None:
    names = {"Li Qiang": ("PERSON", "Li Qiang")}
    text = (
        "Castell called Chinese Premier Li Qiang last week. "
        "The Chinese Premier explicitly stated that China is “willing to work with Amsel.”"
    )
    q = _one(text, names)
    assert (q.speaker, q.cue) == ("Li Qiang", "stated")
    assert q.speaker_span is not None
    assert q.speaker_span.text == "The Chinese Premier"


def test_quotes_he_said_resolves_to_the_last_person_subject() -> None:
    names = {"Orban Vel": ("PERSON", "Orban Vel"), "Castell": ("PERSON", "Lena Castell")}
    text = "Orban Vel criticised the plans of Castell on Monday.\n\n“It is too expensive,” he said."
    q = _one(text, names)
    assert (q.speaker, q.cue) == ("Orban Vel", "said")
    assert q.speaker_span is not None
    assert q.speaker_span.text == "he"


def test_quotes_group_speaker_stays_as_written() -> None:
    q = _one("“Talks went well,” officials said.")
    assert (q.speaker, q.cue) == ("officials", "said")


def test_quotes_scare_quote_without_cue_has_no_speaker() -> None:
    q = _one("Emphasizing 'strategic autonomy,' Amsel aims to reduce its reliance on the north.")
    assert q.span.text == "strategic autonomy"
    assert q.speaker is None
    assert q.cue is None


def test_quotes_passive_cue_gives_no_speaker() -> None:
    q = _one("Two sailors were held in what was widely described as “hostage diplomacy.”")
    assert q.span.text == "hostage diplomacy."
    assert q.speaker is None


def test_quotes_second_partial_quote_in_a_sentence_shares_the_speaker() -> None:
    names = {"Li": ("PERSON", "Li Qiang")}
    first, second = _quotes(
        "Li characterized them as “unnecessary disturbances” that caused “difficulties”.", names
    )
    assert (first.speaker, second.speaker) == ("Li Qiang", "Li Qiang")
    assert second.span.text == "difficulties"


def test_quotes_follow_on_quote_takes_the_previous_speaker() -> None:
    names = {"Castell": ("PERSON", "Lena Castell")}
    first, second = _quotes("“We start Monday,” Castell said. “The work will take two full years.”", names)
    assert first.speaker == second.speaker == "Lena Castell"


def test_quotes_apostrophes_are_not_quotes() -> None:
    text = "Amsel’s mayor doesn’t agree with the farmers’ union or the council's plan for the ’90s."
    assert _quotes(text) == []


def test_quotes_nested_single_quote_is_part_of_the_outer_quote() -> None:
    names = {"Castell": ("PERSON", "Lena Castell")}
    q = _one("“You say you ‘accept responsibility,’” Castell said.", names)
    assert q.span.text == "You say you ‘accept responsibility,’"
    assert q.speaker == "Lena Castell"


def test_quotes_unbalanced_mark_never_spans_the_article() -> None:
    body = "The council met again. " * 50
    text = f"“This opens and never closes. {body}\n\nA new paragraph says “a short phrase” here.\n\n{body}"
    found = _quotes(text)
    assert [q.span.text for q in found] == ["a short phrase"]
    assert all(len(q.span.text) <= MAX_QUOTE for q in found)


def test_quotes_quote_reopened_in_the_next_paragraph_is_kept_in_parts() -> None:
    names = {"Castell": ("PERSON", "Lena Castell")}
    text = (
        "“The first part runs to the end of this paragraph.\n\n“And the second part ends here,” Castell said."
    )
    first, second = _quotes(text, names)
    assert first.span.text == "The first part runs to the end of this paragraph."
    assert second.span.text == "And the second part ends here"
    assert first.speaker == second.speaker == "Lena Castell"


def test_quotes_no_quotes_at_all() -> None:
    assert _quotes("The council met on Tuesday and voted seven to two in favour.") == []
    assert _quotes("") == []


def test_quotes_spans_are_exact_evidence_without_marks() -> None:
    text = '“One,” she said. He called it "two". Then ‘three’ — and “four.”'
    for q in _quotes(text):
        assert text[q.span.start : q.span.end] == q.span.text
        assert q.span.text[:1] not in "“”\"‘’'"
        assert q.span.text[-1:] not in "“”\"‘’'"


def test_quotes_long_text_stays_fast() -> None:
    para = "“We will build it,” Castell said. The council, she added, was “divided” on costs."
    text = "\n\n".join([para] * 4000)
    t0 = time.process_time()  # CPU seconds of this process: a loaded machine does not fail it
    found = _quotes(text, {"Castell": ("PERSON", "Lena Castell")})
    assert time.process_time() - t0 < 10.0
    assert len(found) == 8000


def test_quotes_stage_fills_the_layer() -> None:
    text = "“Ships will wait,” officials said."
    doc = Doc.from_raw(RawDocument(content_id(text), "t", text, "text")).with_article(
        text=text, language="en"
    )
    doc = quotes(doc.with_layers(sentences=((0, len(text)),)), Settings(workers=1))
    assert [(q.span.text, q.speaker) for q in doc.quotes] == [("Ships will wait", "officials")]


# ---------------------------------------------------------------- the seed articles

# Every direct quote of each seed, in order: a short fragment of the quote and its speaker.
SEED_QUOTES: dict[str, list[tuple[str, str | None]]] = {
    "000": [
        ("turning point", "Mark Carney"),
        ("Distance is not the way", "Mark Carney"),
        ("getting more and more toxic", "Charlie Angus"),
    ],
    "001": [("strategic autonomy", None)],
    "002": [
        ("new strategic partnership", "Mark Carney"),
        ("adapted to new global realities", "Mark Carney"),
        ("healthy and stable development", "Xi Jinping"),
    ],
    "003": [
        ("regularize communication channels", None),
        ("regularize channels of communication", None),
        ("spoke with the Premier of China", "Office of Canadian Prime Minister Mark Carney"),
        ("jointly uphold multilateralism", "Li Qiang"),
        ("hostage diplomacy", None),
        ("unnecessary disturbances", "Li Qiang"),
        ("serious difficulties", "Li Qiang"),
        ("in recent years, China-Canada relations", "Li Qiang"),
        ("jointly uphold multilateralism", "Li Qiang"),
    ],
    "004": [
        ("strategic autonomy", "China’s state media"),
        ("reflects on the root causes", "China Daily"),
        ("still chooses to subject its China policy", "China Daily"),
        ("heavy price paid for blindly following", "Global Times"),
    ],
}


def _seed_doc(prefix: str) -> Doc:
    from counterpoint.stages.clean import clean_text
    from counterpoint.stages.nlp import nlp as nlp_stage

    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (it sits beside the checkout, in ../shared)")
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    c = clean_text(raw)
    doc = Doc.from_raw(RawDocument(content_id(raw), str(path), raw, "text")).with_article(
        text=c.text, language="en"
    )
    doc = nlp_stage(doc, Settings(workers=1))
    return quotes(doc, Settings(workers=1))


@pytest.mark.parametrize("prefix", sorted(SEED_QUOTES))
def test_quotes_seed_every_direct_quote_and_speaker(prefix: str) -> None:
    doc = _seed_doc(prefix)
    got = [(q.span.text, q.speaker) for q in doc.quotes]
    assert len(got) == len(SEED_QUOTES[prefix]), got
    for (text, speaker), (fragment, expected) in zip(got, SEED_QUOTES[prefix], strict=True):
        assert fragment in text
        assert speaker == expected, (fragment, speaker)


def test_quotes_seed_cues_and_speaker_evidence() -> None:
    doc = _seed_doc("004")
    cues = [(q.cue, q.speaker_span.text if q.speaker_span else None) for q in doc.quotes]
    assert cues[1:] == [
        ("wrote", "the state-owned China Daily newspaper"),
        ("warned", "the English-language paper"),
        ("said", "The government-run Global Times"),
    ]
    for q in doc.quotes:
        assert doc.article.text[q.span.start : q.span.end] == q.span.text
