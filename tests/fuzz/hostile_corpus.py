"""Generate the hostile-input corpus: every class of bad file a folder may hold, built at run time.

Nothing here is committed as a blob: the 4 GiB gzip bomb is made by streaming zeros through
gzip (about 4 MB on disk, a few seconds), everything else is a few bytes to a few MB.

Run ``python tests/fuzz/hostile_corpus.py DIR`` to write the corpus to DIR (three good
articles included) and print the table of classes; the suite imports :func:`write_corpus`.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import socket
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GOOD = (
    (
        "good-harbour.txt",
        "Harbour Hall hosted the signing of the new fisheries agreement on Monday morning. "
        "Both ministers spoke at length about quotas, inspections and the future of the coastal towns. "
        "The agreement takes effect in March and will be reviewed by a joint committee every year.\n",
    ),
    (
        "good-river.txt",
        "The river authority said on Tuesday that the flood barrier would stay closed until Friday. "
        "Engineers found cracks in two of the gates during a routine inspection last week, "
        "and repairs are expected to cost the city about four million euros over two years.\n",
    ),
    (
        "good-school.html",
        "<!DOCTYPE html><html><head><title>Schools reopen after the storm</title></head><body>"
        "<article><h1>Schools reopen after the storm</h1><p>All forty schools in the district reopened "
        "on Wednesday after the storm that cut power to thousands of homes last weekend.</p><p>The "
        "education office said that buses would run on their normal routes again, and that lost lessons "
        "would be made up over the spring holiday, which is a week shorter this year as a result.</p>"
        "</article></body></html>",
    ),
)

_ARTICLE = (
    "The council approved the new budget on Thursday after a long debate about schools and roads. "
    "Opposition members said the plan cut too deeply into public transport, while the mayor argued "
    "that the city had no choice after two years of falling revenue and rising energy costs.\n"
)
_CHINESE = (
    "市议会周四在就学校和道路问题进行长时间辩论后批准了新的预算。\n\n反对派议员表示，该计划对公共交通的削减过多，"
    "而市长则认为，在连续两年收入下降和能源成本上升之后，城市别无选择。\n\n预算将于下个月生效，"
    "议会还将成立一个特别委员会，每季度审查一次支出情况，并向市民公布审查结果。\n"
)
_THAI = (
    "สภาเทศบาลอนุมัติงบประมาณใหม่เมื่อวันพฤหัสบดีหลังจากการอภิปรายอันยาวนานเกี่ยวกับโรงเรียนและถนน "
    "สมาชิกฝ่ายค้านกล่าวว่าแผนดังกล่าวตัดงบประมาณการขนส่งสาธารณะมากเกินไป "
    "ขณะที่นายกเทศมนตรีแย้งว่าเมืองไม่มีทางเลือกหลังจากรายได้ลดลงสองปีติดต่อกันและต้นทุนพลังงานที่สูงขึ้น\n"
)
_JAPANESE = (
    "市議会は木曜日、学校と道路をめぐる長い議論の末に新しい予算を承認した。\n\n"
    "野党議員は公共交通の削減が大きすぎると批判したが、市長は二年続けて歳入が減り、"
    "エネルギー費用が上がった後では他に選択肢はなかったと述べた。\n"
)
_BIDI_HTML = (
    "<!DOCTYPE html><html><head><title>Budget \u202ereversed\u202c vote \u2066isolated\u2069</title></head>"
    f"<body><article><h1>Budget \u202ereversed\u202c vote</h1><p>{_ARTICLE}</p><p>{_ARTICLE}</p></article>"
    "</body></html>"
)


@dataclass(frozen=True, slots=True)
class Hostile:
    """One class of bad input: its file name, what it is, and whether a good article must survive it."""

    name: str
    what: str
    make: Callable[[Path], None]
    kept: bool = False  # a damaged but real article that must come out as an article, not a skip


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _gzip_bomb(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        # one member of 64 MiB of zeros, repeated: a multi-member gzip that every reader inflates
        # to ``size`` bytes, written in well under a second
        member = gzip.compress(bytes(64 << 20), compresslevel=9)
        with path.open("wb") as out:
            for _ in range(size // (64 << 20)):
                out.write(member)

    return make


def _symlink(target: str) -> Callable[[Path], None]:
    return lambda path: os.symlink(target, path)


def _loop(path: Path) -> None:
    os.symlink(path.name + "-b", path)
    os.symlink(path.name, path.parent / (path.name + "-b"))


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()  # the socket file stays on disk


def _random(n: int, *, lo: int = 0, hi: int = 255, seed: int = 13) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randint(lo, hi) for _ in range(n))


def _truncated_gzip(path: Path) -> None:
    path.write_bytes(gzip.compress(_ARTICLE.encode() * 50)[:-200])


def _deep_html(path: Path) -> None:
    path.write_text("<!DOCTYPE html><html><body>" + "<div>" * 100_000 + _ARTICLE + "</div>" * 100_000)


def _truncated_warc(path: Path) -> None:
    record = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/a\r\n"
        "Content-Type: application/http; msgtype=response\r\nContent-Length: 5000\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    )
    path.write_bytes(record.encode() + _ARTICLE.encode())


HOSTILE: tuple[Hostile, ...] = (
    Hostile("deep.json", "JSON nested 200,000 levels", _bytes(b"[" * 200_000 + b"]" * 200_000)),
    Hostile(
        "deep.jsonl",
        "JSON Lines whose only record nests 200,000 levels",
        _bytes(b'{"text": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n"),
    ),
    Hostile("loop-a.txt", "symlink loop (a -> b -> a)", _loop),
    Hostile("self-link.txt", "symlink to itself", _symlink("self-link.txt")),
    Hostile("dangling.txt", "symlink to a missing file", _symlink("no-such-target.txt")),
    Hostile("pipe.txt", "named pipe (FIFO)", _fifo),
    Hostile("socket.txt", "Unix socket", _socket),
    Hostile("one-word.txt", "one 2 MB word without spaces", _bytes(b"a" * (2 << 20))),
    Hostile(
        "at-word.txt", "one 1 MB word of dots and @ (e-mail regex bait)", _bytes(b"a.a+" * (1 << 18) + b"@")
    ),
    Hostile(
        "long-line.txt", "a 2 MB line of ordinary words", _bytes((_ARTICLE.strip() + " ").encode() * 7000)
    ),
    Hostile("bomb.warc.gz", "4 GiB gzip bomb named .warc.gz", _gzip_bomb(4 << 30)),
    Hostile("bomb.txt.gz", "gzip bomb named .txt.gz", _gzip_bomb(256 << 20)),
    Hostile("bomb.jsonl.gz", "gzip bomb named .jsonl.gz", _gzip_bomb(256 << 20)),
    Hostile(
        "stray-bytes.txt",
        "UTF-8 article — with 6 stray bytes",
        _bytes(
            _ARTICLE.replace("city", "city\u2014").encode()
            + b"\xff\xfe\x81"
            + _ARTICLE.encode()
            + b"\xc3\x28\xa0\xa1"
        ),
        kept=True,
    ),
    Hostile("random-high.txt", "20,000 random bytes >= 0x80", _bytes(_random(20_000, lo=0x80))),
    Hostile("random-any.txt", "20,000 random bytes", _bytes(_random(20_000))),
    Hostile("random.warc", "WARC of random bytes", _bytes(_random(20_000, seed=7))),
    Hostile("chinese.txt", "Chinese article (no spaces)", _bytes(_CHINESE.encode()), kept=True),
    Hostile("thai.txt", "Thai article (no spaces between words)", _bytes(_THAI.encode()), kept=True),
    Hostile("japanese.txt", "Japanese article (no spaces)", _bytes(_JAPANESE.encode()), kept=True),
    Hostile(
        "nul-text.txt",
        "three NUL bytes early in a good text",
        _bytes(b"The\x00 council\x00\x00 " + _ARTICLE.encode()),
        kept=True,
    ),
    Hostile(
        "nul.jsonl",
        "a NUL inside a JSON Lines text",
        _bytes(json.dumps({"title": "Budget", "text": "Budget\u0000 " + _ARTICLE}).encode() + b"\n"),
        kept=True,
    ),
    Hostile(
        "bidi.html", "bidi overrides (U+202E, U+2066) in the title", _bytes(_BIDI_HTML.encode()), kept=True
    ),
    Hostile(
        "cp1252.txt",
        "a cp1252 (legacy) article",
        _bytes(_ARTICLE.replace("city", "cité").encode("cp1252")),
        kept=True,
    ),
    Hostile("empty.txt", "empty file", _bytes(b"")),
    Hostile("blank.txt", "only whitespace", _bytes(b" \n\t\n" * 100)),
    Hostile("truncated.txt.gz", "truncated gzip", _truncated_gzip),
    Hostile("not-gzip.txt.gz", "not gzip, named .gz", _bytes(_ARTICLE.encode())),
    Hostile("image.html", "PNG named .html", _bytes(b"\x89PNG\r\n\x1a\n" + _random(2000))),
    Hostile("doc.txt", "PDF named .txt", _bytes(b"%PDF-1.7\n" + _random(2000))),
    Hostile("broken.json", "invalid JSON", _bytes(b'{"title": "x", "text": ')),
    Hostile("scalar.json", "JSON scalar", _bytes(b"42")),
    Hostile("garbage.jsonl", "JSON Lines of garbage", _bytes(b"not json at all\n")),
    Hostile("truncated.warc", "WARC cut short inside a record", _truncated_warc),
    Hostile(
        "chrome.html",
        "HTML with no article text",
        _bytes(b"<html><body><script>var a=1;</script></body></html>"),
    ),
    Hostile("deep.html", "HTML nested 100,000 <div> deep", _deep_html),
    Hostile("huge.txt", "a text over max_bytes (21 MB)", _bytes(b"word " * (21 << 18))),
    Hostile("utf16.txt", "UTF-16 without a BOM", _bytes(_ARTICLE.encode("utf-16-le"))),
    Hostile("zlib.txt.gz", "raw zlib stream named .gz", _bytes(zlib.compress(_ARTICLE.encode()))),
    Hostile("ansi.txt", "terminal escape sequences", _bytes(b"\x1b[31m\x1b[2J\x07" * 2000)),
)


def write_corpus(folder: Path) -> list[Hostile]:
    """Write the three good articles and every hostile file into ``folder``; returns the classes."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD:
        (folder / name).write_text(text, encoding="utf-8")
    for h in HOSTILE:
        h.make(folder / h.name)
    return list(HOSTILE)


def main(argv: list[str]) -> int:
    """Write the corpus to the folder named on the command line and print its classes."""
    if len(argv) != 2:
        print("usage: hostile_corpus.py DIR", file=sys.stderr)
        return 2
    for h in write_corpus(Path(argv[1])):
        print(f"{h.name}\t{'kept' if h.kept else 'skipped'}\t{h.what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
