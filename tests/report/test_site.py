"""The report as a static site: one page per story, bounded lists, re-rendered only where it changed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT
from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.report import html, story_page, write_analysis, write_report
from counterpoint.report.site import MANIFEST, write_story_pages
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.claims import best_evidence, claims_for_output, conflicts_for_output
from counterpoint.store.sqlite import SQLiteStore
from counterpoint.store.stories import stories_for_output

SCHEMA = json.loads((ROOT / "src/counterpoint/schema/analysis.schema.json").read_text(encoding="utf-8"))
SETTINGS = Settings(workers=1, story_embedder="hashing")

VOTE = (
    "The harbour council of the fictional town of Amsel voted on Tuesday to extend the ferry contract with "
    "Tidewell Lines for five more years, ending a dispute between fishermen and shopkeepers."
)
REVIEW = "The regional authority in Northmark said it would review the decision within thirty days."
# two outlets give one figure, two another: every side has more than one sentence stating it
LOW = [
    "Mayor Lena Castell said fares would stay frozen at 12 crowns until the timetable is agreed.",
    "Fares will stay frozen at 12 crowns until the autumn timetable is agreed, Mayor Lena Castell said.",
]
HIGH = [
    "Mayor Lena Castell said fares would stay frozen at 30 crowns until the new timetable is agreed.",
    "Fares are to stay frozen at 30 crowns until a timetable is agreed, the mayor Lena Castell said.",
]
OTHER = (
    "A new library for the island of Kestrel opened on Monday with four thousand books and a reading room "
    "for children, the island's school board said in a statement."
)


def _rec(outlet: str, title: str, *paras: str, date: str = "2025-05-06") -> dict[str, str]:
    return {"outlet": outlet, "title": title, "date": date, "url": f"https://{outlet}.example/{title[:5]}",
            "text": "\n\n".join(paras)}  # fmt: skip


def _feed(folder: Path, records: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


CONFLICT = [
    _rec("tide", "Amsel extends ferry deal", VOTE, LOW[0], REVIEW),
    _rec("harbourpost", "Ferry contract extended in Amsel", VOTE.replace("ending", "closing"), LOW[1]),
    _rec("quaytimes", "Ferry contract extended",
         "Amsel's harbour council on Tuesday extended the Tidewell Lines ferry contract by five years.",
         HIGH[0], "Northmark's regional authority plans to look at the decision again within a month."),
    _rec("bayherald", "Council backs Tidewell deal",
         "On Tuesday the Amsel harbour council backed five more years of the Tidewell Lines ferry contract.",
         HIGH[1]),
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with one story of four outlets that disagree on a figure, and an unrelated story."""
    tmp = tmp_path_factory.mktemp("site")
    store = open_store(str(tmp / "s.db"))
    other = _rec("islandnews", "Kestrel library opens", OTHER, date="2025-03-01")
    run(store, [str(_feed(tmp / "in", [*CONFLICT, other]))], default_pipeline(), SETTINGS)
    store.close()
    return tmp / "s.db"


@pytest.fixture
def store(built: Path, tmp_path: Path) -> SQLiteStore:
    shutil.copy(built, tmp_path / "s.db")
    s = open_store(str(tmp_path / "s.db"))
    assert isinstance(s, SQLiteStore)
    return s


def _conflict_story(store: SQLiteStore) -> str:
    (conflict,) = conflicts_for_output(store.db)
    return str(conflict["story_id"])


def test_site_conflict_is_shown_once_with_one_citation_per_side(store: SQLiteStore, tmp_path: Path) -> None:
    sid = _conflict_story(store)
    write_report(store, tmp_path / "out" / "report.html")
    page = (tmp_path / "out" / "stories" / f"{sid}.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="conflicts">') : page.index('<section id="claims">')]
    items = re.findall(r'<ul class="sides">(.*?)</ul>', section, re.S)
    assert len(items) == 1  # the pair of claims is shown once, not once from each side
    sides = re.findall(r"<li>(.*?)</li>", items[0], re.S)
    assert len(sides) == 2
    assert all(side.count('class="cite"') == 1 for side in sides)
    assert "12 crowns" in items[0]
    assert "30 crowns" in items[0]
    conflict = conflicts_for_output(store.db)[0]
    for side, html_side in zip(conflict["sides"], sides, strict=True):
        assert len(side["evidence"]) == 1
        more = side["evidence_count"] - 1
        assert (f"and {more} more sentences say this" in html_side) == (more > 0)


def test_site_analysis_json_lists_each_conflict_once_and_validates(
    store: SQLiteStore, tmp_path: Path
) -> None:
    counts = write_analysis(store, tmp_path / "analysis.json")
    data = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert counts["conflicts"] == len(data["conflicts"]) == 1
    (conflict,) = data["conflicts"]
    conflicting = {c["id"] for c in data["claims"] if c["status"] == "conflicting"}
    assert set(conflict["claim_ids"]) <= conflicting
    assert [len(s["evidence"]) for s in conflict["sides"]] == [1, 1]
    assert conflict["why_count"] >= 1
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for side in conflict["sides"]:
        ev = side["evidence"][0]
        assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]


def test_site_evidence_is_capped_with_counts(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = {c["id"]: c for c in claims_for_output(store.db)}
    assert max(len(c["evidence"]) for c in full.values()) >= 2
    capped = claims_for_output(store.db, max_evidence=1)
    for c in capped:
        assert len(c["evidence"]) == 1
        assert c["evidence_count"] == len(full[c["id"]]["evidence"])
        assert c["why_count"] == len([w for w in (full[c["id"]]["why"] or "").split("\n") if w])
    monkeypatch.setattr("counterpoint.report.analysis.MAX_EVIDENCE", 1)
    write_analysis(store, tmp_path / "analysis.json")
    data = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert all(len(c["evidence"]) == 1 for c in data["claims"])
    assert any(c["evidence_count"] > 1 for c in data["claims"])
    briefs = [b for s in data["stories"] for b in s["brief"]]
    assert all(len(b["citations"]) <= 1 <= b["citation_count"] for b in briefs)


def test_site_best_evidence_puts_the_claim_wording_first_then_one_per_article() -> None:
    spans = [
        {"article_id": "a", "start": 0, "end": 5, "text": "first"},
        {"article_id": "a", "start": 9, "end": 14, "text": "again"},
        {"article_id": "b", "start": 0, "end": 5, "text": "other"},
        {"article_id": "c", "start": 0, "end": 5, "text": "claim"},
    ]
    assert [s["text"] for s in best_evidence(spans, "claim", 3)] == ["claim", "first", "other"]
    assert [s["text"] for s in best_evidence(spans, None, 2)] == ["first", "other"]
    assert best_evidence(spans, "claim", None) == spans


def test_site_story_pages_exist_and_link_back(store: SQLiteStore, tmp_path: Path) -> None:
    out = tmp_path / "out"
    index = write_report(store, out / "report.html").read_text(encoding="utf-8")
    stories, _, _ = stories_for_output(store.db)
    assert len(stories) == 2
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (out / "stories").glob("*.html")}
    assert set(pages) == {s["id"] for s in stories}
    for sid, page in pages.items():
        assert f'href="stories/{sid}.html"' in index
        assert 'href="../report.html"' in page
        anchors = set(re.findall(r' id="(a-[0-9a-f]+)"', page))
        for href in re.findall(r'class="cite" href="([^"]+)"', page):
            target, _, anchor = href.partition("#")
            other = pages[target.removesuffix(".html")] if target else page
            assert f' id="{anchor}"' in other, href
        assert anchors  # the articles are on the page, so citations stay within the site
    # nothing links out of the folder, nothing is loaded from anywhere
    for page in [index, *pages.values()]:
        assert not re.search(r'(?:src|href)="(?:https?:|//|/)', page)


def test_site_unchanged_story_pages_are_not_rewritten(store: SQLiteStore, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_report(store, out / "report.html")
    before = {p.name: p.stat().st_mtime_ns for p in (out / "stories").iterdir()}
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    stats = write_story_pages(store, out)
    assert stats == {"written": 0, "kept": 2, "deleted": 0}
    write_report(store, out / "report.html")
    assert {p.name: p.stat().st_mtime_ns for p in (out / "stories").iterdir()} == before
    assert (out / MANIFEST).read_text(encoding="utf-8") == manifest
    # a page whose data changed is rendered again; the other is left alone
    sid = _conflict_story(store)
    store.db.execute("UPDATE stories SET title = 'Ferry fares: the row goes on' WHERE id = ?", (sid,))
    assert write_story_pages(store, out) == {"written": 1, "kept": 1, "deleted": 0}
    assert "Ferry fares: the row goes on" in (out / "stories" / f"{sid}.html").read_text(encoding="utf-8")
    # a page deleted by hand is written again even though the manifest knows it
    (out / "stories" / f"{sid}.html").unlink()
    assert write_story_pages(store, out)["written"] == 1


def test_site_pages_of_removed_stories_are_deleted(store: SQLiteStore, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_report(store, out / "report.html")
    gone = next(s["id"] for s in stories_for_output(store.db)[0] if s["id"] != _conflict_story(store))
    assert (out / "stories" / f"{gone}.html").exists()
    store.db.execute("DELETE FROM story_articles WHERE story_id = ?", (gone,))
    store.db.execute("DELETE FROM stories WHERE id = ?", (gone,))
    write_report(store, out / "report.html")
    assert not (out / "stories" / f"{gone}.html").exists()
    assert gone not in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["stories"]
    assert f"stories/{gone}.html" not in (out / "report.html").read_text(encoding="utf-8")


def test_site_long_lists_are_capped_with_a_count(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html, "INDEX_ROWS", 1)
    monkeypatch.setattr(story_page, "MAX_ITEMS", 1)
    out = tmp_path / "out"
    index = write_report(store, out / "report.html").read_text(encoding="utf-8")
    rows = index[
        index.index('<table class="articles">') : index.index(
            "</table>", index.index('<table class="articles">')
        )
    ]
    assert rows.count("<tr") == 2  # the header and one article
    assert "The 1 latest of 5 articles" in index
    assert "Showing 1 of 2 stories" in index
    page = (out / "stories" / f"{_conflict_story(store)}.html").read_text(encoding="utf-8")
    claims = len(claims_for_output(store.db, _conflict_story(store)))
    assert claims > 1
    assert f"Showing 1 of {claims} claims" in page
    assert "Showing 1 of 4 articles" in page


def test_site_a_claim_keeps_its_first_reasons_and_counts_all(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = {c["id"]: c for c in claims_for_output(store.db)}
    many = [c for c in full.values() if c["why_count"] >= 2]
    assert many, "the fixture's claims disagree in several sentence pairs"
    assert all(len((c["why"] or "").split("\n")) == c["why_count"] for c in many)  # under the cap: all kept
    monkeypatch.setattr("counterpoint.claims.story.WHY_KEPT", 1)
    again = open_store(str(tmp_path / "again.db"))
    other = _rec("islandnews", "Kestrel library opens", OTHER, date="2025-03-01")
    run(again, [str(_feed(tmp_path / "in", [*CONFLICT, other]))], default_pipeline(), SETTINGS)
    assert isinstance(again, SQLiteStore)
    capped = {c["id"]: c for c in claims_for_output(again.db)}
    assert capped.keys() == full.keys()
    for cid, c in capped.items():
        assert c["why_count"] == full[cid]["why_count"]
        first = full[cid]["why"].split("\n")[0] if full[cid]["why"] else None
        assert c["why"] == first
    # the conflicts list does not read the claims' reasons: it is the same with one kept per claim
    assert conflicts_for_output(again.db) == conflicts_for_output(store.db)


def test_site_conflicts_of_a_store_made_before_pairs_were_kept_are_the_same(
    store: SQLiteStore, tmp_path: Path
) -> None:
    before = conflicts_for_output(store.db), claims_for_output(store.db)
    assert before[0]
    # the store as m014 left it: every reason in ``why``, no pairs, no count (the fixture is under
    # the cap, so its reasons are all there)
    with store.db:
        store.db.execute("DROP TABLE claim_conflicts")
        store.db.execute("ALTER TABLE claims DROP COLUMN why_count")
        store.db.execute("DELETE FROM _migrations WHERE name = 'm015_claim_conflicts'")
    store.close()
    reopened = open_store(str(tmp_path / "s.db"))
    assert isinstance(reopened, SQLiteStore)
    assert (conflicts_for_output(reopened.db), claims_for_output(reopened.db)) == before
