"""Check-worthiness of one sentence: is it a factual claim a reader could verify?

Positive evidence is what fact-checkers pick: stated quantities, dated events, named actors doing
something (an event verb), attributed statements, causal and policy claims, comparisons that rank
or measure. Negative evidence is what they pass over: questions, first- and second-person talk,
speculation about the future, evaluative words, greetings and page chrome, fragments, imperatives,
and direct quotes that only voice a feeling.

Each kind of evidence is one feature; the score is a logistic squash of their weighted sum, and
``reasons`` lists the features that fired, strongest first. The weights were set by hand and then
nudged on the train split of CheckThat! 2020 task 5 (political debates; the benchmark
``benchmarks/eval_checkworthy.py`` fixes that split and reports held-out numbers). A logistic
regression fitted on the same features ranked worse in cross-validation on the train transcripts
(the gold marks only what fact-checkers happened to cover), so the weights stay readable round
numbers. Where debates and news disagree, news wins: debates reward exaggeration and punish
story-telling with event verbs and names, but in a news report "X did Y on Z" is the core claim,
so event verbs, actors and evaluative words keep the weight a news reader would give them.

The detector reads the sentence's own text plus what earlier stages found in it (mentions,
numbers, times), so it adds only a few regex scans and set look-ups per sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from counterpoint.model import NumberFact, TimeExpr
from counterpoint.slant.lexicon import load_lexicon
from counterpoint.slant.techniques import ADJ_STOP, FACTUAL, VADER_MIN
from counterpoint.stages.quotes import CUES

KINDS = ("number", "event", "attributed", "causal", "policy", "statement", "opinion", "question", "other")


@dataclass(frozen=True, slots=True)
class Worthiness:
    """How check-worthy a sentence is, what kind of claim it makes, and the evidence for it."""

    score: float  # 0..1, higher = more check-worthy
    kind: str  # one of KINDS
    reasons: tuple[str, ...]  # short words for why, strongest first


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _phrases(text: str) -> re.Pattern[str]:
    """One regex for a list of lower-case phrases ("|"-separated), matched at word boundaries."""
    alts = sorted((p.strip() for p in text.split("|") if p.strip()), key=len, reverse=True)
    return re.compile(r"(?<![\w'’])(?:" + "|".join(alts) + r")(?![\w'’])")


#: Things that happen and get reported: mostly past forms, plus the headline present ("imposes").
EVENT_VERBS = _set(
    """
    arrested detained charged indicted convicted sentenced jailed imprisoned sued fined acquitted
    pardoned executed killed died murdered wounded injured attacked bombed shelled invaded occupied
    shot stabbed kidnapped abducted raided seized captured deported expelled evacuated displaced
    resigned quit elected reelected re-elected appointed nominated sworn fired sacked dismissed
    ousted impeached won lost defeated beat voted signed vetoed passed approved rejected blocked
    repealed enacted ratified adopted imposed lifted banned outlawed suspended announced launched
    unveiled introduced opened closed shut cut slashed raised hiked increased decreased reduced
    lowered doubled tripled halved rose risen fell fallen dropped declined grew grown surged jumped
    soared plunged plummeted slumped tumbled climbed reached topped exceeded hit created added
    eliminated built destroyed demolished collapsed crashed exploded erupted flooded burned
    released freed hired laid acquired merged bought sold paid spent funded financed borrowed lent
    invested received donated awarded granted gave agreed negotiated withdrew deployed sent met
    visited hosted held filed ruled overturned upheld struck settled pleaded admitted confessed
    born founded leaked hacked recalled canceled cancelled postponed delayed expanded shrank contracted
    imposes signs announces bans raises cuts approves rejects launches kills arrests sues fires
    invades passes vetoes
    """
)
#: Actors named by their role rather than their name ("police", "the senator"), which NER leaves out.
ROLE_ACTORS = _set(
    """
    police officials official government authorities minister ministers president senator senators
    governor mayor court judge judges prosecutors prosecutor company companies army military troops
    soldiers lawmakers legislators congress parliament administration agency department spokesperson
    spokesman spokeswoman ceo board committee union investigators regulators officers
    """
)
#: Areas where claims are made about rules, money and public policy.
POLICY_WORDS = _set(
    """
    tariff tariffs tax taxes taxed taxation law laws bill bills legislation statute agreement
    agreements deal deals treaty treaties accord pact sanction sanctions embargo regulation
    regulations regulator budget budgets deficit deficits debt subsidy subsidies mandate ban bans
    amendment constitution constitutional policy policies programme program reform reforms quota
    quotas visa visas immigration immigrants migrants border refugees asylum wage wages pension
    pensions medicare medicaid obamacare healthcare welfare stimulus bailout inflation
    unemployment jobs gdp economy trade exports imports spending funding military troops nuclear
    emissions court supreme ruling verdict referendum election elections ballot ballots
    parliament congress senate legislature ministry crime defense defence infrastructure illegal
    increase increases
    """
)
_POLICY_PHRASES = _phrases(
    "executive order|interest rate|interest rates|minimum wage|social security|health care|"
    "free trade|trade war|climate change|central bank|federal reserve|national debt|tax cut|tax cuts"
)
_REPORTING = CUES - _set("asked asking asks wondered questioned called calling joked quipped shouted chanted")
_ATTRIBUTION_PHRASES = _phrases(
    "according to|figures show|figures showed|data show|data shows|data showed|statistics show|"
    "records show|a report by|a study by|census"
)
#: A completed action in the present perfect ("has cut", "have never signed"): a record someone can look up.
_PERFECT = re.compile(
    r"(?<![\w'])(?:has|have|had|'ve)\s+(?:[a-z]+ly\s+|not\s+|never\s+|already\s+|just\s+|since\s+)?"
    r"(?:[a-z]{3,}ed|made|taken|given|lost|won|done|spent|paid|sold|bought|brought|built|cut|grown|"
    r"risen|fallen|left|sent|seen|become|begun|kept|held|met|put|set|shut|struck|told|written)(?![\w'])"
)
_CAUSAL = _phrases(
    "because|because of|due to|owing to|as a result|as a result of|led to|lead to|leads to|leading to|"
    "caused|causes|causing|resulted in|results in|result of|thanks to|blamed on|responsible for|"
    "contributed to|driven by|in response to|therefore|consequently|which means|so that|since then"
)
#: A comparison that ranks or measures, or a rate ("the highest since 1977", "more than any other
#: country", "the unemployment rate").
_COMPARISON = _phrases(
    "more than|less than|fewer than|higher than|lower than|larger than|bigger than|smaller than|"
    "greater than|as many as|as much as|twice as|times as|than any|than ever|in history|"
    "all-time|all time|on record|record|the highest|the lowest|the largest|the biggest|the smallest|"
    "the most|the least|the fastest|the first time|for the first time|since|ever|every year|per year|"
    "a year|per cent|percent|average|median|majority|half of|a third|a quarter|rate|rates|number of"
)
_OPINION_PHRASES = _phrases(
    "i think|i believe|i feel|i hope|i guess|i suppose|i suspect|i'm sure|i am sure|i'm convinced|"
    "in my opinion|in my view|i want|i'd like|i would like|i love|i like|i hate|i wish|we need to|"
    "we must|we should|we have to|we've got to|we need|let's|let us|i'm going to|i am going to|"
    "i will|i'll|we will|we'll|we're going to|we are going to|i'm not|frankly|honestly|believe me|"
    "to be honest|of course|my friends"
)
_FIRST_SINGULAR = _set("i i'm i've i'd i'll me my mine myself")
_FIRST_PLURAL = _set("we we're we've we'd we'll us our ours ourselves")
_SECOND = _set("you you're you've you'd you'll your yours yourself yourselves")
_MODALS = _set("will would could might may should must shall can ought gonna wanna 'll")
_HEDGES = _set("maybe perhaps probably possibly likely unlikely hopefully supposedly allegedly")
_CHROME = _phrases(
    "thank you|thanks|thank|welcome|applause|laughter|cheers|cheering|crosstalk|inaudible|booing|"
    "good evening|good morning|good afternoon|good night|ladies and gentlemen|god bless|"
    "congratulations|hello|goodbye|bye|okay|ok|yeah|yes|no|sir|ma'am|please|all right|alright|"
    "click here|subscribe|sign up|read more|follow us|share this|advertisement|all rights reserved|"
    "copyright|newsletter|getty images|photo|image caption|related|watch|listen"
)
#: First words of a sentence that tell the reader to do something.
_IMPERATIVE = _set(
    "let look imagine remember listen believe think consider go vote join take make give tell stop "
    "watch see come get keep say ask forget check note read wait help please"
)
#: How a speaker feels, which no fact-check can settle.
_FEELINGS = _set(
    """
    feel feels felt feeling proud happy sad glad sorry angry upset devastated heartbroken thrilled
    excited delighted grateful thankful honored honoured pleased disappointed shocked saddened
    outraged furious worried scared afraid hope hopeful love loved hate hated sick tired blessed
    """
)
#: Quantity words the subjectivity lexicon counts as opinion but that measure instead.
_QUANTITY_ADJ = _set("more many much total only whole few most least less additional entire same")

_MONTH_MAY = re.compile(r"(?<=\w )May\b")
_WORDS = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")
_ENTITY_ACTORS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_ENTITY_POLICY = frozenset({"LAW"})
_ENTITY_DATED = frozenset({"DATE", "TIME", "EVENT"})
_ENTITY_NUMBER = frozenset({"MONEY", "PERCENT", "CARDINAL", "QUANTITY"})
_STRONG_NUMBERS = frozenset({"percent", "money"})
_MEASURE_NUMBERS = frozenset({"count", "distance", "duration", "multiplier", "ordinal"})
_DATED_PRECISION = frozenset({"day", "week", "month", "year", "decade"})

#: Weight of each feature in the logit; names are the reasons reported to the user.
WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "money or percent": 2.5,
        "number": 1.0,
        "figure": 0.5,
        "date": 0.3,
        "named actor": 0.4,
        "institutional actor": 0.4,
        "event verb": 0.7,
        "completed action": 0.7,
        "reporting verb": 0.6,
        "source cited": 0.8,
        "causal marker": 0.5,
        "policy word": 0.8,
        "comparison or rate": 0.8,
        "question": -1.4,
        "first-person opinion": -1.2,
        "first person": -0.3,
        "we": -0.1,
        "second person": -0.5,
        "modal or future": -0.5,
        "hedge": -0.4,
        "subjective words": -0.25,
        "chrome": -1.5,
        "fragment": -1.5,
        "short": -0.2,
        "full sentence": 0.5,
        "imperative": -0.8,
        "quoted feeling": -1.0,
    }
)
BIAS = -1.2

#: Score at or above which a sentence counts as a claim: the best F2 on the CheckThat! train split
#: (recall weighs double: the gold covers only what fact-checkers picked, and the claims stage
#: filters its candidates further). It flags ~8% of debate sentences; news, denser in facts, more.
CHECKWORTHY_THRESHOLD: float = 0.6


@cache
def _subjective_words() -> frozenset[str]:
    """Strongly evaluative words from the slant lexicons (Pattern adjectives, VADER valences)."""
    lex = load_lexicon()
    adjectives = {
        w
        for w, (pol, subj) in lex.adjectives.items()
        if subj >= 0.6 and abs(pol) >= 0.3 and w not in ADJ_STOP and w not in _QUANTITY_ADJ
    }
    valenced = {w for w, v in lex.valence.items() if abs(v) >= VADER_MIN and w.isalpha()}
    # words that report an event or name a policy are evidence for a claim, not colour
    return frozenset((adjectives | valenced) - FACTUAL - EVENT_VERBS - POLICY_WORDS)


def features(
    text: str,
    mentions: Sequence[tuple[int, int, str]],
    numbers: Sequence[NumberFact],
    times: Sequence[TimeExpr],
    *,
    in_quote: float = 0.0,
) -> dict[str, float]:
    """The evidence found in one sentence, as feature name -> strength (absent features left out)."""
    low = text.lower().replace("’", "'")
    words = _WORDS.findall(low)
    wset = set(words)
    f: dict[str, float] = {}

    kinds = {n.kind for n in numbers}
    labels = {label for _s, _e, label in mentions}
    if kinds & _STRONG_NUMBERS:
        f["money or percent"] = 1.0
    if kinds & _MEASURE_NUMBERS:
        f["number"] = 1.0
    elif not kinds & _STRONG_NUMBERS and (kinds or labels & _ENTITY_NUMBER):
        # a target year, an age or a bare figure: a quantity, but a weaker hook for a check
        f["figure"] = 1.0
    if any(t.precision in _DATED_PRECISION for t in times) or labels & _ENTITY_DATED:
        f["date"] = 1.0
    actors = sum(1 for _s, _e, label in mentions if label in _ENTITY_ACTORS)
    if actors:
        f["named actor"] = min(1.5, 0.75 + 0.25 * actors)
    elif wset & ROLE_ACTORS:
        f["institutional actor"] = 1.0
    if wset & EVENT_VERBS:
        f["event verb"] = 1.0
    if _PERFECT.search(low):
        f["completed action"] = 1.0
    if wset & _REPORTING:
        f["reporting verb"] = 1.0
    if _ATTRIBUTION_PHRASES.search(low):
        f["source cited"] = 1.0
    if _CAUSAL.search(low):
        f["causal marker"] = 1.0
    if wset & POLICY_WORDS or labels & _ENTITY_POLICY or _POLICY_PHRASES.search(low):
        f["policy word"] = 1.0
    if _COMPARISON.search(low):
        f["comparison or rate"] = 1.0

    stripped = text.rstrip(" \"'”’)")
    if stripped.endswith("?"):
        f["question"] = 1.0
    if _OPINION_PHRASES.search(low):
        f["first-person opinion"] = 1.0
    if wset & _FIRST_SINGULAR:
        f["first person"] = 1.0
    if wset & _FIRST_PLURAL:
        f["we"] = 1.0
    if wset & _SECOND:
        f["second person"] = 1.0
    modals = wset & _MODALS
    if modals == {"may"} and _MONTH_MAY.search(text):
        modals = set()  # "in May" is a date, not a hedge
    if modals or "going to" in low:
        f["modal or future"] = 1.0
    if wset & _HEDGES:
        f["hedge"] = 1.0
    subjective = len(wset & _subjective_words())
    if subjective:
        f["subjective words"] = min(2.0, float(subjective))
    if len(words) < 4:
        f["fragment"] = 1.0
    elif len(words) < 8:
        f["short"] = 1.0
    if len(words) > 8:
        # a claim needs room for an actor, an act and its object; beyond ~25 words length adds little
        f["full sentence"] = min(1.0, (len(words) - 8) / 17)
    chrome = sum(len(m.group().split()) for m in _CHROME.finditer(low))
    if chrome and chrome * 3 >= len(words):
        f["chrome"] = 1.0
    if words and words[0] in _IMPERATIVE and not (len(words) > 1 and words[1] in {"s", "'s"}):
        f["imperative"] = 1.0
    if in_quote >= 0.3 and wset & _FEELINGS:
        f["quoted feeling"] = min(1.0, in_quote * 1.5)
    return f


def _kind(f: dict[str, float], score: float) -> str:
    """The one label a reader sees: what sort of claim this is, or why it is none."""
    if "question" in f:
        return "question"
    if "chrome" in f or "fragment" in f:
        return "other"
    positive = sum(WEIGHTS[k] * v for k, v in f.items() if WEIGHTS[k] > 0)
    negative = -sum(WEIGHTS[k] * v for k, v in f.items() if WEIGHTS[k] < 0)
    if score < CHECKWORTHY_THRESHOLD and negative >= positive and negative > 0:
        return "opinion"
    if "money or percent" in f or "number" in f:
        return "number"
    if ("reporting verb" in f and ("named actor" in f or "institutional actor" in f)) or "source cited" in f:
        return "attributed"
    if "causal marker" in f:
        return "causal"
    if "policy word" in f:
        return "policy"
    if "event verb" in f or "completed action" in f:
        return "event"
    if positive > 0:
        return "statement"
    return "other"


def sentence_worthiness(
    text: str,
    mentions: Sequence[tuple[int, int, str]],
    numbers: Sequence[NumberFact],
    times: Sequence[TimeExpr],
    *,
    in_quote: float = 0.0,
) -> Worthiness:
    """How check-worthy one sentence is.

    ``mentions`` are (start, end, label) relative to ``text`` (spaCy labels: PERSON, ORG, GPE, NORP,
    DATE, ...); ``numbers`` and ``times`` are the facts the stages found in this sentence (only
    their value, kind and precision are read); ``in_quote`` is the share of the sentence's
    characters inside direct quotation marks.
    """
    if not text.strip():
        return Worthiness(0.0, "other", ("empty",))
    f = features(text, mentions, numbers, times, in_quote=in_quote)
    logit = BIAS + sum(WEIGHTS[k] * v for k, v in f.items())
    score = 1.0 / (1.0 + math.exp(-logit))
    reasons = tuple(k for k, _v in sorted(f.items(), key=lambda kv: -abs(WEIGHTS[kv[0]] * kv[1])))
    return Worthiness(round(score, 4), _kind(f, score), reasons)
