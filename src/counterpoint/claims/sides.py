"""Each side of a story, side by side: what each outlet tells that the others do not.

A plain function over what the store already holds for a story — its claims (with status and
outlets), and per article its outlet, quoted speakers and loaded-language spans — so the report and
the app show one comparable row per outlet:

* **only it tells**: the story's single-source claims whose only outlet it is, most check-worthy
  first, each with its evidence span;
* **voices**: the speakers it quotes that no other outlet of the story quotes;
* **loaded terms**: the loaded or persuasive words of its own articles (quotes excluded, they are
  the speaker's), most used first.

Nothing here is generated: every entry is a claim, a quote speaker or a span of the outlet's text.
An article without a known outlet is its own side, named like everywhere else ("unknown outlet
(<file>)").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: entries listed per outlet and column
MAX_PER_SIDE = 3
LOADED_MAX_WORDS = 8  # longer loaded spans (whole sentences) are not listed as an outlet's words


@dataclass(slots=True)
class Side:
    """One outlet's row."""

    outlet: str
    articles: int = 0
    only_it: list[dict[str, Any]] = field(default_factory=list)  # claim records
    voices: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "articles": self.articles,
            "only_it": self.only_it,
            "voices": self.voices,
            "loaded": self.loaded,
        }


def story_sides(
    claims: Sequence[Mapping[str, Any]],
    outlet_of: Mapping[str, str],
    speakers: Mapping[str, Sequence[str]],
    loaded: Mapping[str, Sequence[str]],
) -> list[Side]:
    """One row per outlet of a story, most articles first.

    ``claims`` are the story's claim records (``status``, ``outlets``, ``score``, ``evidence``);
    ``outlet_of`` names each member article's outlet; ``speakers`` and ``loaded`` give each
    article's quoted speakers and the text of its own loaded-language spans.
    """
    articles: Counter[str] = Counter(outlet_of.values())
    sides = {o: Side(o, n) for o, n in articles.most_common()}
    said: dict[str, Counter[str]] = defaultdict(Counter)
    for aid, names in speakers.items():
        for name in names:
            said[name][outlet_of.get(aid, "")] += 1
    for name, by in sorted(said.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        if len(by) == 1:
            (outlet,) = by
            if outlet in sides and len(sides[outlet].voices) < MAX_PER_SIDE:
                sides[outlet].voices.append(name)
    words: dict[str, Counter[str]] = defaultdict(Counter)
    for aid, spans in loaded.items():
        # phrases only: a sentence the slant stage marks whole (it piles up loaded phrases) is
        # highlighted in the article, but is not a "word" an outlet chose
        phrases = (s.casefold() for s in spans if len(s.split()) <= LOADED_MAX_WORDS)
        words[outlet_of.get(aid, "")].update(phrases)
    for outlet, counts in words.items():
        if outlet in sides:
            sides[outlet].loaded = [w for w, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][
                :MAX_PER_SIDE
            ]
    for c in sorted(claims, key=lambda c: -float(c.get("score") or 0.0)):
        if c.get("status") != "single_source" or len(c.get("outlets") or ()) != 1:
            continue
        side = sides.get(c["outlets"][0])
        if side is not None and len(side.only_it) < MAX_PER_SIDE:
            side.only_it.append(dict(c))
    return list(sides.values())
