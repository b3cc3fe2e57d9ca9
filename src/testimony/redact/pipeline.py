"""The redaction pipeline: every detector over a batch of texts, then propagation.

It proposes spans; linking and pseudonyms are the resolver's job. spaCy runs
once per batch through `nlp.pipe`; the other detectors are pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from testimony.ingest.labels import is_role_word
from testimony.redact.common import DROP_AT, is_common, zipf
from testimony.redact.detectors.addresses import find_addresses
from testimony.redact.detectors.ages import find_record_ages
from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.contact import find_emails, find_links, find_phones
from testimony.redact.detectors.context import (
    TITLES,
    find_named_institutions,
    find_names_in_context,
    find_names_in_lists,
    find_places_in_context,
    find_surname_shapes,
)
from testimony.redact.detectors.dates import find_ages, find_dates
from testimony.redact.detectors.extents import widened
from testimony.redact.detectors.name_forms import find_name_forms
from testimony.redact.detectors.names import lexicon
from testimony.redact.detectors.numbers import find_numbers
from testimony.redact.detectors.places import find_places, is_listed_place
from testimony.redact.detectors.public import country_words, is_public_body
from testimony.redact.detectors.quantities import find_occupations, find_quantities
from testimony.redact.detectors.spoken import find_spoken_numbers
from testimony.redact.detectors.workplaces import find_workplaces
from testimony.redact.forms import is_name_word
from testimony.redact.known import KnownForms, Token, tokenize
from testimony.redact.nlp import load_nlp
from testimony.redact.variants import VariantIndex, find_variants
from testimony.settings import DEFAULT_LABELS

__all__ = ["DEFAULT_LABELS", "Detection", "RedactionPipeline"]

NER_LABELS = {"PERSON", "GPE", "LOC", "FAC", "ORG", "NORP", "DATE"}
# Longer spans win an overlap; at equal length, the more certain detector.
DETECTOR_RANK = {
    "money": 3,
    "percent": 3,
    "occupation": 2,
    "gazetteer": 1.2,
    "term": 3,
    "iin": 6,
    "card": 5,
    "iban": 5,
    "email": 5,
    "url": 5,
    "phone": 4,
    "document": 4,
    "case-number": 4,
    "property": 4,
    "plate": 4,
    "handle": 4,
    "address": 4,
    "date": 3,
    "year": 3,
    "age": 3,
    "field": 3,
    "list": 3,
    "context": 2,
    "known": 1.5,
    "name-list": 1,
    "ner": 0,
    "digits": 0,
}
PROPAGATING = {"ner", "context", "name-list", "gazetteer"}
LEARNING_ORDER = {"context": 0, "name-list": 1, "ner": 2}
VARIANT_LABELS = {"PERSON", "GPE", "LOC", "ORG", "FAC"}
# Types whose one-word NER guesses are often ordinary words ("Date" as ORG, "God" as PERSON);
# place names and nationalities are common words more rarely, and are spread as found.
WORDLIKE_LABELS = {"PERSON", "ORG", "FAC"}
BATCH_SIZE = 256


class RedactionPipeline:
    """Detects identifiers in batches of texts; forms it is told about are found everywhere."""

    def __init__(
        self,
        labels: Iterable[str] = DEFAULT_LABELS,
        deny_list: Iterable[str] = (),
        allow_list: Iterable[str] = (),
        use_ner: bool = True,
    ) -> None:
        self.use_ner = use_ner
        self.labels = set(labels)
        self.deny_list, self.allow_list = tuple(deny_list), tuple(allow_list)
        self.lexicon = lexicon()
        self.allow = KnownForms()
        for entry in self.allow_list:
            self.allow.add(entry, "ALLOW")
        self.known = KnownForms()
        for entry in self.deny_list:
            self.known.add(entry, "MISC", detector="list")

    @property
    def nlp(self):  # noqa: ANN201
        """The spaCy model, loaded on first use: a parent whose workers detect never needs it."""
        return load_nlp() if self.use_ner else None

    def add_known(self, surface: str, label: str, detector: str = "known") -> None:
        """Find this identifier wherever it occurs from now on (case-insensitively)."""
        if surface not in self.allow and not is_role_word(surface.strip()):
            self.known.add(surface, label, detector)

    def find_each(
        self,
        texts: Sequence[str],
        separate: bool = False,
        previous: str = "",
        tokenized: list[list[Token]] | None = None,
    ) -> list[list[Detection]]:
        """What every detector finds in each text on its own, before propagation.

        It depends only on the constructor's arguments, never on forms learnt since,
        so worker processes can run it (redact.parallel). previous is the text
        before texts[0] in its batch; tokenized, each text's tokens if already cut.
        """
        nlp = self.nlp
        docs = nlp.pipe(texts, batch_size=BATCH_SIZE) if nlp else [None] * len(texts)
        tokenized = tokenized or [tokenize(text) for text in texts]
        found = []
        for text, doc, tokens in zip(texts, docs, tokenized, strict=True):
            spans = self._detect_one(text, doc, "" if separate else previous, tokens)
            found.append([d for d in spans if d.label in self.labels])
            previous = text
        return found

    def detect(
        self,
        texts: Sequence[str],
        remember: bool = True,
        separate: bool = False,
        found: list[list[Detection]] | None = None,
    ) -> list[list[Detection]]:
        """Identifiers in each text, non-overlapping and in order.

        A batch is one file: what is found anywhere in it is found everywhere in
        it; only confident finds are remembered for later batches (unless
        remember is False). With separate, every text is its own document.
        found is find_each's result for texts when it was computed elsewhere.
        """
        tokenized = [tokenize(text) for text in texts]
        if found is None:
            found = self.find_each(texts, separate, tokenized=tokenized)
        scopes: list[KnownForms] = []
        local = KnownForms()
        for text, spans in zip(texts, found, strict=True):
            if separate:
                local = KnownForms()
            # Context and the name lists type a name better than NER does: they learn first.
            for span in sorted(spans, key=lambda d: LEARNING_ORDER.get(d.detector, 9)):
                if span.detector in PROPAGATING:
                    self._learn(text, span, local, remember)
            scopes.append(local)
        variants: dict[int, VariantIndex] = {}
        for text, spans, scope, tokens in zip(texts, found, scopes, tokenized, strict=True):
            for forms in (self.known, scope):
                spans += [
                    Detection(m.start, m.end, m.label, m.detector, 0.9)
                    for m in forms.find(text, tokens)
                    if m.label in self.labels or m.detector == "list"
                ]
            if "PERSON" in self.labels:
                if id(scope) not in variants:
                    variants[id(scope)] = self._variant_index(scope)
                covered = [(s.start, s.end) for s in spans]
                spans += find_variants(text, variants[id(scope)], covered, tokens)
        return [
            self._resolve(text, [_with_title(text, span) for span in spans])
            for text, spans in zip(texts, found, strict=True)
        ]

    def _variant_index(self, scope: KnownForms) -> VariantIndex:
        """Every one-word name known here and in the project, for misspellings."""
        index = VariantIndex()
        for forms in (scope, self.known):
            for words, (label, _detector) in forms.forms.items():
                if label in VARIANT_LABELS and len(words) == 1:
                    index.add(words[0], label)
        return index

    def _detect_one(self, text: str, doc, previous: str, tokens) -> list[Detection]:  # noqa: ANN001
        spans: list[Detection] = []
        if doc is not None:
            for ent in doc.ents:
                if ent.label_ in NER_LABELS:
                    span = _trimmed(text, ent.start_char, ent.end_char, ent.label_)
                    if span is not None:
                        spans.append(span)
        for finder in (
            find_emails,
            find_phones,
            find_links,
            find_numbers,
            find_dates,
            find_addresses,
            find_quantities,
            find_occupations,
        ):
            spans.extend(finder(text))
        spans.extend(find_places(text, tokens))
        spans.extend(find_spoken_numbers(text, tokens))
        spans.extend(find_ages(text, previous))
        spans.extend(find_record_ages(text, self.lexicon))
        spans.extend(find_names_in_context(text, self.lexicon))
        spans.extend(find_name_forms(text, self.lexicon, tokens))
        spans.extend(find_workplaces(text, self.lexicon))
        spans.extend(find_names_in_lists(text, self.lexicon))
        spans.extend(find_surname_shapes(text))
        spans.extend(find_named_institutions(text, self.lexicon))
        spans.extend(find_places_in_context(text, self.lexicon))
        return spans + [wide for span in spans if (wide := widened(text, span))]

    def _learn(self, text: str, span: Detection, local: KnownForms, remember: bool) -> None:
        """Spread a name or place: through this batch always, to later batches when confident."""
        if span.label not in {"PERSON", "GPE", "LOC", "FAC", "ORG", "NORP"}:
            return
        surface = text[span.start : span.end]
        if surface in self.allow or is_role_word(surface):
            return
        local.add(surface, span.label)  # one document, one decision: found everywhere in it
        wordlike = (
            span.label in WORDLIKE_LABELS
            and is_common(surface)
            and not self.lexicon.is_safe_name(surface)
        )  # "Date", "Stupid": a lone common word is not spread to other documents
        confident = not wordlike and (
            span.detector == "context" or (span.detector == "ner" and _propagates(text, span))
        )
        if confident and remember:
            self.add_known(surface, span.label)
        if span.label != "PERSON" or " " not in surface.strip():
            return
        for word in surface.split()[0 if confident else 1 :]:
            word = word.strip(".,'’")
            if word[:1].isupper() and is_name_word(word):
                local.add(word, "PERSON")
                if remember:
                    self.add_known(word, "PERSON")

    def _allowed(self, surface: str) -> bool:
        """Whether allowed forms make up the whole span (bar words like 'the', 'of'): an
        allowed 'Kazakhstan' keeps "the Kazakhstan" but not 'Sabyr Nurlanov's' neighbour."""
        matches = self.allow.find(surface)
        if not matches:
            return False
        return all(
            word in _GLUE or any(m.start <= start and end <= m.end for m in matches)
            for start, end, word in tokenize(surface)
        )

    def _resolve(self, text: str, spans: list[Detection]) -> list[Detection]:
        kept = [
            s
            for s in spans
            if s.end > s.start
            and not self._allowed(text[s.start : s.end])
            and not is_role_word(text[s.start : s.end])
        ]
        kept.sort(key=lambda s: (-(s.end - s.start), -DETECTOR_RANK.get(s.detector, 0), s.start))
        taken: list[Detection] = []
        for span in kept:
            overlapping = [t for t in taken if span.start < t.end and t.start < span.end]
            if not overlapping:
                taken.append(span)
            elif len(overlapping) == 1 and _same_kind(span, overlapping[0]):
                # "the City Clinical Hospital No." and "Hospital No. 7": one name, cut twice
                winner = overlapping[0]
                if span.start < winner.start or span.end > winner.end:
                    taken[taken.index(winner)] = Detection(
                        min(span.start, winner.start),
                        max(span.end, winner.end),
                        winner.label,
                        winner.detector,
                        winner.score,
                    )
        return sorted(taken, key=lambda s: s.start)


PLACE_KINDS = {"ORG", "FAC", "GPE", "LOC", "ADDRESS"}


def _same_kind(a: Detection, b: Detection) -> bool:
    """Two finds of one thing, cut differently: the same type, or both kinds of place."""
    return a.label == b.label or (a.label in PLACE_KINDS and b.label in PLACE_KINDS)


def _propagates(text: str, span: Detection) -> bool:
    """Whether an NER find is sure enough to be redacted in later files too.

    A lone capitalised word at the start of a sentence ("Stupid of me.", "Time
    limits...") is where the small model errs most; spreading such a guess would
    black out ordinary words across the project. Lowercase finds are not spread.
    """
    surface = text[span.start : span.end]
    if not surface[:1].isupper():
        return False
    if " " in surface.strip():
        return True
    before = text[: span.start].rstrip(" \t\"'«“(—-")
    return bool(before) and before[-1] not in ".!?:\n"


_GLUE = {"the", "of", "a", "an", "and", "s"}
_TITLE_BEFORE = re.compile(rf"\b(?:{TITLES})\.?\s+$")


def _with_title(text: str, span: Detection) -> Detection:
    """'Mr Jaroslaw Niedzwiecki', 'Major Abdrakhmanov': a title says gender and rank,
    which identify too, so it goes with the name."""
    if span.label != "PERSON":
        return span
    match = _TITLE_BEFORE.search(text, max(0, span.start - 30), span.start)
    if not match:
        return span
    return Detection(match.start(), span.end, span.label, span.detector, span.score)


_CODE_WORD = re.compile(r"^\S*\d\S*\s+|\s+\S*\d\S*$")


def _trimmed(text: str, start: int, end: int, label: str) -> Detection | None:
    """An NER span without the words it should not hold; None if nothing is left.

    The small model glues file codes and numbers to names ("int02 olga"), and
    sometimes a line break; a person's name has neither.
    """
    surface = text[start:end]
    start += len(surface) - len(surface.lstrip())
    end -= len(surface) - len(surface.rstrip())
    if label == "PERSON":
        surface = text[start:end]
        while (cut := _CODE_WORD.search(surface)) and cut.group().strip() != surface.strip():
            if cut.start() == 0:
                start += cut.end()
            else:
                end -= len(surface) - cut.start()
            surface = text[start:end]
    stripped = text[start:end].strip()
    if len(stripped) < 2 or not any(ch.isalpha() for ch in stripped):
        return None
    if label == "DATE" and not _SPECIFIC_DATE.search(stripped):
        return None  # "every day", "Friday", "two years": not a date that points anywhere
    if label in WORDLIKE_LABELS and is_common(stripped, DROP_AT if label == "PERSON" else 4.3):
        return None  # a lone very common word ("God", "Time", "FACTS") is not a name
    if label != "NORP" and _word_opening_a_line(text, start, stripped):
        return None  # "Client said", "CW:", "Background.": a heading or a label, not a name
    if label in NOT_PERSON and _given_name_not_place(stripped):
        label = "PERSON"  # "I'm Oksana." taken for a place: the name lists know better
    if label in {"GPE", "LOC"} and _lowercase_word(stripped):
        return None  # "court", "city": a lowercase common word is not a place name
    if label in {"ORG", "FAC", "GPE", "NORP"} and is_public_body(stripped):
        return None  # "the Turkish Government", "the Supreme Court" identify no one
    return Detection(start, end, label, "ner", 0.8)


NOT_PERSON = {"GPE", "LOC", "ORG", "FAC", "NORP"}
_OPENING = re.compile(r"(?:^|[.!?:;\n]|\.\.\.)[\s\"'«“„(\[—–-]*(?:\d{1,2}[.)]\s*)?$")


def _word_opening_a_line(text: str, start: int, word: str) -> bool:
    """A lone common English word first in its sentence, line or field ("Client came",
    "1. Caller name:", "NARRATOR:") that no list knows as a name or a place: where the
    small model takes headings, labels and ordinary nouns for names."""
    if " " in word or zipf(word) < 3.5 or not _OPENING.search(text[max(0, start - 16) : start]):
        return False
    return (
        not lexicon().is_name(word)
        and not is_listed_place(word)
        and word.casefold() not in country_words()
    )


def _lowercase_word(surface: str) -> bool:
    return surface.islower() and is_common(surface, DROP_AT) and surface not in country_words()


def _given_name_not_place(word: str) -> bool:
    if " " in word or not word[:1].isupper():
        return False
    return (
        lexicon().is_safe_name(word)
        and word.casefold() not in country_words()
        and not is_listed_place(word)
    )


_SPECIFIC_DATE = re.compile(
    r"\d|\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b|(?i:\bnauryz\b|\bnew year)"
)
