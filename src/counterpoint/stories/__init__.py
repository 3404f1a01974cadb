"""Stories and storylines: group articles the way a reader thinks of news.

* a **story** is one event reported by many outlets ("Carney's state visit to Beijing");
* a **storyline** links stories over months ("Canada–China rapprochement");
* **near-duplicates** (syndicated copies, reposts with new chrome) are kept and linked to the
  article they copy, and counted apart from original reporting.

The modules here are pure: they take the plain records below and return plain
records. The corpus stages in ``counterpoint.stages.stories`` read and write them through the store.

* ``embed``      - what text of an article to embed, and the cached MiniLM loader
* ``dedup``      - MinHash LSH near-duplicate index (incremental, state as plain rows)
* ``cluster``    - online, time-aware story clustering (usearch candidates + entity blocking)
* ``events``     - the event frame (where, remote or in person) that keeps two like events apart
* ``storylines`` - linking stories that share central entities and themes
* ``titles``     - readable titles and date spans
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # events.py reads text with embed.py, which imports this module
    from counterpoint.stories.events import EventFrame


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """One article as the story stages see it.

    ``entity_ids`` holds one canonical entity id per mention, in text order, so
    repeats count as salience; ``duplicate_of`` is an exact copy the store
    already found (same text hash), if any; ``published`` is ISO ``YYYY-MM-DD`` or None;
    ``frame`` is where and how the event happened (``events.event_frame``), None when not read.
    """

    article_id: str
    outlet: str | None
    published: str | None
    title: str | None
    text: str
    language: str | None
    entity_ids: tuple[str, ...] = ()
    duplicate_of: str | None = None
    frame: EventFrame | None = None

    @property
    def english(self) -> bool:
        """Unknown language counts as English: the language stage marks what it recognises."""
        return self.language in (None, "", "en")
