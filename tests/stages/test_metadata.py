from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.stages.clean import clean_text
from counterpoint.stages.metadata import Meta, extract_metadata, parse_date

# The seeds belong to their publishers: they are read from beside the checkout, never copied here.
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "seeds"


def _meta(raw: str) -> Meta:
    return extract_metadata(raw, clean_text(raw))


def _seed_meta(prefix: str) -> Meta:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (it sits beside the checkout, in ../shared)")
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return _meta(path.read_text(encoding="utf-8"))


def test_metadata_seed_000_has_no_outlet_or_date_and_ignores_link_cards() -> None:
    meta = _seed_meta("000")
    assert meta.outlet is None
    assert meta.published is None
    assert meta.title is None
    assert meta.dateline is None


def test_metadata_seed_001_desk_line() -> None:
    meta = _seed_meta("001")
    assert meta == Meta(
        title="Strategic Moves: Canada's Pivot Towards China Amid Trump Tensions",
        outlet="Devdiscourse",
        author=None,
        published="2026-01-17",
        dateline="Beijing",
    )


def test_metadata_seed_002_title_is_the_first_line() -> None:
    meta = _seed_meta("002")
    assert meta.title == "Canada Seeks New Strategic Partnership with China to Counter US Trade Pressure"
    assert meta.published is None  # "October 2025" and "2018" in the body are other events


def test_metadata_seed_003_title_follows_the_standfirst() -> None:
    assert _seed_meta("003").title == "Canada Extends Olive Branch to Communist China"


def test_metadata_seed_004_outlet_from_sign_off() -> None:
    meta = _seed_meta("004")
    assert meta.outlet == "Newsinc24"
    assert meta.title is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("date 2026-01-17", "2026-01-17"),
        ("Updated: 17-01-2026 16:15 IST", "2026-01-17"),
        ("January 17, 2026", "2026-01-17"),
        ("17 January 2026", "2026-01-17"),
        ("Jan. 17, 2026", "2026-01-17"),
        ("Sept. 5, 2025", "2025-09-05"),
        ("5th of March 2024", "2024-03-05"),
        ("2026/01/17", "2026-01-17"),
        ("Published 17.01.2026", "2026-01-17"),
        ("01/17/2026", "2026-01-17"),  # month first: the only valid reading
        ("03/04/2026", "2026-04-03"),  # ambiguous: day first
        ("2024-02-29", "2024-02-29"),
        ("2026-02-30", None),
        ("31/31/2026", None),
        ("in October 2025", None),
        ("in 2018", None),
        ("version 1.2.2026b", None),
        ("", None),
    ],
)
def test_metadata_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


BODY = (
    "The Harbour Council voted on Tuesday to extend the northern pier by forty metres, ending a "
    "dispute that began in October 2025.\n\nThe last extension, finished on January 3, 2019, "
    "cost twice what was planned.\n\nWork is due to start in the spring, the council said."
)


def test_metadata_desk_line_gives_outlet_dateline_and_date() -> None:
    raw = f"Gull Gazette News Desk | Portville | Updated: 05-03-2025 09:10 GMT\n\n{BODY}"
    meta = _meta(raw)
    assert (meta.outlet, meta.dateline, meta.published) == ("Gull Gazette", "Portville", "2025-03-05")


def test_metadata_published_label_beats_updated() -> None:
    raw = f"Updated: 9 March 2025 | Published: 4 March 2025\n\n{BODY}"
    assert _meta(raw).published == "2025-03-04"


def test_metadata_never_takes_a_date_from_a_body_sentence() -> None:
    assert _meta(BODY).published is None


def test_metadata_byline_with_outlet() -> None:
    raw = f"Harbour Council Backs Longer Pier\nBy Ada Quill, Harbour Ledger\nMarch 4, 2025\n\n{BODY}"
    meta = _meta(raw)
    assert meta == Meta(
        title="Harbour Council Backs Longer Pier",
        outlet="Harbour Ledger",
        author="Ada Quill",
        published="2025-03-04",
        dateline=None,
    )


@pytest.mark.parametrize(
    "footer",
    [
        "© 2025 Harbour Ledger. All rights reserved.",
        "Copyright © 2025 Harbour Ledger",
        "Harbour Ledger\nEmail: news@harbourledger.example\n© Copyright 2025",
        "HarbourLedger\nPhone: +00 555 0100\nEmail: news@harbourledger.example\nAll rights reserved",
    ],
)
def test_metadata_outlet_from_the_footer(footer: str) -> None:
    assert _meta(f"{BODY}\n\n{footer}\n").outlet in ("Harbour Ledger", "HarbourLedger")


def test_metadata_outlet_from_email_domain_alone() -> None:
    assert _meta(f"{BODY}\n\nContact: desk@gullgazette.example\n").outlet == "gullgazette"


def test_metadata_link_card_outlet_is_not_the_articles_outlet() -> None:
    paras = BODY.split("\n\n")
    raw = f"{paras[0]}\n\nFerry operators warn of winter delays | Coastline Daily\n\n{paras[1]}\n\n{paras[2]}"
    assert _meta(raw).outlet is None


@pytest.mark.parametrize(
    ("lead", "city"),
    [
        ("PORTVILLE (Wirewire) — The council voted on Tuesday to extend the pier.", "Portville"),
        ("NEW HARBOUR, Jan 16 (WW) - The council voted on Tuesday to extend the pier.", "New Harbour"),
        ("Portville, Jan 16: The council voted on Tuesday to extend the pier.", "Portville"),
        ("Portville (Wirewire) - The council voted on Tuesday to extend the pier.", "Portville"),
        ("Portville, under its new mayor, voted on Tuesday to extend the pier.", None),
    ],
)
def test_metadata_dateline_at_the_start_of_the_body(lead: str, city: str | None) -> None:
    assert _meta(f"{lead}\n\n{BODY}").dateline == city
