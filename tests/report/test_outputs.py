from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, article_text
from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.report import write_analysis, write_report
from counterpoint.report.html import Event, Mark, highlight
from counterpoint.runners.local import run
from counterpoint.store import Store, open_store
from counterpoint.store.stories import stories_for_output

SCHEMA = json.loads((ROOT / "src/counterpoint/schema/analysis.schema.json").read_text(encoding="utf-8"))
HOSTILE = (
    '<script>alert("x")</script> {{ 7*7 }} {% raw %} <img src=x onerror="alert(1)">\n\n'
    + article_text("plan to <b>rebuild</b> the pier")
    + '\n\nSee <a href="javascript:alert(1)">this</a> and ${jndi:ldap://x} for more details today.'
)


def _store(tmp_path: Path, files: dict[str, str]) -> Store:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, body in files.items():
        (folder / name).write_text(body, encoding="utf-8")
    store = open_store(str(tmp_path / "s.db"))
    run(store, [str(folder)], default_pipeline(), Settings(workers=1))
    return store


def test_outputs_analysis_json_matches_schema_and_spans_are_evidence(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        {
            "a.txt": "Harbour deal signed\n\n" + article_text("harbour deal"),
            "b.txt": "Harbour deal signed\n\n" + article_text("harbour deal"),  # exact duplicate text
            "empty.txt": "",
        },
    )
    counts = write_analysis(store, tmp_path / "out" / "analysis.json")
    data = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert counts["articles"] == 1  # same bytes -> same id -> stored once
    assert [s["reason"] for s in data["skipped"]] == ["empty file"]
    texts = {a["id"]: a["text"] for a in data["articles"]}
    people = {e["name"]: e for e in data["entities"] if e["type"] == "PERSON"}
    assert "Lena Castell" in people
    for ent in data["entities"]:
        for m in ent["mentions"]:
            assert texts[m["article_id"]][m["start"] : m["end"]] == m["text"]
    assert [s["article_id"] for s in data["slant"]] == [a["id"] for a in data["articles"]]
    assert len(data["stories"]) == 1  # one article, one story
    assert data["stories"][0]["article_ids"] == [data["articles"][0]["id"]]
    # one story of one article: every claim rests on that article alone, nothing is omitted
    assert {c["status"] for c in data["claims"]} <= {"single_source"}
    assert all(s["omissions"] == [] for s in data["stories"])
    for item in [*data["claims"], *data["timeline"]]:
        for ev in item["evidence"]:
            assert texts[ev["article_id"]][ev["start"] : ev["end"]] == ev["text"]


def test_outputs_exact_duplicates_are_kept_and_linked(tmp_path: Path) -> None:
    body = "Harbour deal signed\n\n" + article_text("harbour deal")
    store = _store(tmp_path, {"a.txt": body, "b.txt": body.replace("\n\n", "\n\n\n")})
    write_analysis(store, tmp_path / "analysis.json")
    data = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    dups = [a["duplicate_of"] for a in data["articles"]]
    assert dups[0] is None
    assert dups[1] == data["articles"][0]["id"]


def _story_pages(out: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((out / "stories").glob("*.html"))]


def test_outputs_report_escapes_hostile_text_and_forbids_scripts(tmp_path: Path) -> None:
    store = _store(tmp_path, {"evil<script>.txt": "<b>Bold</b> title <script>x</script>\n\n" + HOSTILE})
    index = write_report(store, tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    (story,) = _story_pages(tmp_path / "o")
    for page in (index, story):
        assert "<script" not in page.lower()
        assert 'href="javascript:' not in page
        assert re.search(r'http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;', page)
    assert "&lt;b&gt;Bold&lt;/b&gt; title &lt;script&gt;x&lt;/script&gt;" in index
    page = story
    assert "onerror=" not in page.replace("onerror=&#34;", "")
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in page
    assert "{{ 7*7 }}" in page  # template syntax in an article is shown, never evaluated
    assert re.search(r'http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;', page)
    assert "<b>rebuild</b>" not in page
    assert "&lt;b&gt;rebuild&lt;/b&gt;" in page


def test_outputs_report_shows_removed_chrome_and_skips(tmp_path: Path, seeds_dir: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    run(store, [str(seeds_dir)], default_pipeline(), Settings(workers=1))
    index = write_report(store, tmp_path / "report.html").read_text(encoding="utf-8")
    pages = "".join(_story_pages(tmp_path))
    assert "What the cleaner removed" in index
    assert "link-card headline of another article" in pages
    assert "Devdiscourse" in index
    assert "2026-01-17" in index
    assert pages.count("<article ") == 5  # every article in full, on its story's page


def test_outputs_are_written_atomically(tmp_path: Path) -> None:
    store = _store(tmp_path, {"a.txt": "Title here\n\n" + article_text("quay")})
    out = tmp_path / "o"
    write_analysis(store, out / "analysis.json")
    write_report(store, out / "report.html")
    # no temporary file is left behind, in the folder or among the story pages
    assert sorted(p.name for p in out.iterdir()) == [
        "analysis.json",
        "report-manifest.json",
        "report.html",
        "stories",
    ]
    assert [p.suffix for p in (out / "stories").iterdir()] == [".html"]


@pytest.mark.parametrize("max_full", [0, 1])
def test_outputs_report_caps_full_text_per_story(tmp_path: Path, max_full: int) -> None:
    text = article_text("quay")
    store = _store(
        tmp_path, {f"{i}.txt": f"Title {i}\n\n" + text.replace("Amsel", f"Amsel {i}") for i in range(2)}
    )
    write_report(store, tmp_path / "r.html", max_full_text=max_full)
    stories, _, _ = stories_for_output(store.db)
    for story in stories:
        page = (tmp_path / "stories" / f"{story['id']}.html").read_text(encoding="utf-8")
        members = story["articles"] + story["duplicates"]
        assert page.count("<article ") == min(max_full, members)


QUOTED = (
    article_text("harbour pier")
    + "\n\n“We waited <b>eight</b> years for this pier {{ 7*7 }},” Tomas Ekker said on Monday, "
    "standing on the quay with other members of the cooperative in the town."
)


def test_outputs_report_lists_entities_quotes_dates_and_untitled_leads(tmp_path: Path) -> None:
    store = _store(tmp_path, {"a.txt": QUOTED})
    index = write_report(store, tmp_path / "r.html").read_text(encoding="utf-8")
    entities = index[index.index("<h2>Entities</h2>") : index.index("<h2>Outlets</h2>")]
    assert re.search(r"<td>Lena Castell</td><td>PERSON</td><td></td><td class=\"num\">\d+</td>", entities)
    assert re.search(r"<td>Tomas Ekker</td><td>PERSON</td><td>Ekker", entities) or "Tomas Ekker" in entities
    (page,) = _story_pages(tmp_path)
    assert "<summary>Quotes (1)</summary>" in page
    assert "<td>Tomas Ekker</td><td>said</td><td>“We waited &lt;b&gt;eight&lt;/b&gt; years" in page
    assert "{{ 7*7 }}" in page
    assert "<summary>Dates (" in page
    assert "<tr><td>Monday</td><td>—</td><td>relative</td></tr>" in page  # undated article: not resolved
    # no title stated: the first words of the lead stand in, marked as such
    assert re.search(
        r'<h2><span class="fallback" title="no title found: first words of the text">'
        r"Officials in the fictional town of Amsel said on Tuesday…</span></h2>",
        page,
    )
    assert '<span class="mk mk-quote" data-ref="q-0" title="Tomas Ekker">' in page


def test_outputs_highlight_nests_marks_and_cuts_crossing_ones() -> None:
    text = "Ann said it.\n\nBob agreed."
    marks = [
        Mark(0, 12, "quote", "q-0"),
        Mark(0, 3, "entity", "e-ann"),
        Mark(9, 16, "time", "t-0"),  # crosses the paragraph break: clipped to each paragraph
        Mark(14, 17, "entity", "e-bob"),
        Mark(5, 50, "loaded", "l-0"),  # outside the text: ignored
    ]
    paras = highlight(text, marks)
    assert len(paras) == 2

    def flat(events: list[Event]) -> str:
        return "".join(
            f"[{e.mark.ref}" if e.kind == "open" and e.mark else "]" if e.kind == "close" else e.text
            for e in events
        )

    assert flat(paras[0]) == "[q-0[e-annAnn] said [t-0it.]]"
    assert flat(paras[1]) == "[e-bob[t-0Bo]b] agreed."


def _without_run_metadata(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generated_at")
    return data


def test_outputs_analysis_json_reuses_each_unchanged_articles_part(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article's records are kept with what they read (its version, its inferred day, the entity
    of each speaker and stance name): a rewrite encodes only the articles where one of those
    changed, and writes what a writer starting from nothing writes."""
    store = open_store(str(tmp_path / "s.db"))
    run(store, [str(seeds_dir)], default_pipeline(), Settings(workers=1))
    first = tmp_path / "a" / "analysis.json"
    write_analysis(store, first)
    read: list[str] = []
    items = store.article_items
    monkeypatch.setattr(store, "article_items", lambda aid, *a, **k: read.append(aid) or items(aid, *a, **k))
    again = tmp_path / "b" / "analysis.json"
    write_analysis(store, again)
    assert read == []  # nothing changed: every part was kept
    assert _without_run_metadata(again) == _without_run_metadata(first)
    # a speaker's entity changes (as when entity linking relinks a name): only its articles are redone
    data = _without_run_metadata(first)
    quoted = next(q for q in data["quotes"] if q.get("speaker_entity_id"))  # type: ignore[union-attr]
    eid = quoted["speaker_entity_id"]
    name = next(e["name"] for e in data["entities"] if e["id"] == eid)  # type: ignore[union-attr]
    kept = store.output_fragments([a["id"] for a in data["articles"]])  # type: ignore[union-attr]
    deps = {aid: json.loads(part.deps) for aid, part in kept.items()}
    touched = {a for a, d in deps.items() if eid in d["speakers"].values() or name in d["stance"].values()}
    with store.db.tx():
        store.db.execute(
            "INSERT INTO entities (id, name, type, aliases, mentions)"
            " SELECT 'e-moved', name || ' (moved)', type, aliases, mentions FROM entities WHERE id = ?",
            (eid,),
        )
        store.db.execute("UPDATE entity_aliases SET entity_id = 'e-moved' WHERE entity_id = ?", (eid,))
    third = tmp_path / "c" / "analysis.json"
    write_analysis(store, third)
    assert quoted["article_id"] in read
    assert set(read) == touched  # the articles whose speakers or stance names read that entity
    with store.db.tx():
        store.db.execute("DELETE FROM output_fragments")
    scratch = tmp_path / "d" / "analysis.json"
    write_analysis(store, scratch)
    assert _without_run_metadata(third) == _without_run_metadata(scratch)
    assert _without_run_metadata(third) != _without_run_metadata(first)
