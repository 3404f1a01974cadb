"""Words that name an event, and what kind of event: CAMEO codes, PLOVER types, Goldstein scores.

Written for general English news wording (not taken from any coder's dictionary or gold set):
a verb or an event noun maps to a CAMEO code (three digits where the sub-type is clear, else the
root with a trailing 0) and through the root to a PLOVER type. The cooperation–conflict score is
the Goldstein value of the CAMEO root (−10 war … +10 alliance), as event datasets report it.

Light verbs ("hold talks", "impose tariffs", "sign a deal", "pay a visit") carry no event of their
own: the event is their object noun. "hit / slap X with tariffs" is the noun's event, not an attack.
"""

from __future__ import annotations

from counterpoint.model.event import Mode

#: CAMEO root -> (name, PLOVER type, Goldstein score of the root)
ROOTS: dict[str, tuple[str, str, float]] = {
    "01": ("make public statement", "STATEMENT", 0.0),
    "02": ("appeal", "REQUEST", 3.0),
    "03": ("express intent to cooperate", "AGREE", 4.0),
    "04": ("consult", "CONSULT", 1.0),
    "05": ("engage in diplomatic cooperation", "SUPPORT", 3.5),
    "06": ("engage in material cooperation", "COOPERATE", 6.0),
    "07": ("provide aid", "AID", 7.0),
    "08": ("yield", "CONCEDE", 5.0),
    "09": ("investigate", "ACCUSE", -2.0),
    "10": ("demand", "REQUEST", -5.0),
    "11": ("disapprove", "ACCUSE", -2.0),
    "12": ("reject", "REJECT", -4.0),
    "13": ("threaten", "THREATEN", -6.0),
    "14": ("protest", "PROTEST", -6.5),
    "15": ("exhibit force posture", "MOBILIZE", -7.2),
    "16": ("reduce relations", "SANCTION", -4.0),
    "17": ("coerce", "COERCE", -7.0),
    "18": ("assault", "ASSAULT", -9.0),
    "19": ("fight", "ASSAULT", -10.0),
    "20": ("use unconventional mass violence", "ASSAULT", -10.0),
}

#: sub-codes whose PLOVER type differs from their root's
_PLOVER_OVERRIDES = {"057": "AGREE", "087": "RETREAT", "086": "RETREAT", "163": "SANCTION", "100": "REQUEST"}

#: verb lemma -> CAMEO code
VERBS: dict[str, str] = {
    # 02 appeal
    "urge": "020", "appeal": "020", "plead": "020", "implore": "020", "request": "020", "invite": "020",
    # 03 intent to cooperate
    "pledge": "030", "promise": "030", "vow": "030", "offer": "030", "agree": "030", "propose": "030",
    "commit": "030",
    # 04 consult
    "meet": "040", "talk": "040", "discuss": "040", "consult": "040", "confer": "040", "phone": "040",
    "telephone": "040", "speak": "040", "call": "040", "visit": "042", "tour": "042", "travel": "042",
    "arrive": "042",
    "host": "043", "receive": "043", "welcome": "043", "negotiate": "046", "mediate": "045",
    # 05 diplomatic cooperation
    "praise": "051", "hail": "051", "endorse": "051", "commend": "051", "laud": "051", "thank": "051",
    "congratulate": "051", "back": "051", "defend": "052", "apologize": "055", "apologise": "055",
    "forgive": "056", "recognize": "054", "recognise": "054", "sign": "057", "ratify": "057",
    "normalize": "050", "normalise": "050", "reconcile": "050", "embrace": "050", "court": "050",
    # 06 material cooperation
    "cooperate": "060", "collaborate": "060", "partner": "060", "trade": "061",
    # 07 aid
    "aid": "070", "assist": "070", "help": "070", "donate": "071", "fund": "071", "rescue": "074",
    # 08 yield
    "release": "084", "free": "084", "ease": "081", "lift": "081", "concede": "080", "yield": "080",
    "withdraw": "087", "retreat": "087", "relent": "080", "pardon": "084",
    # 09 investigate
    "investigate": "090", "probe": "090", "inspect": "090",
    # 10 demand
    "demand": "100", "insist": "100",
    # 11 disapprove
    "criticize": "111", "criticise": "111", "condemn": "111", "denounce": "111", "slam": "111",
    "rebuke": "111", "blast": "111", "decry": "111", "oppose": "110", "complain": "111", "object": "111",
    "accuse": "112", "blame": "112", "allege": "112", "sue": "115", "warn": "111", "chide": "111",
    # 12 reject
    "reject": "120", "refuse": "120", "rebuff": "120", "veto": "129", "snub": "120", "dismiss": "120",
    # 13 threaten
    "threaten": "130",
    # 14 protest
    "protest": "140", "demonstrate": "141", "rally": "141", "boycott": "143",
    # 15 force posture
    "mobilize": "150", "mobilise": "150", "deploy": "152",
    # 16 reduce relations
    "sanction": "163", "embargo": "163", "expel": "164", "suspend": "160", "downgrade": "161",
    "sever": "161",
    # 17 coerce
    "arrest": "173", "detain": "173", "jail": "173", "imprison": "173", "seize": "171",
    "confiscate": "171", "deport": "174", "coerce": "170", "repress": "170", "ban": "172",
    # 18 assault
    "attack": "180", "assault": "180", "kidnap": "181", "abduct": "181", "torture": "182",
    "assassinate": "186", "kill": "180", "wound": "180", "stab": "180", "shoot": "180",
    # 19 fight
    "fight": "190", "invade": "192", "occupy": "192", "shell": "194", "bomb": "195", "clash": "190",
    "battle": "190", "strike": "190",
    # 20 mass violence
    "massacre": "202",
}  # fmt: skip

#: event noun lemma -> CAMEO code
NOUNS: dict[str, str] = {
    "appeal": "020", "plea": "020", "invitation": "020", "pledge": "030", "promise": "030",
    "offer": "030", "proposal": "030", "meeting": "040", "talk": "040", "call": "040",
    "conversation": "040", "summit": "040", "consultation": "040", "visit": "042", "trip": "042",
    "negotiation": "046", "mediation": "045", "praise": "051", "apology": "055", "agreement": "057",
    "deal": "057", "accord": "057", "treaty": "057", "pact": "057", "partnership": "057",
    "alliance": "057", "rapprochement": "050", "cooperation": "060", "aid": "070",
    "assistance": "070", "donation": "071", "release": "084", "withdrawal": "087",
    "investigation": "090", "probe": "090", "demand": "100", "criticism": "111",
    "condemnation": "111", "accusation": "112", "lawsuit": "115", "rejection": "120",
    "veto": "129", "threat": "130", "ultimatum": "137", "protest": "140", "boycott": "143",
    "deployment": "152", "tariff": "163", "sanction": "163", "embargo": "163", "levy": "163",
    "duty": "163", "expulsion": "164", "arrest": "173", "detention": "173", "seizure": "171",
    "deportation": "174", "ban": "172", "attack": "180", "assault": "180", "kidnapping": "181",
    "assassination": "186", "invasion": "192", "airstrike": "195", "offensive": "190",
    "bombing": "195", "massacre": "202",
}  # fmt: skip

#: verbs whose object noun is the event ("hold talks", "impose tariffs", "pay a visit")
LIGHT_VERBS = frozenset(
    {"hold", "have", "make", "pay", "impose", "slap", "levy", "announce", "reach", "sign", "conclude",
     "launch", "carry", "issue", "extend", "conduct", "place", "hit", "raise", "level", "lodge", "file",
     "take", "give", "host", "seal", "strike", "forge", "declare", "put", "apply", "introduce", "threaten"}
)  # fmt: skip

#: reporting verbs: what their clause says is attributed to a speaker
SAY_VERBS = frozenset(
    {"say", "tell", "state", "claim", "write", "add", "note", "declare", "announce", "report",
     "assert", "argue", "stress", "insist", "explain", "suggest", "confirm", "reveal", "describe"}
)  # fmt: skip
#: verbs and words that put the event in the future or in someone's plans
EXPECT_WORDS = frozenset(
    {"expect", "plan", "upcoming", "schedule", "will", "hope", "seek", "aim", "intend", "prepare",
     "want", "try", "set", "due", "poised", "likely"}
)  # fmt: skip
#: words that make the event hypothetical
HYPOTHETICAL_WORDS = frozenset({"could", "might", "may", "would", "should", "if", "unless", "whether"})
DENY_VERBS = frozenset({"deny", "dispute", "refute", "rebut"})
NEGATIONS = frozenset({"not", "n't", "never", "no", "without"})

#: the mode an event word itself carries ("urge" is always an appeal, "agree" a commitment)
_MODE_OF_CODE: dict[str, Mode] = {"02": "urged", "10": "urged", "03": "agreed"}


def root_of(code: str) -> str:
    """The two-digit CAMEO root of a code ("042" -> "04", "1831" -> "18")."""
    return code[:2]


def plover(code: str) -> str:
    """The PLOVER type of a CAMEO code."""
    return _PLOVER_OVERRIDES.get(code, ROOTS[root_of(code)][1])


def goldstein(code: str) -> float:
    """The cooperation–conflict score (Goldstein scale) of a CAMEO code's root."""
    return ROOTS[root_of(code)][2]


def mode_of(code: str, lemma: str) -> Mode | None:
    """The mode an event word implies by itself, or None (the context then decides)."""
    if lemma in {"sign", "agreement", "deal", "accord", "treaty", "pact"}:
        return "agreed"
    return _MODE_OF_CODE.get(root_of(code))


def _inflect_verb(lemma: str) -> set[str]:
    forms = {lemma, lemma + "s", lemma + "ed", lemma + "ing", lemma + "d", lemma + "es"}
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


_IRREGULAR = {
    "meet": {"met"}, "speak": {"spoke", "spoken"}, "hold": {"held"}, "seek": {"sought"},
    "fight": {"fought"}, "strike": {"struck"}, "shoot": {"shot"}, "sign": set(), "take": {"took", "taken"},
    "give": {"gave", "given"}, "make": {"made"}, "pay": {"paid"}, "tell": {"told"}, "say": {"said"},
    "have": {"had", "has"}, "put": set(), "hit": set(), "forge": set(), "withdraw": {"withdrew", "withdrawn"},
    "forgive": {"forgave", "forgiven"}, "free": {"freed"}, "shell": {"shelled", "shelling"},
    "slam": {"slammed"}, "back": {"backed"}, "lead": {"led"},
}  # fmt: skip


def surface_forms() -> frozenset[str]:
    """Every inflected form of the event words: a cheap test of whether a sentence is worth parsing."""
    out: set[str] = set()
    for lemma in VERBS:
        out |= _inflect_verb(lemma) | _IRREGULAR.get(lemma, set())
    for lemma in NOUNS:
        out |= {lemma, lemma + "s", lemma + "es", lemma[:-1] + "ies" if lemma.endswith("y") else lemma}
    return frozenset(out)
