"""The guarded way in: open only regular files, and decompress gzip within a budget.

A folder a user points at may hold anything: a named pipe (``open`` blocks forever), a
device, a socket, a symlink loop, or a gzip bomb (a few MB that inflate to gigabytes).
Every reader opens files through :func:`open_regular` and inflates gzip through
:class:`BoundedGzip`, so each of these becomes a one-line skip reason instead of a hang,
a crash or a machine out of memory.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import zlib
from typing import IO, BinaryIO

#: gzip inflates real text 3-20 times and no more than ~1000 times (deflate's limit, reached
#: only by runs of one byte); past the slack, output beyond this multiple of the input is a bomb
MAX_GZIP_RATIO = 200
#: bytes any gzip may inflate to before the ratio is checked (small files have noisy ratios)
GZIP_SLACK = 16 * 1024 * 1024
#: decompressed bytes no single container may exceed, whatever its ratio
MAX_DECOMPRESSED = 64 * 1024**3
GZIP_MAGIC = b"\x1f\x8b"
# zlib window bits that read (and check) a gzip header and trailer
_GZIP_WBITS = 16 + zlib.MAX_WBITS

_KINDS = (
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "directory"),
)


class NotRegularFile(OSError):
    """A path that must not be read as a file; ``str(err)`` is the skip reason."""

    def __str__(self) -> str:
        return str(self.args[0])


class CompressionBomb(ValueError):
    """A compressed stream that inflates beyond its budget; ``str(err)`` is the skip reason."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is ("named pipe (FIFO)", ...), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "special file")


def _stat_kind(path: str) -> str | None:
    try:
        return _kind(os.stat(path).st_mode)
    except OSError:
        return None


def open_regular(path: str) -> BinaryIO:
    """Open ``path`` for reading when it is (or a symlink resolves to) a regular file.

    The open itself never blocks: ``O_NONBLOCK`` keeps a FIFO swapped in after a check
    from hanging, and the type is checked on the open descriptor, not on the name.

    Raises:
        NotRegularFile: the path is a FIFO, device, socket, folder, symlink loop or dangling link.
        OSError: the file exists but cannot be read (permissions, I/O error).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise NotRegularFile("symbolic link loop") from err
        if err.errno == errno.ENOENT and os.path.islink(path):
            raise NotRegularFile("broken symbolic link (its target does not exist)") from err
        kind = _stat_kind(path)  # open() on a socket fails with ENXIO: name what it is
        if kind is not None:
            raise NotRegularFile(f"not a regular file ({kind})") from err
        raise
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFile(f"not a regular file ({kind})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # regular files never block; reads must not see EAGAIN
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


class BoundedGzip(io.RawIOBase):
    """A gzip stream that raises :class:`CompressionBomb` once it inflates past its budget.

    Inflates with zlib directly (every member of a multi-member file, as ``gzip`` does) so that
    it can count the compressed bytes consumed and never reads ahead: the data before a
    truncated end reaches the caller before the ``EOFError`` does, which lets warcio keep the
    records read before the damage. ``tell()`` counts decompressed bytes, so archive offsets
    read through it are consistent.
    """

    def __init__(
        self,
        raw: IO[bytes],
        *,
        ratio: int = MAX_GZIP_RATIO,
        slack: int = GZIP_SLACK,
        limit: int = MAX_DECOMPRESSED,
    ) -> None:
        super().__init__()
        self._raw = raw
        self._ratio, self._slack, self._limit = ratio, slack, limit
        self._z = zlib.decompressobj(_GZIP_WBITS)
        self._in = b""  # compressed bytes read from raw, not yet inflated
        self._consumed = 0
        self._member_open = False  # inside a member whose end marker has not been seen
        self._out = 0
        self._pending = b""  # peeked, not yet read

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._out - len(self._pending)

    def peek(self, n: int) -> bytes:
        """Up to ``n`` bytes ahead, left to be read again (fewer only at the end of the data)."""
        while len(self._pending) < n:
            data = self._inflate(n - len(self._pending))
            if not data:
                break
            self._pending += data
        return self._pending[:n]

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        # typeshed types the buffer as WriteableBuffer; a memoryview covers every caller here
        view = memoryview(buffer).cast("B")
        if self._pending:
            data, self._pending = self._pending[: len(view)], self._pending[len(view) :]
        else:
            data = self._inflate(len(view))
        view[: len(data)] = data
        return len(data)

    def _inflate(self, n: int) -> bytes:
        """Up to ``n`` decompressed bytes (b"" at the end); EOFError when the data stops mid-member."""
        n = min(max(n, 1), 1 << 20)
        while True:
            if not self._in:
                self._in = self._raw.read(1 << 16)
                self._consumed += len(self._in)
                if not self._in:
                    if self._member_open:
                        raise EOFError("compressed file ended before the end-of-stream marker was reached")
                    return b""
            if not self._member_open:
                self._in = self._in.lstrip(b"\x00")  # zero padding between members is allowed
                if not self._in:
                    continue
                self._z = zlib.decompressobj(_GZIP_WBITS)
                self._member_open = True
            data = self._z.decompress(self._in, n)
            if self._z.eof:
                self._in, self._member_open = self._z.unused_data, False
            else:
                self._in = self._z.unconsumed_tail
            if data:
                self._out += len(data)
                self._check()
                return data

    def _check(self) -> None:
        if self._out > self._limit:
            raise CompressionBomb(f"decompresses to more than {self._limit} bytes")
        consumed = max(self._consumed - len(self._in), 1)
        if self._out > self._slack and self._out > self._ratio * consumed:
            raise CompressionBomb(
                f"compression bomb: {consumed} compressed bytes inflate to over {self._out} bytes"
            )


def open_gzip(raw: IO[bytes], **budget: int) -> BinaryIO:
    """A buffered, budgeted reader of the gzip data in ``raw`` (``read``, ``readline``, ``peek``)."""
    return io.BufferedReader(BoundedGzip(raw, **budget), buffer_size=1 << 16)
