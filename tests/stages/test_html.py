"""HTML body and metadata extraction."""

from __future__ import annotations

from pathlib import Path

from counterpoint.stages.html import HtmlExtract, extract_html

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad"

BODY = (
    "<p>The council of Port Amsel voted on Thursday to extend the harbour by two berths, ending a year of "
    "arguments about the cost of the project and its effect on the fishing fleet.</p>"
    "<p>The extension will cost 14 million crowns, of which the regional fund pays half, the council "
    "secretary said after the vote, which passed by nine votes to four.</p>"
    '<p>"This is the most important decision this council has taken in a decade," said councillor '
    "Ines Barrow, who had opposed an earlier plan.</p>"
)

PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head>
<title>Council backs harbour extension | Amsel Courier</title>
<meta property="og:site_name" content="Amsel Courier">
<meta property="og:title" content="Council backs harbour extension">
<meta name="author" content="Mara Lind">
<meta property="article:published_time" content="2026-02-12T08:00:00+00:00">
<meta property="article:modified_time" content="2026-02-20T10:00:00+00:00">
<link rel="canonical" href="https://courier.example/news/harbour-extension">
<script>var trackingSecret = "script-content-must-not-leak";</script>
<style>.x {{ color: red }}</style>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li><li><a href="/subscribe">Subscribe today</a></li></ul></nav>
<article><h1>Council backs harbour extension</h1>{BODY}
<script>document.write("inline script text must not leak either");</script></article>
<footer><p>Copyright 2026 Amsel Courier Ltd. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p></footer>
</body></html>"""


def _extract(html: str) -> HtmlExtract:
    result = extract_html(html)
    assert result is not None
    return result


def test_html_body_kept_nav_and_footer_removed() -> None:
    text = _extract(PAGE).text
    assert "voted on Thursday to extend the harbour" in text
    assert "nine votes to four" in text
    assert "Subscribe today" not in text
    assert "Privacy policy" not in text
    assert "All rights reserved" not in text


def test_html_script_and_style_content_never_in_text() -> None:
    text = _extract(PAGE).text
    assert "script-content-must-not-leak" not in text
    assert "must not leak either" not in text
    assert "color: red" not in text
    assert "<p>" not in text


def test_html_paragraphs_joined_by_blank_lines() -> None:
    text = _extract(PAGE).text
    assert "fishing fleet.\n\nThe extension will cost" in text


def test_html_metadata_read_from_meta_tags() -> None:
    result = _extract(PAGE)
    assert result.title == "Council backs harbour extension"
    assert result.author == "Mara Lind"
    assert result.outlet == "Amsel Courier"
    assert result.published == "2026-02-12"  # original, not the modified date
    assert result.url == "https://courier.example/news/harbour-extension"
    assert result.language == "en"


def test_html_given_url_used_when_page_has_none() -> None:
    page = f"<html><head><title>T</title></head><body><article>{BODY}</article></body></html>"
    result = extract_html(page, url="https://given.example/a")
    assert result is not None
    assert result.url == "https://given.example/a"


def test_html_page_without_text_returns_none() -> None:
    assert (
        extract_html(
            "<html><head><title>Nothing</title><script>var a = 'words words';</script></head>"
            "<body><div></div></body></html>"
        )
        is None
    )
    assert extract_html("") is None
    assert extract_html((BAD / "truncated_notext.html").read_text()) is None


def test_html_truncated_page_still_extracts() -> None:
    result = _extract((BAD / "truncated.html").read_text())
    assert "postponed Thursday's vote" in result.text
    assert "within a month" in result.text
    assert result.outlet == "Amsel Courier"
    assert "Sport" not in result.text


def test_html_fragment_without_html_element_is_wrapped() -> None:
    result = _extract(BODY)
    assert "nine votes to four" in result.text


def test_html_language_from_og_locale() -> None:
    page = PAGE.replace('<html lang="en-GB">', "<html>").replace(
        "<head>", '<head><meta property="og:locale" content="fr_FR">'
    )
    assert _extract(page).language == "fr"


def test_html_extract_stage_falls_back_to_the_site_host_for_the_outlet() -> None:
    from counterpoint.config import Settings
    from counterpoint.model import Doc, Hints, RawDocument, content_id
    from counterpoint.stages.extract import extract

    paras = "".join(
        f"<p>The harbour council met on day {i} and voted on part {i} of the plan.</p>" for i in range(8)
    )
    page = f"<html><body><article>{paras}</article></body></html>"
    raw = RawDocument(content_id(page), "x.html", page, "html", Hints(url="https://www.example-news.org/a/1"))
    doc = extract(Doc.from_raw(raw), Settings(workers=1))
    assert doc.skipped is None
    assert doc.article.outlet == "example-news.org"
