from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.model import Span
from counterpoint.slant.model import ArticleSlant, EntityStance, SlantSpan
from counterpoint.slant.profiles import domain_of, load_ratings, outlet_profiles, pooled_stance, rekey_stance


def _rec(
    aid: str, loaded: float, stance: float, *, confidence: str = "high", quoted: bool = False
) -> ArticleSlant:
    span = SlantSpan(Span(aid, 0, 6, "regime"), "Name_Calling,Labeling", "label", "Li" if quoted else None)
    return ArticleSlant(
        article_id=aid,
        loaded_language=loaded,
        subjectivity=0.5,
        stance={"China": stance},
        frames={"Economic": 0.6, "Political": 0.2},
        spans=(span,),
        confidence=confidence,  # type: ignore[arg-type]
        genre="report",
    )


def test_profiles_mean_and_spread_per_outlet() -> None:
    recs = [
        ("Daily A", _rec("1", 0.2, -0.5)),
        ("Daily A", _rec("2", 0.6, -0.1)),
        ("Daily B", _rec("3", 0.1, 0.3)),
    ]
    prof = outlet_profiles(recs)
    a = prof["Daily A"]
    assert a.articles == 2
    assert a.loaded_language.mean == pytest.approx(0.4)
    assert a.loaded_language.spread == pytest.approx(0.2)
    assert a.stance["China"].mean == pytest.approx(-0.3)
    assert a.frames["Economic"] == pytest.approx(0.75)
    assert prof["Daily B"].loaded_language.n == 1


def test_profiles_stance_pools_sentences_so_evidence_weighs_more() -> None:
    # one article with 9 sentences at -0.8 each (stored score -0.72) and one with 1 sentence at +0.8
    st = pooled_stance([(-0.72, 9), (0.4, 1)])
    assert st.mean == pytest.approx((-7.2 + 0.8) / 11)
    assert st.sentences == 10
    assert st.n == 2
    assert st.to_dict()["sentences"] == 10
    rec = _rec("1", 0.2, -0.72)
    detailed = ArticleSlant.from_dict(
        {**rec.to_dict(), "stance_detail": {"China": EntityStance(-0.72, "high", 9).to_dict()}}
    )
    prof = outlet_profiles([("A", detailed), ("A", _rec("2", 0.2, 0.0))])["A"]
    assert prof.stance["China"].sentences == 10  # the legacy record counts as one sentence


def test_profiles_low_confidence_articles_do_not_move_scores() -> None:
    recs = [("A", _rec("1", 0.2, 0.0)), ("A", _rec("2", 0.99, 0.0, confidence="low"))]
    a = outlet_profiles(recs)["A"]
    assert a.articles == 2
    assert a.loaded_language.mean == pytest.approx(0.2)


def test_profiles_quoted_techniques_are_not_the_outlets() -> None:
    a = outlet_profiles([("A", _rec("1", 0.2, 0.0, quoted=True)), ("A", _rec("2", 0.2, 0.0))])["A"]
    assert a.techniques == {"Name_Calling,Labeling": 1}


def test_profiles_shipped_ratings_rate_known_domains() -> None:
    ratings = load_ratings()
    assert ratings.lookup("apnews.com") == pytest.approx(0.998, abs=0.002)
    assert ratings.lookup("AP", "https://www.apnews.com/article/x") == pytest.approx(0.998, abs=0.002)
    assert ratings.lookup("Unknown Gazette") is None
    prof = outlet_profiles([("AP", _rec("1", 0.1, 0.0))], ratings, urls={"AP": "apnews.com"})
    assert prof["AP"].reliability == pytest.approx(0.998, abs=0.002)
    assert prof["AP"].to_dict()["reliability_source"] == ratings.source


def test_profiles_user_ratings_file(tmp_path: Path) -> None:
    p = tmp_path / "mine.csv"
    p.write_text("domain,score\nexample.org,0.25\n", encoding="utf-8")
    assert load_ratings(p).lookup("news.example.org") == pytest.approx(0.25)


def test_profiles_domain_of_accepts_urls_and_rejects_names() -> None:
    assert domain_of("https://www.cbc.ca/news") == "cbc.ca"
    assert domain_of("Global Times") is None


def test_profiles_rekey_merges_names_of_one_entity_with_their_evidence() -> None:
    rec = ArticleSlant.from_dict(
        {
            **_rec("1", 0.2, 0.0).to_dict(),
            "stance": {"Trump": -0.4, "Donald Trump": -0.2, "China": 0.1},
            "stance_detail": {
                "Trump": EntityStance(-0.4, "high", 4, ((0, 5, -0.9),)).to_dict(),
                "Donald Trump": EntityStance(-0.2, "low", 1, ((10, 20, -0.3),)).to_dict(),
            },
        }
    )
    out = rekey_stance(rec, lambda k: "Donald Trump" if "Trump" in k else k)
    assert out.stance == pytest.approx({"Donald Trump": -0.3, "China": 0.1})
    detail = (out.stance_detail or {})["Donald Trump"]
    assert detail.sentences == 5
    assert detail.evidence[0] == (0, 5, -0.9)
    assert detail.confidence == "high"
