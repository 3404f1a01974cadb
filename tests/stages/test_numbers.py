from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.config import Settings
from counterpoint.model import Article, Doc, NumberFact, RawDocument
from counterpoint.stages.clean import clean_text
from counterpoint.stages.numbers import find_numbers, numbers, same_quantity, words_to_number

# The seeds belong to their publishers: they are read from beside the checkout, never copied here.
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "seeds"


def _facts(text: str) -> list[NumberFact]:
    return find_numbers(Article(id="a1", source="test", text=text))


def _one(text: str) -> NumberFact:
    facts = _facts(text)
    assert len(facts) == 1, [f.span.text for f in facts]
    return facts[0]


def _row(f: NumberFact) -> tuple[str, float | None, str | None, str | None, str]:
    return f.span.text, f.value, f.unit, f.qualifier, f.kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Turnout was 75% this time.", ("75%", 75.0, "percent", None, "percent")),
        ("Sales fell 25 per cent in the quarter.", ("25 per cent", 25.0, "percent", None, "percent")),
        ("China bought less than 4% of the grain.", ("less than 4%", 4.0, "percent", "less_than", "percent")),
        (
            "The rate rose 3 percentage points.",
            ("3 percentage points", 3.0, "percentage_point", None, "percent"),
        ),
        ("Exactly 12.5 percent voted.", ("Exactly 12.5 percent", 12.5, "percent", "exactly", "percent")),
    ],
)
def test_numbers_percentages(text: str, expected: tuple[object, ...]) -> None:
    assert _row(_one(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The deficit widened to $25.04 billion.", ("$25.04 billion", 25.04e9, "USD", None, "money")),
        ("It raised US$3 million from donors.", ("US$3 million", 3e6, "USD", None, "money")),
        ("The club paid €40m for him.", ("€40m", 40e6, "EUR", None, "money")),
        ("The bridge cost 40 million crowns.", ("40 million crowns", 40e6, "crown", None, "money")),
        ("Ottawa set aside C$1.5bn for it.", ("C$1.5bn", 1.5e9, "CAD", None, "money")),
        (
            "Fines of up to 5,000 Canadian dollars apply.",
            ("up to 5,000 Canadian dollars", 5000.0, "CAD", "up_to", "money"),
        ),
        ("A fee of £12 applies.", ("£12", 12.0, "GBP", None, "money")),
    ],
)
def test_numbers_money(text: str, expected: tuple[object, ...]) -> None:
    assert _row(_one(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police held two Canadians overnight.", ("two Canadians", 2.0, "canadian", None, "count")),
        ("The plant employs 1,200 workers.", ("1,200 workers", 1200.0, "worker", None, "count")),
        ("Twenty-five people were hurt.", ("Twenty-five people", 25.0, "person", None, "count")),
        ("A dozen soldiers stood guard.", ("A dozen soldiers", 12.0, "soldier", None, "count")),
        (
            "Some 1.5 million voters stayed home.",
            ("Some 1.5 million voters", 1.5e6, "voter", "about", "count"),
        ),
        ("He freed two Canadian citizens.", ("two Canadian citizens", 2.0, "citizen", None, "count")),
        (
            "They built two hundred and fifty homes.",
            ("two hundred and fifty homes", 250.0, "home", None, "count"),
        ),
        (
            "Hundreds of protesters gathered.",
            ("Hundreds of protesters", 100.0, "protester", "more_than", "count"),
        ),
        (
            "Tens of thousands of people marched.",
            ("Tens of thousands of people", 1e4, "person", "more_than", "count"),
        ),
        ("Both countries sent three delegations.", ("three delegations", 3.0, "delegation", None, "count")),
    ],
)
def test_numbers_counts_in_words_and_digits(text: str, expected: tuple[object, ...]) -> None:
    assert _row(_one(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks took place 8,000 miles away.", ("8,000 miles", 8000.0, "mile", None, "distance")),
        ("The border is 30 km from here.", ("30 km", 30.0, "km", None, "distance")),
        (
            "Ties were cut for more than six years.",
            ("more than six years", 6.0, "year", "more_than", "duration"),
        ),
        ("It ended after nearly eight years.", ("nearly eight years", 8.0, "year", "nearly", "duration")),
        ("The feud lasted three decades.", ("three decades", 3.0, "decade", None, "duration")),
        ("Talks ran for about 2 weeks.", ("about 2 weeks", 2.0, "week", "about", "duration")),
        ("They signed a 10-year deal.", ("10-year", 10.0, "year", None, "duration")),
        ("A 35-year-old man was arrested.", ("35-year-old", 35.0, "year", None, "age")),
    ],
)
def test_numbers_distances_durations_and_ages(text: str, expected: tuple[object, ...]) -> None:
    assert _row(_one(text)) == expected


@pytest.mark.parametrize(
    ("qualifier", "normalised"),
    [
        ("less than", "less_than"),
        ("fewer than", "less_than"),
        ("under", "less_than"),
        ("below", "less_than"),
        ("more than", "more_than"),
        ("over", "more_than"),
        ("above", "more_than"),
        ("at least", "more_than"),
        ("nearly", "nearly"),
        ("almost", "nearly"),
        ("close to", "nearly"),
        ("about", "about"),
        ("approximately", "about"),
        ("around", "about"),
        ("roughly", "about"),
        ("some", "about"),
        ("up to", "up_to"),
        ("exactly", "exactly"),
    ],
)
def test_numbers_qualifiers_are_normalised_and_in_the_span(qualifier: str, normalised: str) -> None:
    fact = _one(f"The group counted {qualifier} 40 members.")
    assert fact.qualifier == normalised
    assert fact.span.text == f"{qualifier} 40 members"


def test_numbers_target_year_but_not_other_years() -> None:
    facts = _facts("In 2018 the plan began; since 2020 it grew, and Canada aims to double exports by 2035.")
    assert [_row(f) for f in facts] == [
        ("double", 2.0, None, None, "multiplier"),
        ("by 2035", 2035.0, None, None, "year"),
    ]


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("Exports doubled last year.", 2.0, "doubled"),
        ("Imports tripled.", 3.0, "tripled"),
        ("The budget was halved.", 0.5, "halved"),
        ("Prices more than doubled.", 2.0, "more than doubled"),
        ("A threefold rise followed.", 3.0, "threefold"),
        ("There were four times as many cases.", 4.0, "four times"),
    ],
)
def test_numbers_multipliers(text: str, value: float, span: str) -> None:
    fact = _one(text)
    assert (fact.kind, fact.value, fact.span.text) == ("multiplier", value, span)


def test_numbers_multiplier_lookalikes_are_ignored() -> None:
    assert _facts("It is a double standard with double-digit growth; they met three times.") == []


def test_numbers_ordinals_only_where_they_rank() -> None:
    facts = _facts(
        "China is its second-largest partner and the 3rd biggest buyer; Canada won't play second fiddle."
    )
    assert [_row(f) for f in facts] == [
        ("second-largest", 2.0, "largest", None, "ordinal"),
        ("3rd biggest", 3.0, "largest", None, "ordinal"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "They met on January 16, 2026 and again on 16 January.",
        "Updated: 17-01-2026 16:15 IST, see 2026-01-17.",
        "The meeting starts at 5 p.m. or 10am.",
        "Call +91-720-6444012, 14, 15 or (555) 123-4567.",
        "1. Background\n2) Reactions\n3\n",
        "F-35 jets, the G7, 5G networks, COVID-19, the 1990s, 24/7 service, a 3-1 win.",
        "Order 48213371 shipped.",
        "One of the leaders said one thing: the two were close, voting seven to two.",
        "Carney held talks in October 2025 and in 2018.",
    ],
)
def test_numbers_ignores_dates_times_phones_lists_ids_and_pronouns(text: str) -> None:
    assert _facts(text) == [], [f.span.text for f in _facts(text)]


def test_numbers_none_in_text_without_numbers() -> None:
    assert _facts("") == []
    assert _facts("Officials met and talked at length about trade and security.") == []


def test_numbers_spans_are_evidence() -> None:
    text = "Over 300 staff left.\n\nNearly eight years later, less than 4% returned."
    facts = _facts(text)
    assert [f.span.text for f in facts] == ["Over 300 staff", "Nearly eight years", "less than 4%"]
    for f in facts:
        assert text[f.span.start : f.span.end] == f.span.text
        assert f.span.article_id == "a1"


def test_numbers_very_long_text() -> None:
    para = "Officials said 1,200 workers lost jobs after nearly eight years, and prices rose 25%."
    text = "\n\n".join([para] * 3000)
    facts = _facts(text)
    assert len(facts) == 9000
    assert facts[-1].span.text == "25%"
    assert facts[-1].span.end == len(text) - 1


@pytest.mark.parametrize(
    ("phrase", "value"),
    [("eight", 8), ("twenty-five", 25), ("a dozen", 12), ("two hundred and six", 206), ("one million", 1e6)],
)
def test_numbers_words_to_number(phrase: str, value: float) -> None:
    assert words_to_number(phrase) == value


def test_numbers_words_to_number_rejects_other_words() -> None:
    assert words_to_number("several") is None


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("about 75% of goods", "74.8% of goods", True),
        ("eight years of strain", "8 years of strain", True),
        ("nearly 8 years of strain", "7.6 years of strain", True),
        ("75% of goods", "74.8% of goods", True),
        ("75% of goods", "80% of goods", False),
        ("less than 4% of goods", "5% of goods", False),
        ("more than six years", "eight years", True),
        ("more than six years", "four years", False),
        ("18 months", "1.5 years", True),
        ("8,000 miles", "12,875 km", True),
        ("8,000 miles", "7,800 miles", False),
        ("$25.04 billion", "$25 billion", True),
        ("$25.04 billion", "$22 billion", False),
        ("hundreds of people", "300 people", True),
        ("hundreds of people", "5,000 people", False),
        ("aims to do it by 2035", "aims to do it by 2030", False),
        ("doubled", "doubled", True),
        ("doubled", "tripled", False),
    ],
)
def test_numbers_same_quantity(a: str, b: str, agree: bool) -> None:
    assert same_quantity(_one(a), _one(b)) is agree
    assert same_quantity(_one(b), _one(a)) is agree


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("75% of goods", "$75 billion"),
        ("$3 million", "€3m"),
        ("two workers", "two people"),
        ("30 km", "30 years"),
    ],
)
def test_numbers_same_quantity_not_comparable(a: str, b: str) -> None:
    assert same_quantity(_one(a), _one(b)) is None


def test_numbers_same_quantity_rel_tol_widens_agreement() -> None:
    a, b = _one("75% of goods"), _one("78% of goods")
    assert same_quantity(a, b) is False
    assert same_quantity(a, b, rel_tol=0.05) is True


def test_numbers_stage_fills_the_layer() -> None:
    text = "Exports fell 25% over more than six years."
    raw = RawDocument(id="a1", source="test", body=text, format="text")
    doc = Doc(raw=raw, article=Article(id="a1", source="test", text=text, language="en"))
    out = numbers(doc, Settings())
    assert [f.span.text for f in out.numbers] == ["25%", "more than six years"]
    assert out.article == doc.article


def _seed(prefix: str, *, clean: bool = True) -> Article:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS} (it sits beside the checkout, in ../shared)")
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    return Article(id=prefix, source=str(path), text=clean_text(raw).text if clean else raw)


def _seed_rows(
    prefix: str, *, clean: bool = True
) -> set[tuple[str, float | None, str | None, str | None, str]]:
    return {_row(f) for f in find_numbers(_seed(prefix, clean=clean))}


def test_numbers_seed_002_shares_and_target() -> None:
    rows = _seed_rows("002")
    assert ("approximately 75%", 75.0, "percent", "about", "percent") in rows
    assert ("less than 4%", 4.0, "percent", "less_than", "percent") in rows
    assert ("by 2035", 2035.0, None, None, "year") in rows
    assert ("double", 2.0, None, None, "multiplier") in rows
    assert ("second-largest", 2.0, "largest", None, "ordinal") in rows
    assert not any(v in {2018.0, 2024.0, 2025.0} for _, v, *_ in rows)  # those are dates


def test_numbers_seed_004_tariffs_and_duration() -> None:
    rows = _seed_rows("004")
    assert ("more than six years", 6.0, "year", "more_than", "duration") in rows
    assert ("100%", 100.0, "percent", None, "percent") in rows
    assert ("25%", 25.0, "percent", None, "percent") in rows


def test_numbers_seed_004_money_in_related_card() -> None:
    # The cleaner drops the "Related Items" card that carries this figure, so read the raw page.
    rows = _seed_rows("004", clean=False)
    assert ("$25.04 billion", 25.04e9, "USD", None, "money") in rows


def test_numbers_seed_000_001_003_durations_and_distance() -> None:
    assert ("nearly eight years", 8.0, "year", "nearly", "duration") in _seed_rows("000")
    assert ("8,000 miles", 8000.0, "mile", None, "distance") in _seed_rows("001")
    assert ("nearly three years", 3.0, "year", "nearly", "duration") in _seed_rows("003")
