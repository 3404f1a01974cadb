from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from counterpoint.config import Settings
from counterpoint.model import Doc, RawDocument, content_id
from counterpoint.stages.clean import clean_text
from counterpoint.stages.nlp import analyse_text, canonical_forms, chunks, load_nlp, nlp, refine


def _doc(text: str) -> Doc:
    raw = RawDocument(content_id(text), "mem", text, "text")
    return nlp(Doc.from_raw(raw).with_article(text=text, language="en"), Settings(workers=1))


def _seed(seeds_dir: Path, prefix: str) -> Doc:
    [path] = seeds_dir.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    text = clean_text(raw).text
    return nlp(
        Doc.from_raw(RawDocument(content_id(raw), str(path), raw, "text")).with_article(
            text=text, language="en"
        ),
        Settings(workers=1),
    )


def _canon(doc: Doc) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in doc.mentions:
        out.setdefault(m.span.text, set()).add(f"{m.label}:{m.canonical}")
    return out


def test_nlp_spans_are_evidence_and_sentences_cover_paragraphs() -> None:
    text = (
        "Prime Minister Lena Castell met President Tomas Varga in Port Amsel on Monday.\n\n"
        "Castell said the talks were useful. Varga’s aides disagreed."
    )
    doc = _doc(text)
    assert all(text[m.span.start : m.span.end] == m.span.text for m in doc.mentions)
    assert [text[s:e] for s, e in doc.sentences][-2:] == [
        "Castell said the talks were useful.",
        "Varga’s aides disagreed.",
    ]
    canon = _canon(doc)
    assert canon["Castell"] == {"PERSON:Lena Castell"}
    assert "PERSON:Tomas Varga" in canon["Varga"]
    assert "Prime Minister Lena Castell" not in canon  # titles are not part of the name


def test_nlp_seed_002_short_names_resolve_to_full_names(seeds_dir: Path) -> None:
    canon = _canon(_seed(seeds_dir, "002"))
    assert canon["Carney"] == {"PERSON:Mark Carney"}
    assert canon["Xi Jinping"] == {"PERSON:Xi Jinping"}
    assert "PERSON:Li Qiang" in canon["Li Qiang"]
    assert canon["US"] == {"GPE:United States"}
    assert "ORG:APEC" in canon["APEC"]


def test_nlp_seed_003_li_after_a_quote_is_li_qiang(seeds_dir: Path) -> None:
    doc = _seed(seeds_dir, "003")
    text = doc.article.text
    lis = [m for m in doc.mentions if m.span.text == "Li"]
    assert lis, "the bare 'Li' mentions should be found"
    assert {m.canonical for m in lis} == {"Li Qiang"}
    assert any(text[m.span.start - 3 : m.span.start].strip() in {"”", ",”"} for m in lis)


def test_nlp_seed_000_us_forms_are_one_country(seeds_dir: Path) -> None:
    doc = _seed(seeds_dir, "000")
    forms = {m.span.text for m in doc.mentions if m.canonical == "United States"}
    assert {"U.S.", "United States"} <= forms
    assert {m.canonical for m in doc.mentions if m.span.text == "Trump"} == {"Donald Trump"}


def test_nlp_refine_cuts_possessives_and_trailing_words_and_drops_headings() -> None:
    text = (
        "Trump’s America First plan\n\nXi Jinping marks the date.\n\nThe Long Road to Trade Diversification\n"
    )
    ents = [(0, 13, "PERSON"), (28, 45, "ORG"), (56, 94, "ORG")]
    assert text[56:94] == "The Long Road to Trade Diversification"
    assert refine(text, ents) == [(0, 5, "PERSON"), (28, 38, "ORG")]


def test_nlp_canonical_forms_ambiguous_first_name_stays() -> None:
    text = "Michael Kovrig and Michael Spavor were held. Michael was freed."
    ents = [(0, 14, "PERSON"), (19, 33, "PERSON"), (45, 52, "PERSON")]
    out = canonical_forms(text, ents)
    assert out[-1] == (45, 52, "PERSON", "Michael")


def test_nlp_huge_paragraph_is_cut_into_chunks() -> None:
    text = ("word " * 3000).strip()
    parts = list(chunks(text))
    assert len(parts) >= 3
    assert "".join(p for _s, p in parts) == text
    assert all(text[s : s + len(p)] == p for s, p in parts)


def test_nlp_text_without_punctuation_and_unbalanced_quotes_does_not_crash() -> None:
    text = "“ this goes on " + "and on " * 500 + "with no end"
    sents, mentions = analyse_text(text, load_nlp())
    assert sents
    assert all(0 <= s < e <= len(text) for s, e, _l, _c in mentions)


def test_nlp_is_skipped_for_french_with_a_reason() -> None:
    from counterpoint.pipeline import Pipeline

    text = "Le gouvernement a signé un accord de pêche avec ses voisins après des mois de négociations."
    doc = Doc.from_raw(RawDocument(content_id(text), "fr.txt", text, "text")).with_article(
        text=text, language="fr"
    )
    out = Pipeline.build([nlp], given=("raw", "text", "language")).run_article(doc, Settings(workers=1))
    assert out.mentions == ()
    assert out.notes == (("nlp", "skipped: English-only stage, article language is 'fr'"),)


def test_nlp_load_keeps_torch_out_of_the_worker_yet_importable() -> None:
    # a fresh interpreter: this test process may have imported spaCy or torch already
    code = (
        "import importlib.util, sys\n"
        "from counterpoint.stages.nlp import load_nlp\n"
        "load_nlp()\n"
        "assert 'torch' not in sys.modules, 'thinc imported torch'\n"
        "if importlib.util.find_spec('torch') is not None:\n"
        "    import torch\n"
        "    assert torch.zeros(1).shape == (1,)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"


def test_nlp_view_skips_the_unread_tok2vec_and_shares_the_model_with_the_parser() -> None:
    from counterpoint.stages.events import load_parser
    from counterpoint.stages.nlp import DEFAULT_MODEL, load_model, pipes

    full, ner, parser = load_model(DEFAULT_MODEL), load_nlp(), load_parser(DEFAULT_MODEL)
    # senter and ner embed on their own; the shared tok2vec only feeds the tagger and parser
    assert ner.pipe_names == ["senter", "ner"]
    assert parser.pipe_names[:3] == ["tok2vec", "tagger", "parser"]
    assert ner.get_pipe("ner") is full.get_pipe("ner")  # one load per process, not one per view
    assert parser.get_pipe("parser") is full.get_pipe("parser")
    assert parser.vocab is ner.vocab
    assert pipes(full, ["tok2vec", "ner"]).pipe_names == ["ner"]

    text = "Prime Minister Mark Carney met Xi Jinping in Beijing on Friday. Trade was on the table."
    doc = ner(text)
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Mark Carney", "Xi Jinping"]
    assert len(list(doc.sents)) == 2
    parsed = parser(text)
    met = next(t for t in parsed if t.text == "met")
    assert met.dep_ == "ROOT"
    assert met.lemma_ == "meet"
