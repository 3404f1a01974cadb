"""The lexical channel: TF-IDF of an article's headline and lead, beside the MiniLM cosine.

MiniLM reads two reports of one topic (two jobs reports, two steps of one impeachment) as alike;
the words they share tell more: one event's reports share its rare names and nouns ("Scaramucci",
"943,000", "budget resolution"), two events of one topic mostly share the topic's common words. The
terms are those of the text that is embedded (headline plus the first three sentences, ``embed_text``),
lower-cased, stop words dropped, crudely stemmed (``lead.stem``), numbers in one spelling
(``lead``'s ``n:`` features), weighed by sublinear tf × idf, where the idf comes from the articles
the clusterer has seen so far (document frequencies kept with the entities', prefixed ``t:``).

A story keeps the sum of its members' unit term vectors (``StoryState.terms``), each as weighed when
the member joined, so the mean cosine between an article and a story's members is one sparse dot
product over the article's terms, the same average linkage the MiniLM term uses. Cost: one regular
expression pass per article and a few dictionary look-ups per candidate story.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping

from counterpoint.stories.embed import MAX_CHARS, lead_sentences
from counterpoint.stories.lead import _number, stem

_TOKEN = re.compile(
    r"\$?\d[\d,]*(?:\.\d+)?(?:%|[kKmMbBtT]\b|\s+(?:thousand|million|billion|trillion|percent)\b)?"
    r"|[A-Za-z][A-Za-z'’-]*[A-Za-z]"
)
#: function words and the most common news words, which say nothing about which event it is
STOP = frozenset(
    str.split(
        """a about above across after afterwards again against all almost alone along already also although
    always am among amongst an and another any anyhow anyone anything anyway anywhere are around as at back
    be became because become becomes been before beforehand behind being below beside besides between
    beyond both but by can cannot could did do does doing done down due during each either else elsewhere
    enough etc even ever every everyone everything everywhere except few for former formerly from further
    get gets got had has have having he hence her here hereafter hereby herein hers herself him himself his
    how however i if in indeed into is it its itself just keep last latter least less ll made many may me
    meanwhile might mine more moreover most mostly much must my myself namely neither never nevertheless
    next no nobody none nor not nothing now nowhere of off often on once one only onto or other others
    otherwise our ours ourselves out over own per perhaps please put rather re same say says said see seem
    seemed seems several she should since so some somehow someone something sometime sometimes somewhere
    still such than that the their theirs them themselves then there thereafter thereby therefore therein
    these they this those though through throughout thus to together too toward towards under until up upon
    us very via was we well were what whatever when whence whenever where whereas wherever whether which
    while who whoever whole whom whose why will with within without would yet you your yours yourself
    yourselves new news told according week weeks day days today tuesday monday wednesday thursday friday
    saturday sunday year years time times like including including amid including don doesn didn isn wasn
    aren won"""
    )
)  # fmt: skip


def lead_terms(title: str | None, text: str) -> tuple[str, ...]:
    """The terms of an article's headline and lead (with repeats, in text order): what it is weighed on."""
    head = " ".join((title or "").split())
    lead = lead_sentences(text)
    if head and lead and lead[0].startswith(head):
        lead[0] = lead[0][len(head) :].strip()
    out: list[str] = []
    for tok in _TOKEN.findall(" ".join(p for p in (head, *lead) if p)[:MAX_CHARS]):
        if tok[0].isdigit() or tok[0] == "$":
            if len(tok.strip("$%")) > 1 or not tok[-1].isdigit():  # a lone digit is rarely the news
                out.append(_number(tok))
            continue
        low = tok.lower().replace("’", "'")
        if low in STOP or len(low) < 3:
            continue
        out.append("w:" + stem(low))
    return tuple(out)


def unit_weights(terms: tuple[str, ...], idf: Callable[[str], float]) -> dict[str, float]:
    """An article's unit TF-IDF vector: (1 + log tf) × idf, scaled to length 1."""
    weights = {t: (1.0 + math.log(n)) * idf(t) for t, n in Counter(terms).items()}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm > 0 else {}


def mean_cosine(query: Mapping[str, float], story: Mapping[str, float], members: int) -> float:
    """Mean cosine between an article (unit ``query``) and a story's members (sum of unit vectors)."""
    if not query or not story or members <= 0:
        return 0.0
    # fsum: the set's order follows string hashing, which differs between processes
    return math.fsum(query[t] * story[t] for t in query.keys() & story.keys()) / members


def trim(story: dict[str, float], keep: int) -> dict[str, float]:
    """A story's term sum cut to its ``keep`` largest weights (bounds memory; small terms add little)."""
    if len(story) <= 2 * keep:
        return story
    return dict(sorted(story.items(), key=lambda kv: -kv[1])[:keep])
