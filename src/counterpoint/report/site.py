"""Write the report as a small static site, re-rendering only what changed.

``OUT/report.html`` is the front page (always re-rendered, every list capped);
``OUT/stories/<story id>.html`` is one page per story. ``OUT/report-manifest.json`` remembers,
per story, a fingerprint of what its page is made from (read cheaply from the store) and the hash
of the page as written: a story whose fingerprint did not change is not read again, one whose page
comes out the same is not rewritten, and pages of stories that no longer exist are deleted. Every
file is written to a temporary name and moved into place, so a reader never sees half a page and
a killed run leaves the previous site intact.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from counterpoint import __version__
from counterpoint.report.html import STORIES, build_context, page_name, render_report, template_env
from counterpoint.report.story_page import DEFAULT_MAX_FULL_TEXT, render_story, story_context
from counterpoint.slant.lean import Leans
from counterpoint.store import Store

MANIFEST = "report-manifest.json"
_TEMPLATES = Path(__file__).parent / "templates"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def render_version(max_full_text: int, leans: Leans | None = None) -> str:
    """What every page depends on besides its data: the package version, the templates, the caps,
    and the outlet lean ratings (their fingerprint: new ratings re-render every story's lean bar)."""
    lean_print = leans.fingerprint if leans is not None else "-"
    h = hashlib.sha256(f"{__version__}\n{max_full_text}\n{lean_print}".encode())
    for path in sorted(_TEMPLATES.iterdir()):
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:32]


def _load_manifest(path: Path, version: str) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("version") != version
        or not isinstance(data.get("stories"), dict)
    ):
        return {}
    return dict(data["stories"])


def write_story_pages(
    store: Store, folder: Path, *, max_full_text: int = DEFAULT_MAX_FULL_TEXT, leans: Leans | None = None
) -> dict[str, int]:
    """Bring ``folder/stories`` in step with the store; return how many pages were written, kept, deleted.

    ``leans``: the user's outlet lean ratings, for each page's coverage-by-lean bar.
    """
    pages = folder / STORIES
    pages.mkdir(parents=True, exist_ok=True)
    version = render_version(max_full_text, leans)
    manifest_path = folder / MANIFEST
    old = _load_manifest(manifest_path, version)
    keys = store.story_page_keys()
    stories, storylines, _ = store.stories_for_output()
    lines = {s["id"]: s for s in storylines}
    new: dict[str, dict[str, str]] = {}
    env = template_env()
    stats = {"written": 0, "kept": 0, "deleted": 0}
    for story in stories:
        sid = story["id"]
        page = pages / page_name(sid)
        key, prev = keys.get(sid, ""), old.get(sid)
        if prev and prev.get("key") == key and page.exists():
            new[sid] = prev
            stats["kept"] += 1
            continue
        line = lines.get(story["storyline_id"] or "")
        html = render_story(story_context(store, story, line, max_full_text=max_full_text, leans=leans), env)
        digest = hashlib.sha256(html.encode()).hexdigest()[:32]
        if prev and prev.get("hash") == digest and page.exists():
            stats["kept"] += 1
        else:
            write_atomic(page, html)
            stats["written"] += 1
        new[sid] = {"key": key, "hash": digest}
    wanted = {page_name(sid) for sid in new}
    for path in pages.iterdir():
        if path.suffix in (".html", ".tmp") and path.name not in wanted:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                stats["deleted"] += path.suffix == ".html"
    write_atomic(manifest_path, json.dumps({"version": version, "stories": new}, sort_keys=True) + "\n")
    return stats


def write_report(
    store: Store,
    path: str | os.PathLike[str],
    *,
    max_full_text: int = DEFAULT_MAX_FULL_TEXT,
    leans: Leans | None = None,
) -> Path:
    """Write the report site for everything in ``store``: ``path`` (the front page) and its story pages.

    ``max_full_text``: articles of each story shown in full on its page; ``leans``: the user's
    outlet lean ratings, for the coverage-by-lean bars and blindspots. Returns ``path``.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_story_pages(store, out.parent, max_full_text=max_full_text, leans=leans)
    context: dict[str, Any] = build_context(store, leans)
    write_atomic(out, render_report(context))
    return out
