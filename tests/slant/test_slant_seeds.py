"""Hand-made expectations on the five shared seed articles (read at test time, never copied)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from counterpoint.config import Settings
from counterpoint.model import Doc, RawDocument, content_id
from counterpoint.slant.model import ArticleSlant
from counterpoint.slant.stage import analyse_slant, slant
from counterpoint.stages.clean import clean_text
from counterpoint.stages.nlp import nlp as nlp_stage
from counterpoint.stages.quotes import quotes as quotes_stage

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="module")
def seed_docs() -> dict[str, Doc]:
    """The processed seeds, built once for the module (like ``seeds_dir``, skips without ../shared)."""
    if not SEEDS.is_dir():
        pytest.skip(f"shared seed corpus not found at {SEEDS} (clone with ../shared beside the repo)")
    seeds = SEEDS
    s = Settings(workers=1)
    out = {}
    for path in sorted(seeds.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        c = clean_text(raw)
        doc = Doc.from_raw(RawDocument(content_id(raw), str(path), raw, "text"))
        doc = doc.with_article(text=c.text, language="en")
        out[path.name[:3]] = quotes_stage(nlp_stage(doc, s), s)
    return out


@pytest.fixture(scope="module")
def seed_slant(seed_docs: dict[str, Doc]) -> dict[str, ArticleSlant]:
    return {k: analyse_slant(d.article, d.sentences, d.mentions, d.quotes) for k, d in seed_docs.items()}


def _actor(res: ArticleSlant, word: str) -> float:
    keys = [k for k in res.stance if word in k]
    assert keys, f"no stance toward {word!r} in {sorted(res.stance)}"
    return res.stance[keys[0]]


def test_seeds_loaded_language_separates_slanted_from_flat(seed_slant: dict[str, ArticleSlant]) -> None:
    slanted = min(seed_slant["000"].loaded_language, seed_slant["003"].loaded_language)
    flat = max(seed_slant["001"].loaded_language, seed_slant["002"].loaded_language)
    assert slanted > flat + 0.25
    assert seed_slant["003"].genre == "opinion"
    assert seed_slant["002"].genre == "report"


def test_seeds_telling_phrases_are_flagged_in_the_outlets_voice(seed_slant: dict[str, ArticleSlant]) -> None:
    own = {s.span.text.lower(): s for s in seed_slant["003"].spans if s.speaker is None}
    # the lede piles "diplomatic pivot", "embraces" and "the communist regime" into one sentence,
    # which becomes one span (as PTC's annotators mark it) labelled by its most specific phrase
    regime = next(s for t, s in own.items() if "with the communist regime despite" in t)
    assert regime.technique == "Name_Calling,Labeling"
    assert regime.span.text.endswith("human rights abuses")  # the closing full stop is trimmed
    # words grow into the phrases annotators mark: the whole understatement, not one word
    kidnapping = next(t for t in own if "state-sponsored kidnapping" in t)
    assert kidnapping.startswith("a stunning understatement")
    allies = next(s for t, s in own.items() if t.startswith("true allies stand together"))
    assert allies.technique == "Flag-Waving"
    assert allies.span.text.endswith("not appease it for short-term economic gain")
    flagged_000 = " | ".join(s.span.text.lower() for s in seed_slant["000"].spans)
    assert all(w in flagged_000 for w in ("stunning", "toxic", "erratic"))
    assert "a stunning political shift" in flagged_000
    # a phrase alone in its sentence stays a phrase
    assert "a groundbreaking meeting" in {s.span.text for s in seed_slant["000"].spans}


def test_seeds_stance_toward_china_and_trump(seed_slant: dict[str, ArticleSlant]) -> None:
    assert _actor(seed_slant["003"], "China") < -0.2
    assert _actor(seed_slant["000"], "Trump") < -0.15
    assert _actor(seed_slant["000"], "China") > _actor(seed_slant["003"], "China") + 0.2
    # 003 praises Trump's "clear-eyed" line against China: far less negative toward him than China
    assert _actor(seed_slant["003"], "Trump") > _actor(seed_slant["003"], "China") + 0.15
    detail = seed_slant["003"].stance_detail or {}
    china = next(v for k, v in detail.items() if "China" in k)
    assert china.confidence == "high"
    assert china.sentences >= 10


def test_seeds_state_media_editorial_slant_goes_to_its_speaker(seed_slant: dict[str, ArticleSlant]) -> None:
    res = seed_slant["004"]
    quoted = {s.span.text.lower(): s.speaker for s in res.spans if s.speaker is not None}
    assert quoted.get("in lockstep") == "China Daily"
    assert [sp for t, sp in quoted.items() if t.startswith("blindly")] == ["Global Times"]
    assert res.quoted_slant is not None
    assert "China Daily" in res.quoted_slant
    assert res.loaded_language < seed_slant["000"].loaded_language - 0.25
    # the editorial's stance is the paper's, not the reporting outlet's: it blames "the previous
    # Justin Trudeau government's policies" (negative); the US is what Trudeau aligned with, and
    # the paper is not read as warm toward it
    quoted_stance = res.quoted_stance or {}
    assert quoted_stance["China Daily"]["Justin Trudeau"] < -0.15
    assert quoted_stance["China Daily"]["United States"] <= 0.0
    assert "China Daily" not in (res.stance_detail or {})
    assert res.sentence_bias < seed_slant["003"].sentence_bias - 0.3


def test_seeds_spans_are_valid_evidence(
    seed_docs: dict[str, Doc], seed_slant: dict[str, ArticleSlant]
) -> None:
    for key, res in seed_slant.items():
        text = seed_docs[key].article.text
        d = res.to_dict()
        assert d["article_id"] == seed_docs[key].article.id
        for s in d["spans"]:
            assert text[s["start"] : s["end"]] == s["text"]
        assert ArticleSlant.from_dict(d).to_dict() == d


@pytest.mark.skipif(
    "slant" not in {f.name for f in dataclasses.fields(Doc)}, reason="Doc has no slant field yet"
)
def test_slant_stage_attaches_the_layer(seed_docs: dict[str, Doc]) -> None:
    doc = slant(seed_docs["003"], Settings(workers=1))
    assert getattr(doc, "slant").loaded_language > 0.5  # noqa: B009 - field added to Doc separately
