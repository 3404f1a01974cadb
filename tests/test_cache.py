from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pytest

from counterpoint.cache import cache_dir, cached_file, digest


def test_cache_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTERPOINT_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.delenv("COUNTERPOINT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "counterpoint"


def test_cached_file_is_written_once(tmp_path: Path) -> None:
    calls: list[int] = []

    def write(fh: BinaryIO) -> None:
        calls.append(1)
        fh.write(b"derived")

    first = cached_file("x.bin", write, folder=tmp_path)
    again = cached_file("x.bin", write, folder=tmp_path)
    assert first == again == tmp_path / "x.bin"
    assert first.read_bytes() == b"derived"
    assert calls == [1]
    assert oct(first.stat().st_mode & 0o777) == "0o644"  # a shared cache, not a private temp file


def test_cached_file_failed_build_leaves_nothing(tmp_path: Path) -> None:
    def broken(fh: BinaryIO) -> None:
        fh.write(b"half")
        raise ValueError("source unreadable")

    with pytest.raises(ValueError, match="unreadable"):
        cached_file("y.bin", broken, folder=tmp_path)
    assert not (tmp_path / "y.bin").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_cached_file_unusable_folder_raises_oserror(tmp_path: Path) -> None:
    # a cache "folder" that is a file (as good as read-only, even for root): callers fall back
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(OSError, match="file"):
        cached_file("z.bin", lambda fh: fh.write(b"x"), folder=tmp_path / "file" / "sub")


def test_digest_names_its_inputs() -> None:
    assert digest("a", "b") != digest("ab")  # parts are separated, not concatenated
    assert digest(b"x") == digest("x")
    assert len(digest("x")) == 20
