"""A real store for the web tests: the real pipeline run once over small fictional articles.

Test modules import the fixtures from here (a second conftest.py would shadow tests/conftest.py
under pytest's default import mode).

Three outlets, two days, quotes with named speakers, an untitled article and a
hostile one (markup, event handlers, javascript: URLs and template syntax in its
title, outlet, URL and text). Every name and event is invented for these tests.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from counterpoint.config import Settings
from counterpoint.factories import default_pipeline
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.dialect import SQLiteConn
from counterpoint.store.stories import reset_stories
from counterpoint.web import create_app

HOSTILE_TITLE = '<script>alert("title")</script> Pier plan {{ 7*7 }}'
HOSTILE_OUTLET = "Evil <img src=x onerror=alert(1)> Gazette"
HOSTILE_TEXT = (
    "The council of Amsel met on Tuesday to debate the pier plan <script>alert('body')</script> "
    "at length.\n\n"
    '“We will rebuild the pier <img src=x onerror="alert(2)"> before winter,” Lena Castell said on Tuesday. '
    'Residents were told to read <a href="javascript:alert(3)">the notice</a> and {{ 7*7 }} {% raw %} '
    "other documents before the next session of the town council.\n\n"
    "Opponents said the cost of 40 million crowns was too high for a town of its size."
)

ARTICLES = [
    {
        "title": "Amsel council approves harbour pier",
        "source": "Coastline Herald",
        "date": "2026-03-02",
        "url": "https://coastline.example/amsel-pier",
        "text": (
            "The town council of Amsel voted seven to two on Monday to approve the new harbour pier, "
            "ending months of debate over its cost.\n\n"
            "“This pier will serve the fishing fleet for fifty years,” Lena Castell said after the vote. "
            "The mayor added that work would begin in April.\n\n"
            "Tomas Ekker, who leads the fishermen's cooperative, said the plan was welcome but late. "
            "“We waited eight years for this,” Ekker said."
        ),
    },
    {
        "title": "Pier vote splits Amsel",
        "source": "Northmark Daily",
        "date": "2026-03-03",
        "url": "https://northmark.example/pier-vote",
        "text": (
            "Critics in Amsel said on Tuesday that the harbour pier approved by the council would cost "
            "more than 40 million crowns, far above the first estimate.\n\n"
            "“The numbers do not add up,” Tomas Ekker told the Northmark Daily, adding that the "
            "cooperative would still support the project.\n\n"
            "Lena Castell defended the decision and said the regional authority would review it "
            "within thirty days."
        ),
    },
    {
        "source": "Northmark Daily",
        "date": "2026-03-03",
        "url": "https://northmark.example/untitled",
        "text": (
            "Fishing boats returned early to the harbour of Amsel on Tuesday as a storm approached the "
            "coast, and the harbour master closed the quays until Thursday morning.\n\n"
            "Officials said no one was hurt and that the new pier would be built to withstand such storms."
        ),
    },
    {
        "title": HOSTILE_TITLE,
        "source": HOSTILE_OUTLET,
        "date": "2026-03-01",
        "url": "javascript:alert(4)",
        "text": HOSTILE_TEXT,
    },
]


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store built by the real pipeline from ``ARTICLES`` (read-only use only)."""
    # each importing module gets its own copy of this fixture: build the store once per session
    folder = tmp_path_factory.getbasetemp() / "webstore"
    db = folder / "web.db"
    if db.exists():
        return db
    folder.mkdir()
    src = folder / "articles.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    store = open_store(str(db))
    run(store, [str(src)], default_pipeline(), Settings(workers=1, story_embedder="hashing"))
    store.close()
    return db


@pytest.fixture
def client(web_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(web_db)), raise_server_exceptions=False) as c:
        yield c


def article_ids(db: Path) -> dict[str, str]:
    """Article id by URL."""
    with sqlite3.connect(db) as conn:
        return {url: aid for aid, url in conn.execute("SELECT id, url FROM articles")}


def entity_id(db: Path, name: str) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT id FROM entities WHERE name = ?", (name,)).fetchone()
    assert row, f"entity {name} not found"
    return str(row[0])


@pytest.fixture
def story_db(web_db: Path, tmp_path: Path) -> Path:
    """A copy of the store whose stories are replaced by one known story of two pier articles."""
    db = tmp_path / "stories.db"
    shutil.copy(web_db, db)
    ids = article_ids(db)
    with sqlite3.connect(db) as conn:
        reset_stories(SQLiteConn(conn))
        conn.execute(
            "INSERT INTO stories (id, key, title, vector_sum, embedded, articles, duplicates, entities,"
            " outlets, first_seen, last_seen, english) VALUES ('s1', 1, 'Amsel harbour pier', x'', 0, 2, 0,"
            " '{}', '{}', '2026-03-02', '2026-03-03', 1)"
        )
        conn.executemany(
            "INSERT INTO story_articles (article_id, story_id, seq) VALUES (?, 's1', ?)",
            [
                (ids["https://coastline.example/amsel-pier"], 1),
                (ids["https://northmark.example/pier-vote"], 2),
            ],
        )
    return db
