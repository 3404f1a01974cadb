"""Stated quantities, normalised with plain rules (no model): percentages, money, counts, distances,
durations, target years, multipliers and ranked ordinals.

Every :class:`NumberFact` spans qualifier + number + unit ("more than six years") and carries:

* ``value`` as a float, words read as numbers ("twenty-five", "a dozen", "1.5 million");
* ``unit``: "percent", "percentage_point", an ISO currency ("USD", "EUR", "CAD"...), a distance
  ("mile", "km", "m", "foot", "yard"), a duration ("year", "month", "week", "day", "hour",
  "minute", "decade", "century"), the counted noun's lemma ("worker", "canadian"; people ->
  "person"), the ranking word of an ordinal ("largest"), None for multipliers and target years;
* ``qualifier``: less_than, more_than, nearly, about, up_to, exactly, or None;
* ``kind``: percent, money, count, distance, duration, age ("a 35-year-old"), year ("by 2035"),
  ordinal ("second-largest"), multiplier ("doubled"), or other (a bare figure).

Decisions:

* A bare "$" is USD (the text rarely says which dollar); "C$", "CAD" and "Canadian dollars" are CAD.
* "40m" / "3bn" attached to a number mean million / billion, whatever follows.
* "hundreds of" is 100 with qualifier more_than; :func:`same_quantity` caps it below 1,000.
* A word number ("two", "a dozen") needs a unit or a counted noun after it, and "one" needs a
  unit or a scale word: "the two were", "one of the", "one that" are not facts.
* Not reported: numbers inside calendar dates (the dates stage has them) and clock times, years
  except as targets ("by 2035"), list markers, phone numbers, ids ("F-35", "G7", "1990s"),
  digit strings of seven or more digits without separators, ratios and scores ("24/7", "3-1").
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from counterpoint.config import Settings
from counterpoint.model import Article, Doc, NumberFact
from counterpoint.pipeline import stage
from counterpoint.stages.dates import calendar_spans, fold_case

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}  # fmt: skip
_VAGUE = {"dozens": 12.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_MULTIPLIERS = {"doubl": 2.0, "tripl": 3.0, "quadrupl": 4.0, "halv": 0.5}

_W1 = "|".join(sorted(_SMALL, key=len, reverse=True))
_WT = "|".join(_TENS)
_WORD = rf"(?:(?:{_WT})(?:-(?:{_W1}))?|{_W1})"
_WORDNUM = (
    rf"a\s+dozen|a\s+hundred|a(?=\s+(?:thousand|million|billion|trillion)\b)"
    rf"|{_WORD}(?:\s+dozen|\s+hundred(?:(?:\s+and)?\s+{_WORD})?)?"
)
_CURRENCY = (
    r"us\$|u\.s\.\s?\$|c\$|ca\$|cdn\$|a\$|au\$|nz\$|hk\$|s\$|r\$|\$|€|£|¥|₹"
    r"|(?:usd|cad|eur|gbp|cny|rmb|jpy|inr|rs\.?)\s?"
)
_NUM = re.compile(
    rf"(?<![\w#/.,:+\-])(?P<cur>{_CURRENCY})?"
    rf"(?:(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?P<words>(?:{_WORDNUM}))\b"
    rf"|(?P<vague>(?:(?:(?:tens|hundreds)\s+of\s+)?(?:dozens|hundreds|thousands|millions|billions)))\s+of\b)"
    rf"(?P<scale>(?:mn|m|bn|b|k|tn)\b|\s+(?:thousand|million|billion|trillion)\b)?"
)
_UNIT = re.compile(
    r"(?P<pct>\s?%|\s?(?:per\s?cent|percent|pct)\b)"
    r"|(?P<pp>\s(?:percentage\s+points?)\b)"
    r"|\s(?:(?P<cadj>us|u\.s\.|american|canadian|australian|hong\skong|singapore|new\szealand)\s)?"
    r"(?P<cur>(?:dollars?|euros?|pounds\s+sterling|yuan|renminbi|yen|rupees?|crowns?|kronor|kroner|krona"
    r"|francs?|pesos?|rubles?|roubles?))\b"
    r"|[\s-](?P<dist>(?:miles?|kilomet(?:re|er)s?|km|metres?|meters?|feet|foot|ft|yards?))\b"
    r"|[\s-](?P<dur>(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|century))\b"
    r"(?P<old>[\s-]old\b)?"
)
_QUAL = re.compile(
    r"(?:\b(no\s+fewer\s+than|no\s+less\s+than|no\s+more\s+than|less\s+than|fewer\s+than|lower\s+than"
    r"|more\s+than|at\s+least|upwards\s+of|in\s+excess\s+of|just\s+under|just\s+shy\s+of|just\s+over"
    r"|close\s+to|up\s+to|as\s+many\s+as|as\s+much\s+as|at\s+most|an\s+estimated|under|below|over|above"
    r"|nearly|almost|about|approximately|around|roughly|some|estimated|exactly|precisely))\s+$"
)
_QUAL_NORM = {
    "less than": "less_than", "fewer than": "less_than", "lower than": "less_than", "under": "less_than",
    "below": "less_than", "more than": "more_than", "over": "more_than", "above": "more_than",
    "at least": "more_than", "upwards of": "more_than", "in excess of": "more_than",
    "no fewer than": "more_than", "no less than": "more_than", "just over": "more_than",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "just shy of": "nearly", "about": "about", "approximately": "about", "around": "about",
    "roughly": "about", "some": "about", "an estimated": "about", "estimated": "about",
    "up to": "up_to", "as many as": "up_to", "as much as": "up_to", "at most": "up_to",
    "no more than": "up_to", "exactly": "exactly", "precisely": "exactly",
}  # fmt: skip
#: an international number with any extensions listed after it ("+91-720-6444012, 14, 15")
_PHONE = re.compile(r"\+\d[\d\s().-]{6,}\d(?:,\s*\+?\d[\d\s().-]*\d|,\s*\d+)*")
#: the rest of a North American number after its area code: "(555) 123-4567"
_PHONE_REST = re.compile(r"\)?[\s.-]\d{3}[\s.-]\d{4}\b")
_CLOCK_AFTER = re.compile(r"\s?(?:[ap]\.m\.|[ap]m\b)")
_TARGET_BEFORE = re.compile(r"(?:\b(?:by|until|till|no\s+later\s+than)\s+(?:the\s+end\s+of\s+)?)$")
_NEXT_WORD = re.compile(r"\s+([A-Za-z][A-Za-z'’-]*)")
# Multipliers and ordinals are found by a literal trigger, then read around it: a pattern that starts
# with plain words lets the regex engine skip ahead fast, one that starts with \b or a group does not.
_MULTIPLIER_TRIGGER = re.compile(r"doubl|tripl|quadrupl|halv|fold\b|times\b")
_MULTIPLIER_VERB = re.compile(r"(?:doubl|tripl|quadrupl|halv)(?:e|ed|es|ing)\b(?!-)")
_FOLD_BEFORE = re.compile(rf"\b(?P<n>\d+|{_WORD})[- ]?$")
_TIMES_BEFORE = re.compile(rf"\b(?P<n>\d+(?:\.\d+)?|{_WORD})\s+$")
_TIMES_AFTER = re.compile(r"\s+(?:as|more|less|larger|bigger|higher|greater|the)\b")
_NOT_MULTIPLIER_AFTER = re.compile(
    r"\s+(?:standards?|digits?|agents?|act|whammy|bed|room|check|click|life|lives|taxation|counting|down)\b"
)
_ORDINAL_WORD = re.compile(rf"(?:{'|'.join(_ORDINALS)})[- ]")
_ORDINAL_DIGITS = re.compile(r"\d(?:st|nd|rd|th)[- ]")
_RANK = re.compile(r"(?:most|least)\s+[a-z]+|[a-z]{3,}est|time|consecutive|straight|successive|term")
_NOT_SUPERLATIVES = {"interest", "protest", "request", "harvest", "contest", "forest", "honest", "modest",
                     "suggest", "arrest", "invest", "digest", "manifest", "conquest"}  # fmt: skip
_RANK_SYNONYMS = {"biggest": "largest", "greatest": "largest", "smallest": "smallest"}
_STOPWORD_TEXT = (
    "the a an of in on at to for with by from and or but as than that this these those is are was were be "
    "been being has have had will would could should may might can did do does not no more less per each its "
    "their his her our who which what when where while also into over under about after before since during "
    "out up down so if then there here it they we you he she all both only just times other such same new "
    "percent own"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_IRREGULAR = {"people": "person", "persons": "person", "men": "man", "women": "woman", "children": "child",
              "police": "police", "staff": "staff", "personnel": "personnel", "cattle": "cattle"}  # fmt: skip
_CURRENCY_CODES = {
    "US$": "USD", "U.S.$": "USD", "$": "USD", "C$": "CAD", "CA$": "CAD", "CDN$": "CAD", "A$": "AUD",
    "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL", "€": "EUR", "£": "GBP",
    "¥": "JPY", "₹": "INR", "RS": "INR", "RS.": "INR", "RMB": "CNY",
}  # fmt: skip
_CURRENCY_WORDS = {"dollar": "USD", "euro": "EUR", "pounds sterling": "GBP", "yuan": "CNY",
                   "renminbi": "CNY", "yen": "JPY", "rupee": "INR", "crown": "crown", "krona": "crown",
                   "kronor": "crown", "kroner": "crown", "franc": "CHF", "peso": "peso", "ruble": "RUB",
                   "rouble": "RUB"}  # fmt: skip
_DOLLAR_ADJ = {"us": "USD", "u.s.": "USD", "american": "USD", "canadian": "CAD", "australian": "AUD",
               "hong kong": "HKD", "singapore": "SGD", "new zealand": "NZD"}  # fmt: skip
_DISTANCE = {"mile": "mile", "miles": "mile", "km": "km", "kilometre": "km", "kilometer": "km",
             "kilometres": "km", "kilometers": "km", "metre": "m", "meter": "m", "metres": "m", "meters": "m",
             "feet": "foot", "foot": "foot", "ft": "foot", "yard": "yard", "yards": "yard"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    value: float
    unit: str | None
    qualifier: str | None
    kind: str


def words_to_number(text: str) -> float | None:
    """The value of an English number phrase: "twenty-five" -> 25, "a dozen" -> 12, "two hundred and six"."""
    total, current, seen = 0.0, 0.0, False
    for tok in re.split(r"[\s-]+", text.lower().strip()):
        if tok in {"and", ""}:
            continue
        if tok == "a":
            current, seen = 1.0, True
        elif tok in _SMALL:
            current, seen = current + _SMALL[tok], True
        elif tok in _TENS:
            current, seen = current + _TENS[tok], True
        elif tok == "dozen":
            current, seen = (current or 1.0) * 12, True
        elif tok == "hundred":
            current, seen = (current or 1.0) * 100, True
        elif tok in {"thousand", "million", "billion", "trillion"}:
            total, current, seen = total + (current or 1.0) * _SCALES[tok], 0.0, True
        else:
            return None
    return total + current if seen else None


def _lemma(word: str) -> str:
    w = word.lower().replace("’", "'").removesuffix("'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    return w[:-1] if w.endswith("s") and not w.endswith("ss") else w


def _is_plural_noun(word: str) -> bool:
    w = word.lower()
    if w in _IRREGULAR:
        return True
    return (
        len(w) > 2
        and w.endswith("s")
        and not w.endswith(("ss", "us", "is", "'s", "’s"))
        and w not in _STOPWORDS
    )


def _counted_noun(text: str, pos: int, value: float) -> tuple[str, int] | None:
    """The counted noun after a number, allowing up to two modifiers ("two Canadian citizens")."""
    for _ in range(3):
        m = _NEXT_WORD.match(text, pos)
        if m is None or m[1].lower() in _STOPWORDS:
            return None
        word = m[1].rstrip("-'’")
        if value != 1 and _is_plural_noun(word):
            return _lemma(word), m.start(1) + len(word)
        if word.endswith("ly"):
            return None
        pos = m.end()
    return None


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    m = _QUAL.search(text, max(0, start - 24), start)
    if m is None:
        return None, start
    return _QUAL_NORM[" ".join(m[1].lower().split())], m.start(1)


def _is_list_marker(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    after = text[end : end + 2]
    return (after[:1] in {".", ")"} and after[1:2] in {" ", "\n", ""}) or after[:1] in {"\n", ""}


def _read_number(m: re.Match[str]) -> float | None:
    if m["digits"]:
        value: float | None = float(m["digits"].replace(",", ""))
    elif m["words"]:
        value = words_to_number(m["words"])
    else:  # "hundreds", "tens of thousands", "hundreds of millions"
        words = m["vague"].lower().split()
        value = _VAGUE[words[-1]]
        if len(words) > 1:
            value *= 10.0 if words[0] == "tens" else _VAGUE[words[0]]
    if value is not None and m["scale"]:
        value *= _SCALES[m["scale"].strip().lower()]
    return value


def _number_hit(text: str, m: re.Match[str]) -> _Hit | None:
    value = _read_number(m)
    if value is None:
        return None
    end = m.end()
    u = _UNIT.match(text, end)
    if (
        u is None
        and end < len(text)
        and (text[end].isalnum() or (text[end] in ":/-" and text[end + 1 : end + 2].isdigit()))
    ):
        return None  # an id, a decade, a ratio or a score: "5G", "1990s", "24/7", "3-1"
    digits = m["digits"] or ""
    if digits and "," not in digits and "." not in digits and len(digits) >= 7 and not m["scale"]:
        return None  # phone numbers and ids
    if (len(digits) == 3 and _PHONE_REST.match(text, m.end("digits"))) or _CLOCK_AFTER.match(text, end):
        return None  # "(555) 123-4567", "5 p.m."
    if not m["cur"] and not m["scale"] and u is None and _is_list_marker(text, m.start(), end):
        return None
    qualifier, start = _qualifier(text, m.start())
    if m["vague"]:
        qualifier = "more_than"
    unit: str | None = None
    kind = "other"
    if m["cur"]:
        code = "".join(m["cur"].split()).upper()
        kind, unit = "money", _CURRENCY_CODES.get(code, code)
        if u is not None and u["pct"]:
            u = None
    if u is not None:
        end = u.end()
        if u["pct"] or u["pp"]:
            kind, unit = "percent", "percent" if u["pct"] else "percentage_point"
        elif u["cur"]:
            word = " ".join(u["cur"].lower().split())
            unit = _CURRENCY_WORDS.get(word, _CURRENCY_WORDS.get(_lemma(word), word))
            if unit == "USD" and u["cadj"]:
                unit = _DOLLAR_ADJ[" ".join(u["cadj"].split())]
            kind = "money"
        elif u["dist"]:
            kind, unit = "distance", _DISTANCE[u["dist"].lower()]
        elif u["dur"]:
            unit = _lemma(u["dur"]).replace("centurie", "century")
            kind = "age" if u["old"] else "duration"
    is_year = bool(digits) and len(digits) == 4 and 1900 <= value <= 2099 and not m["cur"] and not m["scale"]
    if kind == "other" and is_year:
        if target := _TARGET_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            return _Hit(target.start(), end, value, None, None, "year")
        if qualifier is None:
            return None  # a year: the dates stage has it
    if kind == "other":
        noun = _counted_noun(text, end, value)
        if noun is not None:
            kind, unit, end = "count", noun[0], noun[1]
        elif not digits:
            return None  # "the two were", "seven to two": a word number with nothing counted
    if m["words"] and m["words"].lower() == "one" and kind in {"count", "other"} and not m["scale"]:
        return None  # "one of the...", "one that...": a pronoun, not a quantity
    return _Hit(start, end, value, unit, qualifier, kind)


def _multiplier_hits(text: str) -> list[_Hit]:
    out: list[_Hit] = []
    for m in _MULTIPLIER_TRIGGER.finditer(text):
        start, end, word = m.start(), m.end(), m[0]
        value: float | None = None
        if word in {"fold", "times"}:
            before = (_FOLD_BEFORE if word == "fold" else _TIMES_BEFORE).search(
                text, max(0, start - 16), start
            )
            if before is None or (word != "fold" and not _TIMES_AFTER.match(text, end)):
                continue  # "manifold"; "met three times": a count of occasions, not a ratio
            n = before["n"]
            value, start = float(n) if n[0].isdigit() else words_to_number(n), before.start()
        elif start == 0 or not text[start - 1].isalpha():
            verb = _MULTIPLIER_VERB.match(text, start)
            if (
                verb is None
                or _NOT_MULTIPLIER_AFTER.match(text, verb.end())
                or text[start - 2 : start] == "a "
            ):
                continue  # "a double standard", "double-digit"
            value, end = _MULTIPLIERS[word], verb.end()
        if value is None:
            continue
        qualifier, start = _qualifier(text, start)
        out.append(_Hit(start, end, value, None, qualifier, "multiplier"))
    return out


def _ordinal_hits(text: str) -> list[_Hit]:
    out: list[_Hit] = []
    for m in [*_ORDINAL_WORD.finditer(text), *_ORDINAL_DIGITS.finditer(text)]:
        start = m.start()
        while start > 0 and text[start - 1].isdigit():
            start -= 1
        if start > 0 and text[start - 1].isalnum():
            continue
        rank = _RANK.match(text, m.end())
        if rank is None or text[rank.end() : rank.end() + 1].isalpha():
            continue
        word = " ".join(rank[0].split())
        if word in _NOT_SUPERLATIVES:
            continue
        num = text[start : m.end() - 1]
        value = float(num[:-2]) if num[0].isdigit() else float(_ORDINALS[num])
        out.append(_Hit(start, rank.end(), value, _RANK_SYNONYMS.get(word, word), None, "ordinal"))
    return out


def find_numbers(article: Article) -> list[NumberFact]:
    """Stated quantities of the article, in text order, each with its evidence span."""
    # every pattern runs case-sensitively on lower-cased text: IGNORECASE makes Python's re 3-4x slower
    text = fold_case(article.text)
    # dates and phone numbers, merged into disjoint intervals so that one look-up suffices
    masked: list[tuple[int, int]] = []
    for s, e in sorted(calendar_spans(article.text) + [m.span() for m in _PHONE.finditer(text)]):
        if masked and s <= masked[-1][1]:
            masked[-1] = (masked[-1][0], max(e, masked[-1][1]))
        else:
            masked.append((s, e))
    mask_starts = [s for s, _ in masked]

    def in_date(start: int, end: int) -> bool:
        i = bisect.bisect_right(mask_starts, end - 1) - 1
        return i >= 0 and masked[i][1] > start

    hits: list[_Hit] = []
    for m in _NUM.finditer(text):
        if in_date(m.start(), m.end()):
            continue
        hit = _number_hit(text, m)
        if hit is not None:
            hits.append(hit)
    hits += _multiplier_hits(text) + _ordinal_hits(text)
    hits.sort(key=lambda h: (h.start, h.start - h.end))
    out: list[NumberFact] = []
    last_end = -1
    for h in hits:
        if h.start < last_end:
            continue
        last_end = h.end
        out.append(NumberFact(article.span(h.start, h.end), h.value, h.unit, h.qualifier, h.kind))
    return out


@stage(needs=("text",), provides=("numbers",), english_only=True)
def numbers(doc: Doc, settings: Settings) -> Doc:
    """Find and normalise the quantities the article states."""
    return doc.with_layers(numbers=tuple(find_numbers(doc.article)))


_TO_BASE = {  # durations in days, distances in metres: units that may be compared across
    "year": ("days", 365.25), "month": ("days", 30.4375), "week": ("days", 7.0), "day": ("days", 1.0),
    "hour": ("days", 1 / 24), "minute": ("days", 1 / 1440), "decade": ("days", 3652.5),
    "century": ("days", 36525.0), "mile": ("m", 1609.344), "km": ("m", 1000.0), "m": ("m", 1.0),
    "foot": ("m", 0.3048), "yard": ("m", 0.9144),
}  # fmt: skip
_DIGITS_IN = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_SCALE_IN = re.compile(r"thousand|million|billion|trillion|(?<=\d)(?:mn|m|bn|b|k|tn)\b")


def _rounding(f: NumberFact, value: float) -> float:
    """Half a unit of the last digit the text wrote: "75%" may be 74.5 to 75.5, "$25.04 billion" +-5m."""
    if f.kind == "multiplier":
        return 0.0
    m = _DIGITS_IN.search(f.span.text)
    if m is not None:
        written = float(m[0].replace(",", ""))
        scale = value / written if written else 1.0
        return 0.5 * 10.0 ** -len(m[1] or "") * scale
    s = _SCALE_IN.search(f.span.text.lower())
    return 0.5 * (_SCALES[s[0].lower()] if s else 1.0) * (value / (f.value or 1.0))


def _bounds(f: NumberFact, value: float) -> tuple[float, float]:
    """Interval of true values the statement allows, in the compared unit."""
    h = _rounding(f, value)
    q = f.qualifier
    if q == "about":
        return value * 0.95 - h, value * 1.05 + h
    if q == "nearly":
        return value * 0.9 - h, value + h
    # a stated bound is the bound itself: "less than 4%" excludes 4.4% though "4%" would not
    if q == "more_than":
        vague = any(w in f.span.text.lower() for w in _VAGUE)
        return value, value * 10 if vague else math.inf
    if q in {"less_than", "up_to"}:
        return -math.inf, value
    return value - h, value + h


def same_quantity(a: NumberFact, b: NumberFact, *, rel_tol: float = 0.02) -> bool | None:
    """Whether two stated quantities agree, allowing rounding and qualifiers.

    None when they are not comparable (a value missing, different kinds, or units that do not
    convert: USD vs EUR, workers vs people, bare figures). Durations convert across units
    ("18 months" vs "1.5 years"), distances too ("8,000 miles" vs "12,875 km"). Target years and
    ordinals must be equal. Otherwise True when the intervals the two statements allow ("about
    75%": 75 +- 5% and rounding; "nearly 8": 7.2 to 8.5; "more than 6": 6 and over) overlap or
    lie within ``rel_tol`` of each other, False when they clearly differ.
    """
    if a.value is None or b.value is None or a.kind != b.kind or a.kind == "other":
        return None
    va, vb = a.value, b.value
    if a.unit != b.unit:
        ca, cb = _TO_BASE.get(a.unit or ""), _TO_BASE.get(b.unit or "")
        if ca is None or cb is None or ca[0] != cb[0]:
            return None
        va, vb = va * ca[1], vb * cb[1]
    if a.kind in {"year", "ordinal"}:
        return va == vb
    lo_a, hi_a = _bounds(a, va)
    lo_b, hi_b = _bounds(b, vb)
    gap = max(lo_a - hi_b, lo_b - hi_a, 0.0)
    return gap <= rel_tol * max(abs(va), abs(vb))
