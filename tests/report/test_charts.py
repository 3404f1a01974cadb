from __future__ import annotations

import re
from pathlib import Path

from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.report.charts import Point, bars, scatter
from counterpoint.report.slant_view import slant_view
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.sqlite import SQLiteStore


def test_charts_scatter_escapes_labels_and_clamps_points() -> None:
    svg = str(
        scatter(
            [
                Point('<script>alert("x")</script>', 5.0, -3.0, 2, href="javascript:alert(1)"),
                Point("B & C", 0, 0.5),
            ],
            x_label="stance <toward>",
            y_label="loaded",
        )
    )
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "B &amp; C" in svg
    assert "stance &lt;toward&gt;" in svg
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert max(xs) <= 560 - 16
    assert min(ys) >= 16
    assert max(ys) <= 340 - 44
    assert svg.count("<circle") == 2


def test_charts_scatter_shows_the_evidence_behind_each_point() -> None:
    svg = str(
        scatter(
            [Point("Thin", 0.5, 0.5, 1, None, 2, 0.58), Point("Thick", -0.5, 0.5, 9, None, 80, 0.11)],
            x_label="stance",
            y_label="loaded",
        )
    )
    widths = [
        float(b) - float(a)
        for a, b in re.findall(r'class="err" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"', svg)
    ]
    assert len(widths) == 2
    assert widths[0] > 4 * widths[1]  # two sentences: a long whisker; eighty: a short one
    assert "1 art. · 2 sent." in svg
    assert "9 article(s), 80 sentence(s)" in svg


def test_charts_bars_scale_to_the_peak() -> None:
    svg = str(bars([("2026-01-14", 1), ("2026-01-15", 4), ("<b>", 2)]))
    heights = [float(h) for h in re.findall(r'height="([\d.]+)" fill="#2457a6"', svg)]
    assert heights[1] == max(heights)
    assert heights[0] * 4 == heights[1]
    assert "&lt;b&gt;" in svg


def test_charts_slant_view_on_the_seeds(tmp_path: Path, seeds_dir: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    assert isinstance(store, SQLiteStore)
    run(store, [str(seeds_dir)], default_pipeline(), Settings(workers=1))
    view = slant_view(store)
    assert view.entity == view.entities[0]  # the most covered, most contested entity
    assert view.entity in {"China", "Donald Trump", "Canada"}
    assert {"China", "Donald Trump"} <= set(view.entities)
    by_prefix = {aid[:0] + label.split(":")[0]: loaded for aid, label, loaded, _st in view.articles}
    assert by_prefix  # every scored article is listed
    loaded = {label: y for _aid, label, y, _st in view.articles}
    hostile = [y for label, y in loaded.items() if "Canada Extends Olive" in label]
    flat = [y for label, y in loaded.items() if "Strategic Moves" in label]
    assert hostile
    assert flat
    assert hostile[0] > flat[0] + 0.3
    assert len(view.article_points()) >= 3
    assert slant_view(store, article_ids=[]).outlets == []
    trump = slant_view(store, entity="Donald Trump")
    assert trump.entity == "Donald Trump"
    pts = trump.points()
    assert pts
    assert all(p.sentences >= 1 for p in pts)  # every outlet dot says how many sentences it rests on
    assert all(0 < p.x_err <= 1 / 2**0.5 for p in pts)
