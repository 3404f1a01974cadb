from __future__ import annotations

from pathlib import Path

import py3langid
import pytest

from counterpoint.stages import language

SAMPLES = [
    "Canada and China agreed on Friday to lower tariffs on canola and electric vehicles, officials said.",
    "Le gouvernement canadien a annoncé vendredi un accord commercial avec la Chine sur le canola.",
    "Die kanadische Regierung hat am Freitag ein Handelsabkommen mit China angekündigt, hieß es.",
    "El primer ministro de Canadá viajó a Pekín para reunirse con el presidente chino esta semana.",
]


def test_language_cached_model_answers_as_py3langid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTERPOINT_CACHE", str(tmp_path))
    language.identifier.cache_clear()
    try:
        ours = language.identifier()
        assert [p.name for p in tmp_path.glob("langid-*.npz")]  # unpacked once into the cache
        for text in SAMPLES:
            assert ours.classify(text) == py3langid.classify(text)
        assert [language.detect_language(t) for t in SAMPLES] == ["en", "fr", "de", "es"]
    finally:
        language.identifier.cache_clear()


def test_language_without_a_writable_cache_uses_py3langid_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("COUNTERPOINT_CACHE", str(tmp_path / "file" / "cache"))
    language.identifier.cache_clear()
    try:
        assert language.detect_language(SAMPLES[1]) == "fr"
    finally:
        language.identifier.cache_clear()


def test_language_too_short_text_is_not_guessed() -> None:
    assert language.detect_language("Hello there") is None
