from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.stories import events


def test_gazetteer_cached_table_is_the_one_built_from_geonames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COUNTERPOINT_CACHE", str(tmp_path))
    built = events._city_table()
    assert events._cities() == built  # first call writes the cache file
    [cached] = tmp_path.glob("gazetteer-*.json")
    assert events._cities() == built  # second call reads it
    assert built["Beijing"] == "CN"
    assert built["Canada"] == "CA"
    cached.unlink()


def test_gazetteer_aliases_apply_over_the_cached_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COUNTERPOINT_CACHE", str(tmp_path))
    events._gazetteer.cache_clear()
    events.resolve_place.cache_clear()
    try:
        table = events._gazetteer()
        for alias, code in events._ALIASES.items():
            assert table[alias] == code
        assert events.resolve_place("South Korea's") == "KR"
    finally:
        events._gazetteer.cache_clear()
        events.resolve_place.cache_clear()
