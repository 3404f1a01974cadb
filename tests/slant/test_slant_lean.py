"""Outlet lean from the user's ratings: parsing, lookup, coverage, blindspots, and the report's view."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.factories import default_pipeline
from counterpoint.report import write_report
from counterpoint.report.analysis import write_analysis
from counterpoint.runners.local import run
from counterpoint.slant.lean import blindspot, load_leans, parse_lean, story_lean
from counterpoint.store import open_store


def _csv(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "leans.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_parse_lean_reads_words_and_numbers() -> None:
    assert parse_lean("Lean Left") == "left"
    assert parse_lean("centre") == "center"
    assert parse_lean("right") == "right"
    assert parse_lean("-0.7") == "left"
    assert parse_lean("0.1") == "center"
    assert parse_lean("0.5") == "right"
    assert parse_lean("mixed") is None


def test_load_leans_matches_names_and_domains(tmp_path: Path) -> None:
    leans = load_leans(
        _csv(tmp_path, "outlet,lean\nThe Guardian,left\nfoxnews.com,right\nReuters,center\nOdd,??\n")
    )
    assert leans.lookup("Guardian") == "left"
    assert leans.lookup("https://www.foxnews.com/politics/x") == "right"
    assert leans.lookup("video.foxnews.com") == "right"
    assert leans.lookup("REUTERS") == "center"
    assert leans.lookup("Odd") is None
    assert leans.lookup(None) is None
    cov = leans.coverage(["Guardian", "Guardian", "Reuters", "Newsinc24"])
    assert cov == {"left": 1, "center": 1, "right": 0, "unknown": 1}


def test_blindspot_needs_two_rated_outlets_all_on_one_side() -> None:
    assert blindspot({"left": 2, "center": 0, "right": 0, "unknown": 5}) == "right"
    assert blindspot({"left": 0, "center": 0, "right": 3, "unknown": 0}) == "left"
    assert blindspot({"left": 1, "center": 0, "right": 0, "unknown": 9}) is None
    assert blindspot({"left": 2, "center": 1, "right": 0, "unknown": 0}) is None


def test_load_leans_refuses_a_file_without_the_columns(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="lean column"):
        load_leans(_csv(tmp_path, "outlet,score\nA,1\n"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_leans(tmp_path / "missing.csv")


BILL = (
    "The House of Representatives passed a bill on Tuesday to combat hate crimes against Asian "
    "Americans, sending the measure to President Biden for his signature after a 364-62 vote."
)
FILLER = (
    "Lawmakers from both parties spoke on the floor before the vote, and advocacy groups said the "
    "measure would help track incidents reported in several large cities over the past year."
)


def test_report_shows_coverage_by_lean_and_a_blindspot(tmp_path: Path) -> None:
    titles = {
        "Lefty Post": "House passes hate crimes bill",
        "Leftish": "House passes COVID-19 hate crimes act",
    }
    records = [
        {"outlet": o, "title": t, "date": "2021-05-18", "text": f"{t}. {BILL}\n\n{FILLER}"}
        for o, t in titles.items()
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    store = open_store(str(tmp_path / "c.db"))
    run(store, [str(tmp_path / "in")], default_pipeline(), Settings(workers=1, story_embedder="hashing"))
    leans = load_leans(_csv(tmp_path, "outlet,lean\nthe Lefty Post,left\nLEFTISH,-0.6\n"))
    write_report(store, tmp_path / "out" / "report.html", leans=leans)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    store.close()
    assert "Coverage by lean" in html
    assert 'class="lean-left"' in html
    assert "Blindspots" in html
    assert "right-leaning outlets" in html
    # without ratings the report says nothing about lean
    store = open_store(str(tmp_path / "c.db"))
    write_report(store, tmp_path / "out2" / "report.html")
    store.close()
    assert "Blindspots" not in (tmp_path / "out2" / "report.html").read_text(encoding="utf-8")


def test_story_lean_counts_distinct_outlets_and_is_null_without_ratings(tmp_path: Path) -> None:
    leans = load_leans(_csv(tmp_path, "outlet,lean\nLefty Post,left\nLeftish,lean left\nRighty,right\n"))
    got = story_lean(["Lefty Post", "Leftish", "Lefty Post", "Newsinc24", ""], leans)
    assert got == {"lean_coverage": {"left": 2, "center": 0, "right": 0, "unknown": 1}, "blindspot": "right"}
    both = story_lean(["Lefty Post", "Righty"], leans)
    assert both["blindspot"] is None
    assert story_lean(["Lefty Post"], leans)["blindspot"] is None  # one rated outlet is not a side
    assert story_lean(["Lefty Post", "Leftish"], None) == {"lean_coverage": None, "blindspot": None}


def test_lean_fingerprint_follows_the_ratings_not_the_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = load_leans(_csv(tmp_path / "a", "outlet,lean\nLefty Post,left\nRighty,right\n"))
    same = load_leans(_csv(tmp_path / "b", "name;bias\nRighty;0.8\nthe lefty post;Left\n"))
    other = load_leans(_csv(tmp_path / "b", "outlet,lean\nLefty Post,left\nRighty,center\n"))
    assert one.fingerprint == same.fingerprint
    assert one.fingerprint != other.fingerprint


SCHEMA = json.loads(
    (Path(__file__).parents[2] / "src" / "counterpoint" / "schema" / "analysis.schema.json").read_text()
)


def test_lean_coverage_in_analysis_json_story_pages_and_their_cache(tmp_path: Path) -> None:
    records = [
        {"outlet": o, "title": t, "date": "2021-05-18", "text": f"{t}. {BILL}\n\n{FILLER}"}
        for o, t in (("Lefty Post", "House passes hate crimes bill"), ("Leftish", "House passes hate act"))
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    store = open_store(str(tmp_path / "c.db"))
    run(store, [str(tmp_path / "in")], default_pipeline(), Settings(workers=1, story_embedder="hashing"))
    leans = load_leans(_csv(tmp_path, "outlet,lean\nthe Lefty Post,left\nLEFTISH,-0.6\n"))
    write_analysis(store, tmp_path / "analysis.json", leans=leans)
    data = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    (story,) = data["stories"]
    assert story["lean_coverage"] == {"left": 2, "center": 0, "right": 0, "unknown": 0}
    assert story["blindspot"] == "right"
    write_analysis(store, tmp_path / "plain.json")
    plain = json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))
    jsonschema.validate(plain, SCHEMA)
    assert plain["stories"][0]["lean_coverage"] is None
    assert plain["stories"][0]["blindspot"] is None

    site = tmp_path / "site"
    write_report(store, site / "report.html", leans=leans)
    (page,) = (site / "stories").glob("*.html")
    html = page.read_text(encoding="utf-8")
    assert "Coverage by lean" in html
    assert "<svg" in html.split("Coverage by lean", 1)[1]
    assert "blindspot: no right-leaning outlet carries it" in html
    # the page is cached by its data; other ratings must still re-render it
    other = load_leans(_csv(tmp_path, "outlet,lean\nLefty Post,left\nLeftish,right\n"))
    write_report(store, site / "report.html", leans=other)
    html = page.read_text(encoding="utf-8")
    assert "blindspot:" not in html
    assert "right: 1" in html
    write_report(store, site / "report.html")
    assert "Coverage by lean" not in page.read_text(encoding="utf-8")
    store.close()


def test_seeds_lean_coverage_and_blindspot(tmp_path: Path) -> None:
    """From reading the seeds: 001 (Devdiscourse) and 004 (Newsinc24) tell the same visit; 000, 002 and
    003 name no outlet. Rating both outlets left makes their story one the right does not carry."""
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"shared seed corpus not found at {SEEDS} (clone with ../shared beside the repo)")
    store = open_store(str(tmp_path / "c.db"))
    run(store, [str(SEEDS)], default_pipeline(), Settings(workers=1))
    leans = load_leans(_csv(tmp_path, "outlet,lean\nDevdiscourse,left\nNewsinc24,lean left\n"))
    write_analysis(store, tmp_path / "analysis.json", leans=leans)
    store.close()
    data = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    by_outlets = {tuple(sorted(s["outlets"])): s for s in data["stories"]}
    visit = by_outlets[("Devdiscourse", "Newsinc24")]
    assert visit["lean_coverage"] == {"left": 2, "center": 0, "right": 0, "unknown": 0}
    assert visit["blindspot"] == "right"
    for s in data["stories"]:
        if not s["outlets"]:  # the seeds without an outlet: nothing rated, no blindspot
            assert s["lean_coverage"] == {"left": 0, "center": 0, "right": 0, "unknown": 0}
            assert s["blindspot"] is None
