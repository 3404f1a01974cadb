"""The guarded reader: only regular files are opened, gzip inflates within a budget."""

from __future__ import annotations

import gzip
import io
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from counterpoint.ingest import iter_inputs
from counterpoint.ingest.guard import BoundedGzip, CompressionBomb, NotRegularFile, open_regular
from counterpoint.model import RawDocument, Skipped

ARTICLE = b"Harbour Hall hosted the signing on Monday.\n\nBoth ministers spoke.\n"


def _reasons(path: Path) -> dict[str, str]:
    return {Path(i.source).name: i.reason for i in iter_inputs([str(path)]) if isinstance(i, Skipped)}


def test_guard_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_bytes(ARTICLE)
    out: list[RawDocument | Skipped] = []
    reader = threading.Thread(target=lambda: out.extend(iter_inputs([str(tmp_path)])), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a folder with a FIFO blocked"
    assert [(Path(i.source).name, getattr(i, "reason", None)) for i in out] == [
        ("ok.txt", None),
        ("pipe.txt", "not a regular file (named pipe (FIFO))"),
    ]


def test_guard_socket_and_symlinks_are_named(tmp_path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.txt"))
    sock.close()
    os.symlink("b.txt", tmp_path / "a.txt")
    os.symlink("a.txt", tmp_path / "b.txt")
    os.symlink("gone.txt", tmp_path / "dangling.txt")
    (tmp_path / "real.txt").write_bytes(ARTICLE)
    os.symlink("real.txt", tmp_path / "link.txt")
    os.symlink(".", tmp_path / "here")  # a folder link that loops: not followed
    items = list(iter_inputs([str(tmp_path)]))
    assert _reasons(tmp_path) == {
        "a.txt": "symbolic link loop",
        "b.txt": "symbolic link loop",
        "dangling.txt": "broken symbolic link (its target does not exist)",
        "s.txt": "not a regular file (socket)",
    }
    docs = sorted(Path(i.source).name for i in items if isinstance(i, RawDocument))
    assert docs == ["link.txt", "real.txt"]


def test_guard_symlink_loop_named_on_the_command_line(tmp_path: Path) -> None:
    os.symlink("loop", tmp_path / "loop")
    [item] = list(iter_inputs([str(tmp_path / "loop")]))
    assert isinstance(item, Skipped)
    assert item.reason == "symbolic link loop"


def test_guard_open_regular_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFile, match="directory"):
        open_regular(str(tmp_path))


def _drain(stream: BoundedGzip) -> None:
    while stream.read(1 << 16):
        pass


def _bomb(size: int) -> bytes:
    return gzip.compress(bytes(size), compresslevel=9)


def test_guard_gzip_bomb_raises_early() -> None:
    stream = BoundedGzip(io.BytesIO(_bomb(64 << 20)), slack=1 << 20)
    started = time.perf_counter()
    with pytest.raises(CompressionBomb, match="compression bomb"):
        _drain(stream)
    assert stream.tell() < 4 << 20
    assert time.perf_counter() - started < 5


def test_guard_gzip_reads_every_member_and_counts_decompressed_bytes() -> None:
    data = gzip.compress(b"one\n") + b"\x00\x00" + gzip.compress(b"two\n")
    stream = BoundedGzip(io.BytesIO(data))
    assert stream.peek(3) == b"one"
    assert stream.read() == b"one\ntwo\n"
    assert stream.tell() == 8


def test_guard_truncated_gzip_returns_what_it_has_then_raises() -> None:
    data = gzip.compress(ARTICLE * 100)[:-20]
    stream = BoundedGzip(io.BytesIO(data))
    first = stream.read(len(ARTICLE))
    assert first == ARTICLE
    with pytest.raises(EOFError):
        _drain(stream)


@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.jsonl.gz", "bomb.html.gz", "bomb.warc.gz"])
def test_guard_gzip_bomb_file_is_one_skip(tmp_path: Path, name: str) -> None:
    member = _bomb(32 << 20)
    (tmp_path / name).write_bytes(member * 8)  # 256 MiB inflated
    started = time.perf_counter()
    items = list(iter_inputs([str(tmp_path / name)]))
    assert time.perf_counter() - started < 20
    [item] = items
    assert isinstance(item, Skipped)
    assert "bomb" in item.reason or "not a WARC" in item.reason or "larger" in item.reason


def test_guard_bomb_after_a_good_warc_header_is_a_skip(tmp_path: Path) -> None:
    head = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n"
    (tmp_path / "b.warc.gz").write_bytes(gzip.compress(head) + _bomb(64 << 20) * 4)
    [item] = list(iter_inputs([str(tmp_path / "b.warc.gz")]))
    assert isinstance(item, Skipped)
    assert "compression bomb" in item.reason


def test_guard_deeply_nested_json_is_a_skip_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_bytes(b"[" * 200_000 + b"]" * 200_000)
    (tmp_path / "deep.jsonl").write_bytes(b'{"a": 1}\n' + b"[" * 200_000 + b"]" * 200_000 + b"\n")
    items = list(iter_inputs([str(tmp_path)]))
    reasons = {i.source.rsplit("/", 1)[1]: i.reason for i in items if isinstance(i, Skipped)}
    assert reasons["deep.json"].startswith("invalid JSON: nested too deeply")
    assert reasons["deep.jsonl#2"].startswith("invalid JSON: nested too deeply")


def test_guard_deep_stdin_json_is_a_skip() -> None:
    [item] = list(iter_inputs(["-"], stdin=io.BytesIO(b"[" * 100_000)))
    assert isinstance(item, Skipped)
    assert item.source == "-"


def test_guard_random_bytes_warc_is_a_skip(tmp_path: Path) -> None:
    (tmp_path / "r.warc").write_bytes(os.urandom(5000))
    [item] = list(iter_inputs([str(tmp_path / "r.warc")]))
    assert isinstance(item, Skipped)
    assert item.reason.startswith("not a WARC or ARC archive")
