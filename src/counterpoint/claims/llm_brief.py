"""Opt-in: a story's brief written by the user's LLM, every sentence checked against what it cites.

With ``brief_backend = "llm"`` (and ``claims_llm_url``, the OpenAI-compatible endpoint the LLM
judge uses; see ``claims/backends.py``) the extractive brief (``claims/brief.py``) is not the end
but the material: its sentences' cited spans are numbered and sent to the endpoint, which is asked
for a short neutral summary as JSON, each sentence naming the numbers of the excerpts it rests on.

A generated sentence is kept only when it is **supported**: it cites at least one excerpt, and every
content word (a word that is not a function word, lower-cased) and every number in it occurs in the
text of the excerpts it cites — or, for an attribution, in the name of a cited outlet. A sentence
that adds a word or a figure is dropped, whatever it says. When no sentence survives, or the
endpoint is unreachable or answers something else than the JSON asked for, the story keeps its
extractive brief: the offline default stands on its own. Article text is sent to the endpoint, so
only configure one you trust; no address is ever taken from an article.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from counterpoint.claims.backends import chat, chat_url, json_object
from counterpoint.claims.timeline import _STOPWORDS
from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.model import Span
from counterpoint.model.claim import BriefSentence

#: sentences asked for
MAX_SENTENCES = 4

_PROMPT = (
    "Write a neutral news summary of one story in at most {n} sentences, using only the numbered "
    "excerpts below from its articles. Open with what happened (who, what, where, when). Use only "
    "words, names and numbers that appear in the excerpts you cite; add no fact, opinion or loaded "
    'word. When only one outlet says something, attribute it ("According to <outlet>, ..."). '
    'Answer with one JSON object: {{"sentences": [{{"text": "...", "cites": [1, 2]}}]}}.\n\n{excerpts}'
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
#: function words that change what a sentence claims: they must be cited like content words
_MEANINGFUL = frozenset({
    "not", "no", "nor", "never", "neither", "without", "only", "more", "most", "less", "least", "few",
    "against", "before", "after", "until", "since", "all", "any", "each", "both", "either",
})  # fmt: skip
#: words a summary may use without citing them: function words and the attribution's frame
_FREE = (_STOPWORDS - _MEANINGFUL) | frozenset({"reports", "report", "reported", "outlet", "outlets", "s"})


def _tokens(text: str) -> list[str]:
    return [t.casefold().replace("’", "'") for t in _TOKEN.findall(text)]


def _number(tok: str) -> str | None:
    """A number token without its thousands separators ("22,000" and "22000" are one); None otherwise."""
    if not tok[0].isdigit():
        return None
    return tok.replace(",", "")


def _vocabulary(texts: Sequence[str]) -> tuple[set[str], set[str]]:
    words: set[str] = set()
    numbers: set[str] = set()
    for text in texts:
        for tok in _tokens(text):
            num = _number(tok)
            if num is not None:
                numbers.add(num)
            else:
                words.add(tok)
                words.update(tok.split("'"))  # "Canada's" also gives "canada"
    return words, numbers


def unsupported(sentence: str, cited: Sequence[str], outlets: Sequence[str] = ()) -> list[str]:
    """The content words and numbers of ``sentence`` that none of the ``cited`` texts contains
    (an outlet's name in ``outlets`` counts as cited: attributions name them); empty when supported."""
    words, numbers = _vocabulary([*cited, *outlets])
    missing: list[str] = []
    for tok in _tokens(sentence):
        num = _number(tok)
        if num is not None:
            if num not in numbers:
                missing.append(tok)
        elif (
            tok not in _FREE
            and tok not in words
            and not all(p in words or p in _FREE for p in tok.split("'"))
        ):
            missing.append(tok)
    return list(dict.fromkeys(missing))


@dataclass(frozen=True, slots=True)
class _Excerpt:
    span: Span
    claim_ids: tuple[str, ...]


class LLMBriefWriter:
    """Rewrites a story's extractive brief through the user's OpenAI-compatible endpoint."""

    def __init__(self, url: str, model: str = "", *, timeout: float = 60.0) -> None:
        self.url = chat_url(url)
        self.model = model
        self.timeout = timeout
        #: briefs kept extractive because the endpoint failed or no generated sentence was supported
        self.fallbacks = 0
        #: generated sentences dropped as unsupported by their citations
        self.dropped = 0

    def rewrite(
        self, brief: Sequence[BriefSentence], outlet_of: Mapping[str, str | None] | None = None
    ) -> list[BriefSentence]:
        """The LLM's brief of a story whose extractive brief is ``brief``, or ``brief`` itself.

        ``outlet_of``: article id -> outlet name, so a sentence may name a cited article's outlet.
        """
        excerpts = _excerpts(brief)
        if not excerpts:
            return list(brief)
        outlet_of = outlet_of or {}
        listing = "\n".join(
            f"[{k}] ({outlet_of.get(e.span.article_id) or 'unknown outlet'}) {e.span.text}"
            for k, e in enumerate(excerpts, 1)
        )
        prompt = _PROMPT.format(n=MAX_SENTENCES, excerpts=listing)
        answer = chat(self.url, self.model, prompt, timeout=self.timeout)
        parsed = None if answer is None else _parse(answer)
        if parsed is None:
            self.fallbacks += 1
            return list(brief)
        out: list[BriefSentence] = []
        for text, cites in parsed[:MAX_SENTENCES]:
            picked = [excerpts[k - 1] for k in dict.fromkeys(cites) if 1 <= k <= len(excerpts)]
            names = [o for e in picked if (o := outlet_of.get(e.span.article_id))]
            if not picked or not text or unsupported(text, [e.span.text for e in picked], names):
                self.dropped += 1
                continue
            claim_ids = tuple(dict.fromkeys(c for e in picked for c in e.claim_ids))
            out.append(BriefSentence(text, tuple(e.span for e in picked), claim_ids))
        if not out:
            self.fallbacks += 1
            return list(brief)
        return out


def _excerpts(brief: Sequence[BriefSentence]) -> list[_Excerpt]:
    """Every span the extractive brief cites, once, in order, with the claims of its sentence."""
    seen: dict[tuple[str, int, int], int] = {}
    out: list[_Excerpt] = []
    for b in brief:
        for span in b.citations:
            key = (span.article_id, span.start, span.end)
            if key in seen:
                k = seen[key]
                out[k] = _Excerpt(span, tuple(dict.fromkeys((*out[k].claim_ids, *b.claim_ids))))
                continue
            seen[key] = len(out)
            out.append(_Excerpt(span, b.claim_ids))
    return out


def _parse(content: str) -> list[tuple[str, list[int]]] | None:
    obj = json_object(content)
    items = obj.get("sentences") if isinstance(obj, dict) else None
    if not isinstance(items, list):
        return None
    out: list[tuple[str, list[int]]] = []
    for it in items:
        if not isinstance(it, dict) or not isinstance(it.get("text"), str):
            continue
        cites = it.get("cites")
        nums = (
            [c for c in cites if isinstance(c, int) and not isinstance(c, bool)]
            if isinstance(cites, list)
            else []
        )
        out.append((" ".join(it["text"].split()), nums))
    return out


def brief_writer_for(settings: Settings) -> LLMBriefWriter | None:
    """The LLM brief writer a run's settings ask for: None (the extractive brief) unless opted in."""
    if settings.brief_backend == "extractive":
        return None
    if settings.brief_backend == "llm":
        if not settings.claims_llm_url:
            raise ConfigError("brief_backend = 'llm' needs claims_llm_url (an OpenAI-compatible endpoint)")
        return LLMBriefWriter(settings.claims_llm_url, settings.claims_llm_model)
    raise ConfigError(f"brief_backend must be 'extractive' or 'llm', not {settings.brief_backend!r}")
