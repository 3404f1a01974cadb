"""The extract stage's guards: control characters, giant lines and tokens, length in every script."""

from __future__ import annotations

import time

from counterpoint.config import Settings
from counterpoint.model import Doc, Hints, RawDocument, content_id
from counterpoint.stages.clean import clean_text, word_count
from counterpoint.stages.extract import MAX_LINE_CHARS, extract, oversize_reason

ARTICLE = (
    "The council approved the new budget on Thursday after a long debate about schools and roads. "
    "Opposition members said the plan cut too deeply into public transport.\n"
)
CHINESE = "市议会周四在就学校和道路问题进行长时间辩论后批准了新的预算。\n\n反对派议员表示，削减过多。\n"


def _run(body: str, fmt: str = "text") -> Doc:
    raw = RawDocument(content_id(body), "mem", body, "html" if fmt == "html" else "text")
    return extract(Doc.from_raw(raw), Settings(workers=1))


def test_extract_nul_bytes_are_removed_with_a_note() -> None:
    doc = _run("The\x00 council\x00\x00 " + ARTICLE)
    assert doc.skipped is None
    assert "\x00" not in doc.article.text
    assert doc.notes == (("extract", "removed 3 control characters (NUL and the like)"),)


def test_extract_chinese_article_is_counted_in_characters() -> None:
    doc = _run(CHINESE)
    assert doc.skipped is None, doc.skipped
    assert "预算" in doc.article.text


def test_extract_word_count_per_script() -> None:
    assert word_count("Both ministers spoke on Monday.") == 5
    assert word_count("预算" * 10) == 10  # two characters to a word
    assert word_count("สภาเทศบาล" * 4) == 9  # 36 characters, four to a word
    assert word_count("Apple 发布了新手机") == 1 + 3


def test_extract_giant_line_and_token_are_skipped_quickly() -> None:
    started = time.perf_counter()
    line = _run((ARTICLE.strip() + " ") * 12_000)
    word = _run("a" * 2_000_000)
    assert line.skipped is not None
    assert line.skipped.startswith("not article text: a line of")
    assert word.skipped is not None
    assert word.skipped.startswith("not article text: a line of")
    assert time.perf_counter() - started < 5
    assert (
        oversize_reason("x" * 5000) == "not article text: a word of more than 2000 characters without a space"
    )
    assert oversize_reason(CHINESE * 300) is None  # a long unspaced paragraph is not a long "word"
    assert oversize_reason("y" * (MAX_LINE_CHARS + 1)) is not None


def test_extract_e_mail_regex_is_linear_on_a_long_token() -> None:
    started = time.perf_counter()
    clean_text("a." * 50_000 + "@")
    clean_text("x" * 100_000)
    assert time.perf_counter() - started < 2
    assert clean_text("Contact: desk@news.example\n\n" + ARTICLE).removed[0].reason == "footer/contact"


def _headed(title: str | None, body: str) -> Doc:
    raw = RawDocument(content_id(body), "mem", body, "text", Hints(title=title))
    return extract(Doc.from_raw(raw), Settings(workers=1))


def test_extract_headline_with_a_one_sentence_lead_is_kept() -> None:
    # a feed item or wire summary: a headline and one short sentence is a real news item
    doc = _headed(
        "Supreme Court halts Louisiana abortion restrictions", "The court blocked the law on Friday."
    )
    assert doc.skipped is None, doc.skipped
    assert doc.article.text == "The court blocked the law on Friday."


def test_extract_short_text_without_headline_or_without_a_lead_is_skipped() -> None:
    assert _headed(None, "The court blocked the law on Friday.").skipped is not None
    assert _headed("Supreme Court halts Louisiana law", "Read more.").skipped is not None
    assert _headed("Supreme Court halts Louisiana law", "Subscribe to our newsletter").skipped is not None


def test_extract_a_dek_without_full_stop_under_a_stated_headline_is_the_lead() -> None:
    # the cleaner alone would take the one line for a headline and leave no text
    dek = "Governor-elect is among officials who say more legislation is needed to clarify the terms"
    doc = _headed("Florida set to restore voting rights to felons", dek)
    assert doc.skipped is None, doc.skipped
    assert doc.article.text == dek
    assert doc.article.title == "Florida set to restore voting rights to felons"
