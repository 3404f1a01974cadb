from __future__ import annotations

import re
from pathlib import Path

import pytest

from counterpoint.stages.clean import (
    COPYRIGHT,
    DUPLICATE_TITLE,
    FOOTER,
    LINK_CARD,
    REPEATED,
    TITLE,
    TRENDING,
    Cleaned,
    clean_text,
    line_key,
)

# The seeds belong to their publishers: they are read from beside the checkout, never copied here.
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "seeds"

_WS = re.compile(r"\s+")
_SENTENCE_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))\s+(?=[A-Z“\"‘])")


def _flat(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (it sits beside the checkout, in ../shared)")
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _sentence_at(raw: str, key: str) -> str:
    """The whole sentence of the seed that contains ``key`` (a short search key)."""
    for line in raw.splitlines():
        if key in line:
            return next(s for s in _SENTENCE_SPLIT.split(line) if key in s)
    raise AssertionError(f"search key {key!r} is not in the seed any more")


# Short search keys that locate body sentences in each seed; the test reads the full sentence from the seed.
BODY_KEYS = {
    "000": [
        "has formed a new strategic alliance with China",
        "In a stunning political shift",
        "held a groundbreaking meeting",
        "nearly eight years of strained ties",
        "The handshake between Carney and Xi",
        "Observers noted the genuine rapport",
        "collaboration on critical issues",
        "has often relied on China",
        "merely a junior partner",
        "upcoming visit to China",
        "The implications of this shift are profound.",
        "signaling a rejection of U.S. dominance",
        "as a “turning point”",
        "This sentiment echoes",
        "In a revealing press conference",
        "His remarks reflect a clear departure",
        "advocating for a pragmatic strategy",
        "Adding to the drama",
        "fraught with tension",
        "the mood has shifted dramatically",
        "the absurdity of Trump",
        "inability to negotiate favorable terms",
        "is getting more and more toxic",
        "has come under scrutiny",
        "His controversial remarks",
        "The diplomatic fallout from",
        "The stakes are high",
        "With access to critical minerals",
        "The potential for a new trade dynamic",
        "As the world watches",
        "With Carney at the helm",
        "The implications for Trump",
        "In conclusion, as Canada embraces",
        "The emerging alliance may not only",
        "chart its own course",
    ],
    "001": [
        "marks a step towards mending fractured relations",
        "Canada seeks to diversify its global alliances",
        "met with China's President Xi Jinping this week",
        "This diplomatic engagement occurs",
        "Emphasizing 'strategic autonomy,'",
        "The nations reached agreements",
        "While the implications of this meeting",
        "As both nations navigate uncertainties",
    ],
    "002": [
        'has declared a "new strategic partnership"',
        "The visit, which included talks",
        "Carney stated that the two nations",
        "He identified agriculture, energy, and finance",
        "This diplomatic outreach is driven",
        "has aggressively raised tariffs",
        "had withered significantly since 2018",
        "A series of tit-for-tat trade disputes",
        "relations reached a turning point",
        "The healthy and stable development",
        "is the result of methodical calculation",
        "double its non-US exports by 2035",
        "the scale of the challenge is vast",
        "the US bought approximately 75%",
        "a formal agreement remains elusive",
        "The visit underscores a stark reality",
        "signals a pragmatic attempt",
        "the fundamental asymmetry in trade",
    ],
    "003": [
        "diplomatic pivot toward China raises concerns",
        "have agreed to “regularize communication channels”",
        "pledging cooperation on fentanyl control",
        "continues its persecution of Uyghur Muslims",
        "The diplomatic rapprochement comes despite",
        "seeking strategic alliances",
        "has initiated a controversial reset",
        "reportedly initiated at Carney",
        "This move signals a dramatic shift",
        "The timing of this diplomatic warming",
        "Rather than standing firm",
        "This appeasement strategy comes",
        "The leaders exchanged views",
        "Perhaps most revealing",
        "Both nations have expressed frustration",
        "The Chinese Premier explicitly stated",
        "This calculated positioning",
        "works tirelessly to level the playing field",
        "The hypocrisy is particularly glaring",
        "made only a passing reference",
        "In direct retaliation",
        "characterized these events merely",
        "in recent years, China-Canada relations",
        "Even more concerning is",
        "largely fueled by Chinese-manufactured",
        "appears purely economic",
        "making a calculated bet",
        "This approach stands in stark contrast",
        "jointly uphold multilateralism and free trade,” Li",
        "American policymakers should take note",
        "tough stance on China has forced",
        "True allies stand together",
    ],
    "004": [
        "arrived in China on Wednesday",
        "has openly called on Canada",
        "The messaging comes as Carney",
        "has long been one of America's closest allies",
        "But Beijing is hoping",
        "The government bristled",
        "Now it sees an opportunity",
        "has focused on trade",
        "Trump has hit Canada with tariffs",
        "who took office last year",
        "The downturn in relations started",
        "China has retaliated for both",
        "reflects on the root causes",
        "If Ottawa still chooses",
        "The government-run Global Times said",
        "Canadian officials have said",
    ],
}

# Chrome that must not survive in any seed's clean text.
GONE = [
    "| AP",
    "- WSJ",
    "Vancouver Is Awesome",
    "WesternSlopeNow",
    "TRENDING",
    "©",
    "Copyright",
    "Related Items",
    "Subscribe",
    "Newsletter",
    "Privacy Policy",
    "Left Menu",
    "Email:",
    "News Desk",
    "inputs from agencies",
    "Newsinc24 Team",
    "LinkedIn",
    "Ca...",
    "OPINION / BLOG",
    "Bishnoi gang",
    "antibiotic resistance",
]


@pytest.mark.parametrize("seed", sorted(BODY_KEYS))
def test_clean_keeps_every_body_sentence_of_the_seeds(seed: str) -> None:
    raw = _seed(seed)
    text = _flat(clean_text(raw).text)
    for key in BODY_KEYS[seed]:
        sentence = _flat(_sentence_at(raw, key))
        assert sentence in text, f"{seed}: lost body sentence {sentence[:80]!r}"


@pytest.mark.parametrize("seed", sorted(BODY_KEYS))
def test_clean_keeps_every_long_or_punctuated_line_of_the_seeds(seed: str) -> None:
    raw = _seed(seed)
    text = _flat(clean_text(raw).text)
    for line in raw.splitlines():
        flat = _flat(line)
        sentence = re.search(r"[^.][.!?][”\"’]?$", flat)  # a truncated headline ends in "..."
        if len(flat.split()) >= 20 or (len(flat.split()) >= 8 and sentence):
            assert flat in text, f"{seed}: lost line {flat[:80]!r}"


@pytest.mark.parametrize("seed", sorted(BODY_KEYS))
def test_clean_drops_the_chrome_of_the_seeds(seed: str) -> None:
    cleaned = clean_text(_seed(seed))
    for chrome in GONE:
        assert chrome not in cleaned.text, f"{seed}: chrome {chrome!r} left in the text"
    assert all(r.reason for r in cleaned.removed)


def test_clean_seed_000_link_cards_are_removed_and_the_broken_sentence_rejoined() -> None:
    cleaned = clean_text(_seed("000"))
    cards = [r for r in cleaned.removed if r.reason == LINK_CARD]
    assert len(cards) == 4
    assert "deeper commitment to collaboration on critical issues" in cleaned.text
    assert cleaned.title is None


def test_clean_seed_001_title_desk_line_and_tags_removed() -> None:
    cleaned = clean_text(_seed("001"))
    assert cleaned.title == "Strategic Moves: Canada's Pivot Towards China Amid Trump Tensions"
    assert "Strategic Moves" not in cleaned.text
    reasons = [r.reason for r in cleaned.removed]
    assert reasons[:4] == ["date line", TITLE, "byline/desk line", DUPLICATE_TITLE]
    assert TRENDING in reasons
    assert reasons[-1] == COPYRIGHT
    paragraphs = cleaned.text.split("\n\n")
    assert "Mark Carney" not in paragraphs
    assert not any(p.startswith(("• ", "Global", "Australia")) for p in paragraphs)
    assert len(paragraphs) == 4


def test_clean_seed_002_subtitle_and_subheads_stay_in_the_body() -> None:
    cleaned = clean_text(_seed("002"))
    assert cleaned.title == "Canada Seeks New Strategic Partnership with China to Counter US Trade Pressure"
    paragraphs = cleaned.text.split("\n\n")
    assert paragraphs[0] == "Canada PM Carney Hails New Partnership with China"
    assert "A Pivot East Amid Strained Western Ties" in paragraphs
    assert "The Long Road to Trade Diversification" in paragraphs
    assert [r.reason for r in cleaned.removed] == [TITLE]


def test_clean_seed_003_headline_after_standfirst_and_key_takeaways_stay() -> None:
    cleaned = clean_text(_seed("003"))
    assert cleaned.title is None  # nothing headline-like above the standfirst
    paragraphs = cleaned.text.split("\n\n")
    assert paragraphs[1] == "Key Takeaways"
    assert sum(p.startswith("- ") for p in paragraphs) == 5
    assert paragraphs[7] == "Canada Extends Olive Branch to Communist China"
    assert "Economic Opportunism Over Principle" in paragraphs
    assert cleaned.removed == ()


def test_clean_seed_004_sign_off_and_related_list_removed() -> None:
    cleaned = clean_text(_seed("004"))
    assert [r.reason for r in cleaned.removed] == ["outlet sign-off", "related articles list"]
    assert len(cleaned.text.split("\n\n")) == 3
    assert "tensions.China’s" in cleaned.text  # body text is not rewritten


# Hand-made fixtures: fictional outlets and text written for these tests.

P1 = (
    "The Harbour Council voted on Tuesday to extend the northern pier by forty metres, "
    "ending a dispute that had run for most of the year."
)
P2 = (
    "Council members said the extension would let larger ferries dock in winter, when the "
    "southern berth is often closed by storms."
)
P3 = "Work is due to start in the spring and should take about eight months, the council said."


def _paras(cleaned: Cleaned) -> list[str]:
    return cleaned.text.split("\n\n") if cleaned.text else []


def test_clean_text_without_chrome_is_unchanged() -> None:
    cleaned = clean_text(f"{P1}\n\n{P2}\n\n{P3}\n")
    assert cleaned.text == f"{P1}\n\n{P2}\n\n{P3}"
    assert cleaned.removed == ()
    assert cleaned.title is None


@pytest.mark.parametrize("text", ["", "   ", "\n\n\r\n\t \u00a0\n"])
def test_clean_empty_input_gives_empty_text(text: str) -> None:
    assert clean_text(text) == Cleaned("", (), None)


def test_clean_normalises_crlf_tabs_and_non_breaking_spaces() -> None:
    raw = f"{P1}\r\n\r\n\u00a0\r\n{P2.replace(' ', chr(9), 2)}\r\n\r\n{P3.replace(' ', chr(160), 3)}\r\n"
    assert clean_text(raw).text == f"{P1}\n\n{P2}\n\n{P3}"


def test_clean_removes_a_trending_list() -> None:
    raw = (
        f"{P1}\n\n{P2}\n\nTrending Now\n\n1\nMayor Unveils Bold Plan For Lighthouse District\n"
        "Mayor Unveils Bold Plan For Lighthouse Dis...\n 2\nFerry Strike Ends After Four Days Of Talks\n"
        "Ferry Strike Ends After Four Days Of Talks\n"
    )
    cleaned = clean_text(raw)
    assert cleaned.text == f"{P1}\n\n{P2}"
    assert [r.reason for r in cleaned.removed] == [TRENDING]
    assert cleaned.removed[0].text.startswith("Trending Now\n1\nMayor Unveils")


def test_clean_removes_a_footer() -> None:
    raw = (
        f"{P1}\n\n{P2}\n\nFollow us on Facebook and Twitter\n\nEmail: desk@harbourledger.example\n"
        "Privacy Policy | Terms of Service | Cookie Settings\n"
        "© 2025 Harbour Ledger Media. All rights reserved.\n"
    )
    cleaned = clean_text(raw)
    assert cleaned.text == f"{P1}\n\n{P2}"
    assert [r.reason for r in cleaned.removed] == ["social/newsletter", FOOTER, COPYRIGHT]


@pytest.mark.parametrize(
    "card",
    [
        "Ferry operators warn of winter delays on the northern route | Coastline Daily",
        "Ferry operators warn of winter delays on the northern route - The Gull Gazette",
        "Ferry operators warn of winter delays on the northern route -  GULL",
        "ferry operators warn of winter delays | gullgazette.example",
    ],
)
def test_clean_removes_link_card_headlines_between_paragraphs(card: str) -> None:
    cleaned = clean_text(f"{P1}\n\n\u00a0\n\n{card}\n\n\u00a0\n\n{P2}")
    assert cleaned.text == f"{P1}\n\n{P2}"
    assert [r.reason for r in cleaned.removed] == [LINK_CARD]


@pytest.mark.parametrize(
    "line",
    [
        "The mayor - who spoke only briefly - said the pier would be finished before the summer season.",
        "Votes were split 7 | 4 in favour, a wider margin than most councillors had expected.",
        "Port revenue rose again last year, officials said, largely because of the new cruise terminal "
        "bookings and the longer season - Harbour Authority",
    ],
)
def test_clean_keeps_body_lines_with_dashes_and_bars(line: str) -> None:
    cleaned = clean_text(f"{P1}\n\n{line}\n\n{P2}")
    assert cleaned.text == f"{P1}\n\n{line}\n\n{P2}"
    assert cleaned.removed == ()


def test_clean_keeps_a_short_one_sentence_paragraph() -> None:
    raw = f"{P1}\n\nHe declined to comment.\n\n{P2}\n\nNo date was given."
    assert _paras(clean_text(raw)) == [P1, "He declined to comment.", P2, "No date was given."]


def test_clean_keeps_subheads_between_paragraphs() -> None:
    raw = f"{P1}\n\nA Long Wait for Winter Berths\n\n{P2}\n\n{P3}"
    assert _paras(clean_text(raw)) == [P1, "A Long Wait for Winter Berths", P2, P3]


def test_clean_repeated_lines_of_the_outlet_are_removed() -> None:
    promo = "Harbour Ledger brings you the coast first"
    raw = f"{P1}\n\n{promo}\n\n{P2}"
    assert promo in clean_text(raw).text  # on its own it reads as a subhead
    cleaned = clean_text(raw, repeated={line_key(promo) or 0})
    assert cleaned.text == f"{P1}\n\n{P2}"
    assert cleaned.removed[0].reason == REPEATED


def test_clean_repeated_long_sentences_are_kept() -> None:
    raw = f"{P1}\n\n{P2}"
    keys = {line_key(P1) or 0, line_key(P2) or 0}
    assert clean_text(raw, repeated=keys).text == raw


def test_clean_line_key_is_stable_and_normalised() -> None:
    assert line_key("Subscribe  to our\u00a0Newsletter ") == line_key("subscribe to our newsletter")
    assert line_key("Subscribe to our Newsletter") == 9405293335075001900
    assert line_key("ab") is None
    assert line_key("x" * 301) is None


def test_clean_keeps_bullets_of_sentences_and_short_bullets_after_a_colon() -> None:
    raw = (
        f"{P1}\n\nThe council listed three conditions:\n• ferries under 90 metres\n• no night berthing\n"
        f"• a review in 2027\n\n{P2}\n\n\u2022 Tolls will rise by two per cent next year.\n"
    )
    assert _paras(clean_text(raw)) == [
        P1,
        "The council listed three conditions:",
        "• ferries under 90 metres",
        "• no night berthing",
        "• a review in 2027",
        P2,
        "• Tolls will rise by two per cent next year.",
    ]


def test_clean_title_at_the_top_is_taken_out_with_its_copy() -> None:
    raw = (
        "Home\nHarbour Council Backs Longer Pier\n\nBy Ada Quill | Harbour Ledger | Published 3 March 2025\n"
        f"Harbour Council Backs Longer Pier\n\n{P1}\n\n{P2}"
    )
    cleaned = clean_text(raw)
    assert cleaned.title == "Harbour Council Backs Longer Pier"
    assert cleaned.text == f"{P1}\n\n{P2}"
    assert [r.reason for r in cleaned.removed] == ["navigation", TITLE, "byline/desk line", DUPLICATE_TITLE]


def test_clean_rejoins_a_sentence_broken_by_a_blank_line() -> None:
    raw = (
        f"{P1}\n\nThe vote followed a long debate about the cost of\n\nthe works and who should pay.\n\n{P2}"
    )
    assert (
        _paras(clean_text(raw))[1]
        == "The vote followed a long debate about the cost of the works and who should pay."
    )


def test_clean_text_of_a_sign_off_and_related_list_after_the_body() -> None:
    raw = f"{P1}\n\n{P2}\nLedger Desk\n\nRelated Stories\nCouncil approves new budget\nFerries beat storms\n"
    cleaned = clean_text(raw)
    assert cleaned.text == f"{P1}\n\n{P2}"
    assert [r.reason for r in cleaned.removed] == ["outlet sign-off", "related articles list"]


@pytest.mark.parametrize(
    "line",
    [
        "Dated March 3, 2024, the letter was signed by ten officials.",
        "Posted on the harbour wall, the notice listed every closure.",
        "Pilots lost their licences. The ferry lost its route. [END PLAYBACK]",
        "Yes.",
        "By the end of the week, the berth was open again.",
    ],
)
def test_clean_keeps_sentences_that_look_like_chrome_at_first_glance(line: str) -> None:
    assert _paras(clean_text(f"{P1}\n\n{line}\n\n{P2}")) == [P1, line, P2]


def test_clean_keeps_a_sentence_case_list_between_paragraphs() -> None:
    items = ["Extend the northern pier", "Dredge the inner basin", "Repaint the lighthouse"]
    raw = "\n".join([P1, *items, P2])
    assert _paras(clean_text(raw)) == [P1, *items, P2]


def test_clean_removes_a_headline_case_link_list_between_paragraphs() -> None:
    items = ["Council Approves New Budget", "Ferries Beat The Storm Again", "Lighthouse Gets A Fresh Coat"]
    cleaned = clean_text("\n".join([P1, *items, P2]))
    assert _paras(cleaned) == [P1, P2]
    assert cleaned.removed[0].text == "\n".join(items)


def test_clean_social_platform_names_alone_are_chrome_but_a_subhead_naming_one_is_not() -> None:
    raw = f"{P1}\n\nThe Facebook Group That Saved the Pier\n\n{P2}\n\nFacebook Twitter WhatsApp Email\n"
    cleaned = clean_text(raw)
    assert _paras(cleaned) == [P1, "The Facebook Group That Saved the Pier", P2]
    assert [r.reason for r in cleaned.removed] == ["social/newsletter"]


def test_clean_removes_photo_credits_and_breadcrumbs() -> None:
    raw = f"News › Coast › Harbour\n\n{P1}\n\nThe pier at dusk. Photo: Ada Quill/Harbour Ledger\n\n{P2}"
    cleaned = clean_text(raw)
    assert _paras(cleaned) == [P1, P2]
    assert [r.reason for r in cleaned.removed] == ["navigation", "photo caption/credit"]
