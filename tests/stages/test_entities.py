from __future__ import annotations

from counterpoint.stages.entities import link_entities, name_key


def _by_name(rows: list[tuple[str, str, str, int]]) -> dict[str, tuple[str, int, tuple[str, ...]]]:
    entities, _aliases = link_entities(rows)
    return {e.name: (e.type, e.mentions, e.aliases) for e in entities}


def test_entities_name_key_folds_case_punctuation_and_the() -> None:
    assert name_key("the U.S.") == name_key("US") == "us"
    assert name_key("Global Times") == name_key("the Global Times")
    assert name_key("Zoë Ärden") == "zoe arden"


def test_entities_surname_joins_the_one_full_name() -> None:
    rows = [
        ("PERSON", "Donald Trump", "Donald Trump", 5),
        ("PERSON", "Trump", "Trump", 7),
        ("ORG", "Trump", "Trump", 1),
        ("PERSON", "Xi Jinping", "Xi Jinping", 3),
        ("PERSON", "Xi", "Xi", 2),
    ]
    got = _by_name(rows)
    assert got["Donald Trump"] == ("PERSON", 13, ("Trump",))
    assert got["Xi Jinping"] == ("PERSON", 5, ("Xi",))
    assert set(got) == {"Donald Trump", "Xi Jinping"}


def test_entities_ambiguous_surname_stays_alone_unless_one_dominates() -> None:
    rows = [
        ("PERSON", "Michael Kovrig", "Michael Kovrig", 2),
        ("PERSON", "Michael Spavor", "Michael Spavor", 2),
        ("PERSON", "Michael", "Michael", 1),
        ("PERSON", "Anna Lind", "Anna Lind", 9),
        ("PERSON", "Per Lind", "Per Lind", 1),
        ("PERSON", "Lind", "Lind", 4),
    ]
    got = _by_name(rows)
    assert "Michael" in got
    assert got["Anna Lind"][1] == 13
    assert "Lind" not in got


def test_entities_type_is_the_majority_label_and_aliases_resolve_every_name() -> None:
    rows = [
        ("GPE", "United States", "U.S.", 4),
        ("GPE", "United States", "America", 2),
        ("ORG", "United States", "US", 1),
        ("ORG", "Huawei", "Huawei", 3),
    ]
    entities, aliases = link_entities(rows)
    us = next(e for e in entities if e.name == "United States")
    assert us.type == "GPE"
    assert set(us.aliases) == {"U.S.", "America", "US"}
    assert ("United States", "ORG", us.id) in aliases
    assert ("United States", "GPE", us.id) in aliases
    assert entities[0] is us  # most mentioned first


def test_entities_ids_are_stable_across_runs_and_input_order() -> None:
    rows = [("PERSON", "Lena Castell", "Lena Castell", 2), ("PERSON", "Castell", "Castell", 1)]
    a, _ = link_entities(rows)
    b, _ = link_entities(list(reversed(rows)))
    assert [e.id for e in a] == [e.id for e in b]
