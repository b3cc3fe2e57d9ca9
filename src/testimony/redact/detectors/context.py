"""Names and places that NER misses in speech, found by the words around them.

"my husband Yerlan", "her sister-in-law Asel", "a man called Serik", "his name
is Bauyrzhan", "Major Abdrakhmanov", "Saule apa", "A. Demetriades",
"Zhanar Omarovna", vocatives in quoted speech ("Dinara, you are a mother"),
possessives before a relation ("Gaukhar's mother-in-law"), "Kaskasu village",
"school No. 48". Candidates that are ordinary words are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from testimony.redact.common import zipf
from testimony.redact.detectors.base import Detection, folded
from testimony.redact.detectors.names import NameLexicon, lexicon

UPPER = "A-ZА-ЯЁÀ-ÖØ-ÞĀ-Ž"
LOWER = "a-zа-яёß-öø-ÿā-ž"
WORD = rf"[{UPPER}][{LOWER}][{LOWER}'’]*(?:-[{UPPER}]?[{LOWER}'’]+)*"
NAME = rf"{WORD}(?:\s+{WORD}){{0,2}}"
LOWER_WORD = rf"[{LOWER}]{{3,}}"

RELATIONS = (
    r"husband|wife|ex-husband|ex-wife|ex|partner|boyfriend|girlfriend|fianc[ée]e?|son|daughter|"
    r"brother|sister|mother|father|mum|mom|dad|mama|papa|mother-in-law|father-in-law|"
    r"sister-in-law|brother-in-law|daughter-in-law|son-in-law|aunt|auntie|uncle|cousin|nephew|"
    r"niece|grandmother|grandfather|granny|grandma|grandpa|grandson|granddaughter|neighbou?r|"
    r"friend|colleague|classmate|boss|director|manager|lawyer|advocate|attorney|inspector|"
    r"officer|policeman|policewoman|investigator|prosecutor|judge|doctor|nurse|teacher|"
    r"psychologist|social worker|driver|landlord|landlady|child|baby|kelin|abysyn|kudagi|"
    r"relative|stepfather|stepmother|stepson|stepdaughter|twin|co-worker|client|roommate"
)
TITLES = (
    r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Judge|Major|Captain|Capt|Lieutenant|Lt|Colonel|Col|Sergeant|"
    r"Sgt|Inspector|Officer|Investigator|Prosecutor|Advocate|Lawyer|Doctor|Nurse|Aunt|Uncle|"
    r"Apa|Aga|Agai|Apai|Ata|Tate|Baba|Imam|Mullah|Akim|General|Senior Lieutenant|Private"
)
HONORIFICS_AFTER = r"apa|apai|aga|agai|ata|aje|tate|khanum|hanum|bey|bek|jan|zhan|hanim|eje"
NAMING = (
    r"called|named|name\s+is|name\s+was|name's|names\s+are|names\s+were|nicknamed|"
    r"known\s+as|surname\s+is|surname\s+was|goes\s+by|introduced\s+himself\s+as|"
    r"introduced\s+herself\s+as|call\s+her|call\s+him|called\s+her|called\s+him|"
    r"whose\s+name\s+is|whose\s+name\s+was|calls\s+him|calls\s+her|call\s+me|calls\s+me|"
    r"called\s+me"
)
FILLER = r"(?:(?:uh|um|er|erm|like)[,\s]+)?"
PLACE_AFTER = r"village|aul|settlement|town|city|district|region|oblast|raion|rayon|province"
PLACE_BEFORE = r"village|aul|settlement|town|city|district|region|oblast"
NUMBERED_PLACE = (
    r"school|lyceum|gymnasium|hospital|polyclinic|clinic|kindergarten|maternity\s+hospital|"
    r"police\s+station|police\s+point|precinct|department|court|college|boarding\s+school|"
    r"prison|colony|detention\s+centre|detention\s+center|penal\s+colony|unit|branch|office"
)

RELATION_NAME = re.compile(
    rf"\b(?i:{RELATIONS})\b[,]?\s+(?:(?P<name>{NAME})|(?P<low>{LOWER_WORD})\b)"
)
NAMING_NAME = re.compile(
    rf"\b(?i:{NAMING})\s+(?:(?:was|is)\s+)?{FILLER}[\"«“]?"
    rf"(?:(?P<name>{NAME})|(?P<low>{LOWER_WORD})\b)"
)
# After a title a name may be long: "Mr Mehmet Acar Serdar Çakmak".
HONORIFIC_TITLE = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b")
TITLE_NAME = re.compile(rf"\b(?:{TITLES})\.?\s+(?P<name>{WORD}(?:\s+{WORD}){{0,3}})")
NAME_HONORIFIC = re.compile(rf"\b(?P<name>{WORD})\s+(?i:{HONORIFICS_AFTER})\b")
HONORIFIC_HINT = re.compile(rf"\s(?:{HONORIFICS_AFTER})\b")  # in the folded text
_NAMING_WORD = re.compile(NAMING)  # in the folded text
# "A.", "C.-H.", and the two letters transliteration gives one Cyrillic letter: "Zh.", "Ye."
INITIAL = rf"(?:Dzh|Zh|Sh|Ch|Kh|Ts|Ye|Yu|Ya|Yo|[{UPPER}])\.(?:-[{UPPER}]\.)?"
INITIALS_BEFORE = re.compile(rf"(?<![\w.])(?P<name>(?:{INITIAL}\s?){{1,3}}{WORD})")
INITIALS_AFTER = re.compile(
    rf"\b(?!(?:{TITLES})\b)(?P<name>{WORD}\s+(?:{INITIAL}\s?){{1,2}})(?=[\s,;:)]|$)"
)
INITIAL_HINT = re.compile(rf"\s(?:Dzh|Zh|Sh|Ch|Kh|Ts|Ye|Yu|Ya|Yo|[{UPPER}])\.")
VOCATIVE = re.compile(
    rf"[\"«“„]\s*(?P<name>{NAME})\s*[,!]"
    rf"|,\s*(?P<name2>{NAME})\s*[!?.]?\s*[\"»”]"
)
POSSESSIVE = re.compile(rf"\b(?P<name>{NAME})['’]s\s+(?i:{RELATIONS})\b")
PATRONYMIC_ENDING = (
    r"(?:ovna|evna|ovich|evich|ichna|yevna|yevich|ievna|ievich|ovych|ivna|uly|kyzy|qyzy)"
)
PATRONYMIC = re.compile(
    rf"\b(?P<name>{WORD}\s+[{UPPER}][{LOWER}]+{PATRONYMIC_ENDING}(?:\s+{WORD})?)\b"
)
PLACE_NAME_AFTER = re.compile(rf"\b(?P<name>{NAME})\s+(?i:{PLACE_AFTER})\b")
PLACE_NAME_BEFORE = re.compile(rf"\b(?i:{PLACE_BEFORE})\s+(?:of\s+)?(?P<name>{NAME})")
NUMBER_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
NUMBER_WORDS = (
    rf"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:{NUMBER_WORDS}))?|"
    rf"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|{NUMBER_WORDS}"
)
# "City Clinical Hospital No. 7": the capitalised words before belong to the name.
NAMED_BEFORE = rf"(?:(?!The\b|In\b|At\b|To\b|From\b)[{UPPER}][{LOWER}]+\s+){{0,3}}"
NUMBERED = re.compile(
    rf"(?<![\w-]){NAMED_BEFORE}(?i:{NUMBERED_PLACE}|courtroom|room|ward|cell|block|barracks|"
    rf"route|bus|tram|trolleybus|minibus|marshrutka)\s+"
    rf"(?:(?:(?i:No\.?|number|nr\.?|#|№)\s*)?\d+[A-Za-z]?\b"
    rf"|(?i:number\s+(?:{NUMBER_WORDS}))(?![\w-]))"
)
# A half of a city split by a river: "we live on the left bank".
CITY_BANK = re.compile(r"\b(?i:on|at|to|from|in)\s+the\s+(?P<name>(?i:left|right)\s+bank)\b")
# "the regional hospital", "the specialised inter-district administrative court", "the city
# police department": in a small town, each names one building and the people in it.
DESCRIBED_PLACE = re.compile(
    r"\b(?i:(?:city|regional|district|oblast|specialised|specialized|inter-?district|"
    r"administrative|central|perinatal|maternity|rural|village|municipal)\s+"
    r"(?:[a-z-]+\s+){0,2}"
    r"(?:hospital|court|police\s+(?:department|station)|polyclinic|clinic|uvd|rovd|dvd|"
    r"prosecutor's\s+office|akimat|perinatal\s+centre|maternity\s+(?:hospital|ward)|"
    r"children's\s+home|orphanage|registry\s+office))\b"
    r"|\b(?i:perinatal|maternity)\s+(?i:centre|center|hospital)\b"
)
ORG_NOUNS = (
    r"salon|supermarket|shop|store|market|café|cafe|restaurant|canteen|centre|center|company|"
    r"firm|shelter|society|club|boutique|bar|hotel|mine|factory|plant|workshop|bazaar|"
    r"pharmacy|kindergarten|school|lyceum|gymnasium|college|university|clinic|fund|ngo|"
    r"organisation|organization|association|cooperative|farm|brigade|taxi|bank"
)
QUOTED_NAME = re.compile(
    rf"[\"«“](?P<name>[{UPPER}][\w'’.-]*"
    rf"(?:\s+(?:[{UPPER}\d][\w'’.-]*|(?:na|de|la|le|du|di|da|del|of|the|and|i|va|u|y)(?=\s)))"
    rf"{{0,3}})[\"»”]"
)
ORG_NOUN_BEFORE = re.compile(rf"(?i:\b(?:{ORG_NOUNS})\b)[^.!?]{{0,40}}$")
# '"Gornyak" dacha society', '"Yesil Audit" LLP': the kind of body after its quoted name.
ORG_NOUN_AFTER = re.compile(
    rf"\s+(?:(?i:(?:dacha|garden|housing)\s+(?:society|cooperative)|{ORG_NOUNS}|cooperative|"
    r"partnership|society)\b|(?:LLP|LLC|JSC|Ltd|GmbH|TOO|IP|AO|OJSC|CJSC)\b)"
)
NAMED_ORG = re.compile(
    rf"\b(?:Crisis\s+Cent(?:re|er)|Shelter|Public\s+Fund|Foundation|Fund|NGO)"
    rf"\s+(?P<name>{WORD}(?:\s+{WORD})?)"
)


def _ordinary(word: str, lex: NameLexicon) -> bool:
    if re.fullmatch(rf"[{UPPER}]\.?", word):
        return False  # an initial
    key = word.casefold().strip("'’")
    if key in STOP_WORDS:
        return True
    if key not in lex.common_words or lex.is_safe_name(word):
        return False
    return not _name_also_a_word(word, lex)


# Listed names that are words only in Kazakh or Russian, or rare English ones: Roza
# ('rose'), Bakhyt ('happiness'), Aigul, Nur ('light'), Mira, Dana. Capitalised in an
# English sentence, or after "my sister", they are names; "Hope", "Will" and "Mark"
# are not, and places (Talgar, Zhambyl) are the gazetteer's.
NOT_PERSONS = {"nauryz", "rakhmet"}  # a holiday, "thank you"


def _name_also_a_word(word: str, lex: NameLexicon) -> bool:
    key = word.casefold().strip("'’")
    if key not in lex.common_words:
        return False
    from testimony.redact.detectors.places import is_listed_place
    from testimony.redact.detectors.public import country_words

    return (
        lex.is_name(key)
        and zipf(key) < 4.0
        and key not in NOT_PERSONS
        and key not in country_words()
        and not is_listed_place(key, ambiguous=False)
    )


def _trim_name(
    text: str, start: int, end: int, lex: NameLexicon, after_honorific: bool = False
) -> tuple[int, int] | None:
    """Keep the run of name-like words: drop ordinary words from either end (only
    function words right after an honorific)."""
    words = list(re.finditer(r"\S+", text[start:end]))

    def ordinary(word: str) -> bool:
        if after_honorific:
            return word.casefold() in STOP_WORDS
        return _ordinary(word, lex)

    while words and ordinary(words[-1].group().strip(",.;:!?\"'»”")):
        words.pop()
    while words and ordinary(words[0].group().strip(",.;:!?\"'«“")):
        words.pop(0)
    if not words:
        return None
    first, last = words[0], words[-1]
    end_trim = len(last.group()) - len(last.group().rstrip(",.;:!?\"'»”’"))
    return start + first.start(), start + last.end() - end_trim


def _english_word(candidate: str, lex: NameLexicon) -> bool:
    """'Assembly' after 'General', 'Staff' after 'Major': one common word, not a name."""
    return " " not in candidate and zipf(candidate) >= 4.0 and not lex.is_name(candidate)


def _lower_name(word: str, lex: NameLexicon) -> bool:
    """A lowercase word taken for a name (automatic transcripts): listed, and rare in English."""
    return lex.is_safe_name(word) and word.casefold() not in STOP_WORDS and zipf(word) < 3.0


def find_names_in_context(text: str, lex: NameLexicon | None = None) -> Iterator[Detection]:
    """PERSON candidates from relation words, naming verbs, titles, initials, vocatives."""
    lex = lex or lexicon()
    for pattern, score in ((RELATION_NAME, 0.9), (NAMING_NAME, 0.9)):
        if pattern is NAMING_NAME and not _NAMING_WORD.search(folded(text)):
            continue  # no naming word: the pattern cannot match (see base.folded)
        for match in pattern.finditer(text):
            if match.group("name"):
                span = _trim_name(text, match.start("name"), match.end("name"), lex)
                if span and not re.fullmatch(rf"(?i:{RELATIONS})", text[span[0] : span[1]]):
                    yield Detection(*span, "PERSON", "context", score)
            elif (low := match.group("low")) and (
                _lower_name(low, lex)
                or _name_also_a_word(low, lex)
                or (pattern is NAMING_NAME and low not in STOP_WORDS and zipf(low) < 2.0)
            ):
                yield Detection(match.start("low"), match.end("low"), "PERSON", "context", 0.8)
    patterns = [TITLE_NAME, POSSESSIVE]
    if HONORIFIC_HINT.search(folded(text)):
        patterns.append(NAME_HONORIFIC)
    if INITIAL_HINT.search(text) or INITIALS_BEFORE.search(text):
        patterns += [INITIALS_BEFORE, INITIALS_AFTER]
    for pattern in patterns:
        for match in pattern.finditer(text):
            # After "Mr" or "Ms" even "Smith" or "Baker" is a surname.
            honorific = pattern is TITLE_NAME and HONORIFIC_TITLE.match(match.group())
            span = _trim_name(text, match.start("name"), match.end("name"), lex, bool(honorific))
            if span and (honorific or not _english_word(text[span[0] : span[1]], lex)):
                yield Detection(*span, "PERSON", "context", 0.9)
    for match in VOCATIVE.finditer(text):
        group = "name" if match.group("name") else "name2"
        span = _trim_name(text, match.start(group), match.end(group), lex)
        if span and _plausible_name(text[span[0] : span[1]], lex):
            yield Detection(*span, "PERSON", "context", 0.8)
    for match in PATRONYMIC.finditer(text):
        words = match.group("name").split()
        if any(lex.looks_like_patronymic(w) for w in words[1:]) and not _ordinary(words[0], lex):
            yield Detection(match.start("name"), match.end("name"), "PERSON", "context", 0.9)


def _plausible_name(candidate: str, lex: NameLexicon) -> bool:
    """A vocative is a name if a list knows it or it is shaped like a surname."""
    words = candidate.split()
    return any(lex.is_name(w) or lex.looks_like_surname(w) for w in words)


def find_names_in_lists(text: str, lex: NameLexicon | None = None) -> Iterator[Detection]:
    """Capitalised (or ALL-CAPS) words the name lists know and that are not ordinary words,
    with a following surname or patronymic; lowercase ones only if long and list-only."""
    lex = lex or lexicon()
    if not lex.given:
        return
    for match in LISTED_WORD.finditer(text):
        word = match.group()
        if word.casefold() in STOP_WORDS:
            continue
        lowercase = word.islower()
        if lowercase and not _lower_name(word, lex):
            continue
        safe = lex.is_safe_name(word)
        if not safe and (lowercase or not _name_also_a_word(word, lex)):
            continue
        follow = FOLLOWING_WORD.match(text, match.end())
        surname = bool(
            follow
            and not lowercase
            and (
                lex.looks_like_surname(follow.group(1))
                or lex.looks_like_patronymic(follow.group(1))
            )
        )
        if not safe and (
            not (surname or not _starts_sentence(text, match.start()))
            or _said_of_a_place(text, match.start(), word)
        ):
            continue
        end = follow.end() if follow and surname else match.end()
        yield Detection(match.start(), end, "PERSON", "name-list", 0.6 if lowercase else 0.75)


LISTED_WORD = re.compile(rf"\b[{UPPER}][{UPPER}{LOWER}'’-]+\b|\b[{LOWER}]{{5,}}\b")
FOLLOWING_WORD = re.compile(rf"\s+({WORD})")
SENTENCE_END = re.compile(r"(?:^|[.!?:;\n]|\.\.\.)[\s\"'«“„(\[—–-]*$")


def _said_of_a_place(text: str, start: int, word: str) -> bool:
    """'in Mira', 'from Oral': a name the gazetteer also knows, after a word of place."""
    from testimony.redact.detectors.places import PLACE_CONTEXT, is_listed_place

    return is_listed_place(word) and bool(PLACE_CONTEXT.search(text[max(0, start - 20) : start]))


def _starts_sentence(text: str, start: int) -> bool:
    return bool(SENTENCE_END.search(text[max(0, start - 12) : start]))


SURNAME_SHAPE = re.compile(
    rf"\b[{UPPER}][{LOWER}]+(?:ov|ova|ev|eva|yev|yeva|enko|uly|kyzy|bayev|bayeva|bekov|bekova)\b"
)


def find_surname_shapes(text: str) -> Iterator[Detection]:
    """'Dzhanuzakov.', 'Kassymova said': a capitalised word shaped like a Central Asian or
    Slavic surname and unknown to English is a person, even alone."""
    for match in SURNAME_SHAPE.finditer(text):
        word = match.group()
        if len(word) >= 6 and zipf(word) < 2.0:
            yield Detection(match.start(), match.end(), "PERSON", "name-list", 0.6)


ORG_HEADS = (
    r"Court|Courts|Tribunal|Prison|Penitentiary|Colony|Hospital|Clinic|Polyclinic|University|"
    r"School|Lyceum|College|Institute|Academy|Office|Department|Directorate|Police|Chamber|"
    r"Party|Association|Union|Council|Committee|Fund|Foundation|Centre|Center|Shelter|Bank|"
    r"Company|Factory|Plant|Mine|Market|Bazaar|Akimat|Prosecutor's Office|Bar"
)
CAPITALISED = rf"[{UPPER}][\w'’.-]*"
ORG_HEAD_HINT = re.compile(rf"\s(?:{ORG_HEADS})\b")
ORG_NAME = re.compile(
    rf"\b(?P<name>(?:{CAPITALISED}\s+){{1,5}}(?:{ORG_HEADS})"
    rf"(?:\s+(?:of|for)\s+(?:the\s+)?{CAPITALISED}(?:\s+{CAPITALISED}){{0,3}})?)"
    rf"(?:\s+\((?P<gloss>[^()\n]{{1,80}})\))?"
)


def find_named_institutions(text: str, lex: NameLexicon | None = None) -> Iterator[Detection]:
    """'Brandenburg Regional Labour Court', 'Tekirdağ F-Type Prison (Amtsgericht)': an
    institution named after its place. Ones named only with generic and national words
    ('the Supreme Court') name no place and are left to the other detectors."""
    from testimony.redact.detectors.public import generic_words

    if not ORG_HEAD_HINT.search(text):
        return
    generic = generic_words()
    for match in ORG_NAME.finditer(text):
        words = [w.casefold().strip("'’.") for w in re.findall(r"[\w'’.-]+", match.group("name"))]
        proper = [
            w
            for w in words
            if w not in generic
            and w not in {"of", "for", "the"}
            and w not in ORG_WORDS
            and zipf(w) < 4.5
        ]
        if proper:
            yield Detection(match.start(), match.end(), "ORG", "context", 0.7)


ORG_WORDS = {h.casefold() for h in ORG_HEADS.split("|")} | {
    "regional",
    "district",
    "city",
    "labour",
    "labor",
    "assize",
    "criminal",
    "civil",
    "appeal",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "instance",
    "specialised",
    "specialized",
    "inter-district",
    "interdistrict",
    "juvenile",
    "family",
    "military",
    "high",
    "state",
    "security",
    "heavy",
    "penal",
    "f-type",
    "e-type",
}


def _all_common(words: str) -> bool:
    """'District Court', 'Region Police': every word an ordinary English one, so no name."""
    return all(zipf(w) >= 4.0 for w in re.findall(r"[\w'’]+", words))


def find_places_in_context(text: str, lex: NameLexicon | None = None) -> Iterator[Detection]:
    """'Kaskasu village', 'the village of Zhanatalap', 'school No. 48'."""
    lex = lex or lexicon()
    for pattern in (PLACE_NAME_AFTER, PLACE_NAME_BEFORE):
        for match in pattern.finditer(text):
            span = _trim_name(text, match.start("name"), match.end("name"), lex)
            if span and not _all_common(text[span[0] : span[1]]):
                yield Detection(*span, "GPE", "context", 0.8)
    for match in NUMBERED.finditer(text):
        yield Detection(match.start(), match.end(), "FAC", "context", 0.9)
    for match in CITY_BANK.finditer(text):
        yield Detection(match.start("name"), match.end("name"), "LOC", "context", 0.6)
    for match in DESCRIBED_PLACE.finditer(text):
        yield Detection(match.start(), match.end(), "FAC", "context", 0.6)
    for match in NAMED_ORG.finditer(text):
        span = _trim_name(text, match.start("name"), match.end("name"), lex)
        if span:
            yield Detection(match.start(), span[1], "ORG", "context", 0.8)
    for match in QUOTED_NAME.finditer(text):
        name = match.group("name")
        if " " not in name and zipf(name) >= 4.5:
            continue  # 'He said "Stop"'
        if ORG_NOUN_BEFORE.search(
            text[max(0, match.start() - 60) : match.start()]
        ) or ORG_NOUN_AFTER.match(text, match.end()):
            yield Detection(match.start("name"), match.end("name"), "ORG", "context", 0.7)
