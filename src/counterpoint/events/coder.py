"""Code the events of one sentence from its dependency parse: who did what to whom, and how said.

An event word (a verb or noun of the lexicon) is the action; its grammatical subject (or the
possessor of an event noun, or the subject of the light verb that carries it: "Carney *held*
talks with Xi") is the source; its object, or the object of "with / to / on / against / between",
is the target. An actor slot is filled only by a resolved actor: a named entity, or a common noun
modified by one ("China's state media", "Canadian officials", "the US leader"), whose head noun
then gives the sector. Pronouns are left unfilled rather than guessed.

The mode records how the sentence presents the event: ``urged`` / ``agreed`` when the event word is
an appeal or a commitment, ``denied`` under a verb of denial, ``expects`` under a verb of plans or
expectation (or "will"), ``said`` inside a reporting verb's clause, else ``reported``. Negation and
hypotheticals ("could", "if") are flags of their own, so relations count only acts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from counterpoint.events import lexicon as lx
from counterpoint.events.gazetteer import sector_of
from counterpoint.model.event import Actor, Mode

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Token

#: prepositions whose object is the target of an event ("met with", "tariffs on", "visit to")
TARGET_PREPS = frozenset({"with", "to", "on", "against", "toward", "towards", "into", "in", "at", "upon"})
#: prepositions that often attach background ("on a warrant", "in the capital"): their object is a
#: target only when it is an actor itself, a sector ("on Canadian officials") or trade ("on Canadian exports")
_LOOSE_PREPS = frozenset({"on", "upon", "in", "at"})
TRADE_NOUNS = frozenset(
    {"export", "import", "good", "product", "vehicle", "car", "steel", "aluminum", "aluminium", "farmer",
     "company", "firm", "industry", "agriculture", "energy", "canola", "seafood", "pork", "beef", "oil"}
)  # fmt: skip
_SUBJECTS = frozenset({"nsubj", "csubj"})
_MODIFIERS = frozenset({"poss", "compound", "amod", "nmod", "npadvmod"})


@dataclass(frozen=True, slots=True)
class Coded:
    """One event found in a sentence; offsets are relative to the sentence text."""

    source: Actor
    target: Actor
    cameo: str
    mode: Mode
    negated: bool
    hypothetical: bool
    trigger: tuple[int, int]
    confidence: float


class SentenceActors:
    """Which actor each token of a parsed sentence belongs to."""

    def __init__(self, sdoc: SpacyDoc, spans: Sequence[tuple[int, int, Actor]]) -> None:
        self.by_token: dict[int, Actor] = {}
        for s, e, actor in spans:
            span = sdoc.char_span(s, e, alignment_mode="expand")
            if span is None:
                continue
            for tok in span:
                self.by_token.setdefault(tok.i, actor)

    def at(self, tok: Token) -> Actor | None:
        """The actor a role's head token stands for, or None."""
        actor = self.by_token.get(tok.i)
        if actor is not None:
            return actor
        if tok.pos_ == "PRON":
            return None
        sector = sector_of(tok.text) or sector_of(tok.lemma_)
        for child in tok.children:
            inner = self.by_token.get(child.i)
            if inner is None and child.dep_ == "prep" and child.lower_ == "of":
                inner = next((self.by_token.get(g.i) for g in child.children if g.dep_ == "pobj"), None)
            if inner is not None and (child.dep_ in _MODIFIERS or child.dep_ == "prep"):
                # "China's state media", "Iraq's security advisor", "the US commander": the
                # modifier's country acts through the head noun, whose word names the sector
                if inner.country is None and sector is None:
                    return None
                return Actor(inner.name, inner.country, sector or inner.sector)
        return None


def _prep_targets(tok: Token, actors: SentenceActors, preps: Iterable[str] = TARGET_PREPS) -> list[Actor]:
    out = []
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                if child.lower_ in _LOOSE_PREPS and obj.i not in actors.by_token and not _targetable(obj):
                    continue  # "arrest ... on a US warrant": a modifier's country is no target here
                a = actors.at(obj)
                if a is not None:
                    out.append(a)
    return out


def _targetable(tok: Token) -> bool:
    return tok.lemma_.lower() in TRADE_NOUNS or sector_of(tok.text) is not None


def _between(tok: Token, actors: SentenceActors) -> list[Actor]:
    """Actors of "between X and Y" under an event noun."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in {"between", "among"}:
            objs = [o for o in child.children if o.dep_ == "pobj"]
            found = []
            for obj in objs:
                for t in (obj, *[c for c in obj.subtree if c.dep_ == "conj"]):
                    a = actors.at(t)
                    if a is not None:
                        found.append(a)
            return found
    return []


def _subject(verb: Token, actors: SentenceActors) -> tuple[Actor | None, bool]:
    """The actor subject of a verb, climbing through shared subjects ("agreed to meet"): (actor, direct)."""
    direct = True
    tok: Token | None = verb
    for _ in range(4):
        if tok is None:
            break
        for child in tok.children:
            if child.dep_ in _SUBJECTS:
                return actors.at(child), direct
            if child.dep_ == "agent":
                obj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if obj is not None:
                    return actors.at(obj), direct
        if tok.dep_ == "relcl":
            return actors.at(tok.head), False
        if tok.dep_ not in {"xcomp", "conj", "advcl", "pcomp"} or tok.head is tok:
            break
        tok, direct = tok.head, False
    return None, direct


def _subject_conj(verb: Token, actors: SentenceActors) -> Actor | None:
    """The second of two subjects ("Carney and Xi met"): the target of a symmetric event."""
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            for c in child.children:
                if c.dep_ == "conj":
                    return actors.at(c)
    return None


def _governing_verb(tok: Token) -> Token | None:
    """The verb a noun hangs from as object or prepositional object ("held talks", "hit X with tariffs")."""
    cur = tok
    for _ in range(6):
        if cur.dep_ not in {"dobj", "pobj", "attr", "oprd", "conj", "appos", "prep"} or cur.head is cur:
            return None
        cur = cur.head
        if cur.pos_ in {"VERB", "AUX"}:
            return cur
    return None


def _code_verb(v: Token, actors: SentenceActors) -> tuple[Actor | None, Actor | None, str, bool] | None:
    lemma = v.lemma_.lower()
    code = lx.VERBS.get(lemma)
    preps = {c.lower_ for c in v.children if c.dep_ in {"prep", "prt"}}
    if lemma == "call" and preps & {"on", "for", "upon"}:
        code = "020"
    if code is None:
        return None
    if lemma in lx.LIGHT_VERBS and any(
        c.dep_ in {"dobj", "pobj"} and c.lemma_.lower() in lx.NOUNS for c in v.children
    ):
        return None  # the object noun is the event ("struck a deal")
    source, direct = _subject(v, actors)
    passive = any(c.dep_ == "nsubjpass" for c in v.children)
    target = None
    if passive:
        target = next((actors.at(c) for c in v.children if c.dep_ == "nsubjpass"), None)
    for child in v.children:
        if target is None and child.dep_ in {"dobj", "dative"}:
            target = actors.at(child)
    if target is None:
        found = _prep_targets(v, actors)
        for obj in (c for c in v.children if c.dep_ == "dobj"):
            found += _prep_targets(obj, actors, {"with", "to", "against"})  # "signed a deal with X"
        target = found[0] if found else None
    if target is None and lx.root_of(code) in {"04", "05", "06"}:
        target = _subject_conj(v, actors)
    return source, target, code, direct


def _code_noun(n: Token, actors: SentenceActors) -> tuple[Actor | None, Actor | None, str, bool] | None:
    code = lx.NOUNS.get(n.lemma_.lower())
    if code is None:
        return None
    source: Actor | None = None
    direct = True
    for child in n.children:
        if child.dep_ in {"poss", "compound", "amod"} and source is None:
            source = actors.by_token.get(child.i) or (actors.at(child) if child.dep_ == "poss" else None)
    pair = _between(n, actors)
    targets = _prep_targets(n, actors)
    verb = _governing_verb(n)
    if source is None and len(pair) >= 2:
        source, targets = pair[0], [pair[1]]
    if source is None and verb is not None:
        source, _ = _subject(verb, actors)
        direct = False
    if not targets and verb is not None and n.dep_ == "pobj" and n.head.lower_ == "with":
        targets = [a for a in (actors.at(c) for c in verb.children if c.dep_ == "dobj") if a]  # "hit X with"
    if source is None and n.dep_ in _SUBJECTS and targets:
        return None  # "the meeting with Xi marks ...": no stated source
    return source, (targets[0] if targets else None), code, direct


def _context(trigger: Token, code: str) -> tuple[Mode, bool, bool]:
    """(mode, negated, hypothetical) of an event word from the words that govern it."""
    own = lx.mode_of(code, trigger.lemma_.lower())
    negated = hypothetical = False
    mode: Mode = own or "reported"
    chain: list[Token] = [trigger]
    cur = trigger
    for _ in range(8):
        if cur.head is cur:
            break
        cur = cur.head
        chain.append(cur)
    said = expects = denied = False
    for depth, tok in enumerate(chain):
        lemma = tok.lemma_.lower()
        kids = list(tok.children)
        if depth == 0 or (tok.pos_ in {"VERB", "AUX"} and not said):
            negated = negated or any(c.dep_ == "neg" or c.lower_ in {"no", "never"} for c in kids)
            hypothetical = hypothetical or any(
                c.dep_ in {"aux", "mark"} and c.lower_ in lx.HYPOTHETICAL_WORDS for c in kids
            )
            expects = expects or any(c.dep_ == "aux" and c.lower_ in {"will", "shall"} for c in kids)
            expects = expects or any(c.dep_ == "amod" and c.lower_ in lx.EXPECT_WORDS for c in kids)
        if depth == 0:
            continue
        if lemma in lx.DENY_VERBS:
            denied = True
        elif lemma in lx.SAY_VERBS:
            said = True
            break  # what governs the speech act is the speaker's business, not the event's
        elif lemma in lx.EXPECT_WORDS or lemma in lx.HYPOTHETICAL_WORDS:
            expects = True
    if denied:
        return "denied", True, hypothetical
    if own is not None:
        return mode, negated, hypothetical
    if expects:
        return "expects", negated, hypothetical
    return ("said" if said else "reported"), negated, hypothetical


def code_sentence(sdoc: SpacyDoc, spans: Sequence[tuple[int, int, Actor]]) -> list[Coded]:
    """Every event with a resolved source and target in one parsed sentence."""
    actors = SentenceActors(sdoc, spans)
    out: dict[tuple[str, str, str], Coded] = {}
    for tok in sdoc:
        if tok.pos_ in {"VERB", "AUX"}:
            found = _code_verb(tok, actors)
        elif tok.pos_ in {"NOUN", "PROPN"}:
            found = _code_noun(tok, actors)
        else:
            continue
        if found is None:
            continue
        source, target, code, direct = found
        if source is None or target is None or source.name == target.name:
            continue
        if source.country is not None and source.country == target.country and source.sector == target.sector:
            continue
        mode, negated, hypothetical = _context(tok, code)
        conf = 0.5 + (0.15 if direct else 0.0) + (0.1 if tok.pos_ != "NOUN" else -0.05)
        conf += 0.1 if source.country and target.country else 0.0
        coded = Coded(source, target, code, mode, negated, hypothetical, (tok.idx, tok.idx + len(tok)), conf)
        key = (source.key, target.key, lx.root_of(code))
        if key not in out or out[key].confidence < conf:
            out[key] = coded
    return list(out.values())


def code_baseline(sdoc: SpacyDoc, spans: Sequence[tuple[int, int, Actor]]) -> list[Coded]:
    """The same-run baseline: subject–verb–object of the root verb with the verb lexicon only."""
    actors = SentenceActors(sdoc, spans)
    out = []
    for root in (t for t in sdoc if t.dep_ == "ROOT"):
        code = lx.VERBS.get(root.lemma_.lower())
        if code is None:
            continue
        subj = next((actors.by_token.get(c.i) for c in root.children if c.dep_ in _SUBJECTS), None)
        obj = next((actors.by_token.get(c.i) for c in root.children if c.dep_ == "dobj"), None)
        if subj is not None and obj is not None and subj.name != obj.name:
            out.append(
                Coded(subj, obj, code, "reported", False, False, (root.idx, root.idx + len(root)), 0.5)
            )
    return out
