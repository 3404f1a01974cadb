"""Line/block boilerplate remover for article text that was scraped from a page as plain text.

Scraped text mixes the article with page chrome: menus, trending lists, headline
cards of other articles, newsletter and social blocks, footers. Each non-blank
line is one block, decided in three passes:

1. Its own features. A line is *body* when it ends like a sentence or is long
   (``body_min_words``); it is *chrome* when it has an unmistakable shape: a
   copyright sign, a contact line or e-mail, an agency or photo credit, a
   "By NAME" or "... Desk |" byline, a date with a label and little else, a
   link card (``<headline> | <Outlet>`` or ``<headline> - <1-5 capitalised
   words>`` with no sentence punctuation), a section label ("Trending",
   "Related Items", "Latest News", "Menu"), a list number, a truncated
   headline ("..."), a run of social platform names. Keyword rules only touch
   lines of up to ``chrome_max_words`` words, and most only lines that are not
   sentences, so a body sentence that mentions a newsletter stays.
2. The title: a headline-like line above the first body paragraph (a line that
   appears twice at the top wins).
3. Its neighbours, for the remaining short non-sentence lines: a run of them is
   kept (subhead, deck, list) only inside the body, i.e. when body text comes
   right before (inline chrome such as a link card aside) and right after it,
   and it is not a run of headline-case lines (a list of links). Everything
   else is chrome, named after the section label above it ("trending list")
   or "navigation".

Lines the runner found in several documents of the same outlet (``repeated``)
are removed as boilerplate unless they are long sentences.

Decisions:

* Every line that reads as a sentence is kept, wherever it is, unless it has an
  unmistakable chrome shape (copyright, newsletter prompt, agency or photo
  credit, labelled date). A teaser sentence in a "Related" list is kept too:
  losing a body sentence costs more than keeping a teaser.
* The title is a headline-like line above the first body paragraph; it goes to
  ``Cleaned.title`` and out of the body, and so do copies of it. A headline-like
  line after a first paragraph may be a subhead, so it stays in the body (the
  metadata stage may still call it the title). A standfirst stays in the body.
* Subheads, a deck line right under the title and "Key Takeaways" bullets are
  the outlet's own text and stay in the body.
* A sentence broken across a blank line (a lowercase continuation) is re-joined.
  Body text is otherwise only whitespace-normalised, never rewritten.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass

from counterpoint.model import Removed


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanConfig:
    """Thresholds of the boilerplate remover; the defaults suit news articles in English."""

    #: a line with at least this many words is body text even without final punctuation
    body_min_words: int = 20
    #: a line ending in sentence punctuation with at least this many words is body text
    sentence_min_words: int = 1
    #: keyword rules (copyright, subscribe, ...) only look at lines up to this many words
    chrome_max_words: int = 25
    #: a title has between these many words
    title_min_words: int = 3
    title_max_words: int = 25
    #: share of capitalised words (small words aside) from which a line is in headline case
    headline_ratio: float = 0.6
    #: a title may come after this many body paragraphs (a standfirst); 0 keeps a subhead after the
    #: first paragraph of an untitled article in the body instead of taking it for the title
    title_max_paragraphs_before: int = 0
    #: consecutive short non-sentence lines kept as subheads between body paragraphs
    max_subhead_run: int = 2
    #: a line repeated across an outlet's documents is kept if it is a sentence this long
    repeated_keep_words: int = 6


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The clean body, what was removed from it (in document order) and the title found at its top."""

    text: str  # paragraphs joined by "\n\n", single spaces inside lines
    removed: tuple[Removed, ...]
    title: str | None


# Reasons, also read by the metadata stage.
TITLE = "title"
DUPLICATE_TITLE = "duplicate of title"
LINK_CARD = "link-card headline of another article"
TRENDING = "trending list"
RELATED = "related articles list"
OTHER_ARTICLES = "list of other articles"
NAVIGATION = "navigation"
SOCIAL = "social/newsletter"
FOOTER = "footer/contact"
COPYRIGHT = "copyright"
BYLINE = "byline/desk line"
DATE_LINE = "date line"
CREDIT = "agency credit"
SIGN_OFF = "outlet sign-off"
ADVERT = "advertisement"
TRUNCATED = "truncated headline of another article"
PHOTO = "photo caption/credit"
REPEATED = "repeated across documents of this outlet"

# Chrome that can sit between two body paragraphs without ending the body.
_INLINE = frozenset({LINK_CARD, ADVERT, REPEATED, DUPLICATE_TITLE})
# Section labels whose short items are headlines of other articles, never subheads.
_LISTS = frozenset({TRENDING, RELATED, OTHER_ARTICLES})

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d{2}"
#: an explicit calendar day in the common formats; shared with the metadata stage, which validates it
DATE_RE = re.compile(
    rf"(?<![\w.])(?:(?P<iy>{_YEAR})(?P<isep>[-/.])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}})"
    rf"|(?P<na>\d{{1,2}})(?P<nsep>[-/.])(?P<nb>\d{{1,2}})(?P=nsep)(?P<ny>{_YEAR})"
    rf"|(?P<mm>{_MONTH})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>{_YEAR})"
    rf"|(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{_MONTH}),?\s+(?P<dy>{_YEAR}))(?![\w])",
    re.IGNORECASE,
)

# str.split() knows every Unicode space but not the zero-width ones
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_BULLET = re.compile(r"^(?:[•◦▪▫●○■□►▸▶·*]|[-–—](?=\s))\s*")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w'’.,:-]*")
_SENTENCE_END = re.compile(r"(?:[.!?…:。！？]|\s—)[\"'”’»)\]」』]*$")
# a stage direction after a sentence in a transcript: "... lost his job. [END PLAYBACK]"
_END_NOTE = re.compile(r"\s*\[[^\]]{1,40}\]$")
# a sentence ends inside the line: "... combined.” — Mr. Romney"
_INNER_SENTENCE = re.compile(r"[a-z0-9%)][.!?][\"”’]?\s+[A-Z“\"—–]")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)[\"'”’»)\]]*$")
_QUOTE_LINE = re.compile(r"^[\"“‘«].{10,}[,.!?][\"”’»]")
_SMALL_WORDS = frozenset(
    (
        *("a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for", "from"),
        *("with", "as", "amid", "over", "into", "onto", "via", "vs", "vs.", "per", "up", "off", "out"),
        *("than", "is", "are", "was", "be", "it", "its"),
    )
)

_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|^copyright\b\s*(?:©|\(c\)|\d{4})|\ball rights reserved\b", re.I)
_DESK = re.compile(
    r"(?i:\bdesk\b)\s*\||^(?i:author)\s*:"
    r"|^(?i:by|written by|posted by|reported by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*(?:$|[,|–—-])"
)
_DATE_LABEL = re.compile(
    r"^(?:date|dated|published|posted|created|updated|last updated|first published|modified)\b", re.I
)
_DATE_WORDS = re.compile(
    r"\b(?:date|dated|published|posted|created|updated|last updated|first published|modified|on|at)\b", re.I
)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?", re.I)
_CONTACT = re.compile(
    r"^(?:e-?mail|phone|tel(?:ephone)?|fax|mobile|call us|address|contact(?: us)?)\s*[:.]"
    # the look-behind starts the address only where a token starts: unanchored, the local part
    # re-scanned a long token from every offset (quadratic: 100,000 characters took 25 s)
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+\.\w",
    re.I,
)
_FOOTER = re.compile(
    r"\b(?:privacy policy|terms (?:of|and) (?:use|service|conditions)|cookie (?:policy|settings|preferences)"
    r"|disclaimer|about us|contact us|advertise with us|careers|sitemap|accessibility statement)\b",
    re.I,
)
_SOCIAL = re.compile(
    r"\b(?:subscribe|newsletters?|follow us|connect(?: with)?(?: us)?|share (?:this|on|via|article|story)"
    r"|sign ?up|log ?in|sign in|feedback)\b",
    re.I,
)
# platform names alone mark a social block ("LinkedIn Quora Youtube RSS"), not a line that mentions one
_PLATFORM = re.compile(
    r"\b(?:facebook|twitter|x|instagram|linkedin|youtube|whatsapp|telegram|quora|rss|pinterest|tiktok|reddit"
    r"|threads|bluesky|email|share|tweet|post)\b",
    re.I,
)
_IMPERATIVE = re.compile(
    r"^(?:subscribe|sign up|follow us|join (?:us|our)|click here|download (?:our|the) app|share this"
    r"|get (?:our|the latest))\b",
    re.I,
)
_PHOTO = re.compile(
    r"\b(?:photo|photograph|photographer|image|illustration|credit)s?\s*:|\bimage credit\b"
    r"|\b(?:getty images|ap photo|shutterstock|afp via)\b",
    re.I,
)
_PHOTO_WORDS = ("getty", "ap photo", "shutterstock", "afp via", "image credit")
_CREDIT = re.compile(
    r"^\(?\s*(?:with inputs? from|with assistance (?:by|from)|additional reporting|reporting by|writing by"
    r"|editing by|edited by|compiled by|(?:image|photo) credits?|source\s*:)",
    re.I,
)
_SIGN_OFF = re.compile(r"^(?:[A-Z][\w&.'-]*\s+){1,3}(?:Team|Desk|Staff|Bureau|Newsroom)\.?$")
_ADVERT = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|promoted(?: content)?|ad|scroll to continue"
    r"(?: with content)?|story continues below(?: advertisement)?|continue reading(?: below)?)$",
    re.I,
)
_TEASER_PREFIX = re.compile(
    r"^(?:also read|read also|read more|see also|related|recommended|watch|go deeper|don.t miss|check out)"
    r"\s*[:|-]\s*\S",
    re.I,
)
_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"trending(?: now| news| stories| topics)?|popular now|hot topics", re.I), TRENDING),
    (
        re.compile(
            r"related(?: items| articles| stories| news| posts| content| topics| coverage| reading)?"
            r"|you (?:may|might) also like|more (?:from|on|in) .{1,30}"
            r"|recommended(?: for you| stories| articles)?|more stories|more news|don'?t miss",
            re.I,
        ),
        RELATED,
    ),
    (
        re.compile(
            r"latest(?: news| stories| updates| articles)?|most (?:read|popular|viewed|shared|commented)"
            r"|top stories|editor'?s picks?|opinion|featured|must read"
            r"|in case you missed it|in other news",
            re.I,
        ),
        OTHER_ARTICLES,
    ),
    (
        re.compile(
            r"(?:left |main |top )?menu|home|skip to (?:main )?content|back to top|search|sections?|tags?"
            r"|topics|categories|other links|other products|quick links|useful links|editions?|sectors"
            r"|explore|toggle navigation|blogs?|interviews?|videos?|podcasts?|photos?|gallery"
            r"|also read|read also|read more|read next|see also",
            re.I,
        ),
        NAVIGATION,
    ),
)
_BREADCRUMB = re.compile(r"^[^›»>]{1,40}(?:\s[›»>]\s[^›»>]{1,40})+$")
_LABEL_SPLIT = re.compile(r"\s*[/|·•]\s*")
_NUMBER = re.compile(r"^\d{1,3}[.)]?$")
_SITE_TOKEN = r"(?:[A-Z0-9][\w'.&]*|of|the|and|&|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})"
_LINK_CARD = re.compile(
    rf"^(?P<head>.{{12,}}?[^\s.!?:;,\"”’])\s+[|\-–—]\s+(?P<site>{_SITE_TOKEN}(?:\s+{_SITE_TOKEN}){{0,4}})$"
)
_SPLIT_TAIL = re.compile(r"[a-z,;]$")
_SPLIT_HEAD = re.compile(r"^[a-z]")

_BODY, _SHORT, _CHROME, _TITLE = "body", "short", "chrome", "title"


def _norm(line: str) -> str:
    return " ".join(_ZERO_WIDTH.sub(" ", line).split())


def _tail(s: str) -> str:
    # end-anchored patterns only need the last characters; searching the whole line is slow
    return s[-12:]


def _ends_sentence(s: str) -> bool:
    end = s[-60:]
    if end.endswith("]"):
        end = _END_NOTE.sub("", end)
    return bool(_SENTENCE_END.search(end[-12:]))


def line_key(line: str) -> int | None:
    """Stable 64-bit hash of a line after case and whitespace normalisation.

    Returns None for lines too short (under 3 characters) or too long (over 300)
    to be boilerplate worth counting across an outlet's documents.
    """
    if len(line) > 300 and len(" ".join(line.split())) > 300:
        return None  # a body paragraph: skip the costly normalisation
    if line.isascii():  # nothing for NFKC or the zero-width filter to do
        key = " ".join(line.split()).casefold()
    else:
        key = _norm(unicodedata.normalize("NFKC", line)).casefold()
    if not 3 <= len(key) <= 300:
        return None
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


# Scripts written without spaces between words, counted in characters: Han and kana (about two
# characters to an English word) and Thai, Lao, Khmer, Myanmar, Tibetan (about four).
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SOUTHEAST = re.compile("[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]")
CJK_CHARS_PER_WORD = 2
SOUTHEAST_CHARS_PER_WORD = 4
_WORDS = re.compile(r"\w+")


def word_count(text: str) -> int:
    """Words in ``text`` for every script: runs of word characters, except in scripts written
    without spaces (Chinese, Japanese, Thai, ...), whose characters count as a fraction of a word."""
    cjk = len(_CJK.findall(text))
    southeast = len(_SOUTHEAST.findall(text))
    if not cjk and not southeast:
        return len(_WORDS.findall(text))
    spaced = _SOUTHEAST.sub(" ", _CJK.sub(" ", text))
    return len(_WORDS.findall(spaced)) + cjk // CJK_CHARS_PER_WORD + southeast // SOUTHEAST_CHARS_PER_WORD


def _word_count(s: str) -> int:
    if not s.isascii() and (_CJK.search(s) or _SOUTHEAST.search(s)):
        return word_count(s)
    n = len(s.split())
    # exact count (punctuation-only tokens aside) matters only for short lines near the thresholds
    return n if n > 40 else len(_WORD.findall(s))


def headline_ratio(line: str) -> float:
    """Share of words (small function words aside, the first word included) that start with a capital."""
    words = [w for w in _WORD.findall(line) if w[0].isalpha()]
    if not words:
        return 0.0
    counted = [w for i, w in enumerate(words) if i == 0 or w.lower() not in _SMALL_WORDS]
    return sum(1 for w in counted if w[0].isupper()) / len(counted)


@dataclass(slots=True)
class _Line:
    text: str  # whitespace-normalised, bullet kept
    body: str  # the text without its bullet
    words: int
    bullet: bool
    ends: bool  # ends like a sentence (a colon included)
    kind: str = _SHORT
    reason: str = ""
    label: bool = False  # a section header whose reason carries over to the items after it


def _label_reason(body: str) -> str | None:
    parts = [p for p in _LABEL_SPLIT.split(body.rstrip(":").strip()) if p]
    if not parts or len(body.split()) > 6:
        return None
    reasons = []
    for part in parts:
        found = next((r for pat, r in _LABELS if pat.fullmatch(part)), None)
        if found is None:
            return None
        reasons.append(found)
    return reasons[0]


def _is_date_line(body: str, sentence: bool) -> bool:
    labelled = bool(_DATE_LABEL.match(body))
    if sentence and not labelled:
        return False
    m = DATE_RE.search(body)
    if m is None:
        return False
    # what is left besides the date, its time and its label must be a few words at most
    rest = _DATE_WORDS.sub(" ", _TIME.sub(" ", body[: m.start()] + " " + body[m.end() :]))
    return len(_WORD.findall(rest)) <= 3


def _fragment_reason(ln: _Line, cfg: CleanConfig) -> str | None:
    """Chrome reason of a short line that is not a sentence, from keywords and shape."""
    b = ln.body
    if _DESK.search(b):
        return BYLINE
    if _CONTACT.search(b) or _FOOTER.search(b):
        return FOOTER
    if _SOCIAL.search(b) or len(_PLATFORM.findall(b)) * 2 >= ln.words > 0:
        return SOCIAL
    if _SIGN_OFF.match(b):
        return SIGN_OFF
    if _BREADCRUMB.match(b):
        return NAVIGATION
    if _TEASER_PREFIX.match(b):
        return LINK_CARD
    label = _label_reason(b)
    if label is not None:
        ln.label = True
        return label
    if 5 <= ln.words < cfg.body_min_words and _LINK_CARD.match(b):
        return LINK_CARD
    return None


def _chrome_reason(ln: _Line, cfg: CleanConfig) -> str | None:
    """Reason a line is chrome from its own shape, or None when its neighbours must decide."""
    b = ln.body
    sentence = ln.ends and not b.endswith(":")
    if ln.words <= cfg.chrome_max_words:
        # sentences are body text unless their chrome shape is unmistakable;
        # substring tests first because most lines are neither and a regex search costs more
        low = b.lower()
        if ("©" in b or "(c)" in low or "copyright" in low or "rights reserved" in low) and _COPYRIGHT.search(
            b
        ):
            return COPYRIGHT
        if _CREDIT.match(b):
            return CREDIT
        if (":" in b or any(w in low for w in _PHOTO_WORDS)) and _PHOTO.search(b):
            return PHOTO
        if _IMPERATIVE.match(b):
            return SOCIAL
        if ln.words <= 12 and _is_date_line(b, sentence):
            return DATE_LINE
        if ln.words <= 4 and _ADVERT.fullmatch(b.strip(" .:-–—")):
            return ADVERT
        if sentence:
            if "|" in b and _FOOTER.search(b):
                return FOOTER
        else:
            reason = _fragment_reason(ln, cfg)
            if reason is not None:
                return reason
    if _NUMBER.match(b):
        return NAVIGATION
    if (
        ln.words <= cfg.body_min_words
        and _ELLIPSIS_END.search(_tail(b))
        and headline_ratio(b) >= cfg.headline_ratio
    ):
        return TRUNCATED
    return None


def _is_body(ln: _Line, cfg: CleanConfig) -> bool:
    if ln.words >= cfg.body_min_words:
        return True
    if ln.ends:
        # a colon ends a list intro ("The measures include:") but also labels ("Country:")
        return ln.words >= (4 if ln.body.endswith(":") else cfg.sentence_min_words)
    if ln.words < 6:
        return False
    if _QUOTE_LINE.match(ln.body):
        return True
    return bool(_INNER_SENTENCE.search(ln.body)) and headline_ratio(ln.body) < cfg.headline_ratio


def _classify(ln: _Line, repeated: Container[int], cfg: CleanConfig) -> None:
    body_like = _is_body(ln, cfg)
    if repeated and not (body_like and ln.words >= cfg.repeated_keep_words):
        key = line_key(ln.text)
        if key is not None and key in repeated:
            ln.kind, ln.reason = _CHROME, REPEATED
            return
    reason = _chrome_reason(ln, cfg)
    if reason is not None:
        ln.kind, ln.reason = _CHROME, reason
    elif body_like:
        ln.kind = _BODY


def _is_title_candidate(ln: _Line, seen_body: int, cfg: CleanConfig) -> bool:
    if ln.bullet or ln.body[-1] == ":" or not cfg.title_min_words <= ln.words <= cfg.title_max_words:
        return False
    if ln.kind == _SHORT:
        return seen_body == 0 or headline_ratio(ln.body) >= cfg.headline_ratio
    # a headline-case question or exclamation as the very first text of the page
    return (
        ln.kind == _BODY
        and seen_body == 0
        and ln.body[-1] in "?!"
        and ln.words <= 15
        and headline_ratio(ln.body) >= cfg.headline_ratio
    )


def _find_title(lines: list[_Line], cfg: CleanConfig) -> _Line | None:
    """The first headline-like line before the body proper; a line repeated at the top wins."""
    candidates: list[_Line] = []
    seen_body = 0
    for ln in lines:
        if _is_title_candidate(ln, seen_body, cfg):
            candidates.append(ln)
        if ln.kind == _BODY and not ln.bullet and not (candidates and ln is candidates[-1]):
            seen_body += 1
            if seen_body > cfg.title_max_paragraphs_before:
                break
    if not candidates:
        return None
    top = [ln.text.casefold() for ln in lines[:15]]
    return next((c for c in candidates if top.count(c.text.casefold()) > 1), candidates[0])


def _next_kind(lines: list[_Line], start: int) -> str:
    for ln in lines[start:]:
        if ln.kind == _CHROME and ln.reason in _INLINE:
            continue
        return ln.kind
    return "end"


def _resolve(lines: list[_Line], cfg: CleanConfig) -> None:
    """Decide short lines from their neighbours; turn teasers under list labels into chrome."""
    inside = False  # the previous block was body (or inline chrome within it)
    last_body = ""
    label = ""  # reason of the last section label, for the unlabelled items under it
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.kind == _TITLE:
            inside, last_body = True, ""
        elif ln.kind == _BODY:
            inside, last_body, label = True, ln.body, ""
        elif ln.kind == _CHROME:
            if ln.label or ln.reason in (SOCIAL, FOOTER, COPYRIGHT):
                label = ln.reason
            elif ln.reason in (NAVIGATION, TRUNCATED) and label:
                ln.reason = label
            if ln.reason not in _INLINE:
                inside = False
        else:
            j = i
            while j < len(lines) and lines[j].kind == _SHORT:
                j += 1
            run = lines[i:j]
            after = _next_kind(lines, j)
            # bullets or sentence-case lines are a list in the body; headline-case ones are links
            is_list = all(r.bullet or headline_ratio(r.body) < cfg.headline_ratio for r in run[1:])
            keep = (
                inside
                and label not in _LISTS
                and (
                    (after == _BODY and (len(run) <= cfg.max_subhead_run or is_list))
                    or (after != _SHORT and last_body.endswith(":") and all(r.bullet for r in run))
                )
            )
            for r in run:
                if keep:
                    r.kind = _BODY
                else:
                    r.kind, r.reason = _CHROME, label or NAVIGATION
            inside = keep
            i = j
            continue
        i += 1


def _group(lines: list[_Line]) -> tuple[Removed, ...]:
    out: list[Removed] = []
    texts: list[str] = []
    reason = ""
    for ln in lines:
        r = "" if ln.kind == _BODY else TITLE if ln.kind == _TITLE else ln.reason
        if texts and r != reason:
            out.append(Removed("\n".join(texts), reason))
            texts = []
        if r:
            texts.append(ln.text)
            reason = r
    if texts:
        out.append(Removed("\n".join(texts), reason))
    return tuple(out)


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Kept lines as paragraphs, re-joining a sentence that a blank line broke in two."""
    paras: list[str] = []
    prev: _Line | None = None
    for ln in lines:
        if ln.kind != _BODY:
            prev = None
            continue
        if (
            prev is not None
            and paras
            and _SPLIT_TAIL.search(_tail(paras[-1]))
            and not _ends_sentence(paras[-1])
            and _SPLIT_HEAD.match(ln.text)
        ):
            paras[-1] = f"{paras[-1]} {ln.text}"
        else:
            paras.append(ln.text)
        prev = ln
    return paras


def clean_text(
    text: str, *, repeated: Container[int] = frozenset(), cfg: CleanConfig = CleanConfig()
) -> Cleaned:
    """Split scraped plain text into the article body and the page chrome around it.

    ``repeated`` holds :func:`line_key` values the caller saw in several documents
    of the same outlet; those lines are removed unless they are long sentences.
    """
    lines: list[_Line] = []
    text = _ZERO_WIDTH.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    for raw in text.split("\n"):
        norm = " ".join(raw.split())
        if not norm:
            continue
        m = _BULLET.match(norm)
        body = norm[m.end() :] if m else norm
        if not body:
            continue
        ln = _Line(norm, body, _word_count(body), m is not None, _ends_sentence(body))
        _classify(ln, repeated, cfg)
        lines.append(ln)
    title_line = _find_title(lines, cfg)
    title = None
    if title_line is not None:
        title = title_line.body
        title_line.kind = _TITLE
        for ln in lines:
            if ln is not title_line and ln.text.casefold() == title_line.text.casefold():
                ln.kind, ln.reason = _CHROME, DUPLICATE_TITLE
    _resolve(lines, cfg)
    return Cleaned("\n\n".join(_paragraphs(lines)), _group(lines), title)
