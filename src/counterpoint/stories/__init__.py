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

from counterpoint.model.story import StoryDoc

__all__ = ["StoryDoc"]
