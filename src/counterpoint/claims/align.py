"""Claim alignment: is this sentence from one outlet the same factual claim as that one from another?

Within a story, outlets retell one claim in their own words ("Canada and China reached agreements
to lower tariffs" / "Ottawa and Beijing agreed to cut tariffs"). Matching runs in two steps so that
it stays near-linear in the number of claims:

1. **Candidates** from sentence embeddings: each claim's ``k`` nearest claims by cosine
   (:func:`nearest`: exact numpy for small stories, a usearch HNSW index above ``EXACT_LIMIT``),
   never all pairs.
2. **Confirmation** by :func:`match_score`: a logistic model over the cosine, the overlap of
   content words (lower-cased, stop words out, crudely stemmed, numbers normalised, a few capital
   cities read as their countries), shared entities, and numbers or dates the two state alike.

Numbers and dates only ever *add* evidence. Two outlets giving different figures for the same
claim ("killed 12" / "killed 14") are still telling the same claim; flagging the disagreement is
the conflict detector's job, and it can only do it if the pair was matched first.

The weights are a logistic regression fitted on CLEF CheckThat! 2020 task 2 *train* (tweet vs
fact-checked claim, the 50 claims nearest by MiniLM cosine per tweet, gold claim = 1), with the
signs held to the rules above; ``benchmarks/eval_claim_retrieval.py --fit`` refits them and reports
dev (held out) and same-topic news pairs from ECB+. The entity-share weight came out at zero on both
datasets: entity names are content words already, so shared names count through the terms.
Training pairs were one positive in fifty, which is why the threshold is low: read the score as
a ranking with a cut-off, not as a probability.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from counterpoint.model import NumberFact, TimeExpr
from counterpoint.model.claim import ClaimText
from counterpoint.stages.dates import same_time
from counterpoint.stages.entities import name_key
from counterpoint.stages.numbers import same_quantity

#: stories up to this many claims get exact all-rows cosine (n^2 floats); larger ones an HNSW index
EXACT_LIMIT = 2000
#: cosine shortlist that :func:`retrieve` re-scores with :func:`match_score`
SHORTLIST = 50

FEATURES = ("bias", "cosine", "dice", "cover", "entities", "entity_clash", "numbers", "times")
#: logistic weights over FEATURES, fitted on CheckThat! 2020 train (see the module docstring)
WEIGHTS = (-12.55, 15.18, 3.34, 2.72, 0.0, -0.29, 1.02, 1.85)
#: match_score at or above this is "the same claim": the F1-best cut on CheckThat! 2020 train pairs
#: (held-out dev: P 0.59, R 0.68; same-topic ECB+ news pairs, held-out topics: P 0.83, R 0.63)
MATCH_THRESHOLD = 0.15
#: static recall (``claim_recall = "static"``): pairs are proposed by the cosine of the cheap static
#: encoder and re-scored with MiniLM's. Both constants were chosen on CheckThat! 2020 train: a static
#: cosine below ``STATIC_FLOOR`` drops the pair (1% of gold tweet-claim pairs are lower), and a
#: pair's MiniLM cosine is taken to be at most ``STATIC_MARGIN`` above its static one when deciding
#: whether any MiniLM cosine could lift it over a threshold: with 0.2, 99.3% of the shortlisted
#: pairs that reach ``MATCH_THRESHOLD`` with their MiniLM cosine are kept (98.5% of those reaching
#: 0.5), and 26% of all shortlisted pairs (0.27, the 99th percentile of the gold pairs' MiniLM
#: minus static cosine, kept 45%)
STATIC_FLOOR = 0.25
STATIC_MARGIN = 0.2

_STOPWORD_TEXT = (
    "a about above after again against all almost also although am among an and another any anyone "
    "anything are around as at be because been before being below between both but by can could did do "
    "does doing done down during each either else even ever every few for from further get gets got had "
    "has have having he her here hers herself him himself his how however i if in into is it its itself "
    "just least less let like many may me might more most much must my myself near neither no nor not now "
    "of off often on once one only onto or other others otherwise our ours ourselves out over own per "
    "perhaps quite rather really same shall she should since so some something still such than that the "
    "their theirs them themselves then there these they this those though through thus to too toward "
    "towards under until up upon us very via was we well were what whatever when whenever where whether "
    "which while who whom whose why will with within without would yet you your yours yourself "
    # reporting and fact-check meta-language: it says how a claim was made, not what it claims
    "say says said saying tell tells told according report reports reported reportedly claim claims "
    "claimed claiming show shows showed shown showing photo photos photograph photographs image images "
    "picture pictures video videos meme memes post posts posted tweet tweets tweeted viral new news "
    "breaking update mr mrs ms dr amp rt"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Irregular forms the suffix rules cannot reach, and a handful of news verbs that outlets swap for
# each other. This is a cheap stand-in for lemmas and synonyms; embeddings carry the rest.
_IRREGULAR = {
    "people": "person", "persons": "person", "men": "man", "women": "woman", "children": "child",
    "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "won": "win", "lost": "lose",
    "paid": "pay", "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "held": "hold", "met": "meet", "sold": "sell", "bought": "buy", "led": "lead", "shot": "shoot",
    "struck": "strike", "sent": "send", "spent": "spend", "built": "build", "began": "begin",
    "begun": "begin", "wrote": "write", "written": "write", "went": "go", "gone": "go", "saw": "see",
    "seen": "see", "knew": "know", "known": "know", "thought": "think", "brought": "bring",
    "caught": "catch", "fought": "fight", "chose": "choose", "chosen": "choose", "drove": "drive",
    "ran": "run", "died": "die", "dying": "die", "dead": "die", "death": "die", "deaths": "die",
    "lower": "cut", "lowered": "cut", "lowering": "cut", "reduce": "cut", "reduced": "cut",
    "reduces": "cut", "reducing": "cut", "slash": "cut", "slashed": "cut", "slashing": "cut",
    "raised": "raise", "hike": "raise", "hiked": "raise", "hikes": "raise",
    "increase": "raise", "increased": "raise", "increases": "raise", "boost": "raise",
    "boosted": "raise", "deal": "agree", "deals": "agree", "accord": "agree", "pact": "agree",
    "detain": "arrest", "detained": "arrest", "detains": "arrest", "detention": "arrest",
    "increasing": "raise", "slain": "kill", "murder": "kill", "murdered": "kill", "murders": "kill",
}  # fmt: skip
# A capital standing for its government ("Ottawa said") is the country as far as matching goes.
_METONYMS = {
    "ottawa": "canada", "beijing": "china", "moscow": "russia", "kyiv": "ukraine", "kiev": "ukraine",
    "tehran": "iran", "pyongyang": "north korea", "seoul": "south korea", "tokyo": "japan",
    "new delhi": "india", "delhi": "india", "islamabad": "pakistan", "ankara": "turkey",
    "berlin": "germany", "paris": "france", "rome": "italy", "madrid": "spain", "canberra": "australia",
    "brussels": "european union", "washington": "united states", "london": "united kingdom",
    "westminster": "united kingdom", "kremlin": "russia", "the kremlin": "russia",
    "white house": "united states", "the white house": "united states", "downing street": "united kingdom",
    "us": "united states", "u s": "united states", "usa": "united states", "america": "united states",
    "united states of america": "united states", "uk": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom", "prc": "china", "eu": "european union",
}  # fmt: skip
# Entities only: "Canadians" (NORP) and "Canada" (GPE) name one party to a claim. Content words keep
# them apart, since "Canadian officials" and "Canada" differ more than an entity link suggests.
_DEMONYMS = {
    "american": "united states", "americans": "united states", "canadian": "canada",
    "canadians": "canada", "chinese": "china", "russian": "russia", "russians": "russia",
    "ukrainian": "ukraine", "ukrainians": "ukraine", "british": "united kingdom", "briton": "united kingdom",
    "britons": "united kingdom", "french": "france", "german": "germany", "germans": "germany",
    "indian": "india", "indians": "india", "iranian": "iran", "iranians": "iran", "israeli": "israel",
    "israelis": "israel", "palestinian": "palestine", "palestinians": "palestine", "mexican": "mexico",
    "mexicans": "mexico", "japanese": "japan", "australian": "australia", "australians": "australia",
    "european": "european union", "europeans": "european union", "jewish": "jews", "jew": "jews",
    "nazi": "nazis", "muslim": "muslims", "christian": "christians",
}  # fmt: skip
_WORD_NUMBERS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
    "eighty": "80", "ninety": "90", "hundred": "100", "dozen": "12",
}  # fmt: skip
# Upper-case country acronyms are read before lower-casing: "US" is a country, "us" a pronoun.
_ACRONYM = re.compile(r"\b(?:U\.S\.A\.|U\.S\.|USA|US|U\.K\.|UK)(?![\w.])")
_ACRONYM_NAME = {"U.S.A.": "United States", "U.S.": "United States", "USA": "United States",
                 "US": "United States", "U.K.": "United Kingdom", "UK": "United Kingdom"}  # fmt: skip
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "edly", "ed", "ly")
_MIN_STEM = 3


def stem(word: str) -> str:
    """A crude stem of a lower-case word: "agreements", "agreed", "agree" -> "agre"; "cutting" -> "cut".

    Inflection and a few derivational endings only, then a doubled final consonant and a final
    "e" folded, so that the forms of one word meet; it makes no attempt at real morphology.
    """
    # mapped forms go through the rules too, so "increase" and "raises" both end up as "rais"
    w = _IRREGULAR.get(word, word).removesuffix("'s").removesuffix("’s")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > _MIN_STEM:
        w = w[:-1]
    inflected = False
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= _MIN_STEM:
            w = w[: -len(suffix)]
            inflected = suffix in {"ed", "ing", "ings", "edly"}
            break
    if len(w) > _MIN_STEM and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    # "-ed"/"-ing" already took the verb's final "e" ("raised" -> "rais"), except after "ee"
    # ("agreeing" -> "agree"); drop it here so that "raise" and "agree" meet them
    if len(w) > _MIN_STEM and w.endswith("e") and (not inflected or w.endswith("ee")):
        w = w[:-1]
    if len(w) > _MIN_STEM and w.endswith("y"):
        w = w[:-1] + "i"
    return w


def _number(token: str) -> str:
    """A figure as one spelling: "1,000" and "1000" meet, "2.50" is "2.5"."""
    plain = token.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        return token  # "1.2.3": a version or an id, keep it as written
    return f"{value:g}" if value < 1e15 else plain


def content_tokens(text: str) -> list[str]:
    """The content words of ``text`` in order, with repeats: what :func:`content_terms` is made of.

    Lower-cased, stop words and one-letter tokens out, stemmed with :func:`stem`, figures
    normalised ("1,000" -> "1000", "twelve" -> "12"), "US"/"U.S." read as "United States" and a
    few capitals as their countries ("Beijing" -> "china"). Bag-of-words rankers (BM25) use the same tokens.
    """
    text = _ACRONYM.sub(lambda m: " " + _ACRONYM_NAME[m.group(0)] + " ", text)
    out: list[str] = []
    for raw in _TOKEN.findall(text.lower()):
        if raw[0].isdigit():
            out.append(_number(raw))
            continue
        word = raw.replace("’", "'")
        if word in _WORD_NUMBERS:
            out.append(_WORD_NUMBERS[word])
            continue
        if word in _STOPWORDS or len(word) < 2:
            continue
        country = _METONYMS.get(word)
        if country is not None:
            out.extend(stem(w) for w in country.split())
            continue
        term = stem(word)
        if term not in _STOPWORDS:
            out.append(term)
    return out


@lru_cache(maxsize=65536)
def content_terms(text: str) -> frozenset[str]:
    """The set of content words of ``text`` (see :func:`content_tokens`)."""
    return frozenset(content_tokens(text))


@lru_cache(maxsize=65536)  # the same names meet again in every pair of a story
def _entity_tokens(name: str) -> frozenset[str]:
    key = name_key(name)
    key = _METONYMS.get(key) or _DEMONYMS.get(key) or key
    # stemmed so that "Koalas" meets "Koala" and "the Clintons" meets "Hillary Clinton"
    return frozenset(stem(t) for t in key.split())


@lru_cache(maxsize=65536)
def _entity_keys(names: frozenset[str]) -> frozenset[frozenset[str]]:
    # cached per claim's entity set: a claim meets k candidates, and this is most of a score's cost
    return frozenset(t for t in map(_entity_tokens, names) if t)


def _entities_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    # "Trump" and "Donald Trump" are one entity; "Ivanka Trump" and "Donald Trump" are not
    return a <= b or b <= a


def _matched(names_a: frozenset[str], names_b: frozenset[str]) -> tuple[int, int, int]:
    """(entities of a, entities of b, entities of the smaller side with a partner on the other)."""
    ta, tb = _entity_keys(names_a), _entity_keys(names_b)
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    hits = sum(1 for x in small if any(_entities_agree(x, y) for y in large))
    return len(ta), len(tb), hits


def _numbers_agree(a: Sequence[NumberFact], b: Sequence[NumberFact]) -> bool:
    return any(same_quantity(x, y) is True for x in a for y in b)


def _times_agree(a: Sequence[TimeExpr], b: Sequence[TimeExpr]) -> bool:
    for x in a:
        for y in b:
            if x.value is None or y.value is None:
                continue
            try:
                if same_time(x.value, y.value):
                    return True
            except ValueError:  # a relative or unparsed value: no evidence either way
                continue
    return False


def pair_features(a: ClaimText, b: ClaimText, cosine: float) -> tuple[float, ...]:
    """The evidence :func:`match_score` weighs, in the order of ``FEATURES``, each in 0..1.

    ``dice`` is the symmetric overlap of content terms, ``cover`` the share of the shorter
    claim's terms found in the longer one (a short claim inside a long paragraph); ``entities`` the
    share of the smaller entity set matched, ``entity_clash`` 1 when both name entities and none
    match; ``numbers`` and ``times`` 1 when some figure or date agrees. Disagreeing figures and
    dates contribute nothing, neither for nor against.
    """
    ta, tb = content_terms(a.text), content_terms(b.text)
    shared = len(ta & tb)
    dice = 2 * shared / (len(ta) + len(tb)) if ta and tb else 0.0
    cover = shared / min(len(ta), len(tb)) if ta and tb else 0.0
    na, nb, hits = _matched(a.entities, b.entities)
    ents = hits / min(na, nb) if na and nb else 0.0
    clash = 1.0 if na and nb and not hits else 0.0
    nums = 1.0 if _numbers_agree(a.numbers, b.numbers) else 0.0
    times = 1.0 if _times_agree(a.times, b.times) else 0.0
    return (1.0, float(cosine), dice, cover, ents, clash, nums, times)


def match_score(a: ClaimText, b: ClaimText, cosine: float) -> float:
    """Confidence in 0..1 that ``a`` and ``b`` state the same claim; ``cosine`` of their embeddings.

    Compare with ``MATCH_THRESHOLD``. Symmetric in ``a`` and ``b``.
    """
    z = sum(w * f for w, f in zip(WEIGHTS, pair_features(a, b, cosine), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def nearest(vectors: np.ndarray, k: int, *, exact_limit: int = EXACT_LIMIT) -> list[list[tuple[int, float]]]:
    """For each L2-normalised row, its ``k`` most similar *other* rows as (row, cosine), best first.

    Exact (one matrix product) up to ``exact_limit`` rows; above that an HNSW index, so a big
    story costs about n*k comparisons instead of n^2, at the price of occasionally missing a
    neighbour. ``k`` is capped at n - 1.
    """
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(v)
    k = min(k, n - 1)
    if k <= 0:
        return [[] for _ in range(n)]
    if n <= exact_limit:
        sims = v @ v.T
        np.fill_diagonal(sims, -np.inf)
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        out: list[list[tuple[int, float]]] = []
        for i, row in enumerate(top):
            order = row[np.argsort(-sims[i, row], kind="stable")]
            out.append([(int(j), float(sims[i, j])) for j in order])
        return out
    return _nearest_hnsw(v, k)


def _nearest_hnsw(v: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
    from usearch.index import BatchMatches, Index

    # f32 because claims are few enough per story that memory is no concern and rank ties matter;
    # the wider search beam keeps recall near exact for the small k we ask for
    index = Index(
        ndim=v.shape[1], metric="ip", dtype="f32", connectivity=16, expansion_add=128,
        expansion_search=max(64, 4 * k),
    )  # fmt: skip
    # one thread: a graph built by several threads depends on their timing, and so would the
    # neighbours, the claims and the conflicts (two runs over one store differed by 20 claims in 1,300)
    index.add(np.arange(len(v), dtype=np.uint64), v, threads=1)
    # one extra hit because a row usually finds itself first (not always: duplicates tie with it)
    found = index.search(v, k + 1)
    assert isinstance(found, BatchMatches)  # a 2-D query always gets batch results
    out: list[list[tuple[int, float]]] = []
    for i in range(len(v)):
        keys, dists = found.keys[i][: found.counts[i]], found.distances[i][: found.counts[i]]
        row = [(int(j), 1.0 - float(d)) for j, d in zip(keys, dists, strict=True) if int(j) != i]
        out.append(row[:k])
    return out


def retrieve(
    query: ClaimText,
    query_vec: np.ndarray,
    pool: Sequence[ClaimText],
    pool_vecs: np.ndarray,
    k: int,
    *,
    shortlist: int = SHORTLIST,
) -> list[tuple[int, float]]:
    """The ``k`` pool claims most likely to state ``query``'s claim, as (pool index, match score).

    The ``shortlist`` nearest pool items by cosine are re-scored with :func:`match_score`, so the
    cost per query is one matrix-vector product plus ``shortlist`` scorer calls.
    """
    if not pool:
        return []
    sims = np.asarray(pool_vecs, dtype=np.float32) @ np.asarray(query_vec, dtype=np.float32).reshape(-1)
    m = min(shortlist, len(pool))
    cands = np.argpartition(-sims, m - 1)[:m] if m < len(pool) else np.arange(len(pool))
    scored = [(int(i), match_score(query, pool[int(i)], float(sims[i]))) for i in cands]
    scored.sort(key=lambda t: (-t[1], t[0]))
    return scored[:k]


def optimistic_cosine(static_cosine: float) -> float:
    """The highest MiniLM cosine to expect of a pair whose static cosine is ``static_cosine``."""
    return min(1.0, static_cosine + STATIC_MARGIN)


def score_bound(a: ClaimText, b: ClaimText, static_cosine: float) -> float:
    """:func:`match_score` of the pair with the :func:`optimistic_cosine` of its static cosine.

    The score grows with the cosine, so a pair bounded below a threshold here would (but for
    the 1% of pairs whose MiniLM cosine beats the margin) stay below it with its MiniLM cosine.
    """
    return match_score(a, b, optimistic_cosine(static_cosine))


def rerank(
    query: ClaimText,
    pool: Sequence[ClaimText],
    shortlist: Sequence[int],
    static_cosines: Sequence[float],
    fine: Callable[[Sequence[int]], np.ndarray],
    k: int,
    *,
    threshold: float = MATCH_THRESHOLD,
) -> tuple[list[tuple[int, float]], int]:
    """Two-stage retrieval: the ``k`` best of a static-cosine ``shortlist`` and how many needed MiniLM.

    A shortlisted pool item whose static cosine is under ``STATIC_FLOOR``, or whose
    :func:`score_bound` is under ``threshold``, is ranked by that bound after the others without a
    MiniLM cosine; ``fine`` gives the MiniLM cosines of the rest (by pool index), which are scored
    with :func:`match_score` as :func:`retrieve` scores them.
    """
    bounds = [
        (int(i), score_bound(query, pool[int(i)], float(c)) if c >= STATIC_FLOOR else 0.0)
        for i, c in zip(shortlist, static_cosines, strict=True)
    ]
    keep = [i for i, b in bounds if b >= threshold]
    cosines = fine(keep) if keep else np.zeros(0, dtype=np.float32)
    scored = [(i, match_score(query, pool[i], float(c))) for i, c in zip(keep, cosines, strict=True)]
    scored.sort(key=lambda t: (-t[1], t[0]))
    rest = sorted(((i, b) for i, b in bounds if b < threshold), key=lambda t: (-t[1], t[0]))
    return [*scored, *rest][:k], len(keep)
