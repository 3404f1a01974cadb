from __future__ import annotations

import re
from pathlib import Path

import pytest
import webstore
from starlette.testclient import TestClient

from counterpoint.web import create_app

PIER = "https://coastline.example/amsel-pier"
UNTITLED = "https://northmark.example/untitled"
# fixtures shared through webstore.py (a second conftest.py would shadow tests/conftest.py)
web_db, client, story_db = webstore.web_db, webstore.client, webstore.story_db
article_ids, entity_id = webstore.article_ids, webstore.entity_id


def _section(page: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}">(.*?)</section>', page, re.S)
    assert m, f"no section {sid}"
    return m.group(1)


def test_web_pages_home_lists_articles_by_date_outlets_and_entities(client: TestClient) -> None:
    page = client.get("/").text
    latest = _section(page, "latest")
    assert latest.index("2026-03-03") < latest.index("2026-03-02") < latest.index("2026-03-01")
    assert "Amsel council approves harbour pier" in latest
    assert 'href="/outlets/Northmark%20Daily"' in latest
    assert "Lena Castell" in _section(page, "entities")
    assert "Coastline Herald" in _section(page, "outlets")
    assert 'id="stories"' in page  # the pipeline clusters stories; the home page lists them


def test_web_pages_home_shows_stories_once_the_table_exists(story_db: Path) -> None:
    with TestClient(create_app(str(story_db))) as c:
        stories = _section(c.get("/").text, "stories")
        assert "Amsel harbour pier" in stories
        assert "2 articles from 2 outlets" in stories
        story = c.get("/stories/s1").text
        assert "Pier vote splits Amsel" in story
        assert "Fishing boats returned" not in story
        assert c.get("/stories/s2").status_code == 404


def test_web_pages_untitled_article_gets_its_lead_as_marked_title(client: TestClient, web_db: Path) -> None:
    aid = article_ids(web_db)[UNTITLED]
    page = client.get(f"/articles/{aid}").text
    assert re.search(
        r'<h1><span class="fallback"[^>]*>Fishing boats returned early to the harbour of Amsel', page
    )
    assert 'class="fallback"' in _section(client.get("/").text, "latest")


def test_web_pages_article_highlights_entities_and_quotes_with_legend(
    client: TestClient, web_db: Path
) -> None:
    aid = article_ids(web_db)[PIER]
    castell = entity_id(web_db, "Lena Castell")
    page = client.get(f"/articles/{aid}").text
    assert 'class="legend"' in page
    assert f'<span class="mk mk-entity" data-ref="e-{castell}" title="PERSON">Lena Castell</span>' in page
    assert re.search(
        r'<span class="mk mk-quote" data-ref="q-0"[^>]*>This pier will serve the fishing fleet', page
    )
    quotes = _section(page, "quotes")
    assert f'<a href="/entities/{castell}">Lena Castell</a>' in quotes
    assert 'data-target="q-0"' in quotes
    assert "fifty years" in _section(page, "numbers")
    dates = _section(page, "dates")
    assert "April" in dates
    assert re.search(r"<td>\d{4}-04</td><td>month</td>", dates)


def test_web_pages_article_marks_the_requested_span(client: TestClient, web_db: Path) -> None:
    aid = article_ids(web_db)[PIER]
    page = client.get(f"/articles/{aid}", params={"mark": "q-1"}).text
    # one quote span, with the number inside it nested, not cut
    assert re.search(
        r'<span class="mk mk-quote hl" data-ref="q-1"[^>]*>We waited '
        r'<span class="mk mk-number" data-ref="n-\d+">eight years</span> for this</span>',
        page,
    )
    assert page.count(' hl"') == 1


def test_web_pages_entity_shows_evidence_aliases_and_quotes(client: TestClient, web_db: Path) -> None:
    ekker = entity_id(web_db, "Tomas Ekker")
    page = client.get(f"/entities/{ekker}").text
    assert "Also called: Ekker" in page
    quotes = _section(page, "quotes")
    assert "The numbers do not add up" in quotes
    assert "We waited eight years for this" in quotes
    mentions = _section(page, "mentions")
    assert mentions.count("<mark>") == 3
    assert "<mark>Ekker</mark>" in mentions
    assert "leads the fishermen" in mentions  # the evidence sentence around the mention
    assert re.search(r'href="/articles/[0-9a-f]{16}\?mark=\d+-\d+"', mentions)


def test_web_pages_outlet_shows_articles_quotes_and_dates(client: TestClient) -> None:
    page = client.get("/outlets/Northmark Daily").text
    articles = _section(page, "articles")
    assert "Pier vote splits Amsel" in articles
    assert "Amsel council approves" not in articles
    assert "The numbers do not add up" in _section(page, "quotes")
    assert "2026-03-03" in page
    assert client.get("/outlets/No Such Outlet").status_code == 404


def test_web_pages_search_with_filters(client: TestClient, web_db: Path) -> None:
    page = client.get("/search", params={"q": "pier", "outlet": "Coastline Herald"}).text
    results = _section(page, "results")
    assert "1 result<" in results
    assert "Amsel council approves harbour pier" in results
    assert "<mark>pier</mark>" in results.lower()
    castell = entity_id(web_db, "Lena Castell")
    page = client.get("/search", params={"entity": castell}).text
    assert f'<option value="{castell}" selected>' in page
    assert "3 results" in _section(page, "results")


def test_web_pages_bad_ids_are_404_pages(client: TestClient) -> None:
    for url in ("/articles/0123456789abcdef", "/articles/../../etc/passwd", "/entities/zzz", "/nowhere"):
        res = client.get(url)
        assert res.status_code == 404, url
        assert res.headers["content-type"].startswith("text/html")
        assert "Not found (404)" in res.text


@pytest.mark.parametrize(
    "url", ["/search?from=2026-02-30", "/search?limit=5000", "/entities?offset=-3", "/search?entity=%3Cb%3E"]
)
def test_web_pages_malformed_params_are_400_pages(client: TestClient, url: str) -> None:
    res = client.get(url)
    assert res.status_code == 400
    assert "Bad request (400)" in res.text


def test_web_pages_entities_list_filters_by_name(client: TestClient) -> None:
    page = client.get("/entities", params={"name": "ekk"}).text
    assert "Tomas Ekker" in page
    assert "Lena Castell" not in page


def test_web_pages_outlets_compare_slant_with_a_chart(client: TestClient) -> None:
    page = client.get("/outlets").text
    slant = _section(page, "slant")
    assert "Coastline Herald" in slant
    assert "Loaded language" in slant
    if "No entity has a stance" not in slant:
        assert "<svg" in slant
        assert "<script" not in slant


def test_web_pages_outlet_page_shows_its_slant_profile(client: TestClient) -> None:
    page = client.get("/outlets/Coastline%20Herald").text
    slant = _section(page, "slant")
    assert "How this outlet tells it" in slant
    # the fixture's articles are short: scores are withheld (low confidence) but the genres are counted
    assert re.search(r"Loaded language <b>(\d\.\d\d|—)</b>", slant)
    assert re.search(r"genres (opinion|report|quotes|unknown) \d", slant)
