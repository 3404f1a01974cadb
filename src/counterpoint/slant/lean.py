"""Outlet lean from the user's own ratings: coverage of a story by lean, and one-sided stories.

No lean ratings ship with Counterpoint: the well-known ones (AllSides, Ad Fontes, MBFC) do not allow
redistribution. A user who holds ratings points ``outlet_lean`` at a CSV with a header row, an
outlet column (``outlet``, ``name``, ``source`` or ``domain``) and a ``lean`` column (also read as
``bias`` or ``rating``). A lean is a word (``left``, ``lean left``, ``center``/``centre``, ``lean
right``, ``right``; AllSides' labels) or a number from -1 (left) to +1 (right).

Coverage counts a story's *outlets* (not its articles: ten reposts are one voice), each in its
lean's bucket or ``unknown``. A story is a **blindspot** of one side when at least
``BLINDSPOT_MIN`` of its outlets have a known lean and every one of them leans the other way: the
readers of that side would not see it in their own outlets.

``story_lean`` gives both for one story, as analysis.json (``stories[].lean_coverage``,
``stories[].blindspot``), the report and the web app show them; ``Leans.fingerprint`` names the
ratings, so a cached story page is re-rendered when they change.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from counterpoint.errors import ConfigError
from counterpoint.slant.profiles import domain_of

LEANS = ("left", "center", "right")
#: outlets of known lean a story needs before it can be called one-sided
BLINDSPOT_MIN = 2
#: numeric leans within this distance of 0 are centre
CENTRE_BAND = 0.2
_WORDS = {
    "left": "left", "lean left": "left", "left-center": "left", "left center": "left",
    "center": "center", "centre": "center", "least biased": "center", "neutral": "center",
    "lean right": "right", "right-center": "right", "right center": "right", "right": "right",
    "far left": "left", "far right": "right", "extreme left": "left", "extreme right": "right",
}  # fmt: skip
_OUTLET_COLUMNS = ("outlet", "name", "source", "domain", "news_source")
_LEAN_COLUMNS = ("lean", "bias", "rating", "lean_rating")


def outlet_key(name: str) -> str:
    """Lower case, no leading "the", punctuation folded: "The Guardian" and "guardian" meet."""
    key = re.sub(r"[^\w]+", " ", name.lower()).strip()
    return key.removeprefix("the ").strip()


def parse_lean(value: str) -> str | None:
    """``left`` / ``center`` / ``right`` from a word or a number in [-1, 1]; None when unreadable."""
    v = " ".join(value.strip().lower().replace("_", " ").split())
    if v in _WORDS:
        return _WORDS[v]
    try:
        x = float(v)
    except ValueError:
        return None
    return "center" if abs(x) <= CENTRE_BAND else ("left" if x < 0 else "right")


@dataclass(frozen=True, slots=True)
class Leans:
    """Lean per outlet name key and per domain, and the file it came from."""

    by_name: Mapping[str, str]
    by_domain: Mapping[str, str]
    source: str

    def lookup(self, outlet: str | None) -> str | None:
        """The lean of an outlet given by name or domain (``cnn.com``, ``https://www.cnn.com/…``)."""
        if not outlet:
            return None
        dom = domain_of(outlet)
        while dom and "." in dom:
            if dom in self.by_domain:
                return self.by_domain[dom]
            dom = dom.split(".", 1)[1]
        return self.by_name.get(outlet_key(outlet))

    @property
    def fingerprint(self) -> str:
        """A short hash of the ratings themselves (not of the file's path): equal ratings, equal print."""
        h = hashlib.sha256()
        for kind, table in (("n", self.by_name), ("d", self.by_domain)):
            for key in sorted(table):
                h.update(f"{kind}\t{key}\t{table[key]}\n".encode())
        return h.hexdigest()[:16]

    def coverage(self, outlets: Iterable[str]) -> dict[str, int]:
        """Distinct outlets per lean, plus ``unknown``."""
        out = dict.fromkeys((*LEANS, "unknown"), 0)
        for name in dict.fromkeys(outlets):  # distinct, in order
            out[self.lookup(name) or "unknown"] += 1
        return out


def blindspot(coverage: Mapping[str, int]) -> str | None:
    """The side that does not see the story (``"left"`` or ``"right"``), or None when covered."""
    known = sum(coverage.get(k, 0) for k in LEANS)
    if known < BLINDSPOT_MIN:
        return None
    if coverage.get("left", 0) == known:
        return "right"
    if coverage.get("right", 0) == known:
        return "left"
    return None


def story_lean(outlets: Iterable[str], leans: Leans | None) -> dict[str, object]:
    """``lean_coverage`` (distinct outlets per lean, unrated ones as ``unknown``) and ``blindspot``
    (the side whose outlets do not carry the story) of one story given its outlets' names.

    Both are None without ratings: an unrated corpus says nothing about lean, not "all unknown".
    """
    if leans is None:
        return {"lean_coverage": None, "blindspot": None}
    cov = leans.coverage(o for o in outlets if o)
    return {"lean_coverage": cov, "blindspot": blindspot(cov)}


def load_leans(path: str | Path) -> Leans:
    """The user's lean ratings; a file that cannot be read is a configuration error, not a crash."""
    p = Path(path).expanduser()
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            head = fh.readline()
            fh.seek(0)
            rows = list(csv.DictReader(fh, delimiter=";" if head.count(";") > head.count(",") else ","))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"outlet_lean {p}: cannot read it ({exc})") from exc
    fields = {f.strip().lower(): f for f in (rows[0].keys() if rows else []) if f}
    name_col = next((fields[c] for c in _OUTLET_COLUMNS if c in fields), None)
    lean_col = next((fields[c] for c in _LEAN_COLUMNS if c in fields), None)
    if name_col is None or lean_col is None:
        raise ConfigError(
            f"outlet_lean {p}: needs a header with an outlet column ({', '.join(_OUTLET_COLUMNS)})"
            f" and a lean column ({', '.join(_LEAN_COLUMNS)})"
        )
    by_name: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    for r in rows:
        name, lean = (r.get(name_col) or "").strip(), parse_lean(r.get(lean_col) or "")
        if not name or lean is None:
            continue
        dom = domain_of(name)
        if dom:
            by_domain[dom] = lean
        else:
            by_name[outlet_key(name)] = lean
    return Leans(by_name, by_domain, str(p))
